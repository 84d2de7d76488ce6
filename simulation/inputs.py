"""The twin's inputs: the lane, its demand model, and the validated plan of one run.

:class:`TwinLane` and :class:`TwinDemand` are what a caller hands to
:func:`simulation.simulate_policy` together with a :class:`domain.Policy`;
:func:`make_plan` checks every figure (a ``ValueError`` names the parameter)
and flattens them into the internal :class:`RunPlan` the kernel reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from domain import MASTER_DATA_FIELDS, POLICY_KINDS, LaneMasterData, Policy

LEAD_TIME_TAIL_SIGMAS = 6.0  # lead times are clipped at mean + 6 sd (probability ~1e-9)
DEFAULT_REPLICATIONS = 10_000
DEFAULT_DAYS = 365
# Simulate this many extra review periods beyond the longest lead time before
# measuring, so the empty starting pipeline has been flushed.
WARMUP_REVIEW_PERIODS = 1


@dataclass(frozen=True)
class TwinLane:
    """What the twin needs to know about a lane: lead time, handling capacity, money.

    Field names and units are those of :class:`domain.LaneMasterData`; unlike
    master data, the figures may describe a model lane (e.g. a day split into
    sub-steps with a lead time of several hundred steps, or unlimited capacity).

    Attributes
    ----------
    lead_time_mean, lead_time_std : float
        mu_L, sigma_L of the replenishment lead time [days]; each order draws
        its own lead time (rounded to whole days, >= 0), so orders may cross.
    internal_capacity : float or tuple of 7 floats
        C_max, internal handling capacity [units/day]; ``inf`` = unlimited; 7
        figures = Monday..Sunday (simulated day 0 is a Monday).
    partner_capacity : float
        What partners can take per day [units/day]; ``inf`` (default) means
        all overflow is absorbed the same day.
    return_rate : float
        Share of demand coming back as returns [fraction, 0..1); workload =
        demand x (1 + return_rate).
    holding_cost : float
        h [EUR/unit/year], charged on end-of-day on-hand stock as h/365 per day.
    penalty_cost : float
        p [EUR/unit short].
    order_cost : float
        K [EUR/order].
    handling_cost : float
        H [EUR/unit of workload].
    partner_surcharge : float
        Extra cost per unit of overflow handled by partners [EUR/unit].
    revenue_per_unit : float
        Revenue per unit delivered [EUR/unit].
    """

    lead_time_mean: float
    lead_time_std: float = 0.0
    internal_capacity: float | tuple[float, ...] = math.inf
    partner_capacity: float = math.inf
    return_rate: float = 0.0
    holding_cost: float = 0.0
    penalty_cost: float = 0.0
    order_cost: float = 0.0
    handling_cost: float = 0.0
    partner_surcharge: float = 0.0
    revenue_per_unit: float = 0.0

    @classmethod
    def from_master_data(cls, lane: LaneMasterData, *, partner_capacity: float = math.inf) -> TwinLane:
        """The twin's view of a lane's master data (capacity by weekday where it has a pattern).

        >>> TwinLane.from_master_data(LaneMasterData(code="BER-MUC")).holding_cost
        12.0
        """
        shared = {f.name: getattr(lane, f.name) for f in fields(cls) if f.name in MASTER_DATA_FIELDS}
        if lane.weekday_capacity is not None:
            shared["internal_capacity"] = lane.capacity_by_weekday()
        return cls(**shared, partner_capacity=partner_capacity)


@dataclass(frozen=True, eq=False)
class TwinDemand:
    """The twin's model of daily demand [units/day].

    Either normal ``N(mean, std^2)`` censored at 0 (negative draws set to 0;
    :func:`simulation.censored_normal_parameters` finds the location and
    scale for a wanted mean and spread) or, when ``history`` is given,
    bootstrapped i.i.d. from those days.  ``weekday_factors`` (7 multipliers
    Monday..Sunday, simulated day 0 is a Monday) scale day t's draw by
    ``factor[t mod 7]``, so a lane's weekday pattern meets its capacity by
    weekday.
    """

    mean: float | None = None
    std: float | None = None
    history: Any = None
    weekday_factors: tuple[float, ...] | None = None

    @classmethod
    def normal(cls, mean: float, std: float, *,
               weekday_factors: tuple[float, ...] | None = None) -> TwinDemand:
        """Normal demand censored at 0: location ``mean``, scale ``std`` [units/day]."""
        return cls(mean=mean, std=std, weekday_factors=weekday_factors)

    @classmethod
    def bootstrap(cls, history: Any, *,
                  weekday_factors: tuple[float, ...] | None = None) -> TwinDemand:
        """Demand drawn i.i.d. from the days of ``history`` [units/day]."""
        return cls(history=history, weekday_factors=weekday_factors)


@dataclass(frozen=True)
class RunPlan:
    """Validated parameters of one simulation run (internal)."""

    policy: str
    reorder_point: float
    order_quantity: float
    order_up_to: float
    review_period: int
    lead_time_mean: float
    lead_time_std: float
    max_lead_time: int
    days: int
    warmup_days: int
    replications: int
    internal_capacity: float
    partner_capacity: float
    return_rate: float
    holding_cost: float
    penalty_cost: float
    order_cost: float
    handling_cost: float
    partner_surcharge: float
    revenue_per_unit: float
    weekday_capacity: tuple[float, ...] | None = None  # Mon..Sun [units/day]; day 0 is a Monday
    weekday_demand: tuple[float, ...] | None = None  # Mon..Sun demand multipliers; day 0 is a Monday

    @property
    def total_days(self) -> int:
        return self.warmup_days + self.days

    @property
    def fixed_lead_time(self) -> int:
        """The lead time rounded to whole days: the realised one when sigma_L = 0, else the nominal."""
        return min(max(int(round(self.lead_time_mean)), 0), self.max_lead_time)

    def demand_factor_by_day(self) -> np.ndarray | None:
        """Weekday demand multiplier of every simulated day, or None (every day alike)."""
        if self.weekday_demand is None:
            return None
        return np.asarray(self.weekday_demand, dtype=float)[np.arange(self.total_days) % 7]

    def capacity_by_day(self) -> np.ndarray:
        """Internal capacity of every simulated day [units/day] (weekday pattern or flat)."""
        if self.weekday_capacity is None:
            return np.full(self.total_days, self.internal_capacity)
        return np.asarray(self.weekday_capacity, dtype=float)[np.arange(self.total_days) % 7]


def check_number(name: str, value: Any, *, low: float = 0.0, allow_inf: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if number < low:
        raise ValueError(f"{name} must be >= {low:g}, got {number:g}")
    return number


def _weekday_capacity(value: Any) -> tuple[float, ...] | None:
    """A 7-day internal capacity pattern Monday..Sunday, or None for one flat figure."""
    if np.ndim(value) == 0:
        return None
    values = tuple(check_number("internal_capacity", v) for v in np.asarray(value, dtype=float).ravel())
    if len(values) != 7:
        raise ValueError(f"internal_capacity must be one number or 7 (Monday..Sunday), got {len(values)}")
    return values


def _weekday_demand(value: Any) -> tuple[float, ...] | None:
    """Seven demand multipliers Monday..Sunday (>= 0), or None."""
    if value is None:
        return None
    values = tuple(check_number("demand_weekday_factors", v) for v in np.asarray(value, dtype=float).ravel())
    if len(values) != 7:
        raise ValueError(f"demand_weekday_factors must be 7 numbers (Monday..Sunday), got {len(values)}")
    return values


def _capacity_level(value: Any) -> float:
    """Mean daily internal capacity [units/day] of a flat figure or a weekday pattern."""
    pattern = _weekday_capacity(value)
    if pattern is None:
        return check_number("internal_capacity", value, allow_inf=True)
    return float(np.mean(pattern))


def check_int(name: str, value: Any, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value}")
    return int(value)


def make_plan(
    policy: Policy,
    lane: TwinLane,
    demand: TwinDemand,
    *,
    days: int,
    replications: int,
    warmup_days: int | None,
) -> RunPlan:
    """Check a run's inputs and flatten them into a :class:`RunPlan`.

    Raises
    ------
    ValueError
        Naming the parameter that is out of range.
    """
    kind = policy.kind
    if kind not in POLICY_KINDS:
        raise ValueError(f"policy must be one of {POLICY_KINDS}, got {kind!r}")
    lt_mean = check_number("lead_time_mean", lane.lead_time_mean)
    lt_std = check_number("lead_time_std", lane.lead_time_std)
    max_lead = math.ceil(lt_mean + LEAD_TIME_TAIL_SIGMAS * lt_std)
    review = check_int("review_period", policy.review_period, low=1)
    r = q = s = math.nan
    if kind == "rQ":
        if policy.reorder_point is None:
            raise ValueError("reorder_point is required for policy='rQ'")
        if policy.order_quantity is None:
            raise ValueError("order_quantity is required for policy='rQ'")
        r = check_number("reorder_point", policy.reorder_point, low=-math.inf)
        q = check_number("order_quantity", policy.order_quantity)
        if q <= 0.0:
            raise ValueError(f"order_quantity must be > 0 units, got {q:g}")
        if review != 1:
            raise ValueError("review_period must be 1 for policy='rQ' (reviewed daily)")
    else:
        if policy.order_up_to is None:
            raise ValueError("order_up_to is required for policy='order_up_to'")
        s = check_number("order_up_to", policy.order_up_to, low=-math.inf)
    n_days = check_int("days", days, low=1)
    reps = check_int("replications", replications, low=1)
    if warmup_days is None:
        warmup = max_lead + WARMUP_REVIEW_PERIODS * review
    else:
        warmup = check_int("warmup_days", warmup_days, low=0)
    rate = check_number("return_rate", lane.return_rate)
    if rate >= 1.0:
        raise ValueError(f"return_rate must be in [0, 1), got {rate:g}")
    return RunPlan(
        policy=kind,
        reorder_point=r,
        order_quantity=q,
        order_up_to=s,
        review_period=review,
        lead_time_mean=lt_mean,
        lead_time_std=lt_std,
        max_lead_time=max_lead,
        days=n_days,
        warmup_days=warmup,
        replications=reps,
        internal_capacity=_capacity_level(lane.internal_capacity),
        weekday_capacity=_weekday_capacity(lane.internal_capacity),
        weekday_demand=_weekday_demand(demand.weekday_factors),
        partner_capacity=check_number("partner_capacity", lane.partner_capacity, allow_inf=True),
        return_rate=rate,
        holding_cost=check_number("holding_cost", lane.holding_cost),
        penalty_cost=check_number("penalty_cost", lane.penalty_cost),
        order_cost=check_number("order_cost", lane.order_cost),
        handling_cost=check_number("handling_cost", lane.handling_cost),
        partner_surcharge=check_number("partner_surcharge", lane.partner_surcharge),
        revenue_per_unit=check_number("revenue_per_unit", lane.revenue_per_unit),
    )


def check_history(demand_history: Any) -> np.ndarray:
    history = np.asarray(demand_history, dtype=float)
    if history.ndim != 1 or history.size == 0:
        raise ValueError("demand_history must be a non-empty 1-D sequence of daily demand [units/day]")
    if not np.all(np.isfinite(history)) or np.any(history < 0.0):
        raise ValueError("demand_history must contain finite values >= 0 [units/day]")
    return history


def start_inventory(plan: RunPlan, initial_inventory: Any) -> np.ndarray:
    if initial_inventory is None:
        start = plan.reorder_point + plan.order_quantity if plan.policy == "rQ" else plan.order_up_to
        return np.full(plan.replications, start, dtype=float)
    values = np.asarray(initial_inventory, dtype=float)
    if values.ndim == 0:
        values = np.full(plan.replications, float(values))
    if values.shape != (plan.replications,) or not np.all(np.isfinite(values)):
        raise ValueError(
            "initial_inventory must be a finite number or one value per replication [units]"
        )
    return values.copy()



"""Monte Carlo digital twin of one service lane.

A day-by-day model of one lane under its replenishment plan, evaluated for
many replications with NumPy.  It shows planners how far the analytic
(normal-approximation) service figures are from what the plan delivers when
demand, lead times, returns and handling capacity behave as modelled.

The model is defined day by day (below, and literally so in
:func:`simulate_policy_reference`); the fast path computes the same states
without a day loop, because the inventory position depends on demand only:
orders follow in closed form from cumulative demand, receipts are one
``bincount`` scatter by arrival day, net stock is a cumulative sum of
receipts minus demand, and a partner backlog is a Lindley recursion solved
with a running minimum.  Replications are processed in cache-sized chunks,
every intermediate in reused buffers.

Model (one day ``t``, all replications at once)
------------------------------------------------
1. Demand ``D_t`` arrives [units/day]: normal ``N(mu, sigma^2)`` censored at 0
   (negative draws set to 0) or bootstrapped i.i.d. from the lane's own daily
   history.  It is served from on-hand stock; what cannot be served is
   backordered (shortage).  Backorders are filled first when stock arrives.
2. Workload ``W_t = D_t (1 + return_rate)`` is handled; the part above the
   internal capacity goes to partners: ``overflow_t = max(0, W_t - C_max)``
   (with a finite ``partner_capacity``, whatever the partners cannot take
   either waits as a handling backlog for the next day).
3. Review and ordering on the inventory position ``IP`` (net stock + on order):

   * ``policy="rQ"`` -- continuous review, checked once a day: when
     ``IP <= r`` order ``n Q`` with the smallest ``n`` that lifts ``IP`` above
     ``r`` (the (r, nQ) policy; ``n = 1`` whenever ``Q`` exceeds a day's demand).
   * ``policy="order_up_to"`` -- every ``R`` days order ``S - IP``.

   Each order draws its own lead time ``L ~ N(mu_L, sigma_L^2)`` rounded to
   whole days, clipped to ``[0, mu_L + 6 sigma_L]``; orders may overtake each
   other.  An order placed at the end of day ``t`` is received at the end of
   day ``t + L`` (after that day's demand), so the protection interval of an
   order-up-to policy is ``R + L`` days, as in the textbook formula.

Service definitions (per replication, over the measured horizon)
-----------------------------------------------------------------
* Fill rate ``beta = 1 - backordered demand / total demand`` (share of demand
  served immediately from stock).
* Cycle service level ``alpha``, the share of replenishment cycles that end
  without backorders, "end" meaning just before a replenishment arrives
  (net stock after that day's demand, before the receipt):

  - (r, Q): one cycle per order, checked just before *that order* arrives
    (the usual per-replenishment-cycle reading of alpha).
  - order-up-to: one cycle per review (also a zero order); the cycle of the
    review on day t ends just before the receipts of day ``t + R + L`` with
    ``L`` the nominal lead time rounded to whole days -- i.e. the order
    placed at the *next* review is due.  Time-based, so crossing orders do
    not bias it.

  With a fixed lead time both are exactly the textbook events
  ``{lead-time demand <= IP at ordering}`` and ``{demand over R + L <= S}``.
* A stockout day is a day with any shortage.

Both service figures are averaged over replications; their standard errors
are the sample standard deviation across replications / sqrt(replications).

Known gaps between the analytic formulas and this model (all are real-world
effects, not bugs): with daily review the inventory position at the moment of
ordering lies below ``r`` by the undershoot (mean ~ ``(mu^2 + sigma^2)/(2 mu)``,
i.e. about half a day of demand), so a daily-reviewed (r, Q) plan delivers less
than ``Phi((r - mu L)/sigma_LTD)``; with independent lead times and frequent
orders, crossing orders make the pipeline far less variable than the RSS
formula ``sqrt(L sigma^2 + mu^2 sigma_L^2)`` assumes, so service ends up
well above target.  Examples (tests/test_simulation.py): daily order-up-to,
100 +- 20 units/day, lead time 5 +- 1.5 days, S set for alpha = 95 % with
the RSS formula -> simulated alpha ~ 99.2 %; (r, Q) reviewed daily with
r = mu L + 1 sigma_LTD (alpha = 84 % on paper) -> ~ 41 %.

References
----------
Silver, E. A., Pyke, D. F., & Thomas, D. J. (2017). *Inventory and Production
Management in Supply Chains* (4th ed.), ch. 6-7. CRC Press.
Zipkin, P. H. (2000). *Foundations of Inventory Management*, ch. 6-7
(inventory position uniform on (r, r + Q]; crossing orders). McGraw-Hill.
Simchi-Levi, D., Schmidt, W., & Wei, Y. (2014). From superstorms to factory
fires: Managing unpredictable supply-chain disruptions. *Harvard Business
Review* 92(1-2), 96-101 (time to recover, TTR).
Simchi-Levi, D., Schmidt, W., Wei, Y., et al. (2015). Identifying risks and
mitigating disruptions in the automotive supply chain. *Interfaces* 45(5),
375-390 (time to survive, TTS).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from domain import DAYS_PER_YEAR, LaneMasterData

POLICIES = ("rQ", "order_up_to")
SHOCKS = ("demand", "capacity")
LEAD_TIME_TAIL_SIGMAS = 6.0  # lead times are clipped at mean + 6 sd (probability ~1e-9)
VAR_LEVEL = 0.95  # value-at-risk confidence level
DEFAULT_REPLICATIONS = 10_000
DEFAULT_DAYS = 365
# Simulate this many extra review periods beyond the longest lead time before
# measuring, so the empty starting pipeline has been flushed.
WARMUP_REVIEW_PERIODS = 1
LOOKUP_SIZE = 1 << 16  # entries of the lead-time inverse-CDF table (16-bit uniforms)
# Cells (replications x days) per block of random draws.  The block size fixes
# the order in which the stream is consumed, so it must not change (same seed
# -> same numbers).
BLOCK_CELLS = 1 << 14
# Cells per chunk of the vectorised core (a whole number of draw blocks).
# Measured on the 10,000 x 365 benchmark: 2^16 cells (0.5 MiB per float
# buffer, all buffers reused from chunk to chunk, so the working set stays in
# L2/L3 cache) beat 2^14 (NumPy's per-call cost dominates) and 2^20 (every
# pass streams from memory) by 10-35 %.
CHUNK_CELLS = 1 << 16
# Relative tolerance below which negative net stock counts as zero (rounding
# in cumulative sums, not a real shortage) [fraction of cumulative demand].
NUMERIC_TOLERANCE = 1e-12

Policy = Literal["rQ", "order_up_to"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Simulated performance of one lane under one plan.

    Array attributes hold one value per replication; every money figure is in
    EUR over the measured horizon of ``days`` days (after the warm-up).

    Attributes
    ----------
    fill_rate, fill_rate_se : float
        beta, mean share of demand served from stock, and its standard error.
    cycle_service_level, cycle_service_level_se : float
        alpha, mean share of replenishment cycles without a stockout just
        before the arrival, and its standard error.
    fill_rate_per_replication, cycle_service_level_per_replication : ndarray
        The per-replication values behind the means.
    stockout_days : ndarray
        Days with any shortage [days/horizon].
    backordered_units : ndarray
        Demand not served from stock [units/horizon].
    overflow_volume : ndarray
        Workload handed to partners [units/horizon].
    overflow_cost : ndarray
        ``partner_surcharge * overflow_volume`` [EUR/horizon].
    orders : ndarray
        Replenishment orders placed [orders/horizon].
    average_on_hand : ndarray
        Mean end-of-day on-hand stock [units].
    profit : ndarray
        Profit and loss [EUR/horizon]: ``revenue * delivered - handling *
        workload - surcharge * overflow - holding/365 * sum of daily on-hand -
        order_cost * orders - penalty * backordered units``.
    replications, days : int
        Number of replications and measured days.
    """

    fill_rate: float
    fill_rate_se: float
    cycle_service_level: float
    cycle_service_level_se: float
    fill_rate_per_replication: np.ndarray
    cycle_service_level_per_replication: np.ndarray
    stockout_days: np.ndarray
    backordered_units: np.ndarray
    overflow_volume: np.ndarray
    overflow_cost: np.ndarray
    orders: np.ndarray
    average_on_hand: np.ndarray
    profit: np.ndarray
    replications: int
    days: int

    @property
    def expected_profit(self) -> float:
        """Mean profit over replications [EUR/horizon]."""
        return float(np.mean(self.profit))

    @property
    def probability_of_loss(self) -> float:
        """Share of replications with negative profit [fraction]."""
        return float(np.mean(self.profit < 0.0))

    @property
    def value_at_risk_95(self) -> float:
        """VaR 95 % [EUR/horizon], as a loss: ``-quantile(profit, 0.05)``.

        Positive = the loss that is exceeded in only 5 % of replications;
        negative = even the 5 % worst case still earns that much profit.
        """
        return float(-np.quantile(self.profit, 1.0 - VAR_LEVEL))

    @property
    def expected_overflow_cost(self) -> float:
        """Mean partner surcharge [EUR/horizon]."""
        return float(np.mean(self.overflow_cost))

    def summary(self) -> dict[str, float]:
        """Scalar key figures for a table or report (units in the key names)."""
        return {
            "fill_rate": self.fill_rate,
            "fill_rate_se": self.fill_rate_se,
            "cycle_service_level": self.cycle_service_level,
            "cycle_service_level_se": self.cycle_service_level_se,
            "stockout_days_mean": float(np.mean(self.stockout_days)),
            "overflow_volume_mean_units": float(np.mean(self.overflow_volume)),
            "overflow_cost_mean_eur": self.expected_overflow_cost,
            "expected_profit_eur": self.expected_profit,
            "probability_of_loss": self.probability_of_loss,
            "value_at_risk_95_eur": self.value_at_risk_95,
            "replications": float(self.replications),
            "days": float(self.days),
        }


@dataclass(frozen=True, eq=False)
class StressTestResult:
    """Resilience of one lane against one shock (Simchi-Levi et al. 2014/2015).

    Attributes
    ----------
    time_to_survive_days : ndarray
        TTS per replication: days from the shock start until the first
        disrupted day (shortage backlog or unhandled workload), ``inf`` if the
        lane never got disrupted within the horizon [days].
    time_to_recover_days : ndarray
        TTR per replication: days after the shock ends until that first
        disruption is cleared (0 if it cleared during the shock or never
        happened, ``inf`` if it is still open at the end of the horizon) [days].
    shock, shock_start_day, shock_days, shock_factor :
        The shock that was injected (start counted from the first measured day).
    baseline, shocked : SimulationResult
        Same plan and same random draws without and with the shock.
    """

    time_to_survive_days: np.ndarray
    time_to_recover_days: np.ndarray
    shock: str
    shock_start_day: int
    shock_days: int
    shock_factor: float
    baseline: SimulationResult
    shocked: SimulationResult

    @property
    def probability_of_disruption(self) -> float:
        """Share of replications disrupted at or after the shock start."""
        return float(np.mean(np.isfinite(self.time_to_survive_days)))

    @property
    def median_time_to_survive_days(self) -> float:
        """Median TTS [days] (``inf`` if most replications never got disrupted)."""
        return float(np.median(self.time_to_survive_days))

    @property
    def median_time_to_recover_days(self) -> float:
        """Median TTR [days]."""
        return float(np.median(self.time_to_recover_days))

    @property
    def mean_time_to_recover_days(self) -> float:
        """Mean TTR [days] (``inf`` if any replication never recovered)."""
        return float(np.mean(self.time_to_recover_days))

    @property
    def extra_overflow_cost(self) -> float:
        """Mean extra partner surcharge caused by the shock [EUR/horizon]."""
        return self.shocked.expected_overflow_cost - self.baseline.expected_overflow_cost

    @property
    def extra_loss(self) -> float:
        """Mean profit lost through the shock [EUR/horizon]."""
        return self.baseline.expected_profit - self.shocked.expected_profit


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Plan:
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


@dataclass(frozen=True)
class _Draws:
    """Random inputs of a block of replications (one row per replication, one column per day)."""

    demand: np.ndarray  # float64 [units/day]
    # uint16 index into the lead-time table of an order placed that day; None = fixed
    lead_uniform: np.ndarray | None


@dataclass(frozen=True)
class _Sampler:
    """Source of demand and lead-time draws, consumed block by block in a fixed order."""

    rng: np.random.Generator
    demand_mean: float
    demand_std: float
    history: np.ndarray | None
    lead_table: np.ndarray | None  # int16 inverse-CDF table of lead times [days]


@dataclass(frozen=True)
class _Stress:
    """Daily multipliers of one run: demand factor and internal capacity [units/day]."""

    demand_factor: np.ndarray | None
    capacity: np.ndarray
    record_disruption: bool = False


def _check_number(name: str, value: Any, *, low: float = 0.0, allow_inf: bool = False) -> float:
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
    values = tuple(_check_number("internal_capacity", v) for v in np.asarray(value, dtype=float).ravel())
    if len(values) != 7:
        raise ValueError(f"internal_capacity must be one number or 7 (Monday..Sunday), got {len(values)}")
    return values


def _weekday_demand(value: Any) -> tuple[float, ...] | None:
    """Seven demand multipliers Monday..Sunday (>= 0), or None."""
    if value is None:
        return None
    values = tuple(_check_number("demand_weekday_factors", v) for v in np.asarray(value, dtype=float).ravel())
    if len(values) != 7:
        raise ValueError(f"demand_weekday_factors must be 7 numbers (Monday..Sunday), got {len(values)}")
    return values


def _capacity_level(value: Any) -> float:
    """Mean daily internal capacity [units/day] of a flat figure or a weekday pattern."""
    pattern = _weekday_capacity(value)
    if pattern is None:
        return _check_number("internal_capacity", value, allow_inf=True)
    return float(np.mean(pattern))


def _check_int(name: str, value: Any, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value}")
    return int(value)


def _make_plan(
    *,
    lead_time_mean: float,
    lead_time_std: float,
    reorder_point: float | None,
    order_quantity: float | None,
    policy: str,
    review_period: int,
    order_up_to: float | None,
    days: int,
    replications: int,
    internal_capacity: float,
    partner_capacity: float,
    return_rate: float,
    holding_cost: float,
    penalty_cost: float,
    order_cost: float,
    handling_cost: float,
    partner_surcharge: float,
    revenue_per_unit: float,
    warmup_days: int | None,
    demand_weekday_factors: Any = None,
) -> _Plan:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    lt_mean = _check_number("lead_time_mean", lead_time_mean)
    lt_std = _check_number("lead_time_std", lead_time_std)
    max_lead = math.ceil(lt_mean + LEAD_TIME_TAIL_SIGMAS * lt_std)
    review = _check_int("review_period", review_period, low=1)
    r = q = s = math.nan
    if policy == "rQ":
        if reorder_point is None:
            raise ValueError("reorder_point is required for policy='rQ'")
        if order_quantity is None:
            raise ValueError("order_quantity is required for policy='rQ'")
        r = _check_number("reorder_point", reorder_point, low=-math.inf)
        q = _check_number("order_quantity", order_quantity)
        if q <= 0.0:
            raise ValueError(f"order_quantity must be > 0 units, got {q:g}")
        if review != 1:
            raise ValueError("review_period must be 1 for policy='rQ' (reviewed daily)")
    else:
        if order_up_to is None:
            raise ValueError("order_up_to is required for policy='order_up_to'")
        s = _check_number("order_up_to", order_up_to, low=-math.inf)
    n_days = _check_int("days", days, low=1)
    reps = _check_int("replications", replications, low=1)
    if warmup_days is None:
        warmup = max_lead + WARMUP_REVIEW_PERIODS * review
    else:
        warmup = _check_int("warmup_days", warmup_days, low=0)
    rate = _check_number("return_rate", return_rate)
    if rate >= 1.0:
        raise ValueError(f"return_rate must be in [0, 1), got {rate:g}")
    return _Plan(
        policy=policy,
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
        internal_capacity=_capacity_level(internal_capacity),
        weekday_capacity=_weekday_capacity(internal_capacity),
        weekday_demand=_weekday_demand(demand_weekday_factors),
        partner_capacity=_check_number("partner_capacity", partner_capacity, allow_inf=True),
        return_rate=rate,
        holding_cost=_check_number("holding_cost", holding_cost),
        penalty_cost=_check_number("penalty_cost", penalty_cost),
        order_cost=_check_number("order_cost", order_cost),
        handling_cost=_check_number("handling_cost", handling_cost),
        partner_surcharge=_check_number("partner_surcharge", partner_surcharge),
        revenue_per_unit=_check_number("revenue_per_unit", revenue_per_unit),
    )


def _check_history(demand_history: Any) -> np.ndarray:
    history = np.asarray(demand_history, dtype=float)
    if history.ndim != 1 or history.size == 0:
        raise ValueError("demand_history must be a non-empty 1-D sequence of daily demand [units/day]")
    if not np.all(np.isfinite(history)) or np.any(history < 0.0):
        raise ValueError("demand_history must contain finite values >= 0 [units/day]")
    return history


def _lead_time_distribution(plan: _Plan) -> np.ndarray:
    """CDF of the whole-day lead time round(N(mu_L, sigma_L^2)) clipped to [0, max]."""
    edges = np.arange(plan.max_lead_time) + 0.5  # rounding boundaries between k and k + 1
    z = (edges - plan.lead_time_mean) / (plan.lead_time_std * math.sqrt(2.0))
    return np.array([0.5 * (1.0 + math.erf(value)) for value in z])


def _lead_time_table(plan: _Plan) -> np.ndarray | None:
    """Inverse-CDF lookup table of the whole-day lead time (None for a fixed lead time).

    Lead times are drawn as ``table[u]`` with ``u`` a uniform 16-bit integer.
    A normal draw per order would dominate the run time (one per replication
    and day for a daily order-up-to plan); a 16-bit integer and a table
    lookup cost about a third.  The price: each lead-time probability is
    rounded to a multiple of 2**-16 (error < 1.6e-5, far below Monte Carlo
    noise).
    """
    if plan.lead_time_std == 0.0:
        return None
    cdf = _lead_time_distribution(plan)
    table = np.searchsorted(np.ceil(cdf * LOOKUP_SIZE), np.arange(LOOKUP_SIZE), side="right")
    return table.astype(np.int16)


def _block_rows(plan: _Plan) -> int:
    """Replications per draw block (about BLOCK_CELLS cells)."""
    return max(1, BLOCK_CELLS // plan.total_days)


def _draw(
    plan: _Plan, sampler: _Sampler, replications: int, zeros: np.ndarray | None = None
) -> _Draws:
    """Draw the random inputs of the next ``replications`` replications.

    The numbers are drawn block by block (``_block_rows`` replications at a
    time, demand then lead times) in a fixed order with a size that depends
    only on the horizon, so the same seed always gives the same numbers
    however the core chunks the replications.  Every (replication, day) cell
    gets a lead-time draw, used only if an order is placed that day, so a
    stress test and its baseline share the same draws.  ``zeros`` (optional,
    at least ``replications`` rows of 0.0) speeds up the censoring at 0.
    """
    rng = sampler.rng
    days = plan.total_days
    demand = np.empty((replications, days))
    uniform = None
    if sampler.lead_table is not None:
        uniform = np.empty((replications, days), dtype=np.uint16)
    block = _block_rows(plan)
    for first in range(0, replications, block):
        rows = slice(first, min(first + block, replications))
        shape = (rows.stop - rows.start, days)
        if sampler.history is not None:
            picks = rng.integers(0, sampler.history.size, size=shape)
            np.take(sampler.history, picks, out=demand[rows])
        else:
            rng.standard_normal(out=demand[rows])  # same stream as size=shape
        if uniform is not None:
            uniform[rows] = rng.integers(0, LOOKUP_SIZE, size=shape, dtype=np.uint16)
    if sampler.history is None:
        # one pass per operation over the whole chunk instead of per block
        demand *= sampler.demand_std
        demand += sampler.demand_mean
        if zeros is None:
            zeros = np.zeros_like(demand)
        np.maximum(demand, zeros[:replications], out=demand)  # censor negative demand at 0
    return _Draws(demand=demand, lead_uniform=uniform)


def _column(values: np.ndarray) -> np.ndarray | float:
    """Per-row values as a column to broadcast along the days, or one scalar if all equal.

    Broadcasting a scalar is 3x faster than a column; the sums are the same.
    """
    first = values[0]
    return float(first) if np.all(values == first) else values[:, None]


def _count_true(flags: np.ndarray) -> np.ndarray:
    """Number of True cells per row, as float [count].

    Summing the bytes as uint32 is 2x faster than ``np.count_nonzero(axis=1)``.
    """
    return flags.view(np.uint8).sum(axis=1, dtype=np.uint32).astype(float)


def _chunks(plan: _Plan) -> list[slice]:
    """Replication chunks of the vectorised core: whole draw blocks, about CHUNK_CELLS cells."""
    block = _block_rows(plan)
    size = block * max(1, CHUNK_CELLS // (block * plan.total_days))
    return [
        slice(first, min(first + size, plan.replications))
        for first in range(0, plan.replications, size)
    ]


def _fixed_lead_time(plan: _Plan) -> int:
    """The lead time rounded to whole days: the realised one when sigma_L = 0, else the nominal."""
    return min(max(int(round(plan.lead_time_mean)), 0), plan.max_lead_time)


def _start_inventory(plan: _Plan, initial_inventory: Any) -> np.ndarray:
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


# --------------------------------------------------------------------------- core


@dataclass(frozen=True)
class _Totals:
    """Per-replication totals over the measured horizon (internal)."""

    demand: np.ndarray
    short: np.ndarray
    stockout_days: np.ndarray
    cycles: np.ndarray
    cycles_short: np.ndarray
    orders: np.ndarray
    on_hand_sum: np.ndarray
    backorders_start: np.ndarray
    backorders_end: np.ndarray
    workload: np.ndarray
    overflow: np.ndarray
    disrupted: np.ndarray | None  # (replications, days) bool, only when recorded


def _cumulative_orders(
    plan: _Plan,
    cumulative: np.ndarray,
    net_start: np.ndarray,
    tolerance: np.ndarray,
    zeros: np.ndarray,
) -> np.ndarray:
    """Cumulative quantity ordered up to and including each day [units].

    ``cumulative`` holds the cumulative demand on entry and is overwritten
    (in place, to save a temporary the size of the chunk); ``zeros`` has
    its shape.

    The inventory position never depends on lead times or backorders, only on
    demand, so the orders follow in closed form from the position without
    orders ``X_t = IP_0 - sum of demand``: (r, nQ) has ordered
    ``Q * max(0, floor((r - X_t)/Q) + 1)`` (the fewest Q-multiples that keep
    the position above r); order-up-to has ordered ``max(0, S - X_t)`` by
    each review.  Both are non-decreasing because demand is >= 0.
    ``tolerance`` absorbs rounding of the cumulative sums so that a position
    exactly at r (e.g. sigma = 0) still triggers.
    """
    if plan.policy == "rQ":
        offset = (plan.reorder_point - net_start)[:, None] + tolerance  # r - IP_0
        count = np.add(cumulative, offset, out=cumulative)
        count /= plan.order_quantity
        np.floor(count, out=count)
        count += 1.0
        # cumulative demand >= 0, so with IP_0 <= r + Q (the default start) the
        # count is >= 0 already and the clamp would change nothing
        if np.any(offset < -plan.order_quantity):
            np.maximum(count, zeros, out=count)
        count *= plan.order_quantity
        return count
    gap = _column(plan.order_up_to - net_start)  # S - IP_0
    np.add(cumulative, gap, out=cumulative)  # S - X_t
    if not (isinstance(gap, float) and gap >= 0.0):  # else already >= 0 (the default start S)
        np.maximum(cumulative, zeros, out=cumulative)
    if plan.review_period > 1:
        # between reviews the cumulative order stays at the last review's value
        days = cumulative.shape[1]
        last_review = (np.arange(days) // plan.review_period) * plan.review_period
        cumulative[...] = cumulative[:, last_review]
    return cumulative


@dataclass(frozen=True)
class _Workspace:
    """Chunk-sized buffers of the core, reused for every chunk and run (rows = replications).

    A chunk with fewer replications uses the first rows, which are
    contiguous too.  The names say what each buffer holds first; later steps
    reuse a buffer once its content is no longer needed.
    """

    cumulative: np.ndarray  # float64: cumulative demand -> orders -> fixed-lead receipts -> scratch
    quantity: np.ndarray  # float64: order quantity -> net stock before receipts -> shortage
    net: np.ndarray  # float64: net stock after receipts
    placed: np.ndarray  # bool: an order was placed
    stocked_out: np.ndarray  # bool: net stock before receipts < 0
    flags: np.ndarray  # bool: scratch
    # float64 0.0: np.maximum(x, zeros) takes a SIMD loop that np.maximum(x, 0.0) misses (4x faster)
    zeros: np.ndarray
    width: int  # days + longest lead time + 1: row length of the receipts scatter
    target: np.ndarray | None  # int64: receipt cell of each day's order (dense scatter)
    base: np.ndarray | None  # int64: row * width + day (dense scatter)

    @classmethod
    def create(cls, plan: _Plan, rows: int) -> _Workspace:
        days = plan.total_days
        width = days + plan.max_lead_time + 1
        target = base = None
        if _dense_scatter(plan):
            base = np.arange(days, dtype=np.int64) + np.arange(0, rows * width, width)[:, None]
            target = np.empty((rows, days), dtype=np.int64)
        return cls(
            cumulative=np.empty((rows, days)),
            quantity=np.empty((rows, days)),
            net=np.empty((rows, days)),
            placed=np.empty((rows, days), dtype=bool),
            stocked_out=np.empty((rows, days), dtype=bool),
            flags=np.empty((rows, days), dtype=bool),
            zeros=np.zeros((rows, days)),
            width=width,
            target=target,
            base=base,
        )


def _dense_scatter(plan: _Plan) -> bool:
    """Whether orders are placed on (almost) every day with random lead times.

    Then one scatter over all cells is cheapest; otherwise (r, Q) and periodic
    review place orders on few days, and only those cells are looked up.
    """
    return plan.lead_time_std > 0.0 and plan.policy == "order_up_to" and plan.review_period == 1


def _arrivals(
    plan: _Plan,
    quantity: np.ndarray,
    placed: np.ndarray,
    uniform: np.ndarray | None,
    lead_table: np.ndarray | None,
    work: _Workspace,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Quantity received per (replication, day) and, for (r, Q), each order's row and arrival day.

    An order placed on day t with lead time L is received at the end of day
    t + L; orders may cross.  Arrivals after the horizon fall off the end.
    With a fixed lead time the receipts go to ``work.cumulative``.
    """
    n, days = quantity.shape
    width = work.width
    if uniform is None or lead_table is None:
        lead = _fixed_lead_time(plan)
        received = work.cumulative[:n]
        received[:, :lead] = 0.0
        received[:, lead:] = quantity[:, : days - lead]
        if plan.policy != "rQ":
            return received, None
        cells = np.flatnonzero(placed)
        rows = cells // days
        return received, (rows, cells - rows * days + lead)
    if work.target is not None and work.base is not None:
        # Scatter each order onto its arrival day with one bincount; each row is
        # padded by the longest lead time so that late arrivals stay in their row.
        target = work.target[:n]
        np.add(np.take(lead_table, uniform), work.base[:n], out=target)
        padded = np.bincount(target.ravel(), weights=quantity.ravel(), minlength=n * width)
        return padded.reshape(n, width)[:, :days], None
    # Sparse orders: look up lead times and scatter only where an order was
    # placed.  bincount adds the same nonzero weights in the same order as a
    # scatter over all cells, so the receipts are bit-identical.
    cells = np.flatnonzero(placed)
    rows = cells // days
    arrival = cells - rows * days + lead_table[uniform.ravel()[cells]]
    padded = np.bincount(
        rows * width + arrival, weights=quantity.ravel()[cells], minlength=n * width
    )
    orders = (rows, arrival) if plan.policy == "rQ" else None
    return padded.reshape(n, width)[:, :days], orders


def _count_cycles(
    plan: _Plan, stocked_out: np.ndarray, orders: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Cycles ending in the measured horizon and those ending in a stockout, per replication.

    A cycle ends when its order arrives; it counts as a stockout cycle when
    the net stock just before that arrival is negative (``stocked_out``).
    ``orders`` holds the row and arrival day of every (r, Q) order.
    """
    n, days = stocked_out.shape
    w = plan.warmup_days
    if orders is None:
        # order-up-to, time-based: the cycle of a review on day t ends just before
        # the receipts of day t + L (L = nominal lead time, the realised one if
        # fixed); cycles sit on the review days t = 0, R, 2R, ...: a strided slice
        lead = _fixed_lead_time(plan)
        first = max(w - lead, 0)
        first = -(-first // plan.review_period) * plan.review_period
        flags = stocked_out[:, first + lead :: plan.review_period]
        ended = np.full(n, flags.shape[1])
        return ended, _count_true(flags)
    rows, arrives = orders
    keep = (arrives >= w) & (arrives < days)
    rows, arrives = rows[keep], arrives[keep]
    short_rows = rows[stocked_out.ravel()[rows * days + arrives]]
    return np.bincount(rows, minlength=n), np.bincount(short_rows, minlength=n)


def _run_block(
    plan: _Plan,
    demand: np.ndarray,
    uniform: np.ndarray | None,
    lead_table: np.ndarray | None,
    net_start: np.ndarray,
    capacity: np.ndarray,
    record_disruption: bool,
    work: _Workspace,
) -> dict[str, np.ndarray]:
    """Simulate a chunk of replications over all days at once (rows = replications).

    Day t: demand is served, then the review places orders, then the orders
    due that day are received.  Instead of stepping through days, every
    state follows from cumulative sums: the inventory position depends on
    demand only (see :func:`_cumulative_orders`), and net stock after the
    receipts of day t is ``N_0 + sum of (received - demand)``.  All
    chunk-sized intermediates live in ``work`` (in-place operations).
    """
    n, days = demand.shape
    w = plan.warmup_days
    measured = np.s_[:, w:]
    cumulative = np.cumsum(demand, axis=1, out=work.cumulative[:n])
    # tolerance for "net stock < 0" so that exact plans (sigma = 0) do not
    # report phantom stockouts caused by rounding in the cumulative sums
    tolerance = (NUMERIC_TOLERANCE * (1.0 + np.abs(net_start) + cumulative[:, -1]))[:, None]
    zeros = work.zeros[:n]
    cum_orders = _cumulative_orders(plan, cumulative, net_start, tolerance, zeros)
    quantity = work.quantity[:n]
    quantity[:, 0] = cum_orders[:, 0]
    np.subtract(cum_orders[:, 1:], cum_orders[:, :-1], out=quantity[:, 1:])
    placed = np.greater(quantity, 0.0, out=work.placed[:n])
    received, orders = _arrivals(plan, quantity, placed, uniform, lead_table, work)

    net_after = np.subtract(received, demand, out=work.net[:n])  # net stock after receipts
    np.cumsum(net_after, axis=1, out=net_after)
    net_after += _column(net_start)
    net_before = np.subtract(net_after, received, out=quantity)  # ... and just before them
    stocked_out = np.less(net_before, -tolerance, out=work.stocked_out[:n])
    # shortage of day t: the part of today's demand not covered by stock on hand
    short = np.negative(net_before, out=net_before)
    np.minimum(short, demand, out=short)
    short *= stocked_out
    cycles, cycles_short = _count_cycles(plan, stocked_out, orders)

    scratch = work.cumulative[:n, w:]  # free again: receipts are in the net stock
    flags = work.flags[:n, w:]
    demand_sum = demand[measured].sum(axis=1)
    growth = 1.0 + plan.return_rate
    out = {
        "demand": demand_sum,
        "short": short[measured].sum(axis=1),
        "stockout_days": _count_true(np.greater(short[measured], 0.0, out=flags)),
        "cycles": cycles.astype(float),
        "cycles_short": cycles_short.astype(float),
        "orders": _count_true(placed[measured]),
        "on_hand_sum": np.maximum(net_after[measured], zeros[measured], out=scratch).sum(axis=1),
        "backorders_start": np.maximum(-(net_after[:, w - 1] if w > 0 else net_start), 0.0),
        "backorders_end": np.maximum(-net_after[:, -1], 0.0),
        "workload": demand_sum * growth,
    }
    backlog = None
    if math.isfinite(plan.partner_capacity):
        # Lindley recursion b_t = max(0, b_{t-1} + W_t - C_t - P) in closed form:
        # b_t = S_t - min(0, min_{k<=t} S_k) with S the cumulative sum of (W - C - P).
        workload = demand * growth
        excess = np.cumsum(workload - (capacity + plan.partner_capacity), axis=1)
        backlog = excess - np.minimum(np.minimum.accumulate(excess, axis=1), 0.0)
        handled = workload - np.diff(backlog, axis=1, prepend=0.0)  # W_t + b_{t-1} - b_t
        out["overflow"] = np.maximum(handled - capacity, 0.0)[measured].sum(axis=1)
    elif math.isinf(capacity.min()):  # unlimited on every day
        out["overflow"] = np.zeros(n)
    else:
        # overflow = (1 + rate) * max(0, D - C/(1 + rate)): one pass fewer
        excess = np.subtract(demand[measured], capacity[w:] / growth, out=scratch)
        np.maximum(excess, zeros[measured], out=excess)
        out["overflow"] = excess.sum(axis=1) * growth
    if record_disruption:
        disrupted = net_after[measured] < -tolerance
        if backlog is not None:
            disrupted |= backlog[measured] > 0.0
        out["disrupted"] = disrupted
    return out


def _run(
    plan: _Plan, sampler: _Sampler, start_inventory: np.ndarray, runs: list[_Stress]
) -> list[_Totals]:
    """Simulate all replications chunk by chunk, each chunk under every run in ``runs``."""
    parts: list[list[dict[str, np.ndarray]]] = [[] for _ in runs]
    chunks = _chunks(plan)
    work = _Workspace.create(plan, chunks[0].stop - chunks[0].start)
    for rows in chunks:
        draws = _draw(plan, sampler, rows.stop - rows.start, work.zeros)
        for run, collected in zip(runs, parts, strict=True):
            demand = draws.demand
            if run.demand_factor is not None:
                demand = demand * run.demand_factor
            collected.append(
                _run_block(
                    plan,
                    demand,
                    draws.lead_uniform,
                    sampler.lead_table,
                    start_inventory[rows],
                    run.capacity,
                    run.record_disruption,
                    work,
                )
            )
    totals = []
    for collected in parts:
        merged = {key: np.concatenate([part[key] for part in collected]) for key in collected[0]}
        merged.setdefault("disrupted", None)
        totals.append(_Totals(**merged))
    return totals


def _standard_error(values: np.ndarray) -> float:
    if values.size < 2:
        return math.nan
    return float(np.std(values, ddof=1) / math.sqrt(values.size))


def _result(plan: _Plan, totals: _Totals) -> SimulationResult:
    # Conventions: no demand -> fill rate 1; no completed cycle -> no stockout seen.
    fill = np.where(
        totals.demand > 0.0, 1.0 - totals.short / np.maximum(totals.demand, 1e-300), 1.0
    )
    cycle = np.where(
        totals.cycles > 0.0, 1.0 - totals.cycles_short / np.maximum(totals.cycles, 1.0), 1.0
    )
    delivered = totals.demand - (totals.backorders_end - totals.backorders_start)
    overflow_cost = plan.partner_surcharge * totals.overflow
    profit = (
        plan.revenue_per_unit * delivered
        - plan.handling_cost * totals.workload
        - overflow_cost
        - plan.holding_cost / DAYS_PER_YEAR * totals.on_hand_sum
        - plan.order_cost * totals.orders
        - plan.penalty_cost * totals.short
    )
    return SimulationResult(
        fill_rate=float(np.mean(fill)),
        fill_rate_se=_standard_error(fill),
        cycle_service_level=float(np.mean(cycle)),
        cycle_service_level_se=_standard_error(cycle),
        fill_rate_per_replication=fill,
        cycle_service_level_per_replication=cycle,
        stockout_days=totals.stockout_days,
        backordered_units=totals.short,
        overflow_volume=totals.overflow,
        overflow_cost=overflow_cost,
        orders=totals.orders,
        average_on_hand=totals.on_hand_sum / plan.days,
        profit=profit,
        replications=plan.replications,
        days=plan.days,
    )


# --------------------------------------------------------------------------- public API


def _prepare(
    *,
    demand_mean: float | None,
    demand_std: float | None,
    demand_history: Any,
    initial_inventory: Any,
    rng: np.random.Generator | None,
    seed: int | None,
    **plan_kwargs: Any,
) -> tuple[_Plan, _Sampler, np.ndarray]:
    plan = _make_plan(**plan_kwargs)
    history = None
    mean = std = 0.0
    if demand_history is not None:
        history = _check_history(demand_history)
    else:
        if demand_mean is None or demand_std is None:
            raise ValueError("demand_mean and demand_std are required unless demand_history is given")
        mean = _check_number("demand_mean", demand_mean)
        std = _check_number("demand_std", demand_std)
    if rng is not None and seed is not None:
        raise ValueError("pass either rng or seed, not both")
    if rng is None:
        rng = np.random.default_rng(seed)
    elif not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    sampler = _Sampler(
        rng=rng, demand_mean=mean, demand_std=std, history=history, lead_table=_lead_time_table(plan)
    )
    return plan, sampler, _start_inventory(plan, initial_inventory)


def simulate_policy(
    *,
    demand_mean: float | None = None,
    demand_std: float | None = None,
    lead_time_mean: float,
    lead_time_std: float = 0.0,
    reorder_point: float | None = None,
    order_quantity: float | None = None,
    policy: Policy = "rQ",
    review_period: int = 1,
    order_up_to: float | None = None,
    days: int = DEFAULT_DAYS,
    replications: int = DEFAULT_REPLICATIONS,
    internal_capacity: float | tuple[float, ...] = math.inf,
    partner_capacity: float = math.inf,
    return_rate: float = 0.0,
    holding_cost: float = 0.0,
    penalty_cost: float = 0.0,
    order_cost: float = 0.0,
    handling_cost: float = 0.0,
    partner_surcharge: float = 0.0,
    revenue_per_unit: float = 0.0,
    demand_history: Any = None,
    initial_inventory: Any = None,
    warmup_days: int | None = None,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    demand_weekday_factors: Any = None,
) -> SimulationResult:
    """Simulate one lane under an (r, Q) or order-up-to plan (Monte Carlo).

    Parameters
    ----------
    demand_mean, demand_std : float
        mu, sigma of daily demand [units/day]; normal, censored at 0.  Not
        needed when ``demand_history`` is given.
    lead_time_mean, lead_time_std : float
        mu_L, sigma_L of the replenishment lead time [days]; each order draws
        its own lead time (rounded to whole days, >= 0), so orders may cross.
    reorder_point, order_quantity : float
        r [units of inventory position] and Q [units/order] for ``policy="rQ"``.
    policy : {"rQ", "order_up_to"}
        Continuous-review (r, nQ) checked daily, or periodic order-up-to.
    review_period : int
        R, days between reviews for ``"order_up_to"`` [days].
    order_up_to : float
        S, base-stock level for ``"order_up_to"`` [units of inventory position].
    days : int
        Measured horizon [days] (after ``warmup_days``).
    replications : int
        Number of independent replications.
    internal_capacity : float or sequence of 7 floats
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
    demand_history : array_like, optional
        Daily demand history [units/day]; when given, demand is bootstrapped
        i.i.d. from it instead of drawn from the normal distribution.
    initial_inventory : float or array_like, optional
        Starting net inventory [units], one number or one per replication;
        default r + Q, or S.  The pipeline starts empty.
    warmup_days : int, optional
        Days simulated before measuring; default max lead time + R.
    rng : numpy.random.Generator, optional
        Source of randomness; or give ``seed`` instead.  Same seed -> same result.
    seed : int, optional
        Seed for ``numpy.random.default_rng`` when ``rng`` is not given.
    demand_weekday_factors : sequence of 7 floats, optional
        Demand multipliers Monday..Sunday (simulated day 0 is a Monday): day t's
        demand is the drawn demand x factor[t mod 7], so a lane's weekday pattern
        meets its capacity by weekday.

    Returns
    -------
    SimulationResult
        Fill rate, cycle service level (with standard errors) and per-replication
        stockout days, overflow, cost and profit distributions [EUR/horizon].

    Raises
    ------
    ValueError
        Naming the parameter that is out of range.

    Examples
    --------
    Deterministic demand and lead time with cover for exactly R + L days never
    runs out:

    >>> res = simulate_policy(demand_mean=100, demand_std=0, lead_time_mean=5,
    ...                       policy="order_up_to", order_up_to=600,
    ...                       replications=10, days=50, seed=1)
    >>> res.fill_rate, res.cycle_service_level
    (1.0, 1.0)
    """
    plan, sampler, start = _prepare(
        demand_mean=demand_mean,
        demand_std=demand_std,
        demand_history=demand_history,
        initial_inventory=initial_inventory,
        rng=rng,
        seed=seed,
        lead_time_mean=lead_time_mean,
        lead_time_std=lead_time_std,
        reorder_point=reorder_point,
        order_quantity=order_quantity,
        policy=policy,
        review_period=review_period,
        order_up_to=order_up_to,
        days=days,
        replications=replications,
        internal_capacity=internal_capacity,
        partner_capacity=partner_capacity,
        return_rate=return_rate,
        holding_cost=holding_cost,
        penalty_cost=penalty_cost,
        order_cost=order_cost,
        handling_cost=handling_cost,
        partner_surcharge=partner_surcharge,
        revenue_per_unit=revenue_per_unit,
        warmup_days=warmup_days,
        demand_weekday_factors=demand_weekday_factors,
    )
    capacity = plan.capacity_by_day()
    (totals,) = _run(plan, sampler, start,
                     [_Stress(demand_factor=plan.demand_factor_by_day(), capacity=capacity)])
    return _result(plan, totals)


def stress_test(
    *,
    shock: Literal["demand", "capacity"] = "demand",
    shock_start_day: int = 30,
    shock_days: int = 14,
    shock_factor: float = 1.5,
    **simulation_kwargs: Any,
) -> StressTestResult:
    """Inject a demand shock or capacity outage and measure TTS and TTR.

    The baseline and the shocked run share the same random draws, so the
    difference is the effect of the shock alone.

    Parameters
    ----------
    shock : {"demand", "capacity"}
        ``"demand"`` multiplies daily demand by ``shock_factor`` during the
        window; ``"capacity"`` multiplies the internal capacity by it (outage:
        factor < 1).  A capacity outage only disrupts service when
        ``partner_capacity`` is finite; otherwise partners absorb it at the
        surcharge and TTS stays ``inf`` while the overflow cost rises.
    shock_start_day : int
        First shocked day, counted from the first measured day [day index].
    shock_days : int
        Length of the shock window [days].
    shock_factor : float
        Multiplier on demand or capacity during the window (>= 0).
    **simulation_kwargs
        Everything :func:`simulate_policy` accepts.

    Returns
    -------
    StressTestResult
        Per-replication time to survive (TTS) and time to recover (TTR) [days].

    References
    ----------
    Simchi-Levi, Schmidt & Wei (2014), HBR 92(1-2); Simchi-Levi et al. (2015),
    Interfaces 45(5).

    Examples
    --------
    >>> out = stress_test(shock="demand", shock_start_day=10, shock_days=5,
    ...                   shock_factor=3.0, demand_mean=100, demand_std=0,
    ...                   lead_time_mean=2, policy="order_up_to",
    ...                   order_up_to=300, days=40, replications=5, seed=3)
    >>> float(out.time_to_survive_days[0]), float(out.time_to_recover_days[0])
    (0.0, 1.0)

    By hand: on-hand settles at 100 units; the first tripled day (day 10)
    leaves 200 units short (TTS = 0).  The larger orders placed during the
    shock arrive two days later; the backlog is cleared on day 16, one day
    after the shock ended on day 15 (TTR = 1).
    """
    if shock not in SHOCKS:
        raise ValueError(f"shock must be one of {SHOCKS}, got {shock!r}")
    start_day = _check_int("shock_start_day", shock_start_day, low=0)
    length = _check_int("shock_days", shock_days, low=1)
    factor = _check_number("shock_factor", shock_factor)
    plan, sampler, start = _prepare(**_with_defaults(simulation_kwargs))
    if start_day + length > plan.days:
        raise ValueError(
            f"shock_start_day + shock_days must be <= days ({plan.days}), got {start_day + length}"
        )
    window = slice(plan.warmup_days + start_day, plan.warmup_days + start_day + length)
    capacity = plan.capacity_by_day()
    weekday = plan.demand_factor_by_day()
    shocked_demand = np.ones(plan.total_days) if weekday is None else weekday.copy()
    shocked_capacity = capacity.copy()
    if shock == "demand":
        shocked_demand[window] *= factor
    else:
        shocked_capacity[window] *= factor
    baseline, shocked = _run(
        plan,
        sampler,
        start,
        [
            _Stress(demand_factor=weekday, capacity=capacity),
            _Stress(demand_factor=shocked_demand, capacity=shocked_capacity, record_disruption=True),
        ],
    )
    tts, ttr = _survive_and_recover(shocked.disrupted, start_day, start_day + length)
    return StressTestResult(
        time_to_survive_days=tts,
        time_to_recover_days=ttr,
        shock=shock,
        shock_start_day=start_day,
        shock_days=length,
        shock_factor=factor,
        baseline=_result(plan, baseline),
        shocked=_result(plan, shocked),
    )


def _survive_and_recover(
    disrupted: np.ndarray | None, start: int, end: int
) -> tuple[np.ndarray, np.ndarray]:
    """TTS and TTR per replication from the (replications x days) disruption map."""
    if disrupted is None:
        raise ValueError("the shocked run must record disruptions")
    after = disrupted[:, start:]
    hit = after.any(axis=1)
    first = np.argmax(after, axis=1)  # first disrupted day since the start (0 if none)
    tts = np.where(hit, first, np.inf).astype(float)
    # first day without disruption after the first disruption
    index = np.arange(after.shape[1])[None, :]
    clear = ~after & (index > first[:, None])
    cleared = clear.any(axis=1)
    clear_day = np.where(cleared, np.argmax(clear, axis=1), np.inf)
    recovery = np.maximum(clear_day + start - end, 0.0)
    ttr = np.where(hit, recovery, 0.0)
    return tts, ttr


def censored_normal_parameters(mean: float, std: float) -> tuple[float, float]:
    """Location and scale (mu', sigma') whose zero-censored normal has the given mean and std.

    The twin draws daily demand ``max(0, N(mu', sigma'^2))`` [units/day]; to
    simulate a lane whose demand has mean ``mean`` and standard deviation
    ``std`` [units/day], solve ``CV(t) = std / mean`` for ``t = mu'/sigma'``
    with the moments of the censored normal (Johnson, Kotz & Balakrishnan
    1994, sec. 10.1): ``E = sigma' (t Phi(t) + phi(t))``,
    ``E[X^2] = sigma'^2 ((t^2 + 1) Phi(t) + t phi(t))``.  Below a coefficient
    of variation of 0.2 censoring is negligible (P(N < 0) < 3e-7) and the
    inputs are returned unchanged.

    >>> censored_normal_parameters(100.0, 10.0)
    (100.0, 10.0)
    >>> m, s = censored_normal_parameters(1.0, 2.35)
    >>> round(m, 3), round(s, 3)
    (-4.222, 6.467)
    """
    mean = _check_number("demand_mean", mean)
    std = _check_number("demand_std", std)
    if mean <= 0 or std <= 0 or std / mean < 0.2:
        return float(mean), float(std)
    from scipy.optimize import brentq
    from scipy.stats import norm

    def cv_gap(t: float) -> float:
        first = t * norm.cdf(t) + norm.pdf(t)
        second = (t * t + 1.0) * norm.cdf(t) + t * norm.pdf(t)
        return math.sqrt(max(second - first * first, 0.0)) / first - std / mean

    t = brentq(cv_gap, -30.0, 10.0, xtol=1e-12)
    scale = mean / (t * norm.cdf(t) + norm.pdf(t))
    return float(t * scale), float(scale)


def lane_simulation_kwargs(lane: LaneMasterData) -> dict[str, Any]:
    """Map a lane's master data onto :func:`simulate_policy` keyword arguments.

    >>> sorted(lane_simulation_kwargs(LaneMasterData(code="BER-MUC")))[:3]
    ['handling_cost', 'holding_cost', 'internal_capacity']
    """
    return {
        "internal_capacity": (lane.internal_capacity if lane.weekday_capacity is None
                              else lane.capacity_by_weekday()),
        "holding_cost": lane.holding_cost,
        "penalty_cost": lane.penalty_cost,
        "partner_surcharge": lane.partner_surcharge,
        "order_cost": lane.order_cost,
        "handling_cost": lane.handling_cost,
        "revenue_per_unit": lane.revenue_per_unit,
        "return_rate": lane.return_rate,
        "lead_time_mean": lane.lead_time_mean,
        "lead_time_std": lane.lead_time_std,
    }


# --------------------------------------------------------------------------- reference


def _with_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` completed with :func:`simulate_policy`'s defaults; unknown names raise."""
    parameters = inspect.signature(simulate_policy).parameters
    unknown = set(kwargs) - set(parameters)
    if unknown:
        raise ValueError(f"unknown simulation parameter(s): {', '.join(sorted(unknown))}")
    if "lead_time_mean" not in kwargs:
        raise ValueError("lead_time_mean is required [days]")
    defaults = {
        name: p.default for name, p in parameters.items() if p.default is not inspect.Parameter.empty
    }
    return {**defaults, **kwargs}


def simulate_policy_reference(**kwargs: Any) -> SimulationResult:
    """Same model as :func:`simulate_policy` written as a plain Python loop.

    Slow (one replication and one day at a time); it exists to cross-check the
    vectorised core on small cases and as the benchmark baseline.  Given the
    same arguments and seed it consumes the same random draws and returns the
    same figures up to floating-point rounding.
    """
    plan, sampler, start = _prepare(**_with_defaults(kwargs))
    draws = _draw(plan, sampler, plan.replications)
    demand_rows = draws.demand.tolist()
    lead_rows = (
        sampler.lead_table[draws.lead_uniform].tolist()
        if draws.lead_uniform is not None and sampler.lead_table is not None
        else None
    )
    n = plan.replications
    size = plan.max_lead_time + 1
    fixed_lead = _fixed_lead_time(plan)
    columns: dict[str, list[float]] = {
        name: [0.0] * n
        for name in (
            "demand", "short", "stockout_days", "cycles", "cycles_short", "orders",
            "on_hand_sum", "backorders_start", "backorders_end", "workload", "overflow",
        )
    }
    growth = 1.0 + plan.return_rate
    for i in range(n):
        net = position = float(start[i])
        tolerance = NUMERIC_TOLERANCE * (1.0 + abs(net) + math.fsum(demand_rows[i]))
        pipeline = [0.0] * size
        backlog = 0.0
        cycle_ring = [0.0] * size
        totals = dict.fromkeys(columns, 0.0)
        for t in range(plan.total_days):
            measure = t >= plan.warmup_days
            if t == plan.warmup_days:
                totals["backorders_start"] = max(-net, 0.0)
            demand = demand_rows[i][t]
            net -= demand
            short = min(-net, demand) if net < -tolerance else 0.0
            position -= demand
            backlog += demand * growth
            handled = min(backlog, plan.internal_capacity + plan.partner_capacity)
            backlog -= handled
            if measure:
                totals["demand"] += demand
                totals["short"] += short
                totals["stockout_days"] += short > 0.0
                totals["workload"] += demand * growth
                totals["overflow"] += max(handled - plan.internal_capacity, 0.0)
            quantity, is_cycle = 0.0, False
            if plan.policy == "rQ":
                if position <= plan.reorder_point + tolerance:
                    gap = plan.reorder_point - position + tolerance
                    count = math.floor(gap / plan.order_quantity) + 1
                    quantity, is_cycle = count * plan.order_quantity, True
            elif t % plan.review_period == 0:
                quantity, is_cycle = max(plan.order_up_to - position, 0.0), True
            if is_cycle:
                position += quantity
                if measure and quantity > 0.0:
                    totals["orders"] += 1.0
                lead = fixed_lead if lead_rows is None else lead_rows[i][t]
                pipeline[(t + lead) % size] += quantity
                cycle_ring[(t + (lead if plan.policy == "rQ" else fixed_lead)) % size] += 1.0
            slot = t % size
            if measure:
                totals["cycles"] += cycle_ring[slot]
                if net < -tolerance:
                    totals["cycles_short"] += cycle_ring[slot]
            cycle_ring[slot] = 0.0
            net += pipeline[slot]
            pipeline[slot] = 0.0
            if measure:
                totals["on_hand_sum"] += max(net, 0.0)
        totals["backorders_end"] = max(-net, 0.0)
        for name in columns:
            columns[name][i] = totals[name]
    arrays = {name: np.array(values) for name, values in columns.items()}
    return _result(plan, _Totals(**arrays, disrupted=None))

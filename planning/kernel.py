"""The planning kernel: every per-lane figure, vectorised over lanes.

:func:`kernel` is shared by :func:`planning.plan_lane`,
:func:`planning.plan_network`, the cost curve and the profit landscape, so
every view shows the same numbers for the same lane.  :func:`kernel_inputs`
stacks the lanes' master data and demand statistics into its arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

import cooperation
import inventory
import inventory_math
import resilience
from capacity import empirical_overflow, weekly_overflow
from domain import DAYS_PER_YEAR, MASTER_DATA_FIELDS, LaneMasterData
from domain.units import MONTHS_PER_YEAR
from planning.history import weekday_profile

MIN_SERVICE_LEVEL = 0.5  # cost curve / landscape grid bounds (cycle service level)
MAX_SERVICE_LEVEL = 0.999
NORMAL_SKEW_LIMIT = 2.0  # daily demand skewness above this: overflow from the lane's own days
NORMAL_CV_LIMIT = 1.0  # coefficient of variation above this: same
# the master-data fields the kernel reads, in the order of domain.MASTER_DATA_FIELDS
PARAM_NAMES: tuple[str, ...] = tuple(MASTER_DATA_FIELDS)


@dataclass(frozen=True)
class KernelInputs:
    """Per-lane inputs of the planning kernel (1-D arrays, one entry per lane).

    demand_mean, demand_std : D, sigma_D [units/day] over the statistics window.
    tail_risk : 99 % lead-time demand excursion [units].
    weekday_capacity : (lanes, 7) internal capacity Monday..Sunday [units/day].
    p : master-data arrays by field name (units as in ``domain.LaneMasterData``).
    """

    demand_mean: np.ndarray
    demand_std: np.ndarray
    tail_risk: np.ndarray
    weekday_capacity: np.ndarray
    p: dict[str, np.ndarray]
    # daily demand of the statistics window (lanes, days) [units/day], NaN where a lane has
    # no day; used for the overflow where the normal model is poor (``empirical``)
    window: np.ndarray | None = None
    empirical: np.ndarray | None = None  # bool per lane
    weekday_factors: np.ndarray | None = None  # (lanes, 7) demand multipliers Mon..Sun
    base_std: np.ndarray | None = None  # sigma of D_t / f(t) [units/day]
    window_weekday: np.ndarray | None = None  # (lanes, days) weekday of each window day

    def repeat(self, n: int) -> KernelInputs:
        """The same single lane, ``n`` times (for grids over alpha or sigma_L)."""
        def rows(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else np.repeat(a, n, axis=0)

        return KernelInputs(
            np.repeat(self.demand_mean, n), np.repeat(self.demand_std, n),
            np.repeat(self.tail_risk, n), np.repeat(self.weekday_capacity, n, axis=0),
            {k: np.repeat(v, n) for k, v in self.p.items()}, rows(self.window),
            rows(self.empirical), rows(self.weekday_factors), rows(self.base_std),
            rows(self.window_weekday),
        )


@dataclass(frozen=True)
class KernelFigures:
    """Every per-lane planning figure, vectorised over lanes (1-D arrays).

    Flows are [units/day] unless named ``*_per_year`` [units/year]; stocks
    [units]; money [EUR/year].
    """

    annual_demand: np.ndarray  # units/year
    order_quantity: np.ndarray  # units/order (Q, or D R for order-up-to)
    eoq: np.ndarray  # units/order
    overage_cost: np.ndarray  # h T [EUR/unit per cycle]
    optimal_service_level_raw: np.ndarray  # p / (p + h T) before clipping
    optimal_service_level: np.ndarray  # alpha* clipped to the grid bounds
    service_level: np.ndarray  # alpha used
    z: np.ndarray
    policy: inventory.ReviewCyclePolicy
    holding_per_year: np.ndarray
    penalty_per_year: np.ndarray
    ordering_per_year: np.ndarray
    workload_mean: np.ndarray  # units/day
    workload_std: np.ndarray  # units/day
    required_capacity: np.ndarray  # gamma-quantile of daily workload [units/day]
    internal_capacity_mean: np.ndarray  # mean over the week [units/day]
    utilisation: np.ndarray  # mean workload / mean internal capacity
    partner_capacity_to_reserve: np.ndarray  # units/day (coverage level)
    cost_optimal_reservation: np.ndarray  # units/day (fee / premium newsvendor)
    expected_workload_per_year: np.ndarray  # units/year
    expected_overflow_per_year: np.ndarray  # units/year
    expected_internal_per_year: np.ndarray  # units/year
    expected_spot_per_year: np.ndarray  # units/year beyond the reservation
    dependency_ratio: np.ndarray  # expected partner volume / expected workload
    internal_handling_per_year: np.ndarray  # EUR/year
    partner_cost_per_year: np.ndarray  # EUR/year (handling + surcharge of overflow)
    surcharge_per_year: np.ndarray  # EUR/year (surcharge part)
    reservation_per_year: np.ndarray  # EUR/year (fees + spot premium)
    cooperation_cost_per_year: np.ndarray  # EUR/year: internal + partner + reservation
    revenue_per_year: np.ndarray  # EUR/year
    profit_per_year: np.ndarray  # EUR/year
    resilience_score: resilience.ResilienceScore

    @property
    def inventory_cost_per_year(self) -> np.ndarray:
        """Holding + ordering + SLA penalties [EUR/year] -- "total inventory cost" everywhere."""
        return self.holding_per_year + self.ordering_per_year + self.penalty_per_year

    @property
    def money_at_stake_per_year(self) -> np.ndarray:
        """Partner extra cost (surcharge, fees, spot premium) + SLA penalties [EUR/year]."""
        return self.surcharge_per_year + self.reservation_per_year + self.penalty_per_year


def _clip_service_level(alpha: np.ndarray) -> np.ndarray:
    return np.clip(alpha, MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL)


def _order_quantity(annual_demand: np.ndarray, order_cost: np.ndarray, holding_cost: np.ndarray) -> np.ndarray:
    """EOQ [units/order]; zero demand -> 0; zero holding cost -> one month of demand (no EOQ exists)."""
    positive = (annual_demand > 0) & (holding_cost > 0) & (order_cost > 0)
    q = np.where(
        positive,
        inventory_math.eoq(
            np.where(positive, annual_demand, 1.0),
            np.where(positive, order_cost, 1.0),
            np.where(positive, holding_cost, 1.0),
        ),
        annual_demand / MONTHS_PER_YEAR,
    )
    # K = 0 makes EOQ 0 (order every unit); a floor of one day of demand keeps Q meaningful
    return np.maximum(q, annual_demand / DAYS_PER_YEAR)


def normal_is_poor(daily_demand: np.ndarray) -> np.ndarray:
    """Lanes whose daily demand is too skewed or too variable for the normal loss function.

    Skewness above NORMAL_SKEW_LIMIT or coefficient of variation above NORMAL_CV_LIMIT
    (a normal day would then often be negative); rows are lanes, NaN = no day.
    """
    mean = np.nanmean(daily_demand, axis=1)
    std = np.nanstd(daily_demand, axis=1)
    centred = daily_demand - mean[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = np.nanmean(centred**3, axis=1) / std**3
        cv = std / mean
    return (np.nan_to_num(skew) > NORMAL_SKEW_LIMIT) | (np.nan_to_num(cv) > NORMAL_CV_LIMIT)


def kernel(inputs: KernelInputs, service_level: np.ndarray | None) -> KernelFigures:
    """All per-lane planning figures, vectorised over lanes.

    Shared by :func:`plan_lane`, :func:`plan_network`, the cost curve and the
    profit landscape, so every view shows the same numbers for the same lane.
    alpha only moves the inventory terms; capacity is sized by the lane's own
    capacity coverage level gamma, so alpha* = p / (p + h T) maximises the
    expected profit exactly (inventory.periodic_review module docstring).
    """
    p = inputs.p
    mu, sd = inputs.demand_mean, inputs.demand_std
    h, k, pen = p["holding_cost"], p["order_cost"], p["penalty_cost"]
    period = p["review_period_days"].astype(np.int64)
    annual_demand = mu * DAYS_PER_YEAR
    eoq = _order_quantity(annual_demand, k, h)
    cycle_years = inventory.cycle_length_years(
        review_period_days=period, order_quantity=eoq, annual_demand=annual_demand)
    overage = h * cycle_years
    alpha_raw = inventory.critical_ratio_for_cycle(
        penalty_cost=pen, holding_cost=h, cycle_years=cycle_years)
    alpha_opt = _clip_service_level(alpha_raw)
    alpha = alpha_opt if service_level is None else _clip_service_level(service_level)
    policy = inventory.review_cycle_policy(
        alpha, review_period_days=period, demand_mean=mu, demand_std=sd,
        lead_time_mean=p["lead_time_mean"], lead_time_std=p["lead_time_std"], order_quantity=eoq,
        daily_demand=inputs.window, empirical=inputs.empirical)
    holding, penalty, ordering = inventory.policy_annual_cost(
        policy, holding_cost=h, penalty_cost=pen, order_cost=k)
    # capacity: flows in units/day, money on expected volumes (never on quantiles)
    factor = 1.0 + p["return_rate"]
    w_mean, w_std = mu * factor, sd * factor
    caps = inputs.weekday_capacity
    cap_mean = caps.mean(axis=1)
    lanes = mu.size
    weekday = np.ones((lanes, 7)) if inputs.weekday_factors is None else inputs.weekday_factors
    base_sd = sd if inputs.base_std is None else inputs.base_std
    # D_t = f(weekday) X_t: workload of weekday d has mean f_d mu_W and spread f_d sigma_X (1 + r)
    w_mean_day = weekday * w_mean[:, None]
    w_std_day = weekday * (base_sd * factor)[:, None]
    gamma = p["capacity_coverage_level"]
    # the busiest weekday's gamma-quantile, and what it needs beyond that weekday's capacity
    required = np.asarray(cooperation.required_capacity(
        w_mean_day, w_std_day, gamma[:, None]), dtype=float).max(axis=1)
    reserve = np.asarray(cooperation.partner_capacity_to_reserve(
        w_mean_day, w_std_day, caps, gamma[:, None]), dtype=float).max(axis=1)
    k_opt = np.asarray(cooperation.cost_optimal_reservation(
        w_mean_day, w_std_day, caps, reservation_fee=p["reservation_fee"][:, None],
        spot_premium=p["spot_premium"][:, None]), dtype=float).max(axis=1)
    workload_year = w_mean * DAYS_PER_YEAR
    contract = (p["reservation_fee"] > 0) | (p["spot_premium"] > 0)
    reserved = np.where(contract, reserve, 0.0)
    overflow_year = weekly_overflow(w_mean_day, w_std_day, caps)
    spot_year = weekly_overflow(w_mean_day, w_std_day, caps + reserved[:, None])
    if inputs.empirical is not None and inputs.window is not None and inputs.empirical.any():
        rows = np.flatnonzero(inputs.empirical)
        rate = p["return_rate"][rows]
        base = inputs.window[rows]
        if inputs.window_weekday is not None:
            applied = np.take_along_axis(weekday[rows], np.clip(inputs.window_weekday[rows], 0, 6), axis=1)
            base = base / np.where(applied > 0, applied, 1.0)
        overflow_year[rows] = empirical_overflow(base, weekday[rows], rate, caps[rows])
        spot_year[rows] = empirical_overflow(base, weekday[rows], rate, caps[rows] + reserved[rows, None])
    spot_year = np.where(contract, spot_year, 0.0)
    internal_year = workload_year - overflow_year
    dependency = np.where(workload_year > 0, overflow_year / np.where(workload_year > 0, workload_year, 1.0), 0.0)
    handling = p["handling_cost"]
    internal_cost = handling * internal_year
    surcharge = p["partner_surcharge"] * overflow_year
    partner_cost = handling * overflow_year + surcharge
    reservation = p["reservation_fee"] * reserved * DAYS_PER_YEAR + p["spot_premium"] * spot_year
    revenue = p["revenue_per_unit"] * annual_demand
    profit = revenue - internal_cost - partner_cost - reservation - holding - ordering - penalty
    coverage_dependency = np.clip(dependency, 0.0, 1.0)
    score = resilience.resilience_index(
        safety_stock=np.maximum(policy.safety_stock, 0.0), tail_risk=inputs.tail_risk,
        dependency_ratio=coverage_dependency,
    )
    return KernelFigures(
        annual_demand=annual_demand, order_quantity=policy.order_quantity, eoq=eoq,
        overage_cost=overage, optimal_service_level_raw=alpha_raw, optimal_service_level=alpha_opt,
        service_level=alpha, z=norm.ppf(alpha), policy=policy, holding_per_year=holding,
        penalty_per_year=penalty, ordering_per_year=ordering, workload_mean=w_mean,
        workload_std=w_std, required_capacity=required, internal_capacity_mean=cap_mean,
        utilisation=np.where(cap_mean > 0, w_mean / np.where(cap_mean > 0, cap_mean, 1.0), np.inf),
        partner_capacity_to_reserve=reserve, cost_optimal_reservation=k_opt,
        expected_workload_per_year=workload_year, expected_overflow_per_year=overflow_year,
        expected_internal_per_year=internal_year, expected_spot_per_year=spot_year,
        dependency_ratio=dependency, internal_handling_per_year=internal_cost,
        partner_cost_per_year=partner_cost, surcharge_per_year=surcharge,
        reservation_per_year=reservation,
        cooperation_cost_per_year=internal_cost + partner_cost + reservation,
        revenue_per_year=revenue, profit_per_year=profit, resilience_score=score,
    )


def kernel_inputs(
    masters: list[LaneMasterData], demand_mean: np.ndarray, demand_std: np.ndarray,
    tail_risk: np.ndarray, daily_window: np.ndarray | None = None,
    window_weekday: np.ndarray | None = None,
) -> KernelInputs:
    """Stack the lanes' master data into the kernel's arrays.

    ``daily_window`` (lanes, days) [units/day], NaN where a lane has no daily
    history (weekly/monthly lanes), with ``window_weekday`` (0 = Monday) for each
    of its days: gives each lane's weekday demand pattern (``weekday_profile``), and
    lanes whose days are too skewed for the normal model take their overflow from
    these days instead.
    """
    p = {n: np.array([float(getattr(m, n)) for m in masters], dtype=float) for n in PARAM_NAMES}
    caps = np.array([m.capacity_by_weekday() for m in masters], dtype=float).reshape(len(masters), 7)
    mean = np.asarray(demand_mean, dtype=float)
    std = np.asarray(demand_std, dtype=float)
    empirical = factors = base_std = None
    if daily_window is not None:
        has_days = np.isfinite(daily_window).sum(axis=1) >= 2
        empirical = has_days & normal_is_poor(np.where(has_days[:, None], daily_window, 1.0))
        if window_weekday is not None:
            factors, base_std = weekday_profile(daily_window, window_weekday)
            factors = np.where(has_days[:, None], factors, 1.0)
            base_std = np.where(has_days, base_std, std)
    return KernelInputs(mean, std, np.asarray(tail_risk, dtype=float), caps, p, daily_window,
                        empirical, factors, base_std, window_weekday)

"""One lane's plan: history + master data -> every figure the dashboard shows.

:func:`plan_lane` prepares the lane's history once, runs the kernel for the
lane, builds the forecast view with dates and the cost curve, and returns a
:class:`LanePlan`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

import cooperation
import forecasting as forecast
import inventory_math
import resilience
from domain import DAYS_PER_YEAR, PERCENT, CostCurve, LaneMasterData, PlanningError, Policy
from planning.curves import ProfitLandscape, cost_curve, profit_landscape
from planning.history import DemandStatistics, lane_history, period_days_of
from planning.kernel import KernelFigures, KernelInputs, kernel, kernel_inputs
from planning.notes import plan_notes
from planning.replay import replay_overflow

DEFAULT_HORIZON_DAYS = 90
MAX_HORIZON_DAYS = 730


@dataclass(frozen=True)
class UnitEconomics:
    """Per-unit economics [EUR/unit delivered].

    margin = revenue - handling (incl. returns) - holding - partner surcharge - ordering - penalty.
    """

    revenue: float
    handling: float
    holding: float
    partner_surcharge: float
    ordering: float
    penalty: float
    margin: float
    margin_pct: float  # margin / revenue x 100 [%]


@dataclass(frozen=True)
class ForecastView:
    """Forecast with calendar dates (per day)."""

    dates: pd.DatetimeIndex
    mean: np.ndarray  # units/day
    lower: np.ndarray  # units/day, lower prediction bound
    upper: np.ndarray  # units/day, upper prediction bound
    interval_level: float  # e.g. 0.9 for a 90 % interval
    method: str
    backtest_mase: dict[str, float]
    workload_mean: np.ndarray  # units/day incl. returns
    first_breach_date: pd.Timestamp | None  # first day mean workload > internal capacity
    first_breach_date_upper: pd.Timestamp | None  # same for the upper bound (risk view)
    capacity: np.ndarray  # internal capacity on each forecast day [units/day]
    workload_std: np.ndarray  # spread of the daily workload forecast (backtest residuals) [units/day]
    expected_overflow: np.ndarray  # E[(W_t - C_t)^+] per forecast day [units/day]

    @property
    def expected_overflow_total(self) -> float:
        """Expected units sent to partners over the whole horizon [units]."""
        return float(np.sum(self.expected_overflow))


@dataclass(frozen=True)
class LanePlan:
    """Everything the dashboard, the assistant and the PDF show for one lane.

    Units are in the comments; money per year unless stated otherwise.
    """

    lane: str
    params: LaneMasterData
    history: pd.Series  # daily demand [units/day] indexed by date (gaps filled with 0)
    stats: DemandStatistics
    pattern: str  # smooth / erratic / intermittent / lumpy
    status: str  # Normal / Surge Alert / Low Velocity
    recent_mean: float  # units/day over the last RECENT_WINDOW_DAYS
    baseline_mean: float  # units/day over the BASELINE_WINDOW_DAYS before that
    # inventory (on the lane's review cycle, master data review_period_days)
    annual_demand: float  # units/year
    order_quantity: float  # Q [units/order]; mean order D R for order-up-to lanes
    optimal_service_level: float  # alpha* = p / (p + h T) [fraction]
    underage_cost: float  # Cu = SLA penalty [EUR/unit short]
    overage_cost: float  # Co = h T [EUR/unit per replenishment cycle]
    service_level: float  # target cycle service level alpha used [fraction]
    service_level_is_optimal: bool
    z: float  # safety factor z(alpha)
    review_period_days: int  # R: 0 continuous, 1 daily (r, Q), >= 2 order up to S every R days
    lead_time_demand_mean: float  # units over the lead time
    lead_time_demand_std: float  # sigma_LTD [units]
    protection_demand_mean: float  # E[X]: lead time (+ undershoot) or R + L [units]
    protection_demand_std: float  # sigma of X [units]
    safety_stock: float  # r - E[X]: expected net stock when a replenishment arrives [units]
    reorder_point: float  # THE reorder point r (or order-up-to level S) for the review cycle [units]
    textbook_reorder_point: float  # D L + z sigma_LTD (continuous review), comparison only [units]
    cycle_service_level: float  # alpha the plan achieves on its review cycle [fraction]
    daily_review_service_level: float  # alpha the textbook r would achieve reviewed daily [fraction]
    daily_review_reorder_point: float  # units: r reaching alpha with daily review (undershoot)
    fill_rate: float  # beta on the review cycle [fraction]
    expected_shortage_per_cycle: float  # units/cycle
    orders_per_year: float  # replenishment cycles per year [1/year]
    expected_shortage_per_year: float  # units/year
    holding_cost_per_year: float  # EUR/year
    ordering_cost_per_year: float  # EUR/year
    penalty_cost_per_year: float  # EUR/year (SLA penalties)
    inventory_cost_per_year: float  # EUR/year (holding + ordering + penalty)
    # capacity & cooperation (flows; money on expected volumes)
    forecast_workload_mean: float  # units/day, mean over the horizon
    required_capacity: float  # gamma-quantile of daily workload [units/day]
    capacity_coverage_level: float  # gamma [fraction]
    internal_capacity: float  # mean internal capacity over the week [units/day]
    utilisation: float  # mean workload / mean internal capacity [fraction]
    partner_capacity_to_reserve: float  # units/day so internal + reserved covers gamma of days
    cost_optimal_reservation: float  # K* with P(W > C + K) = fee / premium [units/day]
    expected_workload_per_year: float  # units/year
    expected_overflow_per_year: float  # units/year sent to partners (expected)
    expected_internal_per_year: float  # units/year handled in-house (expected)
    overflow_volume: float  # expected units/day to partners (= per year / 365)
    overflow_last_year: float  # units over the last 365 days, replayed at today's capacity
    dependency_ratio: float  # expected partner volume / expected workload [fraction]
    internal_cost_per_day: float  # EUR/day
    partner_cost_per_day: float  # EUR/day (handling + surcharge of the expected overflow)
    surcharge_cost_per_day: float  # EUR/day (the surcharge part only)
    reservation_cost_per_year: float  # EUR/year (reservation fees + spot premium)
    cooperation_cost_per_day: float  # EUR/day total
    cooperation_cost_per_year: float  # EUR/year total
    money_at_stake_per_year: float  # EUR/year: surcharge + fees + premium + SLA penalties
    # resilience
    resilience: resilience.ResilienceScore
    # forecast, charts
    forecast: ForecastView
    cost_curve: CostCurve
    unit_economics: UnitEconomics
    expected_profit_per_year: float  # EUR/year at the target service level
    overflow_model: str = "normal"  # "normal" loss function or "empirical" (the lane's own days)
    weekday_factors: tuple[float, ...] = (1.0,) * 7  # demand multipliers Mon..Sun (1 = no pattern)
    last_date: pd.Timestamp | None = None  # last day with data
    stale_since: pd.Timestamp | None = None  # set when the lane has no data up to the network's today
    kernel_inputs: KernelInputs | None = field(default=None, repr=False, compare=False)
    kernel_figures: KernelFigures | None = field(default=None, repr=False, compare=False)
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats worth showing

    @property
    def demand_base_std(self) -> float:
        """sigma of D_t / f(weekday) [units/day]: the day-to-day spread around the weekday pattern."""
        base = None if self.kernel_inputs is None else self.kernel_inputs.base_std
        return float(base[0]) if base is not None else self.stats.demand_std

    @functools.cached_property
    def profit_landscape(self) -> ProfitLandscape:
        """Expected profit over alpha x sigma_L (computed on first use: only the Finance view needs it)."""
        if self.kernel_inputs is None or self.kernel_figures is None:
            raise PlanningError("this plan carries no kernel inputs for a profit landscape")
        return profit_landscape(self.kernel_inputs, self.kernel_figures)

    @property
    def policy(self) -> Policy:
        """The replenishment policy the plan runs, as the twin simulates it.

        Order up to S = ``reorder_point`` every R days for a review period
        R >= 2 days; otherwise (r, Q) with r = ``reorder_point`` and Q =
        ``order_quantity``, checked once a day (continuous review is simulated
        in sub-steps of a day by :mod:`planning.reconciliation`).
        """
        if self.review_period_days >= 2:
            return Policy.up_to(self.reorder_point, review_period=self.review_period_days)
        return Policy.rq(self.reorder_point, self.order_quantity)


def _forecast_view(
    series: pd.Series, period: str, horizon_days: int, params: LaneMasterData
) -> ForecastView:
    """Forecast per day with dates, workload incl. returns, expected overflow and first breach."""
    values = series.to_numpy(dtype=float)
    z_interval = 1.0
    if period == "day":
        fc = forecast.forecast_daily_history(values, horizon_days=horizon_days)
        mean, lower, upper = fc.mean, fc.lower, fc.upper
        spread_day = np.asarray(fc.residual_std, dtype=float)
    else:
        # forecast native periods, then express each period's forecast per day
        period_days = period_days_of(period)
        season = forecast.SEASON_LENGTH_BY_PERIOD[period]  # issue 11: quarterly histories too
        horizon = max(1, int(np.ceil(horizon_days / period_days)))
        fc = forecast.forecast_lane(values, horizon=horizon, season_length=season)
        repeat = int(np.ceil(horizon_days / horizon))
        mean = np.repeat(fc.mean / period_days, repeat)[:horizon_days]
        lower = np.repeat(fc.lower / period_days, repeat)[:horizon_days]
        upper = np.repeat(fc.upper / period_days, repeat)[:horizon_days]
        # one day of a period whose total has spread s: s / sqrt(period length) (independent days)
        spread_day = np.repeat(np.asarray(fc.residual_std, dtype=float) / np.sqrt(period_days),
                               repeat)[:horizon_days]
    dates = pd.date_range(series.index[-1] + pd.Timedelta(days=1), periods=horizon_days, freq="D")
    factor = 1.0 + params.return_rate
    workload_mean = np.asarray(mean, dtype=float) * factor
    if spread_day.size != horizon_days or not np.all(np.isfinite(spread_day)):
        # no calibrated spread: read it off the forecast interval (normal, two-sided)
        z_interval = float(norm.ppf(0.5 + fc.interval_level / 2.0))
        spread_day = np.maximum(np.asarray(upper, dtype=float) - np.asarray(mean, dtype=float), 0.0)
    workload_std = np.maximum(spread_day, 0.0) / z_interval * factor
    capacity = np.asarray(params.capacity_by_weekday(), dtype=float)[dates.weekday]
    overflow = np.asarray(cooperation.expected_overflow(
        np.maximum(workload_mean, 0.0), workload_std, capacity), dtype=float)
    breach = np.flatnonzero(workload_mean > capacity)
    breach_upper = np.flatnonzero(np.asarray(upper) * factor > capacity)
    return ForecastView(
        dates=dates, mean=np.asarray(mean), lower=np.asarray(lower), upper=np.asarray(upper),
        interval_level=fc.interval_level, method=fc.method, backtest_mase=dict(fc.backtest_mase),
        workload_mean=workload_mean,
        first_breach_date=dates[breach[0]] if breach.size else None,
        first_breach_date_upper=dates[breach_upper[0]] if breach_upper.size else None,
        capacity=capacity, workload_std=workload_std, expected_overflow=overflow,
    )


def plan_lane(
    history: pd.DataFrame | pd.Series,
    params: LaneMasterData,
    *,
    service_level: float | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    as_of: pd.Timestamp | None = None,
) -> LanePlan:
    """Plan one lane: statistics, buffer, capacity, cooperation, resilience, forecast.

    Parameters
    ----------
    history : DataFrame with columns ``date`` and ``demand`` [units per recorded
        period], or a date-indexed Series.  Daily, weekly or monthly records
        (detected from the spacing of the dates).
    params : LaneMasterData
        Lane parameters (units in :class:`domain.LaneMasterData`).
    service_level : float, optional
        Target cycle service level alpha in (0, 1); default: the profit-optimal
        critical ratio.  Clipped to [0.5, 0.999].
    horizon_days : int
        Forecast horizon [days], 1..730.
    as_of : Timestamp, optional
        The network's last day of data.  A lane whose records stop earlier is
        planned on its own span and flagged "No recent data" (never zero-filled),
        exactly as :func:`plan_network` shows it.

    Raises
    ------
    PlanningError
        Empty or negative history, or parameters out of range.

    References
    ----------
    Silver, Pyke & Thomas (2017), Inventory and Production Management in Supply
    Chains, 4th ed., ch. 6-8 (safety stock, fill rate, periodic review);
    Hadley & Whitin (1963) (annual cost and its minimiser; undershoot);
    capacity-reservation newsvendor (cooperation module); docs/METHODS.md.
    """
    if not 1 <= int(horizon_days) <= MAX_HORIZON_DAYS:
        raise PlanningError(
            f"horizon_days must be between 1 and {MAX_HORIZON_DAYS}, got {horizon_days}")
    if service_level is not None and not 0.0 < float(service_level) < 1.0:
        raise PlanningError(f"service_level must be in (0, 1), got {service_level}")
    try:
        lane = lane_history(history, params, as_of=as_of)
    except ValueError as exc:
        if isinstance(exc, PlanningError):
            raise
        raise PlanningError(str(exc)) from None
    stats = lane.stats
    window, weekday = lane.kernel_window()
    inputs = kernel_inputs([params], np.array([stats.demand_mean]), np.array([stats.demand_std]),
                           np.array([lane.tail_risk]), window, weekday)
    k = kernel(inputs, None if service_level is None else np.array([float(service_level)]))
    fview = _forecast_view(lane.series, lane.period, int(horizon_days), params)
    kernel_score = k.resilience_score
    score = resilience.ResilienceScore(
        score=float(np.asarray(kernel_score.score)[0]),
        coverage=float(np.asarray(kernel_score.coverage)[0]),
        independence=float(np.asarray(kernel_score.independence)[0]), tail_risk=lane.tail_risk,
        weights=kernel_score.weights,
    )
    pol = k.policy
    daily_kw = dict(demand_mean=stats.demand_mean, demand_std=stats.demand_std,
                    lead_time_mean=params.lead_time_mean, lead_time_std=params.lead_time_std)
    textbook_r = float(pol.textbook_reorder_point[0])

    def one(values: np.ndarray) -> float:
        return float(values[0])

    return LanePlan(
        lane=params.code, params=params, history=lane.daily, stats=stats, pattern=lane.pattern,
        status=lane.status, recent_mean=lane.recent_mean, baseline_mean=lane.baseline_mean,
        annual_demand=one(k.annual_demand), order_quantity=one(k.order_quantity),
        optimal_service_level=one(k.optimal_service_level), underage_cost=params.penalty_cost,
        overage_cost=one(k.overage_cost), service_level=one(k.service_level),
        service_level_is_optimal=service_level is None, z=one(k.z),
        review_period_days=int(params.review_period_days),
        lead_time_demand_mean=stats.demand_mean * params.lead_time_mean,
        lead_time_demand_std=float(inventory_math.lead_time_demand_std(
            stats.demand_mean, stats.demand_std, params.lead_time_mean, params.lead_time_std)),
        protection_demand_mean=one(pol.protection_mean),
        protection_demand_std=one(pol.protection_std),
        safety_stock=one(pol.safety_stock), reorder_point=one(pol.reorder_point),
        textbook_reorder_point=textbook_r, cycle_service_level=one(pol.cycle_service_level),
        daily_review_service_level=float(
            inventory_math.daily_review_cycle_service_level(textbook_r, **daily_kw)),
        daily_review_reorder_point=float(
            inventory_math.daily_review_reorder_point(one(k.service_level), **daily_kw)),
        fill_rate=one(pol.fill_rate), expected_shortage_per_cycle=one(pol.expected_shortage_per_cycle),
        orders_per_year=one(pol.cycles_per_year),
        expected_shortage_per_year=one(pol.expected_shortage_per_year),
        holding_cost_per_year=one(k.holding_per_year), ordering_cost_per_year=one(k.ordering_per_year),
        penalty_cost_per_year=one(k.penalty_per_year),
        inventory_cost_per_year=one(k.inventory_cost_per_year),
        forecast_workload_mean=float(np.mean(fview.workload_mean)),
        required_capacity=one(k.required_capacity),
        capacity_coverage_level=params.capacity_coverage_level,
        internal_capacity=one(k.internal_capacity_mean), utilisation=one(k.utilisation),
        partner_capacity_to_reserve=one(k.partner_capacity_to_reserve),
        cost_optimal_reservation=one(k.cost_optimal_reservation),
        expected_workload_per_year=one(k.expected_workload_per_year),
        expected_overflow_per_year=one(k.expected_overflow_per_year),
        expected_internal_per_year=one(k.expected_internal_per_year),
        overflow_volume=one(k.expected_overflow_per_year) / DAYS_PER_YEAR,
        overflow_last_year=replay_overflow(lane, params),
        dependency_ratio=one(k.dependency_ratio),
        internal_cost_per_day=one(k.internal_handling_per_year) / DAYS_PER_YEAR,
        partner_cost_per_day=one(k.partner_cost_per_year) / DAYS_PER_YEAR,
        surcharge_cost_per_day=one(k.surcharge_per_year) / DAYS_PER_YEAR,
        reservation_cost_per_year=one(k.reservation_per_year),
        cooperation_cost_per_day=one(k.cooperation_cost_per_year) / DAYS_PER_YEAR,
        cooperation_cost_per_year=one(k.cooperation_cost_per_year),
        money_at_stake_per_year=one(k.money_at_stake_per_year),
        resilience=score, forecast=fview, cost_curve=cost_curve(inputs, k),
        kernel_inputs=inputs, kernel_figures=k, unit_economics=unit_economics(k, params),
        expected_profit_per_year=one(k.profit_per_year),
        overflow_model="empirical" if bool(inputs.empirical is not None and inputs.empirical[0])
        else "normal",
        weekday_factors=tuple(float(f) for f in (
            inputs.weekday_factors[0] if inputs.weekday_factors is not None else np.ones(7))),
        notes=plan_notes(k, stats, params, lane), last_date=lane.last_date, stale_since=lane.stale_since,
    )


def unit_economics(figures: KernelFigures, params: LaneMasterData) -> UnitEconomics:
    """Per-unit economics [EUR/unit delivered] consistent with the expected annual profit.

    Each annual figure [EUR/year] of the first lane of ``figures`` divided by
    the annual demand D [units/year]; ``handling`` is internal + partner
    handling of the expected volumes (returns included), ``partner_surcharge``
    the surcharge plus reservation fees and spot premium.  margin x D equals
    ``LanePlan.expected_profit_per_year``.
    """
    d = float(figures.annual_demand[0])
    if d <= 0:
        zero = 0.0
        return UnitEconomics(params.revenue_per_unit, zero, zero, zero, zero, zero,
                             params.revenue_per_unit, PERCENT if params.revenue_per_unit else 0.0)
    handling = params.handling_cost * float(figures.expected_workload_per_year[0]) / d
    holding = float(figures.holding_per_year[0]) / d
    surcharge = float(figures.surcharge_per_year[0] + figures.reservation_per_year[0]) / d
    ordering = float(figures.ordering_per_year[0]) / d
    penalty = float(figures.penalty_per_year[0]) / d
    margin = params.revenue_per_unit - handling - holding - surcharge - ordering - penalty
    pct = PERCENT * margin / params.revenue_per_unit if params.revenue_per_unit > 0 else float("nan")
    return UnitEconomics(params.revenue_per_unit, handling, holding, surcharge, ordering, penalty,
                         margin, pct)

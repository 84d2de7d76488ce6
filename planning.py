"""Planning layer: one lane's history + parameters -> every figure the dashboard shows.

Pure functions, no Streamlit, SQL or I/O.  All figures carry their unit in the
field name's docstring below; the planning calendar is **per day** (demand per
day, lead time in days) with yearly money figures obtained by multiplying daily
figures by ``DAYS_PER_YEAR`` (365).

Definitions (see docs/METHODS.md, section "Planning layer"):

* **Demand statistics** ``demand_mean``/``demand_std`` [units/day] are taken over
  the last ``STATS_WINDOW_DAYS`` days of history.  Histories recorded per week
  or per month are converted to per-day figures explicitly (mean scales with
  time, standard deviation with the square root of time).  Days without a
  record count as zero volume.
* **Workload** [units/day] = outbound demand x (1 + return rate): every return
  is handled again (reverse logistics adds work, it does not replenish stock).
* **Required capacity** [units/day] is a *flow*: the daily handling throughput
  that covers the forecast workload on a fraction alpha of days,
  ``C_req = mu_w + z(alpha) * sigma_w`` where ``mu_w`` is the mean forecast
  workload over the horizon.  A stock (safety stock, cycle stock) is never
  added to this flow.
* **Target service level** alpha is a *cycle* service level (probability of
  no stockout in a replenishment cycle).  Its profit-optimal value is the
  critical ratio ``p / (p + h * Q / D)`` of the (r, Q) cost model: the same
  number is the minimum of the cost-convexity curve and the sweet spot row of
  the profit landscape.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

import cooperation
import forecasting as forecast
import inventory
import inventory_math
import resilience
from domain import DAYS_PER_YEAR, LaneMasterData, PlanningError

STATS_WINDOW_DAYS = 365  # window of recent history used for mean and sigma [days]
RECENT_WINDOW_DAYS = 7  # "recent volume" for the watchtower status [days]
BASELINE_WINDOW_DAYS = 84  # the lane's own level: 12 weeks before the recent window [days]
SURGE_FACTOR = 1.5  # recent >= 1.5 x own level -> Surge Alert (seed's threshold)
LOW_VELOCITY_FACTOR = 0.5  # recent <= 0.5 x own level -> Low Velocity (seed's threshold)
DEFAULT_HORIZON_DAYS = 90
MIN_SERVICE_LEVEL = 0.5  # cost curve / landscape grid bounds (cycle service level)
MAX_SERVICE_LEVEL = 0.999
TAIL_QUANTILE = 0.99  # resilience: tail risk = 99 % quantile of lead-time demand minus its mean
SERVICE_GRID_POINTS = 100
LEAD_TIME_STD_GRID_POINTS = 16
LANDSCAPE_SERVICE_POINTS = 40

STATUS_NORMAL = "Normal"
STATUS_SURGE = "Surge Alert"
STATUS_LOW = "Low Velocity"
STATUS_NO_DATA = "No recent data"
STALE_PERIODS = 1.5  # a lane is stale when its last record is older than 1.5 periods
NORMAL_SKEW_LIMIT = 2.0  # daily demand skewness above this: overflow from the lane's own days
NORMAL_CV_LIMIT = 1.0  # coefficient of variation above this: same
SURGE_NOISE_SIGMAS = 2.0  # a surge/low status must also exceed 2 standard errors of the recent mean



@dataclass(frozen=True)
class DemandStatistics:
    """Per-day demand statistics of a lane.

    demand_mean, demand_std : units/day over the statistics window.
    workload_mean, workload_std : units/day including returns.
    source_period : "day" | "week" | "month" -- how the history was recorded.
    window_start, window_end : first and last day of the statistics window.
    observations : number of periods in the window (in ``source_period`` units).
    """

    demand_mean: float
    demand_std: float
    workload_mean: float
    workload_std: float
    source_period: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    observations: int


@dataclass(frozen=True)
class CostCurve:
    """Annual inventory cost over cycle service levels (U-shaped).

    service_levels : cycle service levels alpha (fraction).
    holding, penalty, ordering, total : EUR/year at each alpha; total = holding + penalty
        + ordering, the "total inventory cost" of the plan.
    optimum_service_level : alpha* (fraction), the analytic minimum.
    optimum_total : EUR/year at alpha*.
    """

    service_levels: np.ndarray
    holding: np.ndarray
    penalty: np.ndarray
    ordering: np.ndarray
    total: np.ndarray
    optimum_service_level: float
    optimum_total: float


@dataclass(frozen=True)
class ProfitLandscape:
    """Expected annual profit [EUR/year] over service level x lead-time variability.

    profit[i, j] is at service_levels[i] and lead_time_stds[j] [days].
    sweet_spot_* : the grid's maximum; best_service_level_by_std : per column.
    """

    service_levels: np.ndarray
    lead_time_stds: np.ndarray
    profit: np.ndarray
    sweet_spot_service_level: float
    sweet_spot_lead_time_std: float
    sweet_spot_profit: float
    optimum_service_level: float


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
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats worth showing


NETWORK_COLUMNS: dict[str, str] = {
    "lane": "lane code",
    "status": "Normal / Surge Alert / Low Velocity / No recent data",
    "pattern": "smooth / erratic / intermittent / lumpy",
    "period": "day / week / month: how the history is recorded",
    "last_date": "last day with data",
    "latest_volume": "units/day in the last recorded period",
    "recent_mean": f"units/day, mean of the last {RECENT_WINDOW_DAYS} days",
    "baseline_mean": f"units/day, mean of the {BASELINE_WINDOW_DAYS} days before that",
    "demand_mean": f"units/day over the lane's last {STATS_WINDOW_DAYS} days",
    "demand_std": "units/day",
    "service_level": "target cycle service level alpha [fraction]",
    "review_period_days": "days between stock reviews (0 = continuous)",
    "safety_stock": "units",
    "reorder_point": "units (for the lane's review cycle)",
    "fill_rate": "fraction of demand served from stock",
    "required_capacity": "units/day (coverage-level quantile of workload)",
    "internal_capacity": "units/day (mean over the week)",
    "utilisation": "mean workload / internal capacity [fraction]",
    "partner_capacity_to_reserve": "units/day",
    "expected_overflow_per_year": "units/year expected to go to partners",
    "overflow_last_year": "units sent to partners in the last 365 days at today's capacity",
    "overflow_volume": "expected units/day to partners",
    "dependency_ratio": "expected partner volume / workload [fraction]",
    "cooperation_cost_per_year": "EUR/year internal + partner handling + reservation",
    "surcharge_cost_per_year": "EUR/year (surcharge part)",
    "penalty_cost_per_year": "EUR/year expected SLA penalties",
    "expected_profit_per_year": "EUR/year",
    "resilience": "index 0-100",
    "impact_per_year": "EUR/year at stake: partner surcharge, fees, premium + SLA penalties",
}


@dataclass(frozen=True)
class NetworkPlan:
    """The watchtower: one row per lane (columns: NETWORK_COLUMNS) plus totals.

    table : DataFrame sorted by impact_per_year descending.
    as_of : last day of data (the network's "today").
    totals: overflow_volume [units/day], partner lanes [count],
            cooperation/surcharge/penalty cost [EUR/year], network dependency [fraction].
    """

    table: pd.DataFrame
    as_of: pd.Timestamp | None
    total_required_capacity: float  # units/day
    total_internal_capacity: float  # units/day
    total_overflow_volume: float  # units/day
    lanes_overflowing: tuple[str, ...]
    total_cooperation_cost_per_year: float  # EUR/year
    total_surcharge_cost_per_year: float  # EUR/year
    total_penalty_cost_per_year: float  # EUR/year
    network_dependency_ratio: float  # fraction
    status_counts: dict[str, int]
    total_expected_overflow_per_year: float = 0.0  # units/year
    total_overflow_last_year: float = 0.0  # units over the last 365 days (replay)
    total_partner_capacity_to_reserve: float = 0.0  # units/day
    total_money_at_stake_per_year: float = 0.0  # EUR/year
    total_expected_profit_per_year: float = 0.0  # EUR/year


# --------------------------------------------------------------------------- history


def _history_frame(history: pd.DataFrame | pd.Series) -> pd.Series:
    """Demand per recorded period as a date-indexed float Series (sorted, summed per date)."""
    if isinstance(history, pd.DataFrame):
        missing = {"date", "demand"} - set(history.columns)
        if missing:
            raise PlanningError(f"history needs columns date and demand; missing {sorted(missing)}")
        series = pd.Series(
            history["demand"].to_numpy(dtype=float), index=pd.DatetimeIndex(history["date"])
        )
    else:
        series = pd.Series(history.to_numpy(dtype=float), index=pd.DatetimeIndex(history.index))
    series = series.groupby(level=0).sum().sort_index()
    if series.empty:
        raise PlanningError("the lane has no demand history yet; import or add records first")
    if (series < 0).any() or not np.isfinite(series.to_numpy()).all():
        raise PlanningError("demand history must be finite and >= 0 units")
    return series


def _regular(series: pd.Series, period: str) -> pd.Series:
    """Reindex to a regular calendar; periods without a record count as zero volume."""
    if period == "day":
        index = pd.date_range(series.index[0], series.index[-1], freq="D")
        return series.reindex(index, fill_value=0.0)
    # weekly / monthly histories keep their own stamps (spacing may vary by a day or two)
    return series


def _period_days(period: str) -> float:
    return float(inventory_math.PERIOD_DAYS[period])


def _demand_statistics(series: pd.Series, period: str, return_rate: float) -> DemandStatistics:
    """Per-day mean and standard deviation over the statistics window, converted explicitly."""
    period_days = _period_days(period)
    window_periods = max(2, int(round(STATS_WINDOW_DAYS / period_days)))
    window = series.iloc[-window_periods:]
    values = window.to_numpy(dtype=float)
    mean_native = float(values.mean())
    std_native = float(values.std(ddof=1)) if values.size > 1 else 0.0
    mean_day = float(inventory_math.convert_mean(mean_native, period, "day"))
    std_day = float(inventory_math.convert_std(std_native, period, "day"))
    return DemandStatistics(
        demand_mean=mean_day,
        demand_std=std_day,
        workload_mean=float(cooperation.workload(mean_day, return_rate)),
        workload_std=float(cooperation.workload(std_day, return_rate)),
        source_period=period,
        window_start=window.index[0],
        window_end=window.index[-1],
        observations=int(values.size),
    )


def velocity_status(
    recent_mean: np.ndarray, baseline_mean: np.ndarray, noise: np.ndarray | None = None
) -> np.ndarray:
    """Watchtower status from recent volume against the lane's own level.

    Surge Alert when ``recent >= SURGE_FACTOR x baseline``, Low Velocity when
    ``recent <= LOW_VELOCITY_FACTOR x baseline`` (thresholds of the seed, applied
    to a ``RECENT_WINDOW_DAYS`` mean instead of one noisy day), else Normal.  A
    lane with no baseline volume is in surge if anything moves now, else low.
    ``noise`` [units/day], when given, is the standard error of the recent mean
    (sigma_D / sqrt(recent days)); the change must also exceed
    ``SURGE_NOISE_SIGMAS`` of it, so a quiet lane's chance wobble is Normal.

    >>> velocity_status(np.array([160.0, 40.0, 100.0, 0.0]), np.array([100.0, 100.0, 100.0, 0.0]))
    array(['Surge Alert', 'Low Velocity', 'Normal', 'Low Velocity'], dtype='<U12')
    """
    recent = np.asarray(recent_mean, dtype=float)
    base = np.asarray(baseline_mean, dtype=float)
    surge = np.where(base > 0, recent >= SURGE_FACTOR * base, recent > 0)
    low = np.where(base > 0, recent <= LOW_VELOCITY_FACTOR * base, recent <= 0)
    if noise is not None:
        margin = SURGE_NOISE_SIGMAS * np.asarray(noise, dtype=float)
        surge &= recent - base > margin
        low &= base - recent > margin
    return np.where(surge, STATUS_SURGE, np.where(low, STATUS_LOW, STATUS_NORMAL))


def _recent_and_baseline(per_day: np.ndarray, period_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean volume [units/day] of the recent window and of the baseline window before it.

    ``per_day`` is lanes x periods in units/day (native volume / period length).
    """
    recent_n = max(1, int(round(RECENT_WINDOW_DAYS / period_days)))
    base_n = max(1, int(round(BASELINE_WINDOW_DAYS / period_days)))
    recent = per_day[:, -recent_n:].mean(axis=1)
    before = per_day[:, :-recent_n][:, -base_n:]
    baseline = before.mean(axis=1) if before.shape[1] else recent
    return recent, baseline


# --------------------------------------------------------------------------- weekday pattern

WEEKDAY_SIGNIFICANCE = 0.99  # a weekday pattern is used when its F-test clears 99 %
WEEKDAY_MIN_DAYS = 28  # at least four weeks of days


def weekday_profile(daily: np.ndarray, weekday: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weekday demand factors and the spread around them, per lane (vectorised).

    ``daily`` (lanes, days) [units/day], NaN where a lane has no day; ``weekday``
    (lanes, days) 0 = Monday.  Returns ``factors`` (lanes, 7) = mean of each weekday /
    overall mean, and ``base_std`` (lanes,) [units/day] = sample std of D_t / f(t).
    Demand is then modelled as D_t = f(t) X_t with X_t i.i.d. (mean mu, std base_std).
    The pattern is used only where a one-way ANOVA F-test of the weekday means is
    significant at WEEKDAY_SIGNIFICANCE (Montgomery 2017, *Design and Analysis of
    Experiments*, ch. 3); otherwise every factor is 1 and base_std is the plain std.
    """
    from scipy.stats import f as f_dist

    valid = np.isfinite(daily)
    n = valid.sum(axis=1)
    values = np.where(valid, daily, 0.0)
    mean = values.sum(axis=1) / np.maximum(n, 1)
    sums = np.stack([np.where(weekday == d, values, 0.0).sum(axis=1) for d in range(7)], axis=1)
    counts = np.stack([(valid & (weekday == d)).sum(axis=1) for d in range(7)], axis=1)
    day_mean = np.where(counts > 0, sums / np.maximum(counts, 1), mean[:, None])
    fitted = np.take_along_axis(day_mean, np.clip(weekday, 0, 6), axis=1)
    within = np.where(valid, (values - fitted) ** 2, 0.0).sum(axis=1)
    between = (counts * (day_mean - mean[:, None]) ** 2).sum(axis=1)
    dof_within = np.maximum(n - 7, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (between / 6.0) / (within / dof_within)
    critical = f_dist.ppf(WEEKDAY_SIGNIFICANCE, 6, dof_within)
    use = (n >= WEEKDAY_MIN_DAYS) & (mean > 0) & (counts.min(axis=1) > 0) & (
        np.nan_to_num(statistic, nan=0.0, posinf=np.inf) > critical)
    factors = np.where(use[:, None], day_mean / np.where(mean > 0, mean, 1.0)[:, None], 1.0)
    applied = np.take_along_axis(factors, np.clip(weekday, 0, 6), axis=1)
    base = np.where(valid & (applied > 0), values / np.where(applied > 0, applied, 1.0), np.nan)
    base_n = np.isfinite(base).sum(axis=1)
    base_mean = np.nansum(base, axis=1) / np.maximum(base_n, 1)
    squares = np.nansum((base - base_mean[:, None]) ** 2, axis=1)
    base_std = np.sqrt(squares / np.maximum(base_n - 1, 1))
    return factors, base_std


# --------------------------------------------------------------------------- the kernel


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
        annual_demand / 12.0,
    )
    # K = 0 makes EOQ 0 (order every unit); a floor of one day of demand keeps Q meaningful
    return np.maximum(q, annual_demand / DAYS_PER_YEAR)


def weekly_overflow(
    workload_mean: np.ndarray, workload_std: np.ndarray, weekday_capacity: np.ndarray
) -> np.ndarray:
    """Expected overflow per year [units/year] of a daily workload with a weekly rhythm.

    ``365/7 x sum over weekdays d of E[(W_d - C_d)^+]`` with
    ``E[(W - C)^+] = sigma_W G((C - mu_W)/sigma_W)`` (cooperation.expected_overflow);
    ``workload_mean``/``workload_std`` are (lanes,) or (lanes, 7) per weekday [units/day].

    Reference: Silver, Pyke & Thomas (2017), eq. (6.11) (expected excess of a normal
    variable over a level), applied per weekday to the capacity.
    """
    mean = workload_mean if workload_mean.ndim == 2 else workload_mean[:, None]
    std = workload_std if workload_std.ndim == 2 else workload_std[:, None]
    per_day = cooperation.expected_overflow(mean, std, weekday_capacity)
    return np.asarray(per_day, dtype=float).mean(axis=1) * DAYS_PER_YEAR


def empirical_overflow(
    base_days: np.ndarray, weekday_factors: np.ndarray, return_rate: np.ndarray,
    weekday_capacity: np.ndarray,
) -> np.ndarray:
    """Expected overflow per year [units/year] from the lane's own days (no normal assumption).

    ``365/7 x sum over weekdays d of mean_i (f_d x_i (1 + return rate) - C_d)^+`` with
    ``x_i = D_i / f(i)`` the lane's days of the statistics window without their weekday
    factor: each past day is an equally likely next day (the twin's bootstrap), scaled
    to weekday d and set against that weekday's capacity.

    Reference: the empirical (bootstrap) estimate of an expected excess, Efron &
    Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 6.
    """
    work = base_days * (1.0 + return_rate)[:, None]
    per_weekday = np.stack(
        [np.nanmean(np.maximum(weekday_factors[:, d : d + 1] * work - weekday_capacity[:, d : d + 1],
                               0.0), axis=1) for d in range(7)],
        axis=1,
    )
    return np.nan_to_num(per_weekday).mean(axis=1) * DAYS_PER_YEAR


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


PARAM_NAMES = (
    "internal_capacity", "holding_cost", "penalty_cost", "partner_surcharge", "order_cost",
    "handling_cost", "revenue_per_unit", "return_rate", "lead_time_mean", "lead_time_std",
    "review_period_days", "capacity_coverage_level", "reservation_fee", "spot_premium",
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


# --------------------------------------------------------------------------- chart data


def cost_curve(inputs: KernelInputs, figures: KernelFigures) -> CostCurve:
    """Annual inventory cost over alpha in [0.5, 0.999] [EUR/year] for one lane.

    The same kernel as the plan at every grid point (holding, ordering and SLA
    penalty on the lane's review cycle), on a grid that contains alpha* itself,
    so the marked minimum is exactly the critical ratio and ``total`` is the
    "total inventory cost" shown everywhere (Hadley & Whitin 1963, sec. 4.7;
    Silver, Pyke & Thomas 2017, sec. 7.4).
    """
    alpha_opt = float(figures.optimal_service_level[0])
    grid = np.unique(np.append(
        np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, SERVICE_GRID_POINTS), alpha_opt))
    curve = kernel(inputs.repeat(grid.size), grid)
    total = curve.inventory_cost_per_year
    at_opt = float(total[np.searchsorted(grid, alpha_opt)])
    return CostCurve(
        service_levels=grid, holding=curve.holding_per_year,
        penalty=curve.penalty_per_year, ordering=curve.ordering_per_year, total=total,
        optimum_service_level=alpha_opt, optimum_total=at_opt,
    )


def profit_landscape(inputs: KernelInputs, figures: KernelFigures) -> ProfitLandscape:
    """Expected annual profit [EUR/year] over alpha x sigma_L, from the plan's own kernel.

    Each cell is ``KernelFigures.profit_per_year`` -- the same expected profit the
    plan reports -- with only alpha and the lead-time spread changed.  Capacity
    costs do not depend on alpha, so each column peaks at the critical ratio
    and the sweet spot at the current sigma_L is the plan's alpha*.
    """
    sigma_l = float(inputs.p["lead_time_std"][0])
    top = max(3.0 * sigma_l, 0.5 * float(inputs.p["lead_time_mean"][0]), 1.0)
    stds = np.unique(np.append(np.linspace(0.0, top, LEAD_TIME_STD_GRID_POINTS), sigma_l))
    alpha_opt = float(figures.optimal_service_level[0])
    alphas = np.unique(np.append(
        np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, LANDSCAPE_SERVICE_POINTS), alpha_opt))
    a_grid, s_grid = np.meshgrid(alphas, stds, indexing="ij")
    grid_inputs = inputs.repeat(a_grid.size)
    grid_inputs.p["lead_time_std"] = s_grid.ravel()
    profit = kernel(grid_inputs, a_grid.ravel()).profit_per_year.reshape(a_grid.shape)
    i, j = np.unravel_index(int(np.argmax(profit)), profit.shape)
    return ProfitLandscape(
        service_levels=alphas, lead_time_stds=stds, profit=profit,
        sweet_spot_service_level=float(alphas[i]), sweet_spot_lead_time_std=float(stds[j]),
        sweet_spot_profit=float(profit[i, j]), optimum_service_level=alpha_opt,
    )


# --------------------------------------------------------------------------- lane history


@dataclass(frozen=True)
class LaneHistory:
    """A lane's own history, prepared once for the plan (every view uses this).

    series : demand per recorded period [units/period], regular within the lane's own span.
    window : the statistics window of ``series`` (last STATS_WINDOW_DAYS) [units/period].
    tail_risk : 99 % lead-time demand excursion [units], window = the lead time.
    """

    period: str
    series: pd.Series
    window: np.ndarray
    stats: DemandStatistics
    tail_risk: float
    recent_mean: float  # units/day
    baseline_mean: float  # units/day
    status: str
    pattern: str
    last_date: pd.Timestamp
    stale_since: pd.Timestamp | None

    @property
    def period_days(self) -> float:
        return _period_days(self.period)

    def kernel_window(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(daily window (1, days), weekday of each day) for the kernel; NaN for non-daily lanes."""
        if self.period != "day":
            return np.full((1, 2), np.nan), None
        weekday = np.asarray(self.series.index[-self.window.size:].weekday, dtype=np.int64)
        return self.window[None, :], weekday[None, :]

    @property
    def daily(self) -> pd.Series:
        """Demand [units/day] per recorded period (native volume / period length)."""
        return self.series / self.period_days


def _tail_risk(window: np.ndarray, period: str, lead_time_days: float) -> float:
    """Tail risk over one lead time [units] from the lane's native periods.

    Rolling sums of round(L / period) periods; when the lead time is shorter
    than one period the one-period excursion is scaled by sqrt(L / period)
    (square-root-of-time rule, independent days).
    """
    periods = lead_time_days / _period_days(period)
    if periods >= 1.0 or period == "day":
        return float(resilience.empirical_tail_risk(window, max(periods, 1.0), quantile=TAIL_QUANTILE))
    one = float(resilience.empirical_tail_risk(window, 1.0, quantile=TAIL_QUANTILE))
    return one * float(np.sqrt(periods))


def lane_history(
    history: pd.DataFrame | pd.Series, params: LaneMasterData, *, as_of: pd.Timestamp | None = None
) -> LaneHistory:
    """Prepare one lane's history: period, statistics, tail risk, status, pattern.

    Statistics use the lane's own span (its last STATS_WINDOW_DAYS up to its own
    last record); a lane whose data ends before the network's ``as_of`` is not
    zero-filled, it is flagged ``stale_since``.
    """
    raw = _history_frame(history)
    period = inventory_math.detect_period(raw.index) if len(raw) >= 2 else "day"
    series = _regular(raw, period)
    period_days = _period_days(period)
    window_periods = max(2, int(round(STATS_WINDOW_DAYS / period_days)))
    window = series.iloc[-window_periods:].to_numpy(dtype=float)
    stats = _demand_statistics(series, period, params.return_rate)
    tail = _tail_risk(window, period, params.lead_time_mean)
    per_day = (series.to_numpy(dtype=float) / period_days)[None, :]
    recent, baseline = _recent_and_baseline(per_day, period_days)
    recent_days = max(1, int(round(RECENT_WINDOW_DAYS / period_days))) * period_days
    noise = np.array([stats.demand_std / np.sqrt(recent_days)])
    status = str(velocity_status(recent, baseline, noise)[0])
    last = pd.Timestamp(series.index[-1])
    stale = None
    if as_of is not None and (pd.Timestamp(as_of) - last).days > STALE_PERIODS * period_days:
        stale, status = last, STATUS_NO_DATA
    return LaneHistory(
        period=period, series=series, window=window, stats=stats, tail_risk=tail,
        recent_mean=float(recent[0]), baseline_mean=float(baseline[0]), status=status,
        pattern=forecast.classify_demand_pattern(window), last_date=last, stale_since=stale,
    )


def replay_overflow(lane: LaneHistory, params: LaneMasterData) -> float:
    """Units the lane's own last 365 days would have sent to partners at today's capacity.

    ``sum_t (D_t (1 + return rate) - C_t)^+`` over the last STATS_WINDOW_DAYS
    [units]; daily histories use each day's weekday capacity, weekly/monthly
    histories compare each period's workload with the capacity of its days
    (so within-period peaks are invisible: a lower bound).
    """
    caps = np.asarray(params.capacity_by_weekday(), dtype=float)
    work = lane.window * (1.0 + params.return_rate)
    dates = lane.series.index[-lane.window.size:]
    capacity = caps[dates.weekday] if lane.period == "day" else caps.mean() * lane.period_days
    return float(np.maximum(work - capacity, 0.0).sum())


# --------------------------------------------------------------------------- lane


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
        period_days = _period_days(period)
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
    if not 1 <= int(horizon_days) <= 730:
        raise PlanningError(f"horizon_days must be between 1 and 730, got {horizon_days}")
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
        score=float(kernel_score.score[0]), coverage=float(kernel_score.coverage[0]),
        independence=float(kernel_score.independence[0]), tail_risk=lane.tail_risk,
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
        notes=_notes(k, stats, params, lane), last_date=lane.last_date, stale_since=lane.stale_since,
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
                             params.revenue_per_unit, 100.0 if params.revenue_per_unit else 0.0)
    handling = params.handling_cost * float(figures.expected_workload_per_year[0]) / d
    holding = float(figures.holding_per_year[0]) / d
    surcharge = float(figures.surcharge_per_year[0] + figures.reservation_per_year[0]) / d
    ordering = float(figures.ordering_per_year[0]) / d
    penalty = float(figures.penalty_per_year[0]) / d
    margin = params.revenue_per_unit - handling - holding - surcharge - ordering - penalty
    pct = 100.0 * margin / params.revenue_per_unit if params.revenue_per_unit > 0 else float("nan")
    return UnitEconomics(params.revenue_per_unit, handling, holding, surcharge, ordering, penalty,
                         margin, pct)


def _notes(
    k: KernelFigures, stats: DemandStatistics, params: LaneMasterData, lane: LaneHistory
) -> tuple[str, ...]:
    notes: list[str] = []
    if lane.period != "day":
        notes.append(
            f"History is recorded per {lane.period}; statistics were converted to per-day figures "
            "(mean x 1/period length, standard deviation x 1/sqrt(period length))."
        )
    if lane.stale_since is not None:
        notes.append(
            f"No data since {lane.stale_since:%Y-%m-%d}: the plan uses the lane's own history up to "
            "that day; days after it are not counted as zero demand."
        )
    raw = float(k.optimal_service_level_raw[0])
    if raw < MIN_SERVICE_LEVEL:
        notes.append(
            f"The critical ratio is {raw:.1%}: the SLA penalty is too low for any buffer to pay; "
            f"planned at the floor of {MIN_SERVICE_LEVEL:.0%}."
        )
    elif raw > MAX_SERVICE_LEVEL:
        notes.append(f"The critical ratio is {raw:.2%}; planned at the ceiling of {MAX_SERVICE_LEVEL:.1%}.")
    if lane.pattern in ("intermittent", "lumpy"):
        notes.append(
            f"Demand is {lane.pattern}: the normal approximation behind the safety stock is rough; "
            "check the Monte Carlo twin in the risk tab."
        )
    if params.holding_cost <= 0:
        notes.append("Holding cost is 0: no EOQ exists; one month of demand per order is assumed.")
    if stats.observations < 30:
        notes.append(f"Only {stats.observations} periods of history: statistics are uncertain.")
    return tuple(notes)


# --------------------------------------------------------------------------- network


def demand_matrix(demand: pd.DataFrame) -> tuple[list[str], pd.DatetimeIndex, np.ndarray]:
    """Pivot long demand (date, lane, demand) to a lanes x days matrix [units/day].

    Days without a record count as zero volume.  Vectorised: one scatter-add.
    """
    lanes, days, matrix, _recorded = _demand_arrays(demand)
    return lanes, days, matrix


def _demand_arrays(
    demand: pd.DataFrame,
) -> tuple[list[str], pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """demand_matrix plus the lanes x days mask of days that have a record."""
    if demand.empty:
        return [], pd.DatetimeIndex([]), np.zeros((0, 0)), np.zeros((0, 0), dtype=bool)
    lane_codes, lanes = pd.factorize(demand["lane"], sort=True)
    day_numbers = demand["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    first, last = int(day_numbers.min()), int(day_numbers.max())
    matrix = np.zeros((len(lanes), last - first + 1), dtype=float)
    np.add.at(matrix, (lane_codes, day_numbers - first), demand["demand"].to_numpy(dtype=float))
    recorded = np.zeros(matrix.shape, dtype=bool)
    recorded[lane_codes, day_numbers - first] = True
    days = pd.date_range(pd.Timestamp(np.datetime64(first, "D")), periods=matrix.shape[1], freq="D")
    return [str(lane) for lane in lanes], days, matrix, recorded


@dataclass(frozen=True)
class _NetworkRows:
    """Per-lane history figures of the network, in lane order."""

    period: list[str]
    last_date: list[pd.Timestamp]
    latest: np.ndarray
    recent: np.ndarray
    baseline: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    tail: np.ndarray
    status: np.ndarray
    pattern: np.ndarray
    replay: np.ndarray
    window: np.ndarray  # (lanes, STATS_WINDOW_DAYS) daily demand, NaN-padded / NaN for non-daily
    weekday: np.ndarray  # (lanes, STATS_WINDOW_DAYS) weekday of each window day, 0 = Monday


def _daily_full_rows(
    matrix: np.ndarray, first: np.ndarray, last: np.ndarray, masters: list[LaneMasterData],
    days: pd.DatetimeIndex,
) -> dict[str, np.ndarray]:
    """Vectorised :func:`lane_history` for daily lanes whose span holds a full statistics window.

    Every lane's window is its own last STATS_WINDOW_DAYS up to its own last record,
    so the figures equal plan_lane's exactly.
    """
    n = STATS_WINDOW_DAYS
    cols = last[:, None] - n + 1 + np.arange(n)[None, :]
    window = np.take_along_axis(matrix, cols, axis=1)
    mean = window.mean(axis=1)
    std = window.std(axis=1, ddof=1)
    lead = np.array([m.lead_time_mean for m in masters], dtype=float)
    tail = np.asarray(resilience.empirical_tail_risk_matrix(window, np.maximum(lead, 1.0),
                                                            quantile=TAIL_QUANTILE), dtype=float)
    recent_n, base_n = RECENT_WINDOW_DAYS, BASELINE_WINDOW_DAYS
    recent_cols = last[:, None] - recent_n + 1 + np.arange(recent_n)[None, :]
    recent = np.take_along_axis(matrix, recent_cols, axis=1).mean(axis=1)
    base_cols = last[:, None] - recent_n - base_n + 1 + np.arange(base_n)[None, :]
    baseline = np.take_along_axis(matrix, base_cols, axis=1).mean(axis=1)
    status = velocity_status(recent, baseline, std / np.sqrt(recent_n))
    caps = np.array([m.capacity_by_weekday() for m in masters], dtype=float)
    factor = np.array([1.0 + m.return_rate for m in masters])
    weekday = np.asarray(days.weekday)[cols]
    capacity = np.take_along_axis(caps, weekday, axis=1)
    replay = np.maximum(window * factor[:, None] - capacity, 0.0).sum(axis=1)
    return {
        "window": window, "mean": mean, "std": std, "tail": tail, "recent": recent,
        "baseline": baseline, "status": status, "replay": replay,
        "latest": matrix[np.arange(len(last)), last],
        "pattern": np.asarray(forecast.classify_demand_patterns(window)),
        "weekday": weekday,
    }


def _median_spacing(recorded: np.ndarray) -> np.ndarray:
    """Median spacing [days] between a lane's recorded days, per lane (as detect_period measures it).

    Vectorised over lanes: the gaps of all lanes sorted within each lane, the middle
    one (or the mean of the middle two) picked by position; a lane with one day gets 1.
    """
    lane, day = np.nonzero(recorded)
    same = lane[1:] == lane[:-1]
    gaps = (day[1:] - day[:-1])[same].astype(float)
    owner = lane[1:][same]
    order = np.lexsort((gaps, owner))
    gaps, owner = gaps[order], owner[order]
    counts = np.bincount(owner, minlength=recorded.shape[0])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = starts + np.maximum(counts - 1, 0) // 2
    hi = starts + counts // 2
    median = np.ones(recorded.shape[0])
    median[has] = (gaps[lo[has]] + gaps[np.minimum(hi[has], gaps.size - 1)]) / 2.0
    return median


def _network_rows(
    demand: pd.DataFrame, lanes: list[str], days: pd.DatetimeIndex, matrix: np.ndarray,
    recorded: np.ndarray, masters: list[LaneMasterData],
) -> _NetworkRows:
    """History figures per lane: vectorised where possible, else exactly plan_lane's path."""
    first = np.argmax(recorded, axis=1)
    last = matrix.shape[1] - 1 - np.argmax(recorded[:, ::-1], axis=1)
    daily = _median_spacing(recorded) < inventory_math.DAY_WEEK_BOUNDARY
    full = daily & (last - first + 1 >= STATS_WINDOW_DAYS) & (last - STATS_WINDOW_DAYS - BASELINE_WINDOW_DAYS - RECENT_WINDOW_DAYS + 1 >= 0)
    n = len(lanes)
    rows = _NetworkRows(
        period=["day"] * n, last_date=[days[i] for i in last], latest=np.zeros(n), recent=np.zeros(n),
        baseline=np.zeros(n), mean=np.zeros(n), std=np.zeros(n), tail=np.zeros(n),
        status=np.full(n, STATUS_NORMAL, dtype=object), pattern=np.full(n, "smooth", dtype=object),
        replay=np.zeros(n), window=np.full((n, STATS_WINDOW_DAYS), np.nan),
        weekday=np.zeros((n, STATS_WINDOW_DAYS), dtype=np.int64),
    )
    idx = np.flatnonzero(full)
    if idx.size:
        fast = _daily_full_rows(matrix[idx], first[idx], last[idx], [masters[i] for i in idx], days)
        for name in ("latest", "recent", "baseline", "mean", "std", "tail", "replay"):
            getattr(rows, name)[idx] = fast[name]
        rows.status[idx] = fast["status"]
        rows.pattern[idx] = fast["pattern"]
        rows.window[idx] = fast["window"]
        rows.weekday[idx] = fast["weekday"]
    as_of = days[-1]
    by_lane = None
    for i in np.flatnonzero(~full):
        if by_lane is None:
            by_lane = dict(tuple(demand.groupby("lane", sort=False)))
        frame = by_lane[lanes[i]]
        lane = lane_history(frame[["date", "demand"]], masters[i])
        rows.period[i] = lane.period
        rows.last_date[i] = lane.last_date
        rows.latest[i] = float(lane.daily.iloc[-1])
        rows.recent[i], rows.baseline[i] = lane.recent_mean, lane.baseline_mean
        rows.mean[i], rows.std[i] = lane.stats.demand_mean, lane.stats.demand_std
        rows.tail[i], rows.status[i], rows.pattern[i] = lane.tail_risk, lane.status, lane.pattern
        rows.replay[i] = replay_overflow(lane, masters[i])
        if lane.period == "day":
            rows.window[i, -lane.window.size:] = lane.window
            rows.weekday[i, -lane.window.size:] = lane.series.index[-lane.window.size:].weekday
    # a lane whose records stop before the network's today: flagged, never zero-filled
    for i in range(n):
        period_days = _period_days(rows.period[i])
        if (as_of - rows.last_date[i]).days > STALE_PERIODS * period_days:
            rows.status[i] = STATUS_NO_DATA
    return rows


def plan_network(
    demand: pd.DataFrame,
    masters: Mapping[str, LaneMasterData],
    *,
    service_level: float | None = None,
) -> NetworkPlan:
    """The watchtower: every lane planned at once (vectorised over lanes).

    Each lane is planned exactly as :func:`plan_lane` plans it (same history
    preparation, same kernel): daily, weekly and monthly lanes alike, each on its
    own span.  The network's "today" is the last day with data in any lane.

    Parameters
    ----------
    demand : DataFrame with columns date, lane, demand [units per recorded period].
    masters : lane code -> master data; lanes without an entry get defaults.
    """
    lanes, days, matrix, recorded = _demand_arrays(demand)
    if not lanes:
        empty = pd.DataFrame(columns=list(NETWORK_COLUMNS))
        return NetworkPlan(empty, None, 0.0, 0.0, 0.0, (), 0.0, 0.0, 0.0, 0.0, {})
    params = [masters.get(lane) or LaneMasterData(code=lane, name=lane) for lane in lanes]
    rows = _network_rows(demand, lanes, days, matrix, recorded, params)
    k = kernel(kernel_inputs(params, rows.mean, rows.std, rows.tail, rows.window, rows.weekday),
               None if service_level is None else np.full(len(lanes), float(service_level)))
    table = pd.DataFrame({
        "lane": lanes,
        "status": rows.status.astype(str),
        "pattern": rows.pattern.astype(str),
        "period": rows.period,
        "last_date": pd.DatetimeIndex(rows.last_date),
        "latest_volume": rows.latest,
        "recent_mean": rows.recent,
        "baseline_mean": rows.baseline,
        "demand_mean": rows.mean,
        "demand_std": rows.std,
        "service_level": k.service_level,
        "review_period_days": k.policy.review_period_days,
        "safety_stock": k.policy.safety_stock,
        "reorder_point": k.policy.reorder_point,
        "fill_rate": k.policy.fill_rate,
        "required_capacity": k.required_capacity,
        "internal_capacity": k.internal_capacity_mean,
        "utilisation": k.utilisation,
        "partner_capacity_to_reserve": k.partner_capacity_to_reserve,
        "expected_overflow_per_year": k.expected_overflow_per_year,
        "overflow_last_year": rows.replay,
        "overflow_volume": k.expected_overflow_per_year / DAYS_PER_YEAR,
        "dependency_ratio": k.dependency_ratio,
        "cooperation_cost_per_year": k.cooperation_cost_per_year,
        "surcharge_cost_per_year": k.surcharge_per_year,
        "penalty_cost_per_year": k.penalty_per_year,
        "expected_profit_per_year": k.profit_per_year,
        "resilience": np.asarray(k.resilience_score.score, dtype=float),
        "impact_per_year": k.money_at_stake_per_year,
    })
    return network_from_table(table, days[-1], float(k.expected_workload_per_year.sum()))


def network_from_table(
    table: pd.DataFrame, as_of: pd.Timestamp | None, expected_workload_per_year: float
) -> NetworkPlan:
    """The watchtower from its lane rows (NETWORK_COLUMNS): ranked by money at stake, with totals.

    ``expected_workload_per_year`` [units/year], summed over the lanes, is the base of
    the network dependency ratio.  Used by :func:`plan_network` and for stored plan runs.
    """
    table = table.sort_values(["impact_per_year", "lane"], ascending=[False, True], ignore_index=True)
    status = table["status"].to_numpy()
    overflow = float(table["expected_overflow_per_year"].sum())
    workload = float(expected_workload_per_year)
    return NetworkPlan(
        table=table,
        as_of=as_of,
        total_required_capacity=float(table["required_capacity"].sum()),
        total_internal_capacity=float(table["internal_capacity"].sum()),
        total_overflow_volume=overflow / DAYS_PER_YEAR,
        lanes_overflowing=tuple(table.loc[table["expected_overflow_per_year"] >= 1.0, "lane"]),
        total_cooperation_cost_per_year=float(table["cooperation_cost_per_year"].sum()),
        total_surcharge_cost_per_year=float(table["surcharge_cost_per_year"].sum()),
        total_penalty_cost_per_year=float(table["penalty_cost_per_year"].sum()),
        network_dependency_ratio=overflow / workload if workload > 0 else 0.0,
        status_counts={s: int((status == s).sum())
                       for s in (STATUS_NORMAL, STATUS_SURGE, STATUS_LOW, STATUS_NO_DATA)},
        total_expected_overflow_per_year=overflow,
        total_overflow_last_year=float(table["overflow_last_year"].sum()),
        total_partner_capacity_to_reserve=float(table["partner_capacity_to_reserve"].sum()),
        total_money_at_stake_per_year=float(table["impact_per_year"].sum()),
        total_expected_profit_per_year=float(table["expected_profit_per_year"].sum()),
    )

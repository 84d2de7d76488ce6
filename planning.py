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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

import cooperation
import forecast
import inventory_math
import resilience
from domain import DAYS_PER_YEAR, LaneMasterData

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
LEAD_TIME_STD_GRID_POINTS = 25

STATUS_NORMAL = "Normal"
STATUS_SURGE = "Surge Alert"
STATUS_LOW = "Low Velocity"


class PlanningError(ValueError):
    """History or parameters cannot be planned (e.g. empty history)."""


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
    holding, penalty, total : EUR/year at each alpha.
    optimum_service_level : alpha* (fraction), the analytic minimum.
    optimum_total : EUR/year at alpha*.
    """

    service_levels: np.ndarray
    holding: np.ndarray
    penalty: np.ndarray
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
    # inventory
    annual_demand: float  # units/year
    order_quantity: float  # EOQ [units/order]
    optimal_service_level: float  # alpha* (critical ratio) [fraction]
    underage_cost: float  # Cu = SLA penalty [EUR/unit short]
    overage_cost: float  # Co = h * Q / D [EUR/unit per replenishment cycle]
    service_level: float  # target cycle service level alpha used [fraction]
    service_level_is_optimal: bool
    z: float  # safety factor z(alpha)
    lead_time_demand_mean: float  # units over the lead time
    lead_time_demand_std: float  # sigma_LTD [units]
    safety_stock: float  # units
    reorder_point: float  # units (textbook, continuous review)
    daily_review_service_level: float  # alpha the textbook r achieves if stock is reviewed daily
    daily_review_reorder_point: float  # units: r reaching alpha with daily review (undershoot)
    fill_rate: float  # beta [fraction]
    expected_shortage_per_cycle: float  # units/cycle
    orders_per_year: float  # 1/year
    expected_shortage_per_year: float  # units/year
    holding_cost_per_year: float  # EUR/year (buffer + cycle stock)
    ordering_cost_per_year: float  # EUR/year
    penalty_cost_per_year: float  # EUR/year (SLA penalties)
    inventory_cost_per_year: float  # EUR/year (holding + ordering + penalty)
    # capacity & cooperation
    forecast_workload_mean: float  # units/day, mean over the horizon
    required_capacity: float  # units/day
    internal_capacity: float  # units/day
    utilisation: float  # required / internal [fraction; >1 means overflow]
    overflow_volume: float  # units/day to partners
    dependency_ratio: float  # overflow / required [fraction]
    internal_cost_per_day: float  # EUR/day
    partner_cost_per_day: float  # EUR/day (handling + surcharge of overflow)
    surcharge_cost_per_day: float  # EUR/day (the surcharge part only)
    cooperation_cost_per_day: float  # EUR/day total
    cooperation_cost_per_year: float  # EUR/year total
    # resilience
    resilience: resilience.ResilienceScore
    # forecast, charts
    forecast: ForecastView
    cost_curve: CostCurve
    profit_landscape: ProfitLandscape
    unit_economics: UnitEconomics
    expected_profit_per_year: float  # EUR/year at the target service level
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats worth showing


NETWORK_COLUMNS: dict[str, str] = {
    "lane": "lane code",
    "status": "Normal / Surge Alert / Low Velocity",
    "pattern": "smooth / erratic / intermittent / lumpy",
    "latest_volume": "units/day on the last day of data",
    "recent_mean": f"units/day, mean of the last {RECENT_WINDOW_DAYS} days",
    "baseline_mean": f"units/day, mean of the {BASELINE_WINDOW_DAYS} days before that",
    "demand_mean": f"units/day over the last {STATS_WINDOW_DAYS} days",
    "demand_std": "units/day",
    "service_level": "target cycle service level alpha [fraction]",
    "safety_stock": "units",
    "required_capacity": "units/day",
    "internal_capacity": "units/day",
    "utilisation": "required / internal capacity [fraction]",
    "overflow_volume": "units/day to partners",
    "dependency_ratio": "overflow / required [fraction]",
    "cooperation_cost_per_year": "EUR/year",
    "surcharge_cost_per_year": "EUR/year (surcharge part)",
    "penalty_cost_per_year": "EUR/year expected SLA penalties",
    "resilience": "index 0-100",
    "impact_per_year": "EUR/year at stake: surcharge + expected SLA penalties",
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


def velocity_status(recent_mean: np.ndarray, baseline_mean: np.ndarray) -> np.ndarray:
    """Watchtower status from recent volume against the lane's own level.

    Surge Alert when ``recent >= SURGE_FACTOR x baseline``, Low Velocity when
    ``recent <= LOW_VELOCITY_FACTOR x baseline`` (thresholds of the seed, applied
    to a ``RECENT_WINDOW_DAYS`` mean instead of one noisy day), else Normal.  A
    lane with no baseline volume is in surge if anything moves now, else low.

    >>> velocity_status(np.array([160.0, 40.0, 100.0, 0.0]), np.array([100.0, 100.0, 100.0, 0.0]))
    array(['Surge Alert', 'Low Velocity', 'Normal', 'Low Velocity'], dtype='<U12')
    """
    recent = np.asarray(recent_mean, dtype=float)
    base = np.asarray(baseline_mean, dtype=float)
    surge = np.where(base > 0, recent >= SURGE_FACTOR * base, recent > 0)
    low = np.where(base > 0, recent <= LOW_VELOCITY_FACTOR * base, recent <= 0)
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


# --------------------------------------------------------------------------- the kernel


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


def _kernel(
    *,
    demand_mean: np.ndarray,
    demand_std: np.ndarray,
    tail_risk: np.ndarray,
    p: dict[str, np.ndarray],
    service_level: np.ndarray | None,
) -> dict[str, Any]:
    """All per-lane planning figures, vectorised over lanes (1-D arrays).

    Shared by :func:`plan_lane` and :func:`plan_network`, so the watchtower
    and the lane tabs always show the same numbers for the same lane.
    """
    h, k, pen = p["holding_cost"], p["order_cost"], p["penalty_cost"]
    lt, lt_std = p["lead_time_mean"], p["lead_time_std"]
    annual_demand = demand_mean * DAYS_PER_YEAR
    q = _order_quantity(annual_demand, k, h)
    has_demand = annual_demand > 0
    safe_q = np.where(q > 0, q, 1.0)
    safe_d = np.where(has_demand, annual_demand, 1.0)
    overage = np.where(has_demand, h * safe_q / safe_d, h)  # EUR/unit per replenishment cycle
    # critical ratio Cu / (Cu + Co) = inventory_math.optimal_service_level, guarded for
    # lanes without demand or costs (Cu = Co = 0 -> indifferent, 0.5)
    both_zero = (pen <= 0) & (overage <= 0)
    alpha_opt_raw = np.where(both_zero, 0.5, pen / np.where(both_zero, 1.0, pen + overage))
    alpha_opt = _clip_service_level(alpha_opt_raw)
    alpha = alpha_opt if service_level is None else _clip_service_level(service_level)
    z = norm.ppf(alpha)
    ltd_std = np.asarray(inventory_math.lead_time_demand_std(demand_mean, demand_std, lt, lt_std), dtype=float)
    ss = np.asarray(inventory_math.safety_stock(alpha, demand_mean, demand_std, lt, lt_std), dtype=float)
    ltd_mean = demand_mean * lt
    esc = np.asarray(inventory_math.expected_shortage_per_cycle(alpha, ltd_std), dtype=float)
    beta = np.where(
        has_demand, np.asarray(inventory_math.fill_rate(alpha, ltd_std, safe_q), dtype=float), 1.0
    )
    orders = np.where(has_demand, annual_demand / safe_q, 0.0)
    shortage_year = esc * orders
    holding_year = h * (ss + esc + q / 2.0)
    ordering_year = k * orders
    penalty_year = pen * shortage_year
    # capacity: a flow in units/day, never mixed with stock
    w_mean = np.asarray(cooperation.workload(demand_mean, p["return_rate"]), dtype=float)
    w_std = np.asarray(cooperation.workload(demand_std, p["return_rate"]), dtype=float)
    required = np.asarray(cooperation.required_capacity(w_mean, w_std, alpha), dtype=float)
    cap = p["internal_capacity"]
    coop = cooperation.cooperation_cost(required, cap, p["handling_cost"], p["partner_surcharge"])
    overflow = np.asarray(cooperation.overflow_volume(required, cap), dtype=float)
    dependency = np.asarray(cooperation.dependency_ratio(required, cap), dtype=float)
    score = resilience.resilience_index(
        safety_stock=np.maximum(ss, 0.0), tail_risk=tail_risk, dependency_ratio=dependency
    )
    utilisation = np.where(cap > 0, required / np.where(cap > 0, cap, 1.0), np.inf)
    surcharge_year = np.asarray(coop.surcharge_cost, dtype=float) * DAYS_PER_YEAR
    # expected annual profit at alpha: revenue - handling of the mean workload
    # - partner surcharge on the planned overflow - inventory costs
    profit_year = (
        p["revenue_per_unit"] * annual_demand
        - p["handling_cost"] * w_mean * DAYS_PER_YEAR
        - surcharge_year
        - holding_year
        - ordering_year
        - penalty_year
    )
    return {
        "annual_demand": annual_demand,
        "order_quantity": q,
        "overage_cost": overage,
        "optimal_service_level": alpha_opt,
        "optimal_service_level_raw": alpha_opt_raw,
        "service_level": alpha,
        "z": z,
        "ltd_mean": ltd_mean,
        "ltd_std": ltd_std,
        "safety_stock": ss,
        "reorder_point": ltd_mean + ss,
        "fill_rate": beta,
        "esc": esc,
        "orders_per_year": orders,
        "shortage_per_year": shortage_year,
        "holding_per_year": holding_year,
        "ordering_per_year": ordering_year,
        "penalty_per_year": penalty_year,
        "workload_mean": w_mean,
        "workload_std": w_std,
        "required_capacity": required,
        "utilisation": utilisation,
        "overflow_volume": overflow,
        "dependency_ratio": dependency,
        "internal_cost_day": np.asarray(coop.internal_cost, dtype=float),
        "partner_cost_day": np.asarray(coop.partner_cost, dtype=float),
        "surcharge_cost_day": np.asarray(coop.surcharge_cost, dtype=float),
        "cooperation_cost_day": np.asarray(coop.total, dtype=float),
        "surcharge_per_year": surcharge_year,
        "resilience": np.asarray(score.score, dtype=float),
        "coverage": np.asarray(score.coverage, dtype=float),
        "independence": np.asarray(score.independence, dtype=float),
        "profit_per_year": profit_year,
        "resilience_score": score,  # the components, for the lane view
    }


def _param_arrays(masters: list[LaneMasterData]) -> dict[str, np.ndarray]:
    names = [
        "internal_capacity", "holding_cost", "penalty_cost", "partner_surcharge", "order_cost",
        "handling_cost", "revenue_per_unit", "return_rate", "lead_time_mean", "lead_time_std",
    ]
    return {n: np.array([float(getattr(m, n)) for m in masters], dtype=float) for n in names}


# --------------------------------------------------------------------------- chart data


def cost_curve(
    *, demand_mean: float, demand_std: float, params: LaneMasterData, order_quantity: float,
    optimum_service_level: float,
) -> CostCurve:
    """Annual holding vs shortage-penalty cost over alpha in [0.5, 0.999] [EUR/year].

    ``inventory_math.cost_convexity_curve`` on a grid that contains alpha*
    itself, so the marked minimum is exactly the critical ratio (Hadley &
    Whitin 1963; Silver, Pyke & Thomas 2017, sec. 7.4).
    """
    grid = np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, SERVICE_GRID_POINTS)
    grid = np.unique(np.append(grid, optimum_service_level))
    kwargs = dict(
        demand_mean=demand_mean, demand_std=demand_std, lead_time_mean=params.lead_time_mean,
        lead_time_std=params.lead_time_std, order_quantity=max(order_quantity, 1e-9),
        holding_cost=params.holding_cost, penalty_cost=params.penalty_cost,
    )
    curve = inventory_math.cost_convexity_curve(grid, **kwargs)
    at_opt = float(curve.total[np.searchsorted(grid, optimum_service_level)])
    return CostCurve(
        service_levels=curve.service_level, holding=curve.holding, penalty=curve.penalty,
        total=curve.total, optimum_service_level=float(optimum_service_level), optimum_total=at_opt,
    )


def profit_landscape(
    *, demand_mean: float, demand_std: float, params: LaneMasterData, tail_risk: float,
    service_level: float,
) -> ProfitLandscape:
    """Expected annual profit [EUR/year] over alpha x sigma_L.

    Profit = revenue - handling of the mean workload - partner surcharge on the
    planned overflow *at the current target* (held fixed, so the alpha axis shows
    the pure inventory trade-off) - holding - ordering - SLA penalties.  For
    every sigma_L the best alpha is the critical ratio; the sweet spot is the
    grid maximum.

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7: the annual cost is minimised at
    F(r) = p / (p + h Q / D) whatever sigma_L, so each column peaks at alpha*.
    """
    top = max(3.0 * params.lead_time_std, 0.5 * params.lead_time_mean, 1.0)
    stds = np.unique(np.append(np.linspace(0.0, top, LEAD_TIME_STD_GRID_POINTS), params.lead_time_std))
    base = _kernel(
        demand_mean=np.full(1, demand_mean), demand_std=np.full(1, demand_std),
        tail_risk=np.full(1, tail_risk), p=_param_arrays([params]),
        service_level=np.full(1, service_level),
    )
    fixed_surcharge = float(base["surcharge_per_year"][0])
    # the optimum itself is on the grid, so the sweet spot row is exactly alpha*
    alphas = np.unique(np.append(
        np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, SERVICE_GRID_POINTS // 2),
        base["optimal_service_level"][0],
    ))
    a_grid, s_grid = np.meshgrid(alphas, stds, indexing="ij")
    n = a_grid.size
    arrays = {k: np.full(n, v) for k, v in _param_arrays([params]).items()}
    arrays["lead_time_std"] = s_grid.ravel()
    grid = _kernel(
        demand_mean=np.full(n, demand_mean), demand_std=np.full(n, demand_std),
        tail_risk=np.full(n, tail_risk), p=arrays, service_level=a_grid.ravel(),
    )
    profit = (grid["profit_per_year"] + grid["surcharge_per_year"] - fixed_surcharge).reshape(a_grid.shape)
    i, j = np.unravel_index(int(np.argmax(profit)), profit.shape)
    return ProfitLandscape(
        service_levels=alphas, lead_time_stds=stds, profit=profit,
        sweet_spot_service_level=float(alphas[i]), sweet_spot_lead_time_std=float(stds[j]),
        sweet_spot_profit=float(profit[i, j]),
        optimum_service_level=float(base["optimal_service_level"][0]),
    )


# --------------------------------------------------------------------------- lane


def _forecast_view(
    series: pd.Series, period: str, horizon_days: int, params: LaneMasterData
) -> ForecastView:
    """Forecast per day with dates, workload incl. returns and the first capacity breach."""
    values = series.to_numpy(dtype=float)
    if period == "day":
        fc = forecast.forecast_daily_history(values, horizon_days=horizon_days)
        mean, lower, upper = fc.mean, fc.lower, fc.upper
        dates = pd.date_range(series.index[-1] + pd.Timedelta(days=1), periods=horizon_days, freq="D")
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
        dates = pd.date_range(series.index[-1] + pd.Timedelta(days=1), periods=horizon_days, freq="D")
    factor = 1.0 + params.return_rate
    workload_mean = mean * factor
    breach = np.flatnonzero(workload_mean > params.internal_capacity)
    breach_upper = np.flatnonzero(upper * factor > params.internal_capacity)
    return ForecastView(
        dates=dates, mean=np.asarray(mean), lower=np.asarray(lower), upper=np.asarray(upper),
        interval_level=fc.interval_level, method=fc.method, backtest_mase=dict(fc.backtest_mase),
        workload_mean=workload_mean,
        first_breach_date=dates[breach[0]] if breach.size else None,
        first_breach_date_upper=dates[breach_upper[0]] if breach_upper.size else None,
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
        The network's last day of data.  A daily history that stops earlier is
        extended with zero-volume days up to it, exactly as :func:`plan_network`
        sees the lane (a lane that went quiet shows Low Velocity in both).

    Raises
    ------
    PlanningError
        Empty or negative history, or parameters out of range.

    References
    ----------
    Silver, Pyke & Thomas (2017), Inventory and Production Management in Supply
    Chains, 4th ed., ch. 6-7 (safety stock, fill rate, B2 shortage cost);
    Hadley & Whitin (1963) (annual cost and its minimiser); the seed product's
    cooperation formula; docs/METHODS.md, section "Planning layer".
    """
    if not 1 <= int(horizon_days) <= 730:
        raise PlanningError(f"horizon_days must be between 1 and 730, got {horizon_days}")
    if service_level is not None and not 0.0 < float(service_level) < 1.0:
        raise PlanningError(f"service_level must be in (0, 1), got {service_level}")
    raw = _history_frame(history)
    period = inventory_math.detect_period(raw.index) if len(raw) >= 2 else "day"
    if period == "day" and as_of is not None and pd.Timestamp(as_of) > raw.index[-1]:
        raw = pd.concat([raw, pd.Series([0.0], index=pd.DatetimeIndex([pd.Timestamp(as_of)]))])
    series = _regular(raw, period)
    stats = _demand_statistics(series, period, params.return_rate)
    period_days = _period_days(period)
    window = series.iloc[-max(2, int(round(STATS_WINDOW_DAYS / period_days))):].to_numpy(dtype=float)
    tail = float(
        resilience.empirical_tail_risk(
            window, max(params.lead_time_mean / period_days, 1.0), quantile=TAIL_QUANTILE
        )
    )
    per_day = (series.to_numpy(dtype=float) / period_days)[None, :]
    recent, baseline = _recent_and_baseline(per_day, period_days)
    status = str(velocity_status(recent, baseline)[0])
    k = _kernel(
        demand_mean=np.array([stats.demand_mean]), demand_std=np.array([stats.demand_std]),
        tail_risk=np.array([tail]), p=_param_arrays([params]),
        service_level=None if service_level is None else np.array([float(service_level)]),
    )
    one = {name: float(v[0]) for name, v in k.items() if isinstance(v, np.ndarray)}
    fview = _forecast_view(series, period, int(horizon_days), params)
    pattern = forecast.classify_demand_pattern(window)
    kernel_score = k["resilience_score"]
    score = resilience.ResilienceScore(
        score=float(kernel_score.score[0]), coverage=float(kernel_score.coverage[0]),
        independence=float(kernel_score.independence[0]), tail_risk=tail,
        weights=kernel_score.weights,
    )
    curve = cost_curve(
        demand_mean=stats.demand_mean, demand_std=stats.demand_std, params=params,
        order_quantity=one["order_quantity"], optimum_service_level=one["optimal_service_level"],
    )
    landscape = profit_landscape(
        demand_mean=stats.demand_mean, demand_std=stats.demand_std, params=params,
        tail_risk=tail, service_level=one["service_level"],
    )
    economics = unit_economics(one, params)
    notes = _notes(one, stats, params, pattern, period)
    history_daily = series if period == "day" else series / period_days
    return LanePlan(
        lane=params.code, params=params, history=history_daily, stats=stats, pattern=pattern,
        status=status, recent_mean=float(recent[0]), baseline_mean=float(baseline[0]),
        annual_demand=one["annual_demand"], order_quantity=one["order_quantity"],
        optimal_service_level=one["optimal_service_level"], underage_cost=params.penalty_cost,
        overage_cost=one["overage_cost"], service_level=one["service_level"],
        service_level_is_optimal=service_level is None, z=one["z"],
        lead_time_demand_mean=one["ltd_mean"], lead_time_demand_std=one["ltd_std"],
        safety_stock=one["safety_stock"], reorder_point=one["reorder_point"],
        **_daily_review(one, stats, params),
        fill_rate=one["fill_rate"], expected_shortage_per_cycle=one["esc"],
        orders_per_year=one["orders_per_year"], expected_shortage_per_year=one["shortage_per_year"],
        holding_cost_per_year=one["holding_per_year"], ordering_cost_per_year=one["ordering_per_year"],
        penalty_cost_per_year=one["penalty_per_year"],
        inventory_cost_per_year=one["holding_per_year"] + one["ordering_per_year"] + one["penalty_per_year"],
        forecast_workload_mean=float(np.mean(fview.workload_mean)),
        required_capacity=one["required_capacity"], internal_capacity=params.internal_capacity,
        utilisation=one["utilisation"], overflow_volume=one["overflow_volume"],
        dependency_ratio=one["dependency_ratio"], internal_cost_per_day=one["internal_cost_day"],
        partner_cost_per_day=one["partner_cost_day"], surcharge_cost_per_day=one["surcharge_cost_day"],
        cooperation_cost_per_day=one["cooperation_cost_day"],
        cooperation_cost_per_year=one["cooperation_cost_day"] * DAYS_PER_YEAR,
        resilience=score, forecast=fview, cost_curve=curve, profit_landscape=landscape,
        unit_economics=economics, expected_profit_per_year=one["profit_per_year"], notes=notes,
    )


def _daily_review(
    one: dict[str, float], stats: DemandStatistics, params: LaneMasterData
) -> dict[str, float]:
    """The (r, Q) plan as it behaves when stock is reviewed once a day (undershoot).

    See ``inventory_math.daily_review_cycle_service_level``; the textbook figures
    above stay the planning basis, these two show what daily review costs.
    """
    kwargs = dict(demand_mean=stats.demand_mean, demand_std=stats.demand_std,
                  lead_time_mean=params.lead_time_mean, lead_time_std=params.lead_time_std)
    return {
        "daily_review_service_level": float(
            inventory_math.daily_review_cycle_service_level(one["reorder_point"], **kwargs)
        ),
        "daily_review_reorder_point": float(
            inventory_math.daily_review_reorder_point(one["service_level"], **kwargs)
        ),
    }


def unit_economics(figures: dict[str, float], params: LaneMasterData) -> UnitEconomics:
    """Per-unit economics [EUR/unit delivered] consistent with the expected annual profit.

    Each annual cost component [EUR/year] divided by the annual demand D
    [units/year]; handling counts returns, H (1 + r) [EUR/unit].  margin x D
    equals ``LanePlan.expected_profit_per_year``.
    """
    d = figures["annual_demand"]
    if d <= 0:
        zero = 0.0
        return UnitEconomics(params.revenue_per_unit, zero, zero, zero, zero, zero,
                             params.revenue_per_unit, 100.0 if params.revenue_per_unit else 0.0)
    handling = params.handling_cost * (1.0 + params.return_rate)
    holding = figures["holding_per_year"] / d
    surcharge = figures["surcharge_per_year"] / d
    ordering = figures["ordering_per_year"] / d
    penalty = figures["penalty_per_year"] / d
    margin = params.revenue_per_unit - handling - holding - surcharge - ordering - penalty
    pct = 100.0 * margin / params.revenue_per_unit if params.revenue_per_unit > 0 else float("nan")
    return UnitEconomics(params.revenue_per_unit, handling, holding, surcharge, ordering, penalty,
                         margin, pct)


def _notes(
    one: dict[str, float], stats: DemandStatistics, params: LaneMasterData, pattern: str, period: str
) -> tuple[str, ...]:
    notes: list[str] = []
    if period != "day":
        notes.append(
            f"History is recorded per {period}; statistics were converted to per-day figures "
            "(mean x 1/period length, standard deviation x 1/sqrt(period length))."
        )
    raw = one["optimal_service_level_raw"]
    if raw < MIN_SERVICE_LEVEL:
        notes.append(
            f"The critical ratio is {raw:.1%}: the SLA penalty is too low for any buffer to pay; "
            f"planned at the floor of {MIN_SERVICE_LEVEL:.0%}."
        )
    elif raw > MAX_SERVICE_LEVEL:
        notes.append(f"The critical ratio is {raw:.2%}; planned at the ceiling of {MAX_SERVICE_LEVEL:.1%}.")
    if pattern in ("intermittent", "lumpy"):
        notes.append(
            f"Demand is {pattern}: the normal approximation behind the safety stock is rough; "
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
    if demand.empty:
        return [], pd.DatetimeIndex([]), np.zeros((0, 0))
    lane_codes, lanes = pd.factorize(demand["lane"], sort=True)
    day_numbers = demand["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    first, last = int(day_numbers.min()), int(day_numbers.max())
    matrix = np.zeros((len(lanes), last - first + 1), dtype=float)
    np.add.at(matrix, (lane_codes, day_numbers - first), demand["demand"].to_numpy(dtype=float))
    days = pd.date_range(pd.Timestamp(np.datetime64(first, "D")), periods=matrix.shape[1], freq="D")
    return [str(lane) for lane in lanes], days, matrix


def plan_network(
    demand: pd.DataFrame,
    masters: Mapping[str, LaneMasterData],
    *,
    service_level: float | None = None,
) -> NetworkPlan:
    """The watchtower: every lane planned at once (vectorised over lanes).

    Each lane is planned exactly as :func:`plan_lane` does (same kernel), at
    its own profit-optimal service level unless ``service_level`` is given.
    The network's "today" is the last day with data in any lane; histories
    are treated as daily.

    Parameters
    ----------
    demand : DataFrame with columns date, lane, demand [units/day].
    masters : lane code -> master data; lanes without an entry get defaults.
    """
    lanes, days, matrix = demand_matrix(demand)
    if not lanes:
        empty = pd.DataFrame(columns=list(NETWORK_COLUMNS))
        return NetworkPlan(empty, None, 0.0, 0.0, 0.0, (), 0.0, 0.0, 0.0, 0.0, {})
    params = [masters.get(lane) or LaneMasterData(code=lane, name=lane) for lane in lanes]
    p = _param_arrays(params)
    # each lane's window starts at its first record (a young lane is not padded with zeros)
    first_day = np.argmax(matrix > 0, axis=1)
    window = matrix[:, -STATS_WINDOW_DAYS:]
    start_in_window = np.clip(first_day - (matrix.shape[1] - window.shape[1]), 0, None)
    valid = np.arange(window.shape[1])[None, :] >= start_in_window[:, None]
    counts = valid.sum(axis=1)
    sums = np.where(valid, window, 0.0).sum(axis=1)
    mean = sums / np.maximum(counts, 1)
    sq = np.where(valid, (window - mean[:, None]) ** 2, 0.0).sum(axis=1)
    std = np.sqrt(sq / np.maximum(counts - 1, 1))
    tail = resilience.empirical_tail_risk_matrix(
        np.where(valid, window, np.nan), np.maximum(p["lead_time_mean"], 1.0), quantile=TAIL_QUANTILE
    )
    tail = np.nan_to_num(np.asarray(tail, dtype=float), nan=0.0)  # lane younger than its lead time
    recent, baseline = _recent_and_baseline(matrix, 1.0)
    status = velocity_status(recent, baseline)
    patterns = forecast.classify_demand_patterns(window)
    k = _kernel(
        demand_mean=mean, demand_std=std, tail_risk=np.asarray(tail, dtype=float), p=p,
        service_level=None if service_level is None else np.full(len(lanes), float(service_level)),
    )
    table = pd.DataFrame({
        "lane": lanes,
        "status": status,
        "pattern": patterns,
        "latest_volume": matrix[:, -1],
        "recent_mean": recent,
        "baseline_mean": baseline,
        "demand_mean": mean,
        "demand_std": std,
        "service_level": k["service_level"],
        "safety_stock": k["safety_stock"],
        "required_capacity": k["required_capacity"],
        "internal_capacity": p["internal_capacity"],
        "utilisation": k["utilisation"],
        "overflow_volume": k["overflow_volume"],
        "dependency_ratio": k["dependency_ratio"],
        "cooperation_cost_per_year": k["cooperation_cost_day"] * DAYS_PER_YEAR,
        "surcharge_cost_per_year": k["surcharge_per_year"],
        "penalty_cost_per_year": k["penalty_per_year"],
        "resilience": k["resilience"],
        "impact_per_year": k["surcharge_per_year"] + k["penalty_per_year"],
    })
    table = table.sort_values(["impact_per_year", "lane"], ascending=[False, True], ignore_index=True)
    total_req = float(k["required_capacity"].sum())
    total_over = float(k["overflow_volume"].sum())
    counts_by_status = {s: int((status == s).sum()) for s in (STATUS_NORMAL, STATUS_SURGE, STATUS_LOW)}
    return NetworkPlan(
        table=table,
        as_of=days[-1],
        total_required_capacity=total_req,
        total_internal_capacity=float(p["internal_capacity"].sum()),
        total_overflow_volume=total_over,
        lanes_overflowing=tuple(table.loc[table["overflow_volume"] > 0, "lane"]),
        total_cooperation_cost_per_year=float(table["cooperation_cost_per_year"].sum()),
        total_surcharge_cost_per_year=float(table["surcharge_cost_per_year"].sum()),
        total_penalty_cost_per_year=float(table["penalty_cost_per_year"].sum()),
        network_dependency_ratio=total_over / total_req if total_req > 0 else 0.0,
        status_counts=counts_by_status,
    )

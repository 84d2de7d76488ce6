"""One lane's demand history, prepared once for the plan (and the watchtower's matrix).

Period detection (day / week / month / quarter), the statistics window, demand
statistics per day (explicit conversion from the recorded period), the
watchtower status (recent volume against the lane's own level), the weekday
demand profile and the tail risk over one lead time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import cooperation
import forecasting as forecast
import inventory_math
import resilience
from domain import LaneMasterData, PlanningError
from domain.units import PERIOD_DAYS

STATS_WINDOW_DAYS = 365  # window of recent history used for mean and sigma [days]
RECENT_WINDOW_DAYS = 7  # "recent volume" for the watchtower status [days]
BASELINE_WINDOW_DAYS = 84  # the lane's own level: 12 weeks before the recent window [days]
SURGE_FACTOR = 1.5  # recent >= 1.5 x own level -> Surge Alert (seed's threshold)
LOW_VELOCITY_FACTOR = 0.5  # recent <= 0.5 x own level -> Low Velocity (seed's threshold)
SURGE_NOISE_SIGMAS = 2.0  # a surge/low status must also exceed 2 standard errors of the recent mean
TAIL_QUANTILE = 0.99  # resilience: tail risk = 99 % quantile of lead-time demand minus its mean
STALE_PERIODS = 1.5  # a lane is stale when its last record is older than 1.5 periods

STATUS_NORMAL = "Normal"
STATUS_SURGE = "Surge Alert"
STATUS_LOW = "Low Velocity"
STATUS_NO_DATA = "No recent data"


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


def period_days_of(period: str) -> float:
    """Length of one recorded period [days] (``"week"`` -> 7.0)."""
    return float(PERIOD_DAYS[period])


def _demand_statistics(series: pd.Series, period: str, return_rate: float) -> DemandStatistics:
    """Per-day mean and standard deviation over the statistics window, converted explicitly."""
    period_days = period_days_of(period)
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
        return period_days_of(self.period)

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
    periods = lead_time_days / period_days_of(period)
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
    period_days = period_days_of(period)
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

def demand_matrix(demand: pd.DataFrame) -> tuple[list[str], pd.DatetimeIndex, np.ndarray]:
    """Pivot long demand (date, lane, demand) to a lanes x days matrix [units/day].

    Days without a record count as zero volume.  Vectorised: one scatter-add.
    """
    lanes, days, matrix, _recorded = demand_arrays(demand)
    return lanes, days, matrix


def demand_arrays(
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

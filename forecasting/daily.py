"""Daily demand: weekday season for short histories, weekly totals with a yearly season for long ones.

A daily history of at least two years is summed to whole weeks and forecast
with a 52-week season (this captures a Q4 peak that a 7-day season cannot),
then split back into days by each lane's weekday factors.  Shorter histories
are forecast per day with a 7-day (weekday) season.
"""

from __future__ import annotations

import numpy as np

from domain.units import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    MONTHS_PER_YEAR,
    QUARTERS_PER_YEAR,
    WEEKS_PER_YEAR,
)
from forecasting import intervals
from forecasting.api import forecast_lane, forecast_many
from forecasting.core import DEFAULT_INTERVAL_LEVEL, as_matrix, check_options
from forecasting.patterns import INTERMITTENT_PATTERNS, classify_stats, demand_pattern_stats
from forecasting.results import BatchForecast, LaneForecast, lane_from_batch

WEEK = int(DAYS_PER_WEEK)  # days per week as a season length and reshape size [days]
DAYS_FOR_YEARLY_SEASON = int(2 * DAYS_PER_YEAR)  # two years of days -> weekly model, yearly season
# season length m [periods] of the yearly cycle for each recording period (weekday cycle for days)
SEASON_LENGTH_BY_PERIOD = {
    "day": WEEK, "week": WEEKS_PER_YEAR, "month": MONTHS_PER_YEAR, "quarter": QUARTERS_PER_YEAR,
}


def forecast_daily_history(
    daily_values: np.ndarray,
    *,
    horizon_days: int,
    interval_level: float = DEFAULT_INTERVAL_LEVEL,
) -> LaneForecast:
    """Forecast a lane's DAILY demand, with a yearly season when history allows.

    * At least two years (730 days): the last whole weeks (counted back from the
      last day) are summed to weekly totals and forecast by ``forecast_many``
      with a 52-week season (captures a Q4 peak); each week is split into days
      by weekday factors f_d = sum of demand on weekday d / (sum of weekly
      totals / 7) over the last year.  Daily sd combines the weekly forecast sd
      split by the factor with the in-sample sd of days around their weekly
      share: sd_day = sqrt((f_d sd_week / 7)^2 + sigma_day^2).  ``method`` is
      prefixed ``"weekly "``, ``backtest_mase`` is on the weekly totals and
      ``season_length`` reports 364 days.
    * Shorter history: ``forecast_lane`` on the days with a 7-day (weekday) season.

    Weekdays are positional (day T-1 is the last history day), no calendar needed.

    Parameters
    ----------
    daily_values : array, shape (days,)
        Demand per day [units/day], >= 0, oldest first.
    horizon_days : int
        Days to forecast (>= 1).
    interval_level : float
        Central coverage of the interval, in (0, 1).

    Examples
    --------
    >>> days = np.tile([10.0, 12, 11, 13, 15, 4, 2], 60)
    >>> fc = forecast_daily_history(days, horizon_days=7)
    >>> fc.season_length, fc.mean.round(1).tolist()
    (7, [10.0, 12.0, 11.0, 13.0, 15.0, 4.0, 2.0])
    """
    check_options(horizon_days, WEEK, interval_level)
    values = np.asarray(daily_values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"daily_values must be 1-D (one lane), got {values.ndim}-D")
    y = as_matrix(values, "daily_values")[0]
    if y.size < DAYS_FOR_YEARLY_SEASON:
        return forecast_lane(
            y, horizon=horizon_days, season_length=WEEK, interval_level=interval_level
        )
    return lane_from_batch(
        forecast_daily_many(y[None, :], horizon_days=horizon_days, interval_level=interval_level)
    )


def forecast_daily_many(
    matrix: np.ndarray,
    *,
    horizon_days: int,
    interval_level: float = DEFAULT_INTERVAL_LEVEL,
) -> BatchForecast:
    """Daily forecast for many lanes at once: the fast tier for the network view.

    Same model as ``forecast_daily_history`` (which is row 0 of this for a
    single lane): with at least two years of days, weekly totals are
    forecast by ``forecast_many`` with a 52-week season and split into days
    by each lane's weekday factors; shorter histories are forecast per day with
    a 7-day season.  Vectorised over lanes (no Python loop over lanes).

    Parameters
    ----------
    matrix : array (lanes, days)
        Demand per day [units/day], >= 0, oldest first, one row per lane.
    horizon_days : int
        Days to forecast (>= 1).
    interval_level : float
        Central coverage of the interval, in (0, 1).

    Returns
    -------
    BatchForecast
        Per-day arrays (lanes, horizon_days) [units/day]; ``mase`` is on the
        weekly totals when the weekly model was used.
    """
    check_options(horizon_days, WEEK, interval_level)
    y = as_matrix(matrix, "matrix")
    if y.shape[1] < DAYS_FOR_YEARLY_SEASON:
        return forecast_many(
            y, horizon=horizon_days, season_length=WEEK, interval_level=interval_level
        )
    n_lanes = y.shape[0]
    n_weeks = y.shape[1] // WEEK
    days = y[:, y.shape[1] - n_weeks * WEEK :].reshape(n_lanes, n_weeks, WEEK)
    weekly = days.sum(axis=2)
    horizon_weeks = -(-int(horizon_days) // WEEK)
    batch = forecast_many(
        weekly, horizon=horizon_weeks, season_length=WEEKS_PER_YEAR, interval_level=interval_level
    )
    recent = days[:, -WEEKS_PER_YEAR:]
    recent_total = recent.sum(axis=(1, 2))
    factors = np.where(
        recent_total[:, None] > 0,
        recent.sum(axis=1) / np.maximum(recent_total[:, None] / WEEK, 1e-300),
        1.0,
    )
    share = recent.sum(axis=2, keepdims=True) / WEEK * factors[:, None, :]
    sigma_day = np.sqrt(np.mean((recent - share) ** 2, axis=(1, 2)))

    k = np.arange(int(horizon_days))
    week_of, day_of = k // WEEK, k % WEEK
    mean = batch.mean[:, week_of] / WEEK * factors[:, day_of]
    sd = np.sqrt(
        (batch.sd[:, week_of] / WEEK * factors[:, day_of]) ** 2 + sigma_day[:, None] ** 2
    )
    adi, cv2 = demand_pattern_stats(y)
    pattern = classify_stats(adi, cv2)
    lower, upper = intervals.bounds(
        mean, sd, interval_level, np.isin(pattern, list(INTERMITTENT_PATTERNS)),
        np.where(np.isfinite(adi), 1.0 / np.maximum(adi, 1.0), 0.0),
    )
    return BatchForecast(
        methods=batch.methods, method=np.char.add("weekly ", batch.method.astype(str)),
        mean=mean, lower=lower, upper=upper, mase=batch.mase, patterns=pattern, adi=adi, cv2=cv2,
        interval_level=interval_level, season_length=WEEKS_PER_YEAR * WEEK,
        holdout=batch.holdout, seasonal_strength=batch.seasonal_strength, sd=sd, residual_std=sd,
        backtest_windows=batch.backtest_windows, weights=batch.weights,
    )

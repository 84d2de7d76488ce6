"""Forecast a batch of lanes or one lane: backtest choice, refit, calibrated intervals.

The entry points of the package: :func:`forecast_many` (vectorised over lanes,
the network tier) and :func:`forecast_lane` (one lane, row 0 of the same).
Daily histories go through :mod:`forecasting.daily`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import norm

from forecasting import intervals
from forecasting.classic import seasonal_strength
from forecasting.core import DEFAULT_INTERVAL_LEVEL, Fit, as_matrix, check_options
from forecasting.methods import METHOD_FUNCS, METHODS
from forecasting.patterns import INTERMITTENT_PATTERNS, classify_stats, demand_pattern_stats
from forecasting.results import BatchForecast, LaneForecast, lane_from_batch
from forecasting.selection import (
    COMBINATION,
    FALLBACK_METHOD,
    MIN_POINTS_FOR_MODELS,
    MIN_TRAIN_POINTS,
    default_holdout,
    select_methods,
    short_history_forecast,
    weighted,
)


def forecast_many(
    matrix: np.ndarray,
    *,
    horizon: int,
    season_length: int,
    interval_level: float = DEFAULT_INTERVAL_LEVEL,
    holdout: int | None = None,
) -> BatchForecast:
    """Forecast every lane with its own backtest-chosen method (vectorised path).

    Every candidate in ``METHODS`` is backtested on up to ``BACKTEST_WINDOWS``
    rolling origins; the lane takes the mean of its two eligible methods with
    the lowest mean MASE (forecast combination: Bates & Granger 1969, Oper.
    Res. Q. 20, 451-468; Makridakis, Spiliotis & Assimakopoulos 2020, Int. J.
    Forecasting 36, 54-74) unless that mean backtests more than
    ``COMBINATION_TOLERANCE`` times worse than the best alone, then the best.  Intervals are calibrated on the backtest errors of the
    chosen forecast (see :mod:`forecasting.intervals`).  Batches of more than
    ``forecasting.smoothing.FINE_GRID_MAX_LANES`` lanes search the smoothing
    parameters on the coarse grid (the network tier), smaller batches on the
    fine grid (the open lane), so a lane's row can differ slightly between the two.

    Parameters
    ----------
    matrix : array, shape (lanes, T) or (T,)
        y, demand history per period [units/period], >= 0, oldest first, no NaN.
    horizon : int
        h, periods to forecast (>= 1).
    season_length : int
        m, periods per season (52 for weekly data with a yearly cycle, 12 for
        monthly, 4 for quarterly, 7 for daily data with a weekday cycle,
        1 = no seasonality).
    interval_level : float
        Central coverage of the prediction interval, in (0, 1); 0.9 = 5 %..95 %.
    holdout : int, optional
        H, periods per backtest window; default ``default_holdout(T, horizon)``.

    Returns
    -------
    BatchForecast

    Examples
    --------
    >>> weekly = np.tile([10.0, 20.0, 30.0, 20.0], 6)
    >>> result = forecast_many(np.vstack([weekly, weekly + 5]), horizon=4, season_length=4)
    >>> result.mean.round(3).tolist()
    [[10.0, 20.0, 30.0, 20.0], [15.0, 25.0, 35.0, 25.0]]
    """
    check_options(horizon, season_length, interval_level)
    y = as_matrix(matrix, "matrix")
    horizon, season_length = int(horizon), int(season_length)
    n_lanes, n_periods = y.shape
    adi, cv2 = demand_pattern_stats(y)
    patterns = classify_stats(adi, cv2)
    strength = seasonal_strength(y, season_length=season_length)
    all_methods = (*METHODS, COMBINATION)
    z = float(norm.ppf(0.5 + interval_level / 2.0))

    if n_periods < MIN_POINTS_FOR_MODELS:
        mean, sd = short_history_forecast(y, horizon)
        no_scores = np.full((n_lanes, len(all_methods)), np.nan)
        return _finish(
            mean, sd, np.full(n_lanes, z), np.full(n_lanes, FALLBACK_METHOD), no_scores, patterns,
            adi, cv2, strength, interval_level, season_length, 0, 0,
        )

    if holdout is None:
        holdout = default_holdout(n_periods, horizon)
    elif int(holdout) != holdout or holdout < 1 or holdout > n_periods - MIN_TRAIN_POINTS:
        raise ValueError(
            f"holdout must be an integer in [1, {n_periods - MIN_TRAIN_POINTS}] periods "
            f"(history minus {MIN_TRAIN_POINTS}), got {holdout!r}"
        )
    holdout = int(holdout)
    chosen = select_methods(
        y, holdout=holdout, horizon=horizon, season_length=season_length, patterns=patterns,
        strength=strength,
    )
    windows, weights, combine = chosen.windows, chosen.weights, chosen.combine

    # Refit on the full history only the methods some lane uses.
    mean = np.zeros((n_lanes, horizon))
    sd = np.zeros((n_lanes, horizon))
    used = np.zeros(n_lanes)  # weight of the members whose refit is finite
    for j, name in enumerate(METHODS):
        rows = weights[:, j] > 0
        if not rows.any():
            continue
        cached = chosen.cache.get((name, n_periods))
        fit: Fit = (
            (cached[0][rows], cached[1][rows]) if cached is not None
            else METHOD_FUNCS[name](y[rows], horizon, season_length)
        )
        if fit is None:  # cannot happen for a method that was scored; keep a safe fallback
            fit = short_history_forecast(y[rows], horizon)
        # a member can fail on the full history where it ran in the backtest (e.g. a zero
        # period enters that a multiplicative season cannot take): leave it out of the mean
        ok = np.all(np.isfinite(fit[0]) & np.isfinite(fit[1]), axis=1)
        w = (weights[rows, j] * ok)[:, None]
        mean[rows] += w * np.nan_to_num(fit[0])
        sd[rows] += w * np.nan_to_num(fit[1])
        used[rows] += w[:, 0]
    lost = used <= 0
    if lost.any():
        mean[lost], sd[lost] = short_history_forecast(y[lost], horizon)
        used[lost] = 1.0
    mean /= used[:, None]
    sd /= used[:, None]

    # Calibrate the interval width on what the chosen forecast got wrong in the backtest.
    if windows:
        errs = [win.actual - weighted(win.forecast, weights) for win in windows]
        sds = [weighted(win.sd, weights) for win in windows]
        multiplier = intervals.conformal_multiplier(
            np.concatenate(errs, axis=1), np.concatenate(sds, axis=1), interval_level
        )
    else:
        multiplier = np.full(n_lanes, z)
    method = np.where(combine, COMBINATION, np.asarray(METHODS)[chosen.choice])
    all_scores = np.column_stack([chosen.scores, chosen.combo_scores])
    result = _finish(
        mean, sd, multiplier, method, all_scores, patterns, adi, cv2, strength, interval_level,
        season_length, holdout, len(windows),
    )
    return dataclasses.replace(result, weights=weights)



def _finish(
    mean: np.ndarray,
    sd: np.ndarray,
    multiplier: np.ndarray,
    method: np.ndarray,
    scores: np.ndarray,
    patterns: np.ndarray,
    adi: np.ndarray,
    cv2: np.ndarray,
    strength: np.ndarray,
    interval_level: float,
    season_length: int,
    holdout: int,
    windows: int,
) -> BatchForecast:
    z = float(norm.ppf(0.5 + interval_level / 2.0))
    sd = np.where(np.isfinite(sd), np.maximum(sd, 0.0), 0.0)
    # residual_std: the calibrated spread, so that mean +/- z * residual_std is the interval
    spread = sd * (np.asarray(multiplier, dtype=float)[:, None] / z)
    clipped = np.maximum(mean, 0.0)  # demand is never negative
    skewed = np.isin(patterns, list(INTERMITTENT_PATTERNS))
    occurrence = np.where(np.isfinite(adi), 1.0 / np.maximum(adi, 1.0), 0.0)
    lower, upper = intervals.bounds(clipped, spread, interval_level, skewed, occurrence)
    return BatchForecast(
        methods=(*METHODS, COMBINATION), method=method, mean=clipped, lower=lower, upper=upper,
        mase=scores, patterns=patterns, adi=adi, cv2=cv2, interval_level=interval_level,
        season_length=season_length, holdout=holdout, seasonal_strength=strength, sd=spread,
        residual_std=spread, backtest_windows=windows,
    )



def forecast_lane(
    history: np.ndarray,
    *,
    horizon: int,
    season_length: int,
    interval_level: float = DEFAULT_INTERVAL_LEVEL,
    holdout: int | None = None,
) -> LaneForecast:
    """Forecast one lane: choose the method by backtest MASE, refit, forecast.

    Same parameters as ``forecast_many`` with a 1-D ``history`` [units/period];
    the result equals row 0 of ``forecast_many(history[None, :], ...)``.

    Examples
    --------
    >>> fc = forecast_lane([0, 0, 3, 0, 0, 0, 4, 0, 0, 3, 0, 0], horizon=3, season_length=1)
    >>> fc.pattern, fc.method in ("croston_sba", "tsb", "combination"), bool(fc.mean.min() > 0)
    ('intermittent', True, True)
    """
    arr = np.asarray(history, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"history must be 1-D (one lane), got {arr.ndim}-D")
    as_matrix(arr, "history")  # name the parameter the caller used in any error
    batch = forecast_many(
        arr, horizon=horizon, season_length=season_length, interval_level=interval_level,
        holdout=holdout,
    )
    return lane_from_batch(batch)


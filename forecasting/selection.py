"""Model choice: rolling-origin backtest, eligibility gates and the forecast combination.

Every candidate of :data:`forecasting.methods.METHODS` is fitted on the history
before each of up to ``BACKTEST_WINDOWS`` rolling origins and scored by MASE
on the ``holdout`` periods after it (time-series cross-validation with a
multi-step horizon: Tashman 2000, Int. J. Forecasting 16, 437-450; FPP3
section 5.10).  A lane then takes the mean of its ``COMBINATION_SIZE`` best
eligible methods (Bates & Granger 1969, Oper. Res. Q. 20, 451-468; Makridakis,
Spiliotis & Assimakopoulos 2020, Int. J. Forecasting 36, 54-74) unless that mean
backtests more than ``COMBINATION_TOLERANCE`` times worse than the best alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting import smoothing
from forecasting.core import Fit, as_matrix, mase_scale
from forecasting.methods import (
    HOLT_WINTERS,
    INTERMITTENT_METHODS,
    METHOD_FUNCS,
    METHODS,
    SEASONAL_METHODS,
)
from forecasting.patterns import INTERMITTENT_PATTERNS, SEASONAL_STRENGTH_CUTOFF

COMBINATION = "combination"  # mean of the two best methods
# The combination is used while its backtest MASE is at most this factor times the best single
# method's (1.0 = only when it backtests better).  1.1 measured on bench/forecast_bench.py: real
# series CO2 0.43 -> 0.37 MASE, equipment orders 0.16 -> 0.13, synthetic 0.934 -> 0.92.
COMBINATION_TOLERANCE = 1.1
COMBINATION_SIZE = 3  # methods averaged: the k best by backtest MASE
FALLBACK_METHOD = "mean"  # fewer than MIN_POINTS_FOR_MODELS periods: no model is fitted

MIN_POINTS_FOR_MODELS = 4  # below this only the historical mean with a wide band is given
MIN_TRAIN_POINTS = 4  # the inner backtest keeps at least this many periods to fit on
BACKTEST_WINDOWS = 3  # rolling origins averaged for the model choice (Tashman 2000)
HOLDOUT_SHARE_MAX = 0.25  # default holdout never takes more than a quarter of the history


def default_holdout(n_periods: int, horizon: int) -> int:
    """Backtest length: the forecast horizon, at most a quarter of the history.

    Kept so that at least ``MIN_TRAIN_POINTS`` periods remain to fit on; 0 means
    no backtest is possible.

    >>> default_holdout(143, 13), default_holdout(1095, 90), default_holdout(6, 5)
    (13, 90, 1)
    """
    cap = max(1, int(n_periods * HOLDOUT_SHARE_MAX))
    return max(0, min(horizon, cap, n_periods - MIN_TRAIN_POINTS))


@dataclass(frozen=True)
class Window:
    """One rolling-origin window: forecasts of every method and what happened."""

    forecast: np.ndarray  # (lanes, methods, H), clipped at 0, NaN = method not applicable
    sd: np.ndarray  # (lanes, methods, H), the method's own h-step sd
    actual: np.ndarray  # (lanes, H)
    scale: np.ndarray  # (lanes,) MASE scale of the window's training part


Cache = dict[tuple[str, int], Fit]


def smoothing_fits(
    y: np.ndarray, holdout: int, windows: int, horizon: int, season_length: int
) -> Cache:
    """Holt-Winters fits for every backtest training length and the full history.

    One pass per model over the history serves all rolling origins and the refit
    (the fits equal separate calls; see ``smoothing.holt_winters_prefixes``).
    """
    n_periods = y.shape[1]
    horizons = {n_periods - (w + 1) * holdout: holdout for w in range(windows) if holdout >= 1}
    horizons = {c: h for c, h in horizons.items() if c >= 1}
    horizons[n_periods] = horizon
    cache: Cache = {}
    for name, season in HOLT_WINTERS.items():
        fits = smoothing.holt_winters_prefixes(y, horizons, season_length, season)
        cache.update({(name, c): fit for c, fit in fits.items()})
    return cache


def _window(y: np.ndarray, holdout: int, season_length: int, cache: Cache) -> Window:
    """Fit every method on y[:, :T-H] and forecast the last H periods.

    ``cache`` holds fits already computed for (method, training length).
    """
    train, test = y[:, :-holdout], y[:, -holdout:]
    n_lanes = y.shape[0]
    forecasts = np.full((n_lanes, len(METHODS), holdout), np.nan)
    sds = np.full((n_lanes, len(METHODS), holdout), np.nan)
    for j, name in enumerate(METHODS):
        key = (name, train.shape[1])
        fit = cache[key] if key in cache else METHOD_FUNCS[name](train, holdout, season_length)
        if fit is not None:
            forecasts[:, j] = np.maximum(fit[0], 0.0)
            sds[:, j] = fit[1]
    return Window(forecasts, sds, test, mase_scale(train))


def _window_mase(window: Window) -> np.ndarray:
    err = np.abs(window.actual[:, None, :] - window.forecast)
    return np.mean(err, axis=2) / window.scale[:, None]


def rolling_backtest(
    y: np.ndarray, holdout: int, season_length: int, windows: int, cache: Cache | None = None
) -> tuple[np.ndarray, list[Window]]:
    """Mean MASE over the rolling origins (lanes, methods) and the windows themselves."""
    cache = {} if cache is None else cache
    first = _window(y, holdout, season_length, cache)
    done = [first]
    total = _window_mase(first)
    for w in range(1, windows):
        end = y.shape[1] - w * holdout
        if end - holdout < MIN_TRAIN_POINTS:
            break
        win = _window(y[:, :end], holdout, season_length, cache)
        scores = _window_mase(win)
        if np.any(np.isnan(scores[0]) & ~np.isnan(total[0])):
            break
        total += scores
        done.append(win)
    return total / len(done), done


def backtest_mase(
    y: np.ndarray, *, holdout: int, season_length: int, windows: int = BACKTEST_WINDOWS
) -> np.ndarray:
    """Rolling-origin backtest MASE of every candidate, shape (lanes, len(METHODS)).

    Window w = 0, 1, ... fits on y[:, :T-(w+1)H] and scores the H periods after
    it; the result is the mean over windows (Tashman 2000, Int. J. Forecasting
    16, 437-450).  Older windows are only added while at least
    ``MIN_TRAIN_POINTS`` periods remain and no method that applies to the most
    recent window drops out (so all candidates are compared on the same
    windows).  NaN marks a method that does not apply.  Forecasts are clipped
    at 0 before scoring, as they are when delivered.

    Parameters
    ----------
    y : array, shape (lanes, T)
        Demand history [units/period].
    holdout : int
        H, periods scored per window (>= 1).
    season_length : int
        m [periods].
    windows : int
        Maximum number of rolling origins (>= 1).
    """
    y = as_matrix(y, "history")
    if windows < 1:
        raise ValueError(f"windows must be >= 1, got {windows!r}")
    return rolling_backtest(y, holdout, season_length, windows)[0]


def choose_method(scores: np.ndarray, patterns: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Index into METHODS per lane: lowest backtest MASE among the eligible methods.

    Intermittent/lumpy lanes choose among INTERMITTENT_METHODS; other lanes with
    seasonal strength >= SEASONAL_STRENGTH_CUTOFF among SEASONAL_METHODS (a
    backtest window that misses the peak must not talk a lane out of its season);
    all other lanes among every method.
    """
    intermittent_lane = np.isin(patterns, list(INTERMITTENT_PATTERNS))
    seasonal_lane = ~intermittent_lane & (np.nan_to_num(strength) >= SEASONAL_STRENGTH_CUTOFF)
    intermittent_method = np.array([m in INTERMITTENT_METHODS for m in METHODS])
    seasonal_method = np.array([m in SEASONAL_METHODS for m in METHODS])
    eligible = np.where(
        intermittent_lane[:, None],
        intermittent_method[None, :],
        ~seasonal_lane[:, None] | seasonal_method[None, :],
    )
    finite = np.isfinite(scores)
    masked = np.where(eligible & finite, scores, np.inf)
    # An eligible set with no score (e.g. too short to backtest the season): any scored method.
    none_eligible = ~np.isfinite(masked.min(axis=1))
    masked = np.where(none_eligible[:, None] & finite, scores, masked)
    choice = np.argmin(masked, axis=1)
    # No finite score at all (no backtest): SES for regular lanes, SBA for intermittent ones.
    no_score = ~np.isfinite(masked.min(axis=1))
    fallback = np.where(intermittent_lane, METHODS.index("croston_sba"), METHODS.index("ses"))
    return np.where(no_score, fallback, choice)


def short_history_forecast(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Historical mean with a deliberately wide band: sd = max(std, mean)."""
    level = y.mean(axis=1)
    sd = np.maximum(y.std(axis=1), level)
    return np.repeat(level[:, None], horizon, axis=1), np.repeat(sd[:, None], horizon, axis=1)


def top_methods(scores: np.ndarray, choice: np.ndarray, patterns: np.ndarray,
                 strength: np.ndarray, size: int) -> np.ndarray:
    """Weights (lanes, methods): 1/k on each of the k <= ``size`` best eligible methods.

    The best is ``choice``; runners-up are taken from the same eligible set in order of
    backtest MASE.  Lanes with fewer than two scored eligible methods get all weight on
    ``choice`` (k = 1).
    """
    rows = np.arange(len(choice))
    members = np.zeros(scores.shape, bool)
    members[rows, choice] = True
    masked = scores.copy()
    for _ in range(size - 1):
        masked[members] = np.nan
        runner = choose_method(masked, patterns, strength)
        ok = np.isfinite(masked[rows, runner]) & ~members[rows, runner]
        members[rows[ok], runner[ok]] = True
    return members / members.sum(axis=1, keepdims=True)


def weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum over methods of weight x value, (lanes, methods, H) -> (lanes, H); NaN x 0 = 0."""
    return np.einsum("lm,lmh->lh", weights, np.where(weights[:, :, None] > 0, values, 0.0))


@dataclass(frozen=True)
class Selection:
    """The backtest's choice for every lane of a batch.

    Attributes
    ----------
    scores : np.ndarray
        Mean backtest MASE per method, shape (lanes, len(METHODS)); NaN = not applicable.
    combo_scores : np.ndarray
        Backtest MASE of the combination, shape (lanes,); NaN = no combination.
    choice : np.ndarray
        Index into METHODS of the best eligible single method, shape (lanes,).
    combine : np.ndarray
        True where the lane uses the combination, shape (lanes,).
    weights : np.ndarray
        Weight of each method in the lane's forecast, shape (lanes, len(METHODS));
        rows sum to 1.
    windows : list[Window]
        The rolling-origin windows scored (empty = no backtest).
    cache : Cache
        Smoothing fits already computed, keyed by (method, training length).
    """

    scores: np.ndarray
    combo_scores: np.ndarray
    choice: np.ndarray
    combine: np.ndarray
    weights: np.ndarray
    windows: list[Window]
    cache: Cache


def select_methods(
    y: np.ndarray,
    *,
    holdout: int,
    horizon: int,
    season_length: int,
    patterns: np.ndarray,
    strength: np.ndarray,
) -> Selection:
    """Backtest every candidate and choose each lane's method or combination.

    Parameters
    ----------
    y : array, shape (lanes, T)
        Demand history [units/period], already checked.
    holdout : int
        H, periods per backtest window (0 = no backtest possible).
    horizon : int
        h, periods the caller will forecast (the smoothing refit is cached for it).
    season_length : int
        m [periods].
    patterns, strength : array, shape (lanes,)
        Syntetos-Boylan class and seasonal strength F_S per lane (the gates of
        :func:`choose_method`).
    """
    n_lanes = y.shape[0]
    windows: list[Window] = []
    cache = smoothing_fits(y, holdout, BACKTEST_WINDOWS, horizon, season_length)
    if holdout >= 1:
        scores, windows = rolling_backtest(y, holdout, season_length, BACKTEST_WINDOWS, cache)
    else:
        scores = np.full((n_lanes, len(METHODS)), np.nan)
    choice = choose_method(scores, patterns, strength)
    single = np.zeros((n_lanes, len(METHODS)))
    single[np.arange(n_lanes), choice] = 1.0
    top = top_methods(scores, choice, patterns, strength, COMBINATION_SIZE)
    combo_scores = np.full(n_lanes, np.nan)
    if windows:
        combo_scores = np.mean([
            np.mean(np.abs(win.actual - weighted(win.forecast, top)), axis=1) / win.scale
            for win in windows
        ], axis=0)
        combo_scores = np.where(np.count_nonzero(top, axis=1) > 1, combo_scores, np.nan)
    # Average the best methods unless that backtests clearly worse than the best alone:
    # choosing one winner on a few backtest windows is noisy, and the mean of good methods
    # rarely loses much to the best one but often wins clearly (see COMBINATION_TOLERANCE).
    best = scores[np.arange(n_lanes), choice]
    combine = np.isfinite(combo_scores) & (
        combo_scores <= COMBINATION_TOLERANCE * np.where(np.isfinite(best), best, -np.inf)
    )
    weights = np.where(combine[:, None], top, single)
    return Selection(scores, combo_scores, choice, combine, weights, windows, cache)

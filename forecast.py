"""Demand forecasting per service lane: candidate methods, backtest selection, intervals.

Functional core: pure NumPy over a 2-D array ``lanes x periods`` (one row per
lane, oldest period first).  Every candidate method is fitted on all rows at
once; Python loops run over methods, the smoothing grid or time, never over
lanes.  Inputs are assumed NaN-free (non-finite values raise ``ValueError``).

Public facade: ``forecast_lane`` (one lane, any period), ``forecast_daily_history``
(one lane of days), ``forecast_many`` / ``forecast_daily_many`` (many lanes at
once, the network tier) and ``method_label`` (planner words for a method id).
The exponential-smoothing family and the interval calibration live in the
``forecasting`` package.

Candidate methods (all hand-written; planner names in ``forecasting.labels``)
----------------------------------------------------------------------------
``linear_trend``
    OLS straight line over time (the seed's forecast), textbook OLS prediction
    interval.
``seasonal_naive``
    y(T+k) = y(T+k-m*ceil(k/m)); needs more than one season of history.
``seasonal_profile``
    Forecasting with decomposition (Hyndman & Athanasopoulos, *Forecasting:
    Principles and Practice*, 2nd ed., section 6.8): additive seasonal profile
    from the last full seasons (after removing an OLS trend), simple
    exponential smoothing of the seasonally adjusted series, forecast =
    level + profile.  Profiles of long seasons (m >= 13) are smoothed with a
    circular [1, 2, 1]/4 filter over neighbouring positions.  Needs at least
    two full seasons.
``ses``
    Simple exponential smoothing, alpha chosen per lane from a grid by
    in-sample one-step squared error (alpha = 1 is the naive forecast).
``damped_trend``, ``holt_winters_add``, ``holt_winters_mul``
    ETS(A,Ad,N), ETS(A,Ad,A), ETS(A,Ad,M): damped trend without season, with an
    additive and with a multiplicative season (Hyndman et al. 2008), see
    ``forecasting.smoothing.holt_winters``.
``theta``
    Standard Theta method on the seasonally adjusted series (Hyndman & Billah
    2003), see ``forecasting.smoothing.theta``.
``croston_sba``
    Croston's method with the Syntetos-Boylan bias correction (1 - alpha/2)
    (Syntetos & Boylan 2005, Int. J. Forecasting 21, 303-314).
``tsb``
    Teunter-Syntetos-Babai: smoothed demand probability x smoothed size
    (Teunter, Syntetos & Babai 2011, EJOR 214, 606-615).

Model choice
------------
Rolling-origin backtest (Tashman 2000): the last ``holdout`` periods are held
back, every method is fitted on the periods before and scored by MASE on the
held-back periods; this is repeated one and two holdouts earlier
(``BACKTEST_WINDOWS`` = 3) and the scores are averaged.  The lane gets the mean
of its ``COMBINATION_SIZE`` best methods (refitted on the full history) unless
that mean backtests more than ``COMBINATION_TOLERANCE`` x worse than the best
alone, then the best alone.  Two gates narrow the candidates first:

* lanes classed intermittent or lumpy (Syntetos-Boylan) choose only between
  the intermittent-demand methods, because MASE (an absolute error) rewards
  forecasting the median, which is zero for such lanes, and a zero forecast is
  useless for stocking; SBC 2005 recommends SBA for them;
* other lanes with seasonal strength F_S >= 0.6 choose only between the
  seasonal methods: the backtest windows often miss the peak (a 13-week window
  before a Q4 horizon lies in the flat summer), where a flat forecast wins.

MASE scale: in-sample mean absolute error of the **lag-1 naive** forecast
(Hyndman & Koehler 2006, Int. J. Forecasting 22, 679-688); a zero scale
(constant history) falls back to the mean absolute demand, then to 1.

Prediction intervals: mean +/- q * sd_k, sd_k the method's h-step standard
deviation (sqrt(1 + (k-1) alpha^2) for smoothing methods, sqrt(ceil(k/m)) for
the seasonal naive, the OLS prediction formula for the trend, Hyndman et al.
2008 Table 6.1 for Holt-Winters) and q the split-conformal quantile of the
backtest errors divided by sd (``forecasting.intervals``), so the width is
calibrated on the lane's own out-of-sample errors.  ``residual_std`` = q sd_k / z
is that calibrated spread per step.  Intermittent/lumpy lanes get zero-inflated
gamma bounds (never negative, right-skewed).  Default level 90 % (5 % .. 95 %).
Forecasts and bounds are clipped at 0: demand is never negative.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from forecasting import intervals, smoothing
from forecasting.classic import (
    MIN_SEASONS_PROFILE,
    PROFILE_KERNEL,
    PROFILE_SMOOTH_MIN_SEASON,
    SES_ALPHA_GRID,
    _linear_trend,
    _seasonal_naive,
    _seasonal_profile,
    _ses,
    seasonal_strength,
)
from forecasting.core import _as_matrix, _check_options, _Fit, mase, mase_scale
from forecasting.intermittent import (
    ADI_CUTOFF,
    CROSTON_ALPHA,
    CV2_CUTOFF,
    INTERMITTENT_PATTERNS,
    PATTERNS,
    TSB_ALPHA,
    TSB_BETA,
    _classify,
    _croston_sba,
    _tsb,
    classify_demand_pattern,
    classify_demand_patterns,
    demand_pattern_stats,
)
from forecasting.labels import METHOD_LABELS, method_label

# Re-exported: callers (planning, views, reports, tests) use the facade only.
__all__ = [
    "ADI_CUTOFF", "CROSTON_ALPHA", "CV2_CUTOFF", "INTERMITTENT_PATTERNS", "METHOD_LABELS",
    "MIN_SEASONS_PROFILE", "PATTERNS", "PROFILE_KERNEL", "PROFILE_SMOOTH_MIN_SEASON",
    "SES_ALPHA_GRID", "TSB_ALPHA", "TSB_BETA", "BatchForecast", "LaneForecast",
    "backtest_mase", "classify_demand_pattern", "classify_demand_patterns",
    "demand_pattern_stats", "fit_method", "forecast_daily_history", "forecast_daily_many",
    "forecast_lane", "forecast_many", "mase", "mase_scale", "method_label", "seasonal_strength",
]

DEFAULT_INTERVAL_LEVEL = 0.9
METHODS = (
    "linear_trend", "seasonal_naive", "seasonal_profile", "ses", "damped_trend",
    "holt_winters_add", "holt_winters_mul", "theta", "croston_sba", "tsb",
)
INTERMITTENT_METHODS = frozenset({"croston_sba", "tsb"})
SEASONAL_METHODS = frozenset(
    {"seasonal_naive", "seasonal_profile", "holt_winters_add", "holt_winters_mul", "theta"}
)
COMBINATION = "combination"  # mean of the two best methods
# The combination is used while its backtest MASE is at most this factor times the best single
# method's (1.0 = only when it backtests better).  1.1 measured on bench/forecast_bench.py: real
# series CO2 0.43 -> 0.37 MASE, equipment orders 0.16 -> 0.13, synthetic 0.934 -> 0.92.
COMBINATION_TOLERANCE = 1.1
COMBINATION_SIZE = 3  # methods averaged: the k best by backtest MASE
SEASONAL_STRENGTH_CUTOFF = 0.6  # F_S above which a lane only chooses seasonal methods
FALLBACK_METHOD = "mean"  # fewer than MIN_POINTS_FOR_MODELS periods: no model is fitted

MIN_POINTS_FOR_MODELS = 4  # below this only the historical mean with a wide band is given
MIN_TRAIN_POINTS = 4  # the inner backtest keeps at least this many periods to fit on
BACKTEST_WINDOWS = 3  # rolling origins averaged for the model choice (Tashman 2000)
HOLDOUT_SHARE_MAX = 0.25  # default holdout never takes more than a quarter of the history

DAYS_PER_WEEK = 7
WEEKS_PER_YEAR = 52
DAYS_FOR_YEARLY_SEASON = 2 * 365  # two years of daily history -> weekly model with yearly season
# season length m [periods] of the yearly cycle for each recording period (weekday cycle for days)
SEASON_LENGTH_BY_PERIOD = {"day": DAYS_PER_WEEK, "week": WEEKS_PER_YEAR, "month": 12, "quarter": 4}


@dataclass(frozen=True)
class LaneForecast:
    """Forecast for one lane.

    Attributes
    ----------
    method : str
        Chosen method (one of ``METHODS``, or ``"mean"`` for very short history;
        the daily helper prefixes ``"weekly "`` when it modelled weekly totals).
    mean, lower, upper : np.ndarray
        Point forecast and prediction bounds per period, length ``horizon``
        [demand units per period], all >= 0 and lower <= mean <= upper.
    interval_level : float
        Central coverage of [lower, upper], e.g. 0.9 = 5 % .. 95 %.
    backtest_mase : dict[str, float]
        MASE of every candidate on the backtest holdout (NaN = not applicable).
    pattern : str
        Syntetos-Boylan demand class of the history.
    season_length : int
        m, season length used [periods].
    adi, cv2 : float
        Average inter-demand interval [periods] and CV^2 of non-zero sizes.
    holdout : int
        Periods held back per backtest window (0 = no backtest possible).
    seasonal_strength : float
        F_S in [0, 1] (NaN with fewer than two seasons), see ``seasonal_strength``.
    residual_std : np.ndarray
        Spread of the forecast error per horizon step, length ``horizon``
        [demand units per period]: the standard deviation of the error of
        ``mean`` at step k, calibrated on the rolling-origin backtest errors
        (``mean +/- z * residual_std`` is the interval for regular lanes, with
        z the normal quantile of ``interval_level``).  For the capacity
        planner, e.g. expected overflow E[(W_k - C)^+] with W_k ~ N(mean_k,
        residual_std_k^2).  Not clipped at 0; intermittent lanes take their
        bounds from a gamma distribution with this mean and spread.
    backtest_windows : int
        Rolling origins the choice and the calibration used (0 = none).
    combined : tuple[str, ...]
        The methods averaged when ``method`` is the combination, best first
        (empty otherwise).
    """

    method: str
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    interval_level: float
    backtest_mase: dict[str, float]
    pattern: str
    season_length: int
    adi: float = math.nan
    cv2: float = math.nan
    holdout: int = 0
    seasonal_strength: float = math.nan
    residual_std: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    backtest_windows: int = 0
    combined: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchForecast:
    """Forecasts for many lanes (row i = lane i of the input matrix).

    Attributes
    ----------
    methods : tuple[str, ...]
        Candidate names, the column order of ``mase``.
    method : np.ndarray
        Chosen method per lane, shape (lanes,).
    mean, lower, upper : np.ndarray
        Shape (lanes, horizon) [demand units per period], all >= 0.
    mase : np.ndarray
        Backtest MASE, shape (lanes, len(methods)); NaN = not applicable.
    patterns : np.ndarray
        Syntetos-Boylan class per lane, shape (lanes,).
    adi, cv2 : np.ndarray
        Shape (lanes,).
    interval_level : float
    season_length : int
    holdout : int
    seasonal_strength : np.ndarray
        F_S per lane, shape (lanes,).
    sd : np.ndarray
        Calibrated h-step forecast standard deviation, shape (lanes, horizon)
        [units/period] (same array as ``residual_std``).
    residual_std : np.ndarray
        See ``LaneForecast.residual_std``; shape (lanes, horizon).
    backtest_windows : int
        Rolling origins used (0 = no backtest).
    weights : np.ndarray
        Weight of each method of ``METHODS`` in the lane's forecast, shape
        (lanes, len(METHODS)); rows sum to 1 (all zero for the short-history mean).
    """

    methods: tuple[str, ...]
    method: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    mase: np.ndarray
    patterns: np.ndarray
    adi: np.ndarray
    cv2: np.ndarray
    interval_level: float
    season_length: int
    holdout: int
    seasonal_strength: np.ndarray = field(default_factory=lambda: np.empty(0))
    sd: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    residual_std: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    backtest_windows: int = 0
    weights: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))


# --------------------------------------------------------------------------- candidate methods


def _damped_trend(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
    return smoothing.holt_winters(y, horizon, season_length, "none")


def _holt_winters_add(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
    return smoothing.holt_winters(y, horizon, season_length, "add")


def _holt_winters_mul(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
    return smoothing.holt_winters(y, horizon, season_length, "mul")


# the exponential-smoothing candidates and their season type (see forecasting.smoothing)
_HOLT_WINTERS = {"damped_trend": "none", "holt_winters_add": "add", "holt_winters_mul": "mul"}


def _smoothing_fits(
    y: np.ndarray, holdout: int, windows: int, horizon: int, season_length: int
) -> _Cache:
    """Holt-Winters fits for every backtest training length and the full history.

    One pass per model over the history serves all rolling origins and the refit
    (the fits equal separate calls; see ``smoothing.holt_winters_prefixes``).
    """
    n_periods = y.shape[1]
    horizons = {n_periods - (w + 1) * holdout: holdout for w in range(windows) if holdout >= 1}
    horizons = {c: h for c, h in horizons.items() if c >= 1}
    horizons[n_periods] = horizon
    cache: _Cache = {}
    for name, season in _HOLT_WINTERS.items():
        fits = smoothing.holt_winters_prefixes(y, horizons, season_length, season)
        cache.update({(name, c): fit for c, fit in fits.items()})
    return cache


def _theta(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
    # Seasonally adjust the lanes that pass the Theta benchmark's autocorrelation test, and
    # those the selection gate treats as seasonal (the test needs three seasons of history).
    strong = np.nan_to_num(seasonal_strength(y, season_length=season_length)) >= (
        SEASONAL_STRENGTH_CUTOFF
    )
    seasonal = smoothing.seasonality_test(y, season_length) | strong
    return smoothing.theta(y, horizon, season_length, seasonal, SES_ALPHA_GRID)


_METHOD_FUNCS: dict[str, Callable[[np.ndarray, int, int], _Fit]] = {
    "linear_trend": _linear_trend,
    "seasonal_naive": _seasonal_naive,
    "seasonal_profile": _seasonal_profile,
    "ses": _ses,
    "damped_trend": _damped_trend,
    "holt_winters_add": _holt_winters_add,
    "holt_winters_mul": _holt_winters_mul,
    "theta": _theta,
    "croston_sba": _croston_sba,
    "tsb": _tsb,
}


def fit_method(
    method: str, history: np.ndarray, *, horizon: int, season_length: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Fit one candidate on every row and forecast ``horizon`` periods.

    Returns ``(mean, sd)``, each (lanes, horizon), **unclipped**, or ``None`` when
    the history is too short for the method.

    Examples
    --------
    A noiseless trend 2 + 3 t is continued exactly by ``linear_trend``:

    >>> mean, sd = fit_method("linear_trend", 2 + 3 * np.arange(6.0), horizon=2, season_length=1)
    >>> mean.round(6).tolist(), sd.round(6).tolist()
    ([[20.0, 23.0]], [[0.0, 0.0]])
    """
    if method not in _METHOD_FUNCS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    _check_options(horizon, season_length, DEFAULT_INTERVAL_LEVEL)
    y = _as_matrix(history, "history")
    return _METHOD_FUNCS[method](y, int(horizon), int(season_length))


# --------------------------------------------------------------------------- selection


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
class _Window:
    """One rolling-origin window: forecasts of every method and what happened."""

    forecast: np.ndarray  # (lanes, methods, H), clipped at 0, NaN = method not applicable
    sd: np.ndarray  # (lanes, methods, H), the method's own h-step sd
    actual: np.ndarray  # (lanes, H)
    scale: np.ndarray  # (lanes,) MASE scale of the window's training part


_Cache = dict[tuple[str, int], _Fit]


def _window(y: np.ndarray, holdout: int, season_length: int, cache: _Cache) -> _Window:
    """Fit every method on y[:, :T-H] and forecast the last H periods.

    ``cache`` holds fits already computed for (method, training length).
    """
    train, test = y[:, :-holdout], y[:, -holdout:]
    n_lanes = y.shape[0]
    forecasts = np.full((n_lanes, len(METHODS), holdout), np.nan)
    sds = np.full((n_lanes, len(METHODS), holdout), np.nan)
    for j, name in enumerate(METHODS):
        key = (name, train.shape[1])
        fit = cache[key] if key in cache else _METHOD_FUNCS[name](train, holdout, season_length)
        if fit is not None:
            forecasts[:, j] = np.maximum(fit[0], 0.0)
            sds[:, j] = fit[1]
    return _Window(forecasts, sds, test, mase_scale(train))


def _window_mase(window: _Window) -> np.ndarray:
    err = np.abs(window.actual[:, None, :] - window.forecast)
    return np.mean(err, axis=2) / window.scale[:, None]


def _backtest(
    y: np.ndarray, holdout: int, season_length: int, windows: int, cache: _Cache | None = None
) -> tuple[np.ndarray, list[_Window]]:
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
    y = _as_matrix(y, "history")
    if windows < 1:
        raise ValueError(f"windows must be >= 1, got {windows!r}")
    return _backtest(y, holdout, season_length, windows)[0]


def _choose(scores: np.ndarray, patterns: np.ndarray, strength: np.ndarray) -> np.ndarray:
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


def _short_history_forecast(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Historical mean with a deliberately wide band: sd = max(std, mean)."""
    level = y.mean(axis=1)
    sd = np.maximum(y.std(axis=1), level)
    return np.repeat(level[:, None], horizon, axis=1), np.repeat(sd[:, None], horizon, axis=1)


def _top_methods(scores: np.ndarray, choice: np.ndarray, patterns: np.ndarray,
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
        runner = _choose(masked, patterns, strength)
        ok = np.isfinite(masked[rows, runner]) & ~members[rows, runner]
        members[rows[ok], runner[ok]] = True
    return members / members.sum(axis=1, keepdims=True)


def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum over methods of weight x value, (lanes, methods, H) -> (lanes, H); NaN x 0 = 0."""
    return np.einsum("lm,lmh->lh", weights, np.where(weights[:, :, None] > 0, values, 0.0))


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
    _check_options(horizon, season_length, interval_level)
    y = _as_matrix(matrix, "matrix")
    horizon, season_length = int(horizon), int(season_length)
    n_lanes, n_periods = y.shape
    adi, cv2 = demand_pattern_stats(y)
    patterns = _classify(adi, cv2)
    strength = seasonal_strength(y, season_length=season_length)
    all_methods = (*METHODS, COMBINATION)
    z = float(norm.ppf(0.5 + interval_level / 2.0))

    if n_periods < MIN_POINTS_FOR_MODELS:
        mean, sd = _short_history_forecast(y, horizon)
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
    windows: list[_Window] = []
    cache = _smoothing_fits(y, holdout, BACKTEST_WINDOWS, horizon, season_length)
    if holdout >= 1:
        scores, windows = _backtest(y, holdout, season_length, BACKTEST_WINDOWS, cache)
    else:
        scores = np.full((n_lanes, len(METHODS)), np.nan)
    choice = _choose(scores, patterns, strength)
    single = np.zeros((n_lanes, len(METHODS)))
    single[np.arange(n_lanes), choice] = 1.0
    top = _top_methods(scores, choice, patterns, strength, COMBINATION_SIZE)
    combo_scores = np.full(n_lanes, np.nan)
    if windows:
        combo_scores = np.mean([
            np.mean(np.abs(win.actual - _weighted(win.forecast, top)), axis=1) / win.scale
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

    # Refit on the full history only the methods some lane uses.
    mean = np.zeros((n_lanes, horizon))
    sd = np.zeros((n_lanes, horizon))
    used = np.zeros(n_lanes)  # weight of the members whose refit is finite
    for j, name in enumerate(METHODS):
        rows = weights[:, j] > 0
        if not rows.any():
            continue
        cached = cache.get((name, n_periods))
        fit: _Fit = (
            (cached[0][rows], cached[1][rows]) if cached is not None
            else _METHOD_FUNCS[name](y[rows], horizon, season_length)
        )
        if fit is None:  # cannot happen for a method that was scored; keep a safe fallback
            fit = _short_history_forecast(y[rows], horizon)
        # a member can fail on the full history where it ran in the backtest (e.g. a zero
        # period enters that a multiplicative season cannot take): leave it out of the mean
        ok = np.all(np.isfinite(fit[0]) & np.isfinite(fit[1]), axis=1)
        w = (weights[rows, j] * ok)[:, None]
        mean[rows] += w * np.nan_to_num(fit[0])
        sd[rows] += w * np.nan_to_num(fit[1])
        used[rows] += w[:, 0]
    lost = used <= 0
    if lost.any():
        mean[lost], sd[lost] = _short_history_forecast(y[lost], horizon)
        used[lost] = 1.0
    mean /= used[:, None]
    sd /= used[:, None]

    # Calibrate the interval width on what the chosen forecast got wrong in the backtest.
    if windows:
        errs = [win.actual - _weighted(win.forecast, weights) for win in windows]
        sds = [_weighted(win.sd, weights) for win in windows]
        multiplier = intervals.conformal_multiplier(
            np.concatenate(errs, axis=1), np.concatenate(sds, axis=1), interval_level
        )
    else:
        multiplier = np.full(n_lanes, z)
    method = np.where(combine, COMBINATION, np.asarray(METHODS)[choice])
    all_scores = np.column_stack([scores, combo_scores])
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


def _lane_from_batch(batch: BatchForecast, row: int = 0, method_prefix: str = "") -> LaneForecast:
    return LaneForecast(
        method=method_prefix + str(batch.method[row]),
        mean=batch.mean[row],
        lower=batch.lower[row],
        upper=batch.upper[row],
        interval_level=batch.interval_level,
        backtest_mase={m: float(batch.mase[row, j]) for j, m in enumerate(batch.methods)},
        pattern=str(batch.patterns[row]),
        season_length=batch.season_length,
        adi=float(batch.adi[row]),
        cv2=float(batch.cv2[row]),
        holdout=batch.holdout,
        seasonal_strength=float(batch.seasonal_strength[row]),
        residual_std=batch.residual_std[row],
        backtest_windows=batch.backtest_windows,
        combined=_members(batch, row),
    )


def _members(batch: BatchForecast, row: int) -> tuple[str, ...]:
    """Ids of the methods averaged in lane ``row``, best backtest first."""
    if not str(batch.method[row]).endswith(COMBINATION) or batch.weights.size == 0:
        return ()
    used = [j for j in range(len(METHODS)) if batch.weights[row, j] > 0]
    return tuple(METHODS[j] for j in sorted(used, key=lambda j: batch.mase[row, j]))


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
    _as_matrix(arr, "history")  # name the parameter the caller used in any error
    batch = forecast_many(
        arr, horizon=horizon, season_length=season_length, interval_level=interval_level,
        holdout=holdout,
    )
    return _lane_from_batch(batch)


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
    _check_options(horizon_days, DAYS_PER_WEEK, interval_level)
    values = np.asarray(daily_values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"daily_values must be 1-D (one lane), got {values.ndim}-D")
    y = _as_matrix(values, "daily_values")[0]
    if y.size < DAYS_FOR_YEARLY_SEASON:
        return forecast_lane(
            y, horizon=horizon_days, season_length=DAYS_PER_WEEK, interval_level=interval_level
        )
    return _lane_from_batch(
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
    _check_options(horizon_days, DAYS_PER_WEEK, interval_level)
    y = _as_matrix(matrix, "matrix")
    if y.shape[1] < DAYS_FOR_YEARLY_SEASON:
        return forecast_many(
            y, horizon=horizon_days, season_length=DAYS_PER_WEEK, interval_level=interval_level
        )
    n_lanes = y.shape[0]
    n_weeks = y.shape[1] // DAYS_PER_WEEK
    days = y[:, y.shape[1] - n_weeks * DAYS_PER_WEEK :].reshape(n_lanes, n_weeks, DAYS_PER_WEEK)
    weekly = days.sum(axis=2)
    horizon_weeks = -(-int(horizon_days) // DAYS_PER_WEEK)
    batch = forecast_many(
        weekly, horizon=horizon_weeks, season_length=WEEKS_PER_YEAR, interval_level=interval_level
    )
    recent = days[:, -WEEKS_PER_YEAR:]
    recent_total = recent.sum(axis=(1, 2))
    factors = np.where(
        recent_total[:, None] > 0,
        recent.sum(axis=1) / np.maximum(recent_total[:, None] / DAYS_PER_WEEK, 1e-300),
        1.0,
    )
    share = recent.sum(axis=2, keepdims=True) / DAYS_PER_WEEK * factors[:, None, :]
    sigma_day = np.sqrt(np.mean((recent - share) ** 2, axis=(1, 2)))

    k = np.arange(int(horizon_days))
    week_of, day_of = k // DAYS_PER_WEEK, k % DAYS_PER_WEEK
    mean = batch.mean[:, week_of] / DAYS_PER_WEEK * factors[:, day_of]
    sd = np.sqrt(
        (batch.sd[:, week_of] / DAYS_PER_WEEK * factors[:, day_of]) ** 2 + sigma_day[:, None] ** 2
    )
    adi, cv2 = demand_pattern_stats(y)
    pattern = _classify(adi, cv2)
    lower, upper = intervals.bounds(
        mean, sd, interval_level, np.isin(pattern, list(INTERMITTENT_PATTERNS)),
        np.where(np.isfinite(adi), 1.0 / np.maximum(adi, 1.0), 0.0),
    )
    return BatchForecast(
        methods=batch.methods, method=np.char.add("weekly ", batch.method.astype(str)),
        mean=mean, lower=lower, upper=upper, mase=batch.mase, patterns=pattern, adi=adi, cv2=cv2,
        interval_level=interval_level, season_length=WEEKS_PER_YEAR * DAYS_PER_WEEK,
        holdout=batch.holdout, seasonal_strength=batch.seasonal_strength, sd=sd, residual_std=sd,
        backtest_windows=batch.backtest_windows, weights=batch.weights,
    )

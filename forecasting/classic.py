"""Classic candidates: straight-line trend, seasonal naive, simple exponential smoothing,
level plus average seasonal profile, and the seasonal-strength measure.

Each method maps y (lanes, T) to (mean, sd), both (lanes, horizon), unclipped, or
None when the history is too short for it; sd is the h-step forecast standard
deviation [units/period].
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from forecasting.core import Fit, as_matrix

SES_ALPHA_GRID = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
MIN_SEASONS_PROFILE = 2  # full seasons needed to estimate a seasonal profile
PROFILE_KERNEL = ((-1, 0.25), (0, 0.5), (1, 0.25))  # (np.roll shift, weight) smoothing the profile
PROFILE_SMOOTH_MIN_SEASON = 13  # smooth only seasons of at least a quarter of weeks


def linear_trend(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """OLS straight line over time, continued; textbook OLS prediction sd.

    sd_h = sigma sqrt(1 + 1/T + (t - t_mean)^2 / Sxx) with sigma^2 = SSE / (T - 2)
    (simple regression on time: Hyndman & Athanasopoulos, FPP3 section 7.6).
    Needs at least 3 periods.
    """
    n_periods = y.shape[1]
    if n_periods < 3:
        return None
    t = np.arange(n_periods, dtype=float)
    t_mean = t.mean()
    sxx = float(np.sum((t - t_mean) ** 2))
    y_mean = y.mean(axis=1)
    slope = (y - y_mean[:, None]) @ (t - t_mean) / sxx
    intercept = y_mean - slope * t_mean
    resid = y - (intercept[:, None] + slope[:, None] * t)
    sigma = np.sqrt(np.sum(resid**2, axis=1) / (n_periods - 2))
    t_new = np.arange(n_periods, n_periods + horizon, dtype=float)
    mean = intercept[:, None] + slope[:, None] * t_new
    # OLS prediction variance: sigma^2 (1 + 1/T + (t - t_mean)^2 / Sxx)
    factor = np.sqrt(1.0 + 1.0 / n_periods + (t_new - t_mean) ** 2 / sxx)
    return mean, sigma[:, None] * factor


def seasonal_naive(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """Seasonal naive: y(T+k) = y(T+k-m*ceil(k/m)) (FPP3 section 5.2).

    sd_k = sigma sqrt(floor((k-1)/m) + 1), sigma from the in-sample seasonal
    differences (FPP3 section 5.5).  Needs more than one season (m >= 2).
    """
    m = season_length
    n_periods = y.shape[1]
    if m < 2 or n_periods <= m:
        return None
    k = np.arange(horizon)
    mean = y[:, n_periods - m + (k % m)]
    sigma = np.sqrt(np.mean((y[:, m:] - y[:, :-m]) ** 2, axis=1))
    # FPP section 5.5: sd_h = sigma * sqrt(floor((h-1)/m) + 1)
    factor = np.sqrt(k // m + 1.0)
    return mean, sigma[:, None] * factor


def _ses_path(y: np.ndarray, alpha: float) -> np.ndarray:
    """Level after each period: l_t = alpha y_t + (1 - alpha) l_(t-1), l_(-1) = y_0."""
    zi = (1.0 - alpha) * y[:, :1]
    level, _ = lfilter([alpha], [1.0, alpha - 1.0], y, axis=1, zi=zi)
    return level


def _ses_best(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-lane alpha from SES_ALPHA_GRID by one-step SSE -> (final level, sigma, alpha)."""
    n_lanes = y.shape[0]
    best_sse = np.full(n_lanes, np.inf)
    best_level = np.zeros(n_lanes)
    best_alpha = np.ones(n_lanes)
    for alpha in SES_ALPHA_GRID:  # loop over the grid, each step vectorised over lanes
        level = _ses_path(y, alpha)
        err = y[:, 1:] - level[:, :-1]
        sse = np.sum(err**2, axis=1)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        best_level = np.where(better, level[:, -1], best_level)
        best_alpha = np.where(better, alpha, best_alpha)
    sigma = np.sqrt(best_sse / max(y.shape[1] - 1, 1))
    return best_level, sigma, best_alpha


def smoothing_sd(sigma: np.ndarray, alpha: np.ndarray | float, horizon: int) -> np.ndarray:
    """h-step sd of the local-level model ETS(A,N,N): sigma sqrt(1 + (h-1) alpha^2).

    Hyndman & Athanasopoulos, FPP3 section 8.7 (forecast variance of the
    additive ETS models); shape (lanes, horizon).
    """
    k = np.arange(horizon, dtype=float)
    return sigma[:, None] * np.sqrt(1.0 + k[None, :] * np.asarray(alpha, dtype=float).reshape(-1, 1) ** 2)


def ses(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """Simple exponential smoothing (FPP3 section 8.1), alpha per lane from ``SES_ALPHA_GRID``.

    Flat forecast at the last level; alpha minimises the in-sample one-step
    squared error (alpha = 1 is the naive forecast).
    """
    if y.shape[1] < 2:
        return None
    level, sigma, alpha = _ses_best(y)
    mean = np.repeat(level[:, None], horizon, axis=1)
    return mean, smoothing_sd(sigma, alpha, horizon)


def _profile_decomposition(
    y: np.ndarray, season_length: int
) -> tuple[np.ndarray, int, np.ndarray] | None:
    """Additive seasonal profile from the last full seasons (classical decomposition).

    Returns (profile (lanes, m) with mean 0, index of the first period of the
    seasons used, detrended values of those seasons), or None with fewer than
    ``MIN_SEASONS_PROFILE`` seasons.
    """
    m = season_length
    n_lanes, n_periods = y.shape
    n_seasons = n_periods // m
    if m < 2 or n_seasons < MIN_SEASONS_PROFILE:
        return None
    start = n_periods - n_seasons * m  # full seasons aligned to the end of the history
    window = y[:, start:]
    # Remove an OLS trend first so a trend inside each season does not leak into the profile.
    t_c = np.arange(window.shape[1], dtype=float)
    t_c -= t_c.mean()
    slope = (window - window.mean(axis=1, keepdims=True)) @ t_c / np.sum(t_c**2)
    detrended = window - slope[:, None] * t_c
    cycles = detrended.reshape(n_lanes, n_seasons, m)
    raw = (cycles - cycles.mean(axis=2, keepdims=True)).mean(axis=1)
    # With only a few seasons each position is noisy; for long seasons (weeks of a year)
    # neighbouring positions are alike, so a circular [1, 2, 1]/4 filter cuts that noise
    # at the cost of slightly flattening sharp peaks.  Short cycles (weekdays) stay raw.
    if m >= PROFILE_SMOOTH_MIN_SEASON:
        profile = sum(w * np.roll(raw, shift, axis=1) for shift, w in PROFILE_KERNEL)
    else:
        profile = raw
    profile -= profile.mean(axis=1, keepdims=True)
    return profile, start, detrended


def seasonal_strength(matrix: np.ndarray, *, season_length: int) -> np.ndarray:
    """Strength of seasonality per lane, F_S = max(0, 1 - Var(R) / Var(S + R)).

    S + R are the de-trended values of the last full seasons, S the smoothed
    seasonal profile, R the remainder (Wang, Smith & Hyndman 2006, Data Min.
    Knowl. Disc. 13, 335-364; FPP3 section 4.3).  0 = no seasonality, 1 = pure
    season; NaN with fewer than two full seasons.  Pure noise scores about 0.3
    with two seasons (the profile absorbs part of the noise), hence the
    ``SEASONAL_STRENGTH_CUTOFF`` of 0.6.

    Parameters
    ----------
    matrix : array, shape (lanes, T) or (T,)
        Demand history [units/period].
    season_length : int
        m [periods].

    Examples
    --------
    >>> float(seasonal_strength(np.tile([1.0, 5.0, 9.0, 5.0], 3), season_length=4)[0]) > 0.9
    True
    """
    y = as_matrix(matrix, "matrix")
    parts = _profile_decomposition(y, int(season_length))
    if parts is None:
        return np.full(y.shape[0], np.nan)
    profile, _, detrended = parts
    remainder = detrended - np.tile(profile, detrended.shape[1] // profile.shape[1])
    total = detrended.var(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = np.where(total > 0, 1.0 - remainder.var(axis=1) / total, 0.0)
    return np.maximum(strength, 0.0)


def seasonal_profile(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """Forecasting with decomposition: smoothed seasonally adjusted level + seasonal profile.

    The additive profile of the last full seasons (``_profile_decomposition``)
    is removed, the adjusted series is forecast by SES and the profile added
    back (Hyndman & Athanasopoulos, FPP3 section 5.7).  Needs
    ``MIN_SEASONS_PROFILE`` full seasons.
    """
    parts = _profile_decomposition(y, season_length)
    if parts is None:
        return None
    profile, start, _ = parts
    position = (np.arange(y.shape[1]) - start) % season_length
    adjusted = y - profile[:, position]
    level, sigma, alpha = _ses_best(adjusted)
    mean = level[:, None] + profile[:, np.arange(horizon) % season_length]
    return mean, smoothing_sd(sigma, alpha, horizon)


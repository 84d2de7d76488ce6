"""Damped-trend Holt-Winters (additive / multiplicative season) and the Theta method.

Functional core, vectorised over lanes: every function maps a history matrix
``y`` (lanes x T, demand units per period, oldest first) to ``(mean, sd)``,
both (lanes, horizon) [units/period], unclipped.  Rows where a method does not
apply (e.g. a multiplicative season on a lane with zero-demand periods) get
NaN, so the backtest scores them NaN and the lane never chooses them.

Parameters are chosen per lane from a small grid by the in-sample one-step
sum of squared errors (the grid replaces a numerical optimiser so that all
lanes and all parameter sets run in one NumPy pass per period).

References
----------
Hyndman, Koehler, Ord & Snyder (2008), *Forecasting with Exponential
Smoothing: The State Space Approach*, Springer: Table 2.1/2.2 (recursions of
ETS(A,Ad,N), ETS(A,Ad,A), ETS(A,Ad,M) in error-correction form), Table 6.1
(h-step variance of the linear class), section 2.6.1 (initial states).
Gardner & McKenzie (1985), Management Science 31, 1237-1246 (damped trend).
Assimakopoulos & Nikolopoulos (2000), Int. J. Forecasting 16, 521-530 (Theta);
Hyndman & Billah (2003), Int. J. Forecasting 19, 287-290 (Theta = SES with
drift of half the OLS slope, eq. for the forecast function).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from scipy.signal import lfilter

# Smoothing grids (alpha level, beta trend, gamma season, phi damping) in the
# error-correction form, with beta <= alpha (Hyndman et al. 2008, section 10.2).  beta = 0
# with phi = 1 keeps the initial slope (no trend smoothing); beta = 0 with phi < 1 fades
# it out (a level-and-season model).  The coarse grid serves batches of many lanes (the
# network view must stay interactive); the fine grid serves a few lanes (the lane that is
# open), where the ~8x larger search costs milliseconds.
COARSE_GRID = (
    (0.05, 0.15, 0.3, 0.5, 0.8),
    (0.005, 0.03, 0.1),
    (0.02, 0.1, 0.3),
    (0.9, 0.98),
)
FINE_GRID = (
    (0.03, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95),
    (0.0, 0.003, 0.01, 0.03, 0.1, 0.25),
    (0.01, 0.05, 0.15, 0.3, 0.5),
    (0.85, 0.95, 0.98, 1.0),
)
FINE_GRID_MAX_LANES = 20  # batches up to this many lanes get the fine grid
MIN_SEASONS_HW = 2  # full seasons needed to initialise a seasonal Holt-Winters model
MIN_SEASONAL_FACTOR = 0.05  # Theta: smallest multiplicative seasonal factor accepted


def _grid(seasonal: bool, n_lanes: int) -> np.ndarray:
    """Admissible (alpha, beta, gamma, phi) combinations, shape (C, 4)."""
    alphas, betas, season_gammas, phis = (
        FINE_GRID if n_lanes <= FINE_GRID_MAX_LANES else COARSE_GRID
    )
    gammas: tuple[float, ...] = season_gammas if seasonal else (0.0,)
    rows = [
        (a, b, g, p)
        for a, b, g, p in itertools.product(alphas, betas, gammas, phis)
        if b <= a and g <= max(1.0 - a, 0.05)
    ]
    return np.array(rows, dtype=float)


def initial_states(
    y: np.ndarray, m: int, season: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level, trend (just before period 0) and m seasonal states (Hyndman et al. 2008, 2.6.1).

    Level/trend from the means of the first two seasons (first two periods, or
    ten, without season); seasonal states are the first season's deviations
    from that line (additive) or its ratios to it (multiplicative), normalised
    to sum 0 resp. mean 1.
    """
    n_lanes = y.shape[0]
    if season == "none":
        k = min(10, y.shape[1])
        t = np.arange(k, dtype=float)
        t_c = t - t.mean()
        slope = (y[:, :k] - y[:, :k].mean(axis=1, keepdims=True)) @ t_c / max(np.sum(t_c**2), 1e-12)
        level = y[:, :k].mean(axis=1) - slope * (t.mean() + 1.0)
        return level, slope, np.zeros((n_lanes, 1))
    first, second = y[:, :m].mean(axis=1), y[:, m : 2 * m].mean(axis=1)
    slope = (second - first) / m
    centre = (m - 1) / 2.0
    line = first[:, None] + slope[:, None] * (np.arange(m) - centre)
    if season == "add":
        states = y[:, :m] - line
        states -= states.mean(axis=1, keepdims=True)
    else:
        # a lane with zero demand gets NaN/inf states here; holt_winters marks it not applicable
        with np.errstate(divide="ignore", invalid="ignore"):
            states = y[:, :m] / line
            states /= states.mean(axis=1, keepdims=True)
    level = first - slope * (centre + 1.0)
    return level, slope, states


def smooth(
    y: np.ndarray, m: int, season: str, params: np.ndarray, cuts: tuple[int, ...] = ()
):
    """Run the ETS(A,Ad,·) recursions for every lane x parameter set.

    Without ``cuts``: returns (sse (L, C), level (L, C), trend (L, C), seasonal
    states (m, L, C) with index j holding the state for periods t with t % m == j)
    after the last period.  With ``cuts``: one pass over the history gives, for
    each prefix length c in ``cuts``, the per-lane best parameter set by the SSE
    of the first c periods and its states after period c - 1, as
    {c: (best (L,), sse (L,), level (L,), trend (L,), states (L, m) with
    column 0 = period c)}.  The recursions of a prefix do not depend on later
    periods, so this equals separate fits on each prefix (rolling origins) at
    the cost of one.
    """
    n_lanes, n_periods = y.shape
    n_par = params.shape[0]
    alpha, beta, gamma, phi = (params[:, i][None, :] for i in range(4))
    level0, trend0, states0 = initial_states(y, m, season)
    level = np.repeat(level0[:, None], n_par, axis=1)
    trend = np.repeat(trend0[:, None], n_par, axis=1)
    width = m if season != "none" else 1
    # position-major layout: the state read and written each period is one contiguous block
    seas = np.ascontiguousarray(np.repeat(states0.T[:, :, None], n_par, axis=2))
    sse = np.zeros((n_lanes, n_par))
    snapshots = {}
    rows = np.arange(n_lanes)
    with np.errstate(all="ignore"):
        for t in range(n_periods):
            obs = y[:, t : t + 1]
            base = level + phi * trend
            j = t % width
            s_old = seas[j]
            # s_old is a view of seas[j]: update level and trend before overwriting it
            if season == "add":
                err = obs - (base + s_old)
                level = base + alpha * err
                trend = phi * trend + beta * err
                seas[j] = s_old + gamma * err
            elif season == "mul":
                err = obs - base * s_old
                level = base + alpha * err / s_old
                trend = phi * trend + beta * err / s_old
                seas[j] = s_old + gamma * err / base
            else:
                err = obs - base
                level = base + alpha * err
                trend = phi * trend + beta * err
            sse += err * err
            if t + 1 in cuts:
                finite = np.where(np.isfinite(sse), sse, np.inf)
                best = np.argmin(finite, axis=1)
                states = np.roll(seas[:, rows, best].T, -((t + 1) % width), axis=1)
                snapshots[t + 1] = (
                    best, finite[rows, best], level[rows, best], trend[rows, best], states
                )
    if cuts:
        return snapshots
    return sse, level, trend, seas


def _forecast_from_state(
    params: np.ndarray, snapshot, n_periods: int, horizon: int, m_eff: int, season: str
) -> tuple[np.ndarray, np.ndarray]:
    """Forecast function and h-step sd from the best parameter set's final states."""
    best, sse, level, trend, states = snapshot
    n_lanes = len(best)
    a, b, g, p = (params[best, i][:, None] for i in range(4))
    lvl, trd = level[:, None], trend[:, None]
    sigma = np.sqrt(sse / max(n_periods - 1, 1))[:, None]
    h = np.arange(1, horizon + 1, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_h = np.where(np.abs(1 - p) < 1e-12, h, p * (1 - p**h) / (1 - p))
    base = lvl + phi_h * trd
    pos = np.arange(horizon) % m_eff
    if season == "add":
        mean = base + states[:, pos]
    elif season == "mul":
        mean = base * states[:, pos]
    else:
        mean = base
    # c_j for j = 1 .. h-1, cumulative sum of squares
    j = np.arange(1, horizon, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_j = np.where(np.abs(1 - p) < 1e-12, j, p * (1 - p**j) / (1 - p))
    c = a + b * phi_j + (g * (j % m_eff == 0) if season != "none" else 0.0)
    var_factor = 1.0 + np.concatenate([np.zeros((n_lanes, 1)), np.cumsum(c**2, axis=1)], axis=1)
    sd = sigma * np.sqrt(var_factor)
    if season == "mul":
        sd = sd * states[:, pos]
    bad = ~np.isfinite(sse)
    mean[bad] = np.nan
    sd[bad] = np.nan
    return mean, sd


def holt_winters_prefixes(
    y: np.ndarray, horizons: dict[int, int], season_length: int, season: str
) -> dict[int, tuple[np.ndarray, np.ndarray] | None]:
    """``holt_winters`` on several prefixes y[:, :c] at once, {c: horizon} -> {c: fit}.

    One pass over the history serves every rolling origin of the backtest and
    the final refit (see ``smooth``); results equal separate calls of
    ``holt_winters(y[:, :c], horizons[c], ...)`` with the grid of this batch size.
    """
    m = int(season_length)
    n_lanes = y.shape[0]
    if season == "none":
        m_eff, min_len = 1, 6
    else:
        m_eff, min_len = m, MIN_SEASONS_HW * m + 2
    out: dict[int, tuple[np.ndarray, np.ndarray] | None] = {c: None for c in horizons}
    usable = tuple(sorted(c for c in horizons if c >= min_len and c <= y.shape[1]))
    if not usable or (season != "none" and m < 2):
        return out
    params = _grid(season != "none", n_lanes)
    snapshots = smooth(y[:, : usable[-1]], m_eff, season, params, cuts=usable)
    for c in usable:
        mean, sd = _forecast_from_state(params, snapshots[c], c, horizons[c], m_eff, season)
        if season == "mul":  # a multiplicative season needs demand in every period
            bad = np.any(y[:, :c] <= 0, axis=1)
            mean[bad] = np.nan
            sd[bad] = np.nan
        out[c] = (mean, sd)
    return out


def holt_winters(y: np.ndarray, horizon: int, season_length: int, season: str):
    """Damped-trend Holt-Winters forecast, parameters per lane by in-sample SSE.

    Forecast function (Hyndman et al. 2008, Table 2.1, damped trend):
    additive   y(T+h) = l_T + phi_h b_T + s_(T+h-m(k+1)),
    multiplicative y(T+h) = (l_T + phi_h b_T) * s_(T+h-m(k+1)),
    phi_h = phi + phi^2 + ... + phi^h.

    h-step sd (linear class, Table 6.1): sigma * sqrt(1 + sum_(j<h) c_j^2),
    c_j = alpha + beta phi_j + gamma [j mod m = 0]; for the multiplicative
    season it is scaled by the seasonal factor (an approximation; intervals
    are recalibrated on the backtest errors anyway).

    Parameters
    ----------
    y : array (lanes, T)
        Demand [units/period].
    horizon : int
        h [periods].
    season_length : int
        m [periods]; ignored for ``season="none"``.
    season : {"none", "add", "mul"}

    Returns
    -------
    (mean, sd) each (lanes, horizon), or None when the history is too short.
    Rows that cannot take a multiplicative season (any period <= 0) are NaN.
    """
    n_periods = y.shape[1]
    return holt_winters_prefixes(y, {n_periods: horizon}, season_length, season)[n_periods]


def _seasonal_index(y: np.ndarray, m: int, multiplicative: np.ndarray):
    """Classical decomposition seasonal index per position (FPP 2nd ed., section 6.3).

    Trend = centred moving average (2 x m-MA for even m, m-MA for odd m);
    index = mean over the history of y / trend (``multiplicative`` rows, scaled
    to mean 1) or y - trend (other rows, shifted to mean 0) at each position.
    Returns (index (lanes, m), 0) with column j for periods t with t % m == j,
    or None with fewer than two seasons.
    """
    n_lanes, n_periods = y.shape
    if m < 2 or n_periods < 2 * m:
        return None
    weights = np.full(m + 1, 1.0 / m) if m % 2 == 0 else np.full(m, 1.0 / m)
    if m % 2 == 0:
        weights[0] = weights[-1] = 0.5 / m
    half = len(weights) // 2
    padded = np.zeros((n_lanes, n_periods))
    cums = np.cumsum(np.pad(y, ((0, 0), (1, 0))), axis=1)
    # moving sums from cumulative sums; 2 x m-MA = inner m-1 values at 1/m plus both ends at 1/(2m)
    if m % 2 == 0:
        valid = np.arange(half, n_periods - half)
        padded[:, valid] = (
            (cums[:, valid + half] - cums[:, valid - half + 1]) / m
            + 0.5 / m * (y[:, valid - half] + y[:, valid + half])
        )
    else:
        valid = np.arange(half, n_periods - half)
        padded[:, valid] = (cums[:, valid + half + 1] - cums[:, valid - half]) / m
    position = np.arange(n_periods) % m
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(padded > 0, y / padded, np.nan)
    diff = y - padded
    mask = np.zeros(n_periods, bool)
    mask[valid] = True
    index_r = np.full((n_lanes, m), np.nan)
    index_d = np.full((n_lanes, m), np.nan)
    with warnings.catch_warnings():  # all-NaN ratios (a lane without demand) stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        for j in range(m):  # loop over season positions, vectorised over lanes
            cols = mask & (position == j)
            index_r[:, j] = np.nanmean(ratio[:, cols], axis=1) if cols.any() else np.nan
            index_d[:, j] = diff[:, cols].mean(axis=1) if cols.any() else np.nan
        index_r /= np.nanmean(index_r, axis=1, keepdims=True)
        index_d -= np.nanmean(index_d, axis=1, keepdims=True)
    return np.where(multiplicative[:, None], index_r, index_d), 0


def seasonality_test(y: np.ndarray, m: int) -> np.ndarray:
    """90 % autocorrelation test for a season of length m, per lane.

    Seasonal if |r_m| > 1.645 * sqrt((1 + 2 sum_(k<m) r_k^2) / T) (Bartlett's
    standard error; the test of the M3/M4 Theta benchmark, Assimakopoulos &
    Nikolopoulos 2000).  False when m < 2 or T < 3m.
    """
    n_lanes, n_periods = y.shape
    if m < 2 or n_periods < 3 * m:
        return np.zeros(n_lanes, bool)
    x = y - y.mean(axis=1, keepdims=True)
    denom = np.sum(x * x, axis=1)
    acf = np.stack([np.sum(x[:, k:] * x[:, :-k], axis=1) for k in range(1, m + 1)], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        acf = np.where(denom[:, None] > 0, acf / denom[:, None], 0.0)
    limit = 1.645 * np.sqrt((1.0 + 2.0 * np.sum(acf[:, :-1] ** 2, axis=1)) / n_periods)
    return np.abs(acf[:, -1]) > limit


def theta(
    y: np.ndarray, horizon: int, season_length: int, seasonal: np.ndarray, alpha_grid
):
    """Standard Theta method on the seasonally adjusted series (Hyndman & Billah 2003).

    x = y seasonally adjusted (classical decomposition, multiplicative when the
    lane's history is strictly positive, else additive) for rows where
    ``seasonal`` is True, x = y otherwise.  Forecast
    x(T+h) = l_T + (b/2) * ((h - 1) + 1/alpha - (1 - alpha)^T / alpha),
    with l_T the SES level (alpha per lane by one-step SSE on ``alpha_grid``)
    and b the OLS slope of x over time; then re-seasonalised.
    sd: SES h-step sd sigma sqrt(1 + (h-1) alpha^2) (FPP Table 8.8).
    """
    m = int(season_length)
    n_lanes, n_periods = y.shape
    if n_periods < 4:
        return None
    positive = np.all(y > 0, axis=1)
    parts = _seasonal_index(y, m, positive) if m >= 2 else None
    if parts is None:
        index = np.zeros((n_lanes, max(m, 1)))
        start, use = 0, np.zeros(n_lanes, bool)
    else:
        index, start = parts
        use = np.asarray(seasonal, bool) & np.all(np.isfinite(index), axis=1)
    # a near-zero seasonal factor would blow the adjusted series up: adjust additively then
    sane = np.all(np.nan_to_num(index, nan=0.0) > MIN_SEASONAL_FACTOR, axis=1)
    mult = use & positive & sane
    add = use & ~mult
    m_eff = index.shape[1]
    pos_hist = (np.arange(n_periods) - start) % m_eff  # start = 0: positions count from t = 0
    pos_fut = (np.arange(n_periods, n_periods + horizon) - start) % m_eff
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(mult[:, None], y / index[:, pos_hist], y)
    x = np.where(add[:, None], y - index[:, pos_hist], x)
    x = np.where(np.isfinite(x), x, y)
    best_sse = np.full(n_lanes, np.inf)
    best_level = np.zeros(n_lanes)
    best_alpha = np.ones(n_lanes)
    for a in alpha_grid:
        level, _ = lfilter([a], [1.0, a - 1.0], x, axis=1, zi=(1.0 - a) * x[:, :1])
        with np.errstate(over="ignore", invalid="ignore"):
            sse = np.sum((x[:, 1:] - level[:, :-1]) ** 2, axis=1)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        best_level = np.where(better, level[:, -1], best_level)
        best_alpha = np.where(better, a, best_alpha)
    t = np.arange(n_periods, dtype=float)
    t_c = t - t.mean()
    slope = (x - x.mean(axis=1, keepdims=True)) @ t_c / np.sum(t_c**2)
    h = np.arange(1, horizon + 1, dtype=float)[None, :]
    a = best_alpha[:, None]
    drift = slope[:, None] / 2.0 * ((h - 1.0) + 1.0 / a - (1.0 - a) ** n_periods / a)
    xf = best_level[:, None] + drift
    mean = np.where(mult[:, None], xf * index[:, pos_fut], xf)
    mean = np.where(add[:, None], xf + index[:, pos_fut], mean)
    sigma = np.sqrt(best_sse / max(n_periods - 1, 1))[:, None]
    sd = sigma * np.sqrt(1.0 + (h - 1.0) * a**2)
    sd = np.where(mult[:, None], sd * index[:, pos_fut], sd)
    bad = ~np.all(np.isfinite(mean) & np.isfinite(sd), axis=1)  # not applicable to this lane
    mean[bad] = np.nan
    sd[bad] = np.nan
    return mean, sd

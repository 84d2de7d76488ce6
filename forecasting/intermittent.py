"""Sporadic (intermittent / lumpy) demand: Croston-SBA and TSB.

Vectorised over lanes: no Python loop over lanes or time (see ``_smooth_on_demand``).
The demand classes that route a lane to these methods live in
:mod:`forecasting.patterns`.

References
----------
Croston, J. D. (1972), Forecasting and stock control for intermittent demands,
Oper. Res. Q. 23, 289-303 (separate smoothing of sizes and intervals).
Syntetos, A. A. & Boylan, J. E. (2005), The accuracy of intermittent demand
estimates, Int. J. Forecasting 21, 303-314 (the bias correction 1 - alpha/2, SBA).
Teunter, R. H., Syntetos, A. A. & Babai, M. Z. (2011), Intermittent demand:
linking forecasting to inventory obsolescence, EJOR 214, 606-615 (TSB).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from forecasting.classic import smoothing_sd
from forecasting.core import Fit
from forecasting.patterns import demand_pattern_stats

CROSTON_ALPHA = 0.1  # SBA literature recommends 0.05..0.2 for sizes and intervals
TSB_ALPHA = 0.1  # smoothing of non-zero sizes
TSB_BETA = 0.1  # smoothing of the demand probability


def _first_demand_init(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Initial size and interval: mean non-zero size and ADI of the history."""
    adi, _ = demand_pattern_stats(y)
    positive = y > 0
    count = positive.sum(axis=1)
    size = np.where(positive, y, 0.0).sum(axis=1) / np.maximum(count, 1)
    return size, np.where(np.isfinite(adi), adi, 1.0)


def _smooth_on_demand(
    hit: np.ndarray, event_values: np.ndarray, init: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exponential smoothing updated only in periods with demand, for all lanes at once.

    s <- s + alpha (v - s) in every period where ``hit``; unchanged otherwise.
    ``event_values`` holds v for the True cells of ``hit`` in row-major order
    (``np.nonzero`` order).  Returns (state entering each period (lanes, T),
    final state (lanes,)).  No loop over time or lanes: the events of all lanes
    are concatenated and filtered once; the state leaking from one lane into
    the next is subtracted again ((1 - alpha)^k decay of the carried state).
    """
    n_lanes = hit.shape[0]
    counts = hit.sum(axis=1)
    entering = np.repeat(init[:, None], hit.shape[1], axis=1).astype(float)
    if event_values.size == 0:
        return entering, init.astype(float)
    rows = np.repeat(np.arange(n_lanes), counts)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(event_values.size) - starts[rows]
    decay = 1.0 - alpha
    drive = alpha * event_values
    first = rank == 0
    drive[first] += decay * init[rows[first]]
    filtered = lfilter([1.0], [1.0, -decay], drive)
    carry = np.zeros(n_lanes)
    has = counts > 0
    prev = starts[has] - 1
    carry[has] = np.where(prev >= 0, filtered[np.maximum(prev, 0)], 0.0)
    state = filtered - decay ** (rank + 1.0) * carry[rows]
    seen = np.cumsum(hit, axis=1) - hit  # demands strictly before each period
    index = np.clip(starts[:, None] + seen - 1, 0, state.size - 1)
    entering = np.where(seen > 0, state[index], entering)
    final = np.where(has, state[np.clip(starts + counts - 1, 0, state.size - 1)], init)
    return entering, final


def croston_sba(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """Croston's method with the Syntetos-Boylan approximation (SBA), flat forecast.

    In periods with demand, the size z and the inter-demand interval p are
    smoothed with ``CROSTON_ALPHA`` (Croston 1972); the forecast per period is
    (1 - alpha/2) z_T / p_T, the bias-corrected ratio of Syntetos & Boylan
    (2005).  ``sd`` is the local-level h-step sd of the in-sample one-step
    errors (see :func:`forecasting.classic.smoothing_sd`).
    """
    n_periods = y.shape[1]
    if n_periods < 2:
        return None
    alpha = CROSTON_ALPHA
    bias = 1.0 - alpha / 2.0  # Syntetos-Boylan approximation
    size0, interval0 = _first_demand_init(y)
    hit = y > 0
    rows, cols = np.nonzero(hit)
    # inter-demand interval at each demand: periods since the previous demand (or since start)
    gaps = np.diff(cols, prepend=-1).astype(float)
    new_row = np.diff(rows, prepend=-1) != 0
    gaps[new_row] = cols[new_row] + 1.0
    size_in, size_end = _smooth_on_demand(hit, y[rows, cols], size0, alpha)
    gap_in, gap_end = _smooth_on_demand(hit, gaps, interval0, alpha)
    sigma = np.sqrt(np.mean((y - bias * size_in / gap_in) ** 2, axis=1))
    mean = np.repeat((bias * size_end / gap_end)[:, None], horizon, axis=1)
    return mean, smoothing_sd(sigma, alpha, horizon)


def tsb(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    """Teunter-Syntetos-Babai (2011): demand probability x size, flat forecast.

    The probability of a demand, p_t = p_(t-1) + beta (1[y_t > 0] - p_(t-1)),
    is updated every period (so it decays while no demand occurs, unlike
    Croston's interval); the size z is smoothed only in periods with demand.
    Forecast per period: p_T z_T, with alpha = ``TSB_ALPHA``, beta = ``TSB_BETA``.
    """
    n_periods = y.shape[1]
    if n_periods < 2:
        return None
    size0, interval0 = _first_demand_init(y)
    prob0 = 1.0 / interval0
    hit = y > 0
    # probability updated every period: p_t = p_(t-1) + beta (d_t - p_(t-1)), an IIR filter
    prob, _ = lfilter(
        [TSB_BETA], [1.0, TSB_BETA - 1.0], hit.astype(float), axis=1,
        zi=(1.0 - TSB_BETA) * prob0[:, None],
    )
    prob_in = np.concatenate([prob0[:, None], prob[:, :-1]], axis=1)
    rows, cols = np.nonzero(hit)
    size_in, size_end = _smooth_on_demand(hit, y[rows, cols], size0, TSB_ALPHA)
    sigma = np.sqrt(np.mean((y - prob_in * size_in) ** 2, axis=1))
    mean = np.repeat((prob[:, -1] * size_end)[:, None], horizon, axis=1)
    return mean, smoothing_sd(sigma, max(TSB_ALPHA, TSB_BETA), horizon)


"""Sporadic (intermittent / lumpy) demand: Syntetos-Boylan classes, Croston-SBA and TSB.

Vectorised over lanes: no Python loop over lanes or time (see ``_smooth_on_demand``).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from forecasting.classic import _smoothing_sd
from forecasting.core import _as_matrix, _Fit

# Syntetos, Boylan & Croston (2005), J. Oper. Res. Soc. 56, 495-503: cut-offs.
ADI_CUTOFF = 1.32  # average inter-demand interval [periods]
CV2_CUTOFF = 0.49  # squared coefficient of variation of non-zero demand sizes [-]
PATTERNS = ("smooth", "erratic", "intermittent", "lumpy")
INTERMITTENT_PATTERNS = frozenset({"intermittent", "lumpy"})
CROSTON_ALPHA = 0.1  # SBA literature recommends 0.05..0.2 for sizes and intervals
TSB_ALPHA = 0.1  # smoothing of non-zero sizes
TSB_BETA = 0.1  # smoothing of the demand probability


def demand_pattern_stats(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ADI and CV^2 of non-zero demand sizes per lane (Syntetos-Boylan).

    Parameters
    ----------
    matrix : array, shape (lanes, periods) or (periods,)
        y, demand per period [units/period], >= 0.

    Returns
    -------
    adi : np.ndarray
        ADI = periods / number of periods with demand > 0 [periods];
        ``inf`` for an all-zero lane.
    cv2 : np.ndarray
        CV^2 = (std / mean)^2 of the non-zero sizes (population std, ddof=0);
        0 when there are fewer than two non-zero periods.

    References
    ----------
    Syntetos, Boylan & Croston (2005), J. Oper. Res. Soc. 56, 495-503.

    Examples
    --------
    >>> adi, cv2 = demand_pattern_stats([0, 2, 0, 0, 6, 0])
    >>> float(adi[0]), float(cv2[0])
    (3.0, 0.25)
    """
    y = _as_matrix(matrix, "matrix")
    positive = y > 0
    count = positive.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(count > 0, y.shape[1] / np.maximum(count, 1), np.inf)
        size_mean = np.where(positive, y, 0.0).sum(axis=1) / np.maximum(count, 1)
        size_var = (np.where(positive, y - size_mean[:, None], 0.0) ** 2).sum(axis=1) / np.maximum(
            count, 1
        )
        cv2 = np.where(count > 1, size_var / np.maximum(size_mean, 1e-300) ** 2, 0.0)
    return adi, cv2


def _classify(adi: np.ndarray, cv2: np.ndarray) -> np.ndarray:
    frequent = adi < ADI_CUTOFF
    steady = cv2 < CV2_CUTOFF
    return np.select(
        [frequent & steady, frequent & ~steady, ~frequent & steady],
        ["smooth", "erratic", "intermittent"],
        default="lumpy",
    )


def classify_demand_patterns(matrix: np.ndarray) -> np.ndarray:
    """Syntetos-Boylan demand class per lane: smooth, erratic, intermittent or lumpy.

    ADI < 1.32 and CV^2 < 0.49 -> smooth; ADI < 1.32, CV^2 >= 0.49 -> erratic;
    ADI >= 1.32, CV^2 < 0.49 -> intermittent; otherwise lumpy.  An all-zero
    lane (ADI = inf, CV^2 = 0) is classed ``"intermittent"``, so it is
    forecast by the intermittent-demand methods (which give 0).

    Examples
    --------
    >>> classify_demand_patterns([[5, 6, 5, 4], [1, 9, 1, 9], [0, 0, 3, 0], [0, 9, 0, 1]]).tolist()
    ['smooth', 'erratic', 'intermittent', 'lumpy']
    """
    return _classify(*demand_pattern_stats(matrix))


def classify_demand_pattern(history: np.ndarray) -> str:
    """Syntetos-Boylan class of one lane's history (see ``classify_demand_patterns``).

    >>> classify_demand_pattern([0, 0, 4, 0, 0, 5, 0, 0, 4])
    'intermittent'
    """
    arr = np.asarray(history, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"history must be 1-D, got {arr.ndim}-D")
    return str(classify_demand_patterns(arr)[0])



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


def _croston_sba(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
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
    return mean, _smoothing_sd(sigma, alpha, horizon)


def _tsb(y: np.ndarray, horizon: int, season_length: int) -> _Fit:
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
    return mean, _smoothing_sd(sigma, max(TSB_ALPHA, TSB_BETA), horizon)


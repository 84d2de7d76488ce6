"""Lane resilience index (0-100): buffer coverage of the lane's own tail risk + independence.

Our own composite index, following the seed's idea (buffer coverage plus
partner independence) with one correction.

Why not coverage in units of sigma
----------------------------------
The seed measured buffer coverage against the same standard deviation that
sized the buffer.  Then coverage = z(alpha) * sigma / sigma only echoes the
service-level slider: every lane at 95 % scores the same, and a lane with rare
large shocks (whose sigma understates its tail) scores as well as a stable
lane.  Here coverage is measured against each lane's **empirical** tail of
lead-time demand, taken from its own history:

``tail_risk = Q_q(rolling L-day demand sums) - mean(rolling L-day demand sums)``  [units]

``coverage = min(1, max(0, SS / tail_risk))`` (1 when tail_risk <= 0)

``independence = 1 - delta``  (delta = partner dependency ratio, see ``cooperation``)

``score = 100 * (w * coverage + (1 - w) * independence)``  in [0, 100]

With the default w = 0.5, a lane whose buffer covers its 99 % lead-time
demand excursion and which needs no partner capacity scores 100.

References
----------
Sheffi, Y. & Rice, J. B. (2005). A supply chain view of the resilient
enterprise. *MIT Sloan Management Review* 47(1), 41-48 (redundancy/buffers
and flexibility as resilience levers; the concept, not this formula).
Seed model ("LSP Digital Capacity Twin" v3.0.0): Score = beta(coverage) + (1 - delta).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from inventory.validation import FloatOrArray, as_output, checked

DEFAULT_TAIL_QUANTILE = 0.99
DEFAULT_COVERAGE_WEIGHT = 0.5
SCORE_SCALE = 100.0  # index is reported on a 0-100 scale


@dataclass(frozen=True)
class ResilienceScore:
    """Resilience index with its components.

    Attributes
    ----------
    score : float or ndarray
        Index in [0, 100] [points].
    coverage : float or ndarray
        min(1, SS / tail_risk) in [0, 1] [fraction].
    independence : float or ndarray
        1 - delta in [0, 1] [fraction].
    tail_risk : float or ndarray
        Lead-time-demand excursion the buffer is compared with [units].
    weights : tuple of float
        (coverage weight w, independence weight 1 - w).
    """

    score: FloatOrArray
    coverage: FloatOrArray
    independence: FloatOrArray
    tail_risk: FloatOrArray
    weights: tuple[float, float]


def _windows(lead_time_days: NDArray[np.float64]) -> NDArray[np.int64]:
    # Round half up (Python's round() is half-to-even) and never below one day.
    return np.maximum(np.floor(lead_time_days + 0.5), 1).astype(np.int64)


def empirical_tail_risk_matrix(
    daily_demand: ArrayLike,
    lead_time_days: ArrayLike,
    quantile: float = DEFAULT_TAIL_QUANTILE,
) -> NDArray[np.float64]:
    """Empirical lead-time-demand tail risk for many lanes at once (lanes x days).

    For lane i with window ``w_i = max(1, round(L_i))`` days, the rolling sums
    ``X_t = d_t + ... + d_{t+w_i-1}`` are formed with cumulative sums (no
    per-lane Python loop) and

    ``tail_risk_i = Q_q(X) - mean(X)``  [units].

    ``NaN`` entries mark missing days (e.g. shorter histories padded to a
    common length); windows touching them are skipped.  A lane without any
    complete window gets ``NaN``.

    Parameters
    ----------
    daily_demand : 2-D array, shape (lanes, days)
        Daily demand [units/day], >= 0 or NaN.
    lead_time_days : float or 1-D array of length ``lanes``
        L, mean lead time [days], >= 0.
    quantile : float
        q in (0, 1), default 0.99.

    Returns
    -------
    ndarray, shape (lanes,)
        Tail risk per lane [units].

    Examples
    --------
    >>> empirical_tail_risk_matrix([[10, 10, 10, 10], [0, 0, 0, 40]], lead_time_days=2).round(3)
    array([ 0.   , 25.867])
    """
    demand = np.asarray(daily_demand, dtype=float)
    if demand.ndim != 2:
        raise ValueError(f"daily_demand must be a 2-D array (lanes x days), got {demand.ndim}-D")
    q = float(checked("quantile", quantile, low=0.0, high=1.0, low_open=True, high_open=True,
                       unit="fraction"))
    present = ~np.isnan(demand)
    checked("daily_demand", demand[present], low=0.0, unit="units/day")
    lanes, days = demand.shape
    lead = checked("lead_time_days", lead_time_days, low=0.0, unit="days")
    window = np.broadcast_to(_windows(lead), (lanes,))[:, None]

    zero_col = np.zeros((lanes, 1))
    sums = np.hstack([zero_col, np.cumsum(np.where(present, demand, 0.0), axis=1)])
    counts = np.hstack([zero_col, np.cumsum(present, axis=1)])
    start = np.arange(days)[None, :]
    end = start + window
    inside = end <= days
    end_idx = np.minimum(end, days)
    start_idx = np.broadcast_to(start, end_idx.shape)
    rolling = np.take_along_axis(sums, end_idx, 1) - np.take_along_axis(sums, start_idx, 1)
    complete = np.take_along_axis(counts, end_idx, 1) - np.take_along_axis(counts, start_idx, 1)
    valid = inside & (complete == window)
    return _row_quantile(np.where(valid, rolling, np.nan), q) - _row_mean(rolling, valid)


def _row_mean(values: NDArray[np.float64], valid: NDArray[np.bool_]) -> NDArray[np.float64]:
    n = valid.sum(axis=1)
    total = np.where(valid, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _row_quantile(values: NDArray[np.float64], q: float) -> NDArray[np.float64]:
    """Per-row q-quantile ignoring NaN, numpy's default 'linear' rule, without a row loop.

    ``np.nanquantile(axis=1)`` loops over rows in Python; sorting once puts the
    NaNs last, so each row's quantile is an interpolation at ``(n_i - 1) * q``.
    """
    ordered = np.sort(values, axis=1)
    n = (~np.isnan(values)).sum(axis=1)
    position = np.maximum(n - 1, 0) * q
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(n - 1, 0))
    rows = np.arange(values.shape[0])
    frac = position - low
    result = ordered[rows, low] * (1.0 - frac) + ordered[rows, high] * frac
    return np.where(n > 0, result, np.nan)


def empirical_tail_risk(
    daily_demand: ArrayLike,
    lead_time_days: float,
    quantile: float = DEFAULT_TAIL_QUANTILE,
) -> float:
    """Empirical tail risk of one lane's lead-time demand.

    ``tail_risk = Q_q(X) - mean(X)`` where ``X`` are the rolling sums of
    ``round(L)`` (at least 1) consecutive days of demand [units].  This is the
    excursion above average lead-time demand that the safety stock must absorb
    to avoid a stockout in a share q of lead-time windows, measured without any
    distributional assumption, so rare large shocks count fully.

    Parameters
    ----------
    daily_demand : 1-D array
        Daily demand history [units/day], >= 0 (NaN = missing day).
    lead_time_days : float
        L [days], >= 0.
    quantile : float
        q in (0, 1), default 0.99.

    Returns
    -------
    float
        Tail risk [units].

    Raises
    ------
    ValueError
        If the history has no complete window of ``round(L)`` days.

    References
    ----------
    Empirical (historical-simulation) quantile of lead-time demand, cf.
    Silver, Pyke & Thomas (2017), sec. 6.10.

    Examples
    --------
    >>> empirical_tail_risk([10, 10, 10, 50, 10, 10], lead_time_days=2)
    24.0
    """
    demand = np.asarray(daily_demand, dtype=float)
    if demand.ndim != 1:
        raise ValueError(f"daily_demand must be a 1-D array of days, got {demand.ndim}-D")
    result = float(empirical_tail_risk_matrix(demand[None, :], lead_time_days, quantile)[0])
    if np.isnan(result):
        window = int(_windows(np.asarray(float(lead_time_days))))
        raise ValueError(
            f"daily_demand must contain at least {window} consecutive days (lead_time_days="
            f"{lead_time_days:g}), got {np.count_nonzero(~np.isnan(demand))} usable days"
        )
    return result


def resilience_index(
    *,
    safety_stock: ArrayLike,
    tail_risk: ArrayLike,
    dependency_ratio: ArrayLike,
    coverage_weight: float = DEFAULT_COVERAGE_WEIGHT,
) -> ResilienceScore:
    """Resilience index of a lane (or arrays of lanes), 0-100.

    ``coverage = min(1, max(0, SS / tail_risk))`` (1 if ``tail_risk <= 0``)
    ``score = 100 * (w * coverage + (1 - w) * (1 - delta))``

    Parameters
    ----------
    safety_stock : float or array
        SS [units]; a negative buffer (alpha < 0.5) counts as no coverage.
    tail_risk : float or array
        Lead-time-demand excursion [units], e.g. :func:`empirical_tail_risk`.
    dependency_ratio : float or array
        delta, partner share of required capacity in [0, 1] [fraction].
    coverage_weight : float
        w in [0, 1], weight of coverage (independence gets 1 - w).

    Returns
    -------
    ResilienceScore

    References
    ----------
    Our own index; concept after Sheffi & Rice (2005) and the seed model
    (see module docstring and docs/METHODS.md).

    Examples
    --------
    >>> resilience_index(safety_stock=50, tail_risk=100, dependency_ratio=0.2).score
    65.0
    """
    ss = checked("safety_stock", safety_stock, unit="units")
    tail = checked("tail_risk", tail_risk, unit="units")
    delta = checked("dependency_ratio", dependency_ratio, low=0.0, high=1.0, unit="fraction")
    w = float(checked("coverage_weight", coverage_weight, low=0.0, high=1.0, unit="fraction"))
    positive = tail > 0
    with np.errstate(over="ignore"):  # SS / tiny tail -> inf, clipped to full coverage below
        ratio = ss / np.where(positive, tail, 1.0)
    coverage = np.where(positive, np.clip(ratio, 0.0, 1.0), 1.0)
    independence = 1.0 - delta
    score = SCORE_SCALE * (w * coverage + (1.0 - w) * independence)
    return ResilienceScore(
        score=as_output(score),
        coverage=as_output(coverage),
        independence=as_output(independence),
        tail_risk=as_output(tail),
        weights=(w, 1.0 - w),
    )

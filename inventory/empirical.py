"""Protection demand built from a lane's own days (skewed demand), by FFT convolution.

Where the normal model of daily demand is poor (strongly skewed or very
variable days), the plan sizes the reorder point on the distribution the twin
bootstraps: the sum of L (+ R) days drawn from the lane's history, mixed over
the twin's rounded-normal lead time and, for a daily review, convolved with
the equilibrium-excess undershoot.  Convolution powers are taken in the
Fourier domain, vectorised over lanes.

References
----------
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*,
Chapman & Hall (resampling a lane's own days); Hadley & Whitin (1963), sec. 5.2
(undershoot); Silver, Pyke & Thomas (2017), sec. 6.10 (empirical lead-time
demand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inventory.lead_time_mixture import lead_time_grid

__all__ = ["EMPIRICAL_BINS", "EMPIRICAL_CHUNK", "EmpiricalDistribution", "empirical_distributions"]

EMPIRICAL_BINS = 128  # resolution of one day's demand in the convolution grid


@dataclass(frozen=True)
class EmpiricalDistribution:
    """Distribution of the protection demand X built from the lane's own days.

    ``X = sum of L (+ R) days drawn from the lane's days (+ the undershoot)``
    with L the twin's rounded-normal lead time: the daily histogram is
    convolved with itself by FFT, mixed over L and convolved with the
    equilibrium-excess undershoot -- the model the twin bootstraps.
    """

    grid: np.ndarray  # units
    pmf: np.ndarray
    cdf: np.ndarray

    @property
    def mean(self) -> float:
        return float(np.dot(self.grid, self.pmf))

    def service(self, r: float) -> float:
        return float(np.interp(r, self.grid, self.cdf, left=0.0, right=1.0))

    def shortage(self, r: float) -> float:
        """E[(X - r)^+] [units]."""
        return float(np.dot(np.maximum(self.grid - r, 0.0), self.pmf))

    def reorder_point(self, alpha: float) -> float:
        # the CDF is a non-decreasing step function on the grid; invert it linearly
        index = int(np.searchsorted(self.cdf, alpha, side="left"))
        if index <= 0:
            return float(self.grid[0])
        if index >= self.grid.size:
            return float(self.grid[-1])
        lo, hi = self.cdf[index - 1], self.cdf[index]
        share = (alpha - lo) / (hi - lo) if hi > lo else 1.0
        return float(self.grid[index - 1] + share * (self.grid[index] - self.grid[index - 1]))


EMPIRICAL_CHUNK = 96  # lanes per FFT batch (bounds memory: chunk x grid floats per array)


def empirical_distributions(
    days: np.ndarray, lead_time_mean: np.ndarray, lead_time_std: np.ndarray, review: np.ndarray,
    undershoot: np.ndarray,
) -> list[EmpiricalDistribution]:
    """Protection demand from each lane's own days, vectorised over lanes (FFT convolution).

    ``days`` (lanes, n) [units/day], NaN-padded.  Identical inputs (a grid over
    alpha) are computed once.  Each lane's daily histogram has EMPIRICAL_BINS bins
    of its own width; the lead time mixes integer day counts (the twin's rounded
    normal, shifted by R for order-up-to lanes); a fixed fractional lead time
    scales one more day.
    """
    keys = [(row.tobytes(), float(m), float(s), int(r), bool(u))
            for row, m, s, r, u in zip(days, lead_time_mean, lead_time_std, review, undershoot,
                                       strict=True)]
    unique: dict[tuple[object, ...], int] = {}
    first_rows: list[int] = []
    for row, key in enumerate(keys):
        if key not in unique:
            unique[key] = len(unique)
            first_rows.append(row)
    firsts = np.array(first_rows, dtype=np.int64)
    built: list[EmpiricalDistribution] = []
    for start in range(0, firsts.size, EMPIRICAL_CHUNK):
        rows = firsts[start:start + EMPIRICAL_CHUNK]
        built.extend(_empirical_chunk(days[rows], lead_time_mean[rows], lead_time_std[rows],
                                      review[rows], undershoot[rows]))
    return [built[unique[k]] for k in keys]


def _empirical_chunk(
    days: np.ndarray, lt: np.ndarray, lt_sd: np.ndarray, review: np.ndarray, undershoot: np.ndarray
) -> list[EmpiricalDistribution]:
    n = days.shape[0]
    valid = np.isfinite(days)
    clean = np.where(valid, np.maximum(days, 0.0), 0.0)
    width = np.maximum(clean.max(axis=1) / (EMPIRICAL_BINS - 1), 1e-9)
    bins = np.rint(clean / width[:, None]).astype(np.int64)
    daily = np.zeros((n, EMPIRICAL_BINS))
    np.add.at(daily, (np.broadcast_to(np.arange(n)[:, None], bins.shape)[valid], bins[valid]), 1.0)
    daily /= daily.sum(axis=1, keepdims=True)
    lead, prob = lead_time_grid(lt, lt_sd)
    whole = np.floor(lead).astype(np.int64) + review[:, None]
    fraction = lead - np.floor(lead)
    longest = int(whole.max()) + 2
    size = 1 << int(np.ceil(np.log2(longest * EMPIRICAL_BINS + EMPIRICAL_BINS)))
    spectrum = np.fft.rfft(daily, size, axis=1)
    # mixture over whole lead-time days: sum_j P(L + R = j) * spectrum^j
    weights = np.zeros((n, longest + 1))
    np.add.at(weights, (np.broadcast_to(np.arange(n)[:, None], whole.shape), whole), prob)
    mixed = np.zeros_like(spectrum)
    power = np.ones_like(spectrum)
    for j in range(longest + 1):
        if weights[:, j].any():
            mixed += weights[:, j, None] * power
        power *= spectrum
    partial = np.flatnonzero(fraction[:, 0] > 1e-12)  # fixed fractional lead time
    for i in partial:
        extra = np.bincount(np.rint(clean[i][valid[i]] * fraction[i, 0] / width[i]).astype(np.int64),
                            minlength=EMPIRICAL_BINS)
        mixed[i] *= np.fft.rfft(extra / extra.sum(), size)
    if undershoot.any():
        exceed = np.clip(1.0 - np.cumsum(daily, axis=1), 0.0, None)  # P(D > k width)
        total = exceed.sum(axis=1, keepdims=True)
        excess = np.fft.rfft(np.where(total > 0, exceed / np.where(total > 0, total, 1.0), 0.0),
                             size, axis=1)
        use = undershoot & (total[:, 0] > 0)
        mixed[use] *= excess[use]
    pmf = np.clip(np.fft.irfft(mixed, size, axis=1), 0.0, None)
    pmf /= pmf.sum(axis=1, keepdims=True)
    grid = np.arange(size)[None, :] * width[:, None]
    cdf = np.cumsum(pmf, axis=1)
    return [EmpiricalDistribution(grid[i], pmf[i], cdf[i]) for i in range(n)]

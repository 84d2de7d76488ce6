"""Prediction intervals calibrated on rolling-origin backtest errors.

Split-conformal idea with normalised scores (Papadopoulos, Vovk & Gammerman
2011, J. Artif. Intell. Res. 40, 815-840; Lei et al. 2018, JASA 113,
1094-1111): each backtest error e_(w,k) (window w, horizon step k) is divided
by the method's own h-step standard deviation sd_(w,k); the finite-sample
quantile q of |e| / sd at the interval level replaces the normal z, so the
interval at step k is mean +/- q * sd_k.  The step-k shape of sd comes from
the model (it widens with the horizon), its size from the errors the lane
actually made out of sample.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import gamma as gamma_dist
from scipy.stats import norm


def conformal_multiplier(errors: np.ndarray, sd: np.ndarray, level: float) -> np.ndarray:
    """Per-lane multiplier q for mean +/- q * sd from normalised backtest errors.

    Parameters
    ----------
    errors, sd : array (lanes, n)
        Backtest errors actual - forecast and the model's sd for the same
        cells [units/period]; NaN cells are ignored.
    level : float
        Central coverage in (0, 1).

    Returns
    -------
    np.ndarray (lanes,)
        q = the ceil((n + 1) level)-th smallest |e| / sd (finite-sample
        conformal quantile); with too few cells for that rank the normal z is
        used, widened to the largest observed score.  Lanes without any
        cell get z.
    """
    z = float(norm.ppf(0.5 + level / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.abs(errors) / np.maximum(sd, 1e-12)
    score = np.where(np.abs(errors) <= 1e-12, 0.0, score)
    score = np.where(np.isfinite(errors) & np.isfinite(sd), score, np.nan)
    n = np.sum(np.isfinite(score), axis=1)
    ordered = np.sort(np.where(np.isfinite(score), score, np.inf), axis=1)
    rank = np.ceil((n + 1) * level).astype(int)  # 1-based
    enough = (rank <= n) & (n > 0)
    idx = np.clip(rank - 1, 0, max(score.shape[1] - 1, 0))
    q = ordered[np.arange(len(n)), idx] if score.shape[1] else np.full(len(n), z)
    largest = np.where(n > 0, np.nanmax(np.where(np.isfinite(score), score, -np.inf), axis=1), z)
    return np.where(enough, q, np.maximum(z, largest))


def bounds(
    mean: np.ndarray,
    spread: np.ndarray,
    level: float,
    skewed: np.ndarray,
    occurrence: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower/upper bound per step from a mean and a standard deviation.

    Normal rows: mean -/+ z * spread, clipped at 0.  ``skewed`` rows
    (intermittent lanes) use a zero-inflated gamma distribution with the same
    mean and standard deviation: demand occurs with probability p
    (``occurrence``, default 1), its size is gamma with mean mu/p and variance
    (sd^2 + mu^2)/p - (mu/p)^2 (moments of the mixture).  Its quantiles are
    never negative, the lower one is 0 whenever 1 - p >= (1 - level)/2, and
    the upper tail is right-skewed, as intermittent demand is.  [units/period]
    """
    z = float(norm.ppf(0.5 + level / 2.0))
    lower = mean - z * spread
    upper = mean + z * spread
    if np.any(skewed):
        prob = np.ones(mean.shape[0]) if occurrence is None else np.asarray(occurrence, float)
        p = np.clip(np.broadcast_to(prob[:, None], mean.shape)[skewed], 1e-6, 1.0)
        mu = np.maximum(mean[skewed], 0.0)
        size_mean = mu / p
        size_var = np.maximum((spread[skewed] ** 2 + mu**2) / p - size_mean**2, 1e-12)
        shape = np.maximum(size_mean**2 / size_var, 1e-6)
        scale = size_var / np.maximum(size_mean, 1e-12)
        q_lo, q_hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
        # mixture quantile q: 0 if q <= 1 - p, else the size quantile (q - (1 - p)) / p
        lo = np.where(q_lo <= 1.0 - p, 0.0,
                      gamma_dist.ppf(np.clip((q_lo - (1.0 - p)) / p, 0, 1), shape, scale=scale))
        hi = np.where(q_hi <= 1.0 - p, 0.0,
                      gamma_dist.ppf(np.clip((q_hi - (1.0 - p)) / p, 0, 1), shape, scale=scale))
        zero = mu <= 0
        lower[skewed] = np.where(zero, 0.0, lo)
        upper[skewed] = np.where(zero, 0.0, hi)
    clipped = np.maximum(mean, 0.0)
    return np.clip(lower, 0.0, clipped), np.maximum(upper, clipped)


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actual values inside [lower, upper] (NaN for no values)."""
    inside = (np.asarray(actual) >= lower) & (np.asarray(actual) <= upper)
    return float(inside.mean()) if inside.size else math.nan

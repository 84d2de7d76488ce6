"""Random inputs of the twin: demand and lead-time draws, block by block, in a fixed order.

The draws are consumed in blocks whose size depends only on the horizon, so the
same seed gives the same numbers however the kernel chunks the replications
(and a stress test and its baseline share them).  Also here: the zero-censored
normal's location and scale for a wanted mean and spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.inputs import RunPlan, check_number

LOOKUP_SIZE = 1 << 16  # entries of the lead-time inverse-CDF table (16-bit uniforms)
# Cells (replications x days) per block of random draws.  The block size fixes
# the order in which the stream is consumed, so it must not change (same seed
# -> same numbers).
BLOCK_CELLS = 1 << 14


@dataclass(frozen=True)
class Draws:
    """Random inputs of a block of replications (one row per replication, one column per day)."""

    demand: np.ndarray  # float64 [units/day]
    # uint16 index into the lead-time table of an order placed that day; None = fixed
    lead_uniform: np.ndarray | None


@dataclass(frozen=True)
class Sampler:
    """Source of demand and lead-time draws, consumed block by block in a fixed order."""

    rng: np.random.Generator
    demand_mean: float
    demand_std: float
    history: np.ndarray | None
    lead_table: np.ndarray | None  # int16 inverse-CDF table of lead times [days]


def _lead_time_distribution(plan: RunPlan) -> np.ndarray:
    """CDF of the whole-day lead time round(N(mu_L, sigma_L^2)) clipped to [0, max]."""
    edges = np.arange(plan.max_lead_time) + 0.5  # rounding boundaries between k and k + 1
    z = (edges - plan.lead_time_mean) / (plan.lead_time_std * math.sqrt(2.0))
    return np.array([0.5 * (1.0 + math.erf(value)) for value in z])


def lead_time_table(plan: RunPlan) -> np.ndarray | None:
    """Inverse-CDF lookup table of the whole-day lead time (None for a fixed lead time).

    Lead times are drawn as ``table[u]`` with ``u`` a uniform 16-bit integer.
    A normal draw per order would dominate the run time (one per replication
    and day for a daily order-up-to plan); a 16-bit integer and a table
    lookup cost about a third.  The price: each lead-time probability is
    rounded to a multiple of 2**-16 (error < 1.6e-5, far below Monte Carlo
    noise).
    """
    if plan.lead_time_std == 0.0:
        return None
    cdf = _lead_time_distribution(plan)
    table = np.searchsorted(np.ceil(cdf * LOOKUP_SIZE), np.arange(LOOKUP_SIZE), side="right")
    return table.astype(np.int16)


def block_rows(plan: RunPlan) -> int:
    """Replications per draw block (about BLOCK_CELLS cells)."""
    return max(1, BLOCK_CELLS // plan.total_days)


def draw(
    plan: RunPlan, sampler: Sampler, replications: int, zeros: np.ndarray | None = None
) -> Draws:
    """Draw the random inputs of the next ``replications`` replications.

    The numbers are drawn block by block (``block_rows`` replications at a
    time, demand then lead times) in a fixed order with a size that depends
    only on the horizon, so the same seed always gives the same numbers
    however the core chunks the replications.  Every (replication, day) cell
    gets a lead-time draw, used only if an order is placed that day, so a
    stress test and its baseline share the same draws.  ``zeros`` (optional,
    at least ``replications`` rows of 0.0) speeds up the censoring at 0.
    """
    rng = sampler.rng
    days = plan.total_days
    demand = np.empty((replications, days))
    uniform = None
    if sampler.lead_table is not None:
        uniform = np.empty((replications, days), dtype=np.uint16)
    block = block_rows(plan)
    for first in range(0, replications, block):
        rows = slice(first, min(first + block, replications))
        shape = (rows.stop - rows.start, days)
        if sampler.history is not None:
            picks = rng.integers(0, sampler.history.size, size=shape)
            np.take(sampler.history, picks, out=demand[rows])
        else:
            rng.standard_normal(out=demand[rows])  # same stream as size=shape
        if uniform is not None:
            uniform[rows] = rng.integers(0, LOOKUP_SIZE, size=shape, dtype=np.uint16)
    if sampler.history is None:
        # one pass per operation over the whole chunk instead of per block
        demand *= sampler.demand_std
        demand += sampler.demand_mean
        if zeros is None:
            zeros = np.zeros_like(demand)
        np.maximum(demand, zeros[:replications], out=demand)  # censor negative demand at 0
    return Draws(demand=demand, lead_uniform=uniform)


def censored_normal_parameters(mean: float, std: float) -> tuple[float, float]:
    """Location and scale (mu', sigma') whose zero-censored normal has the given mean and std.

    The twin draws daily demand ``max(0, N(mu', sigma'^2))`` [units/day]; to
    simulate a lane whose demand has mean ``mean`` and standard deviation
    ``std`` [units/day], solve ``CV(t) = std / mean`` for ``t = mu'/sigma'``
    with the moments of the censored normal (Johnson, Kotz & Balakrishnan
    1994, sec. 10.1): ``E = sigma' (t Phi(t) + phi(t))``,
    ``E[X^2] = sigma'^2 ((t^2 + 1) Phi(t) + t phi(t))``.  Below a coefficient
    of variation of 0.2 censoring is negligible (P(N < 0) < 3e-7) and the
    inputs are returned unchanged.

    >>> censored_normal_parameters(100.0, 10.0)
    (100.0, 10.0)
    >>> m, s = censored_normal_parameters(1.0, 2.35)
    >>> round(m, 3), round(s, 3)
    (-4.222, 6.467)
    """
    mean = check_number("demand_mean", mean)
    std = check_number("demand_std", std)
    if mean <= 0 or std <= 0 or std / mean < 0.2:
        return float(mean), float(std)
    from scipy.optimize import brentq
    from scipy.stats import norm

    def cv_gap(t: float) -> float:
        first = t * norm.cdf(t) + norm.pdf(t)
        second = (t * t + 1.0) * norm.cdf(t) + t * norm.pdf(t)
        return math.sqrt(max(second - first * first, 0.0)) / first - std / mean

    t = brentq(cv_gap, -30.0, 10.0, xtol=1e-12)
    scale = mean / (t * norm.cdf(t) + norm.pdf(t))
    return float(t * scale), float(scale)


"""Protection demand of an (r, Q) lane: daily demand over the twin's random lead time, plus the undershoot.

The plan protects each order against the demand it really faces: the lead
time is the twin's rounded normal (whole days, clipped at mean + 6 sigma), the
demand over L days is normal ``N(D L, sigma_D^2 L)`` given L, and a lane
reviewed once a day adds the undershoot U of the reorder point (the
equilibrium excess of one day's demand).  The protection demand X is thus a
mixture over L (and U); :class:`ProtectionDemand` evaluates its service
``P(X <= r)``, its expected shortage ``E[(X - r)^+]`` and the reorder point
that reaches a target alpha, vectorised over lanes.

References
----------
Hadley, G. & Whitin, T. M. (1963), sec. 5.2 (the undershoot of a periodically
reviewed reorder point); Baganha, Pyke & Ferrer (1996) (the undershoot's
equilibrium-excess approximation, see :mod:`inventory.daily_review`); Silver,
Pyke & Thomas (2017), sec. 6.10 (random lead times).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri
from scipy.stats import norm

from inventory.normal import INV_SQRT_2PI

__all__ = [
    "LEAD_TIME_TAIL_SIGMAS",
    "ProtectionDemand",
    "lead_time_distribution",
    "lead_time_grid",
    "protection_demand",
    "undershoot_nodes",
]

UNDERSHOOT_NODES, UNDERSHOOT_WEIGHTS = np.polynomial.legendre.leggauss(32)
UNDERSHOOT_TAIL_SIGMAS = 8.0  # daily demand above mu + 8 sigma has probability < 1e-15
LEAD_TIME_TAIL_SIGMAS = 6.0  # lead times are clipped at mean + 6 sd, as in the twin
NEWTON_STEPS = 30  # safeguarded Newton: converges to ~1e-9 in well under 10 steps
TINY = 1e-9


def lead_time_distribution(lead_time_mean: float, lead_time_std: float) -> tuple[np.ndarray, np.ndarray]:
    """Lead time in whole days and its probabilities: normal, rounded, clipped to [0, mu + 6 sigma].

    The twin draws each order's lead time this way (``simulation`` module); a
    fixed lead time (sigma = 0) is kept exactly, fractional days included.

    >>> days, prob = lead_time_distribution(5, 1.5)
    >>> int(days[np.argmax(prob)]), round(float(prob.sum()), 12)
    (5, 1.0)
    """
    if lead_time_std <= 0:
        return np.array([float(lead_time_mean)]), np.array([1.0])
    top = int(np.ceil(lead_time_mean + LEAD_TIME_TAIL_SIGMAS * lead_time_std))
    days = np.arange(0, top + 1, dtype=float)
    cdf = norm.cdf((np.append(days, top + 0.5) - 0.5 - lead_time_mean) / lead_time_std)
    prob = np.diff(cdf)
    prob[0] += cdf[0]
    prob[-1] += 1.0 - cdf[-1]
    return days, prob


def lead_time_grid(lt: np.ndarray, lt_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-lane lead-time values (lanes, n) and probabilities (lanes, n), zero-padded.

    Vectorised :func:`lead_time_distribution`: random lead times on whole days
    0..ceil(mu + 6 sigma); a fixed lead time keeps its exact value in column 0.
    """
    lt = np.asarray(lt, dtype=float)
    lt_sd = np.asarray(lt_sd, dtype=float)
    random = lt_sd > 0
    top = np.where(random, np.ceil(lt + LEAD_TIME_TAIL_SIGMAS * lt_sd), 0.0).astype(np.int64)
    width = int(top.max()) + 1 if lt.size else 1
    days = np.arange(width, dtype=float)
    safe_sd = np.where(random, lt_sd, 1.0)
    upper = norm.cdf((days[None, :] + 0.5 - lt[:, None]) / safe_sd[:, None])
    lower = np.concatenate([np.zeros((lt.size, 1)), upper[:, :-1]], axis=1)
    prob = upper - lower
    prob[:, 0] = upper[:, 0]  # P(round(L) <= 0) -- clipped at zero
    inside = days[None, :] <= top[:, None]
    at_top = days[None, :] == top[:, None]
    prob = np.where(inside, prob, 0.0) + np.where(at_top, 1.0 - np.take_along_axis(
        upper, top[:, None], axis=1), 0.0)
    values = np.where(inside, days[None, :], 0.0)
    fixed = ~random
    values[fixed] = 0.0
    prob[fixed] = 0.0
    values[fixed, 0] = lt[fixed]
    prob[fixed, 0] = 1.0
    return values, prob


def undershoot_nodes(mu: np.ndarray, sd: np.ndarray, undershoot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes u (lanes, m) and weights x density of the daily-review undershoot.

    Density ``P(X > u) / E[X]`` (equilibrium excess of daily demand X, normal
    truncated at 0); lanes without undershoot get one node at 0 with weight 1.
    """
    sd_eff = np.maximum(sd, TINY * np.maximum(mu, 1.0))
    top = mu + UNDERSHOOT_TAIL_SIGMAS * sd_eff
    u = (UNDERSHOOT_NODES + 1.0) / 2.0 * top[:, None]
    w = UNDERSHOOT_WEIGHTS / 2.0 * top[:, None]
    ratio = mu / sd_eff
    mean_positive = sd_eff * norm.pdf(ratio) + mu * norm.cdf(ratio)
    density = norm.sf((u - mu[:, None]) / sd_eff[:, None]) / np.where(mean_positive > 0, mean_positive, 1.0)[:, None]
    weights = w * density
    none = np.zeros_like(u)
    point = np.zeros_like(u)
    point[:, 0] = 1.0
    return np.where(undershoot[:, None], u, none), np.where(undershoot[:, None], weights, point)


@dataclass(frozen=True)
class ProtectionDemand:
    """Demand over the protection period: random lead time x daily demand (+ undershoot)."""

    mu: np.ndarray
    sd: np.ndarray
    lead: np.ndarray  # (lanes, n) lead-time days
    prob: np.ndarray  # (lanes, n)
    u: np.ndarray  # (lanes, m) undershoot nodes
    w: np.ndarray  # (lanes, m)

    def _k(self, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sigma = np.maximum(self.sd[:, None] * np.sqrt(self.lead), TINY * np.maximum(self.mu, 1.0)[:, None])
        mean = self.mu[:, None] * self.lead
        k = (r[:, None, None] - self.u[:, None, :] - mean[:, :, None]) / sigma[:, :, None]
        return k, sigma

    def _expect(self, values: np.ndarray) -> np.ndarray:
        return np.einsum("ln,lm,lnm->l", self.prob, self.w, values)

    def service(self, r: np.ndarray) -> np.ndarray:
        """P(X <= r): the cycle service level of reorder point r [fraction]."""
        k, _ = self._k(r)
        return self._expect(ndtr(k))

    def _service_and_density(self, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k, sigma = self._k(r)
        return self._expect(ndtr(k)), self._expect(np.exp(-0.5 * k * k) * INV_SQRT_2PI / sigma[:, :, None])

    def shortage(self, r: np.ndarray) -> np.ndarray:
        """E[(X - r)^+] [units per cycle]: sigma (phi(k) - k (1 - Phi(k))) averaged."""
        k, sigma = self._k(r)
        loss = np.exp(-0.5 * k * k) * INV_SQRT_2PI - k * ndtr(-k)
        return self._expect(sigma[:, :, None] * np.maximum(loss, 0.0))

    def mean(self) -> np.ndarray:
        lead_mean = np.sum(self.prob * self.lead, axis=1)
        return self.mu * lead_mean + np.sum(self.w * self.u, axis=1)

    def reorder_point(self, alpha: np.ndarray) -> np.ndarray:
        """r with P(X <= r) = alpha: safeguarded Newton (bisection when a step leaves the bracket)."""
        top_lead = self.lead.max(axis=1)
        low = np.full(alpha.shape, -1.0)
        high = (self.mu * (top_lead + 1.0) + 12.0 * self.sd * np.sqrt(top_lead + 1.0)
                + UNDERSHOOT_TAIL_SIGMAS * self.sd + 1.0)
        lead_mean = np.sum(self.prob * self.lead, axis=1)
        lead_var = np.sum(self.prob * self.lead**2, axis=1) - lead_mean**2
        under_var = np.sum(self.w * self.u**2, axis=1) - np.sum(self.w * self.u, axis=1) ** 2
        spread = np.sqrt(np.maximum(lead_mean * self.sd**2 + self.mu**2 * lead_var + under_var, 0.0))
        r = np.clip(self.mean() + ndtri(alpha) * spread, low, high)
        for _ in range(NEWTON_STEPS):
            reached, slope = self._service_and_density(r)
            gap = reached - alpha
            low = np.where(gap < 0, r, low)
            high = np.where(gap >= 0, r, high)
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                step = np.where(slope > 0, r - gap / np.where(slope > 0, slope, 1.0), np.nan)
            inside = np.isfinite(step) & (step >= low) & (step <= high)
            new = np.where(inside, step, (low + high) / 2.0)
            done = np.abs(new - r) <= 1e-9 * (1.0 + np.abs(r))
            r = new
            if np.all(done):
                break
        return r


def protection_demand(mu: np.ndarray, sd: np.ndarray, lt: np.ndarray, lt_sd: np.ndarray,
                      undershoot: np.ndarray, review: np.ndarray) -> ProtectionDemand:
    """Demand an order must cover, per lane: daily demand over L (+ R) days, plus the undershoot.

    ``X = sum of L + R days of N(D, sigma_D^2) demand (+ U)``, L the twin's rounded
    normal lead time, U the daily-review undershoot.

    Parameters
    ----------
    mu, sd : ndarray, shape (lanes,)
        D, sigma_D of daily demand [units/day].
    lt, lt_sd : ndarray, shape (lanes,)
        L, sigma_L of the lead time [days].
    undershoot : bool ndarray, shape (lanes,)
        Lanes reviewed once a day (R = 1), whose orders go out U below r.
    review : ndarray, shape (lanes,)
        R added to the lead time [days]: the review period of order-up-to lanes, else 0.

    Returns
    -------
    ProtectionDemand

    References
    ----------
    Hadley & Whitin (1963), sec. 5.2; Silver, Pyke & Thomas (2017), sec. 6.10.

    Examples
    --------
    Fixed L = 4 days, continuous review: X ~ N(400, 40^2), so P(X <= 400 + 1.645 x 40) = 95 %:

    >>> x = protection_demand(np.array([100.0]), np.array([20.0]), np.array([4.0]),
    ...                       np.array([0.0]), np.array([False]), np.array([0]))
    >>> round(float(x.service(np.array([465.794]))[0]), 3)
    0.95
    """
    lead, prob = lead_time_grid(lt, lt_sd)
    lead = lead + review[:, None]  # order-up-to: protection over R + L
    if undershoot.any():
        u, w = undershoot_nodes(mu, sd, undershoot)
    else:  # no lane reviewed daily: one node at zero undershoot
        u, w = np.zeros((mu.size, 1)), np.ones((mu.size, 1))
    return ProtectionDemand(mu, sd, lead, prob, u, w)

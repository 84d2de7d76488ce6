"""Replenishment on the review cycle a lane really runs: continuous, daily or every R days.

One function, :func:`review_cycle_policy`, turns a target cycle service level
alpha into the policy parameters and service figures of the lane's review
cycle, vectorised over lanes (each lane may have its own cycle):

* ``R = 0`` -- continuous review (r, Q): an order goes out the moment the
  inventory position reaches r; the protection period is the lead time.
  ``r = D L + z sigma_LTD``, ``ESC = sigma_LTD G(z)`` (Silver, Pyke & Thomas
  2017, eqs. 7.4-7.5).
* ``R = 1`` -- (r, Q) reviewed once a day: the position is already below r by
  the undershoot U when the order goes out, so the protection covers
  ``X = LTD + U``.  r solves ``P(X <= r) = alpha``; ``ESC = E[(X - r)^+]``
  (Hadley & Whitin 1963, sec. 5.2; see ``inventory_math.daily_review_*``).
* ``R >= 2`` -- periodic review, order up to S every R days: the protection
  period is ``R + L``, ``S = D (R + L) + z sigma_{R+L}`` with
  ``sigma_{R+L} = sqrt((R + L) sigma_D^2 + D^2 sigma_L^2)``,
  ``ESPRC = sigma_{R+L} G(z)`` (Silver, Pyke & Thomas 2017, eqs. 8.5-8.8).

In every case the expected units short per year are ``ESC x cycles/year``
(cycles = D/Q for (r, Q), 365/R for order-up-to), the fill rate is
``beta = 1 - ESC / (demand per cycle)`` and the expected net stock just
before a replenishment arrives (the safety stock) is ``r - E[X]``.  The
annual inventory cost ``h (SS + ESC + demand per cycle / 2) + p ESC x
cycles + K x cycles`` is minimised at the critical ratio
``alpha* = p / (p + h T)`` with T the cycle length in years (Q/D or R/365):
its derivative in r is ``h - (h + p x cycles) P(X > r)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri
from scipy.stats import norm

import inventory_math
from domain import DAYS_PER_YEAR

CONTINUOUS = 0  # review_period_days meaning "continuous review"
DAILY = 1


@dataclass(frozen=True)
class ReviewCyclePolicy:
    """Policy and service figures per lane (1-D arrays, one entry per lane).

    review_period_days : R [days]; 0 = continuous.
    reorder_point : r for (r, Q) lanes, S (order-up-to level) for R >= 2 [units of inventory position].
    textbook_reorder_point : D L + z sigma_LTD, the continuous-review figure, for comparison [units].
    order_quantity : Q for (r, Q) lanes, mean order D R for R >= 2 [units/order].
    protection_mean, protection_std : mean and spread of the demand the policy protects against
        (lead time, plus undershoot, or R + L) [units].
    safety_stock : expected net stock just before a replenishment arrives, r - E[X] [units].
    cycle_service_level : alpha the policy achieves on its cycle [fraction].
    expected_shortage_per_cycle : ESC [units/cycle].
    cycles_per_year : replenishment cycles (orders or reviews) per year [1/year].
    fill_rate : beta, share of demand served from stock [fraction].
    daily_demand : D, mean daily demand [units/day].
    """

    review_period_days: NDArray[np.int64]
    reorder_point: NDArray[np.float64]
    textbook_reorder_point: NDArray[np.float64]
    order_quantity: NDArray[np.float64]
    protection_mean: NDArray[np.float64]
    protection_std: NDArray[np.float64]
    safety_stock: NDArray[np.float64]
    cycle_service_level: NDArray[np.float64]
    expected_shortage_per_cycle: NDArray[np.float64]
    cycles_per_year: NDArray[np.float64]
    fill_rate: NDArray[np.float64]
    daily_demand: NDArray[np.float64]  # D [units/day]

    @property
    def expected_shortage_per_year(self) -> NDArray[np.float64]:
        """ESC x cycles/year [units/year]."""
        return self.expected_shortage_per_cycle * self.cycles_per_year

    @property
    def is_order_up_to(self) -> NDArray[np.bool_]:
        return self.review_period_days >= 2


# --------------------------------------------------------------------------- protection demand

UNDERSHOOT_NODES, UNDERSHOOT_WEIGHTS = np.polynomial.legendre.leggauss(32)
UNDERSHOOT_TAIL_SIGMAS = 8.0  # daily demand above mu + 8 sigma has probability < 1e-15
LEAD_TIME_TAIL_SIGMAS = 6.0  # lead times are clipped at mean + 6 sd, as in the twin
NEWTON_STEPS = 30  # safeguarded Newton: converges to ~1e-9 in well under 10 steps
TINY = 1e-9
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


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


def _lead_time_grid(lt: np.ndarray, lt_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _undershoot_nodes(mu: np.ndarray, sd: np.ndarray, undershoot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
class _Protection:
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
        return self._expect(ndtr(k)), self._expect(np.exp(-0.5 * k * k) * _INV_SQRT_2PI / sigma[:, :, None])

    def shortage(self, r: np.ndarray) -> np.ndarray:
        """E[(X - r)^+] [units per cycle]: sigma (phi(k) - k (1 - Phi(k))) averaged."""
        k, sigma = self._k(r)
        loss = np.exp(-0.5 * k * k) * _INV_SQRT_2PI - k * ndtr(-k)
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


def _protection(mu: np.ndarray, sd: np.ndarray, lt: np.ndarray, lt_sd: np.ndarray,
                undershoot: np.ndarray, review: np.ndarray) -> _Protection:
    lead, prob = _lead_time_grid(lt, lt_sd)
    lead = lead + review[:, None]  # order-up-to: protection over R + L
    if undershoot.any():
        u, w = _undershoot_nodes(mu, sd, undershoot)
    else:  # no lane reviewed daily: one node at zero undershoot
        u, w = np.zeros((mu.size, 1)), np.ones((mu.size, 1))
    return _Protection(mu, sd, lead, prob, u, w)


# --------------------------------------------------------------------------- skewed days

EMPIRICAL_BINS = 128  # resolution of one day's demand in the convolution grid


@dataclass(frozen=True)
class _EmpiricalDistribution:
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


def _empirical_distributions(
    days: np.ndarray, lead_time_mean: np.ndarray, lead_time_std: np.ndarray, review: np.ndarray,
    undershoot: np.ndarray,
) -> list[_EmpiricalDistribution]:
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
    built: list[_EmpiricalDistribution] = []
    for start in range(0, firsts.size, EMPIRICAL_CHUNK):
        rows = firsts[start:start + EMPIRICAL_CHUNK]
        built.extend(_empirical_chunk(days[rows], lead_time_mean[rows], lead_time_std[rows],
                                      review[rows], undershoot[rows]))
    return [built[unique[k]] for k in keys]


def _empirical_chunk(
    days: np.ndarray, lt: np.ndarray, lt_sd: np.ndarray, review: np.ndarray, undershoot: np.ndarray
) -> list[_EmpiricalDistribution]:
    n = days.shape[0]
    valid = np.isfinite(days)
    clean = np.where(valid, np.maximum(days, 0.0), 0.0)
    width = np.maximum(clean.max(axis=1) / (EMPIRICAL_BINS - 1), 1e-9)
    bins = np.rint(clean / width[:, None]).astype(np.int64)
    daily = np.zeros((n, EMPIRICAL_BINS))
    np.add.at(daily, (np.broadcast_to(np.arange(n)[:, None], bins.shape)[valid], bins[valid]), 1.0)
    daily /= daily.sum(axis=1, keepdims=True)
    lead, prob = _lead_time_grid(lt, lt_sd)
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
    return [_EmpiricalDistribution(grid[i], pmf[i], cdf[i]) for i in range(n)]


def cycle_length_years(
    *, review_period_days: ArrayLike, order_quantity: ArrayLike, annual_demand: ArrayLike
) -> NDArray[np.float64]:
    """Length of one replenishment cycle T [years]: Q / D for (r, Q), R / 365 for order-up-to.

    >>> cycle_length_years(review_period_days=[1, 7], order_quantity=[500, 0], annual_demand=[36500, 1])
    array([0.01369863, 0.01917808])
    """
    r = np.asarray(review_period_days, dtype=np.int64)
    q = np.asarray(order_quantity, dtype=float)
    d = np.asarray(annual_demand, dtype=float)
    rq = np.where(d > 0, q / np.where(d > 0, d, 1.0), 1.0)
    return np.where(r >= 2, r / DAYS_PER_YEAR, rq)


def critical_ratio_for_cycle(
    *, penalty_cost: ArrayLike, holding_cost: ArrayLike, cycle_years: ArrayLike
) -> NDArray[np.float64]:
    """Profit-optimal cycle service level ``alpha* = p / (p + h T)`` [fraction].

    p [EUR/unit short], h [EUR/unit/year], T cycle length [years].  The exact
    minimiser of the annual cost of this module (see the module docstring);
    Hadley & Whitin (1963), sec. 4.7 (T = Q/D) and sec. 5.3 (T = R).
    ``p = h T = 0`` is indifferent (0.5).

    >>> round(float(critical_ratio_for_cycle(penalty_cost=25, holding_cost=12, cycle_years=7/365)), 4)
    0.9909
    """
    p = np.asarray(penalty_cost, dtype=float)
    over = np.asarray(holding_cost, dtype=float) * np.asarray(cycle_years, dtype=float)
    total = p + over
    return np.where(total > 0, p / np.where(total > 0, total, 1.0), 0.5)


def review_cycle_policy(
    service_level: ArrayLike,
    *,
    review_period_days: ArrayLike,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
    order_quantity: ArrayLike,
    daily_demand: np.ndarray | None = None,
    empirical: np.ndarray | None = None,
) -> ReviewCyclePolicy:
    """Reorder point / order-up-to level reaching ``alpha`` on the lane's review cycle.

    Parameters
    ----------
    service_level : float or array
        alpha, target cycle service level [fraction, 0 < alpha < 1].
    review_period_days : int or array
        R [days]: 0 continuous, 1 daily (r, Q), >= 2 order-up-to every R days.
    demand_mean, demand_std : float or array
        D, sigma_D of daily demand [units/day].
    lead_time_mean, lead_time_std : float or array
        L, sigma_L [days].
    order_quantity : float or array
        Q [units/order] for (r, Q) lanes (ignored for R >= 2).
    daily_demand : array (lanes, days), optional
        The lanes' own daily demand [units/day], NaN-padded.
    empirical : bool array, optional
        Lanes whose protection demand is built from ``daily_demand`` (skewed
        days) instead of the normal model.

    Returns
    -------
    ReviewCyclePolicy

    References
    ----------
    Silver, Pyke & Thomas (2017), *Inventory and Production Management in Supply
    Chains*, 4th ed., eqs. 7.4-7.5 (continuous (s, Q)) and 8.5-8.8 (periodic
    (R, S)); Hadley & Whitin (1963), sec. 5.2 (undershoot with daily review).

    Examples
    --------
    Weekly review of 100 +- 20 units/day, L = 5 days fixed, alpha = 95 %:
    sigma_12 = 20 sqrt(12) = 69.3 units, S = 1,200 + 1.645 x 69.3 = 1,314 units,
    ESPRC = 69.3 G(1.645) = 1.44 units, beta = 1 - 1.44 / 700 = 99.79 %:

    >>> pol = review_cycle_policy(0.95, review_period_days=7, demand_mean=100, demand_std=20,
    ...                           lead_time_mean=5, lead_time_std=0, order_quantity=0)
    >>> round(float(pol.reorder_point[0])), round(float(pol.fill_rate[0]), 4)
    (1314, 0.9979)
    """
    alpha = np.atleast_1d(np.asarray(service_level, dtype=float))
    if np.any(~((alpha > 0) & (alpha < 1))):
        raise ValueError(f"service_level must be in (0, 1) [fraction], got {service_level!r}")
    period = np.atleast_1d(np.asarray(review_period_days))
    if np.any(period < 0) or np.any(period != np.round(period)):
        raise ValueError(f"review_period_days must be whole days >= 0, got {review_period_days!r}")
    mu = np.atleast_1d(np.asarray(demand_mean, dtype=float))
    sd = np.atleast_1d(np.asarray(demand_std, dtype=float))
    lt = np.atleast_1d(np.asarray(lead_time_mean, dtype=float))
    lt_sd = np.atleast_1d(np.asarray(lead_time_std, dtype=float))
    q = np.atleast_1d(np.asarray(order_quantity, dtype=float))
    alpha, period, mu, sd, lt, lt_sd, q = np.broadcast_arrays(alpha, period, mu, sd, lt, lt_sd, q)
    period = period.astype(np.int64)
    z = norm.ppf(alpha)
    sigma_l = np.asarray(inventory_math.lead_time_demand_std(mu, sd, lt, lt_sd), dtype=float)
    textbook_r = mu * lt + z * sigma_l
    # R >= 2: order up to S over R + L (normal, root-sum-of-squares spread)
    protection = np.where(period >= 2, period, 0) + lt
    sigma_rl = np.sqrt(np.where(period >= 2, period, 0) * sd**2 + sigma_l**2)
    periodic_s = mu * protection + z * sigma_rl
    # R in {0, 1}: (r, Q) protected over the order's own random lead time (plus the
    # undershoot when reviewed daily) -- the mixture the twin draws, not the RSS normal
    r = periodic_s.copy()
    protection_mean = mu * protection
    protection_std = sigma_rl.copy()
    esc = protection_std * np.asarray(inventory_math.standard_normal_loss(z), dtype=float)
    achieved = alpha.copy()
    rq = mu > 0
    if empirical is not None and daily_demand is not None:
        rq &= ~np.asarray(empirical, dtype=bool)
    if rq.any():
        prot = _protection(mu[rq], sd[rq], lt[rq], lt_sd[rq], period[rq] == DAILY,
                           np.where(period[rq] >= 2, period[rq], 0))
        r_rq = prot.reorder_point(alpha[rq])
        r[rq] = r_rq
        protection_mean[rq] = prot.mean()
        protection_std[rq] = np.where(period[rq] >= 2, sigma_rl[rq], sigma_l[rq])
        esc[rq] = prot.shortage(r_rq)
        achieved[rq] = prot.service(r_rq)
    own_days = np.flatnonzero(np.asarray(empirical) & (mu > 0)) if (
        empirical is not None and daily_demand is not None) else np.array([], dtype=np.int64)
    if own_days.size:
        dists = _empirical_distributions(
            np.asarray(daily_demand, dtype=float)[own_days], lt[own_days], lt_sd[own_days],
            np.where(period[own_days] >= 2, period[own_days], 0), period[own_days] == DAILY)
        for i, dist in zip(own_days, dists, strict=True):
            r[i] = dist.reorder_point(float(alpha[i]))
            protection_mean[i] = dist.mean
            esc[i] = dist.shortage(r[i])
            achieved[i] = dist.service(r[i])
    has_demand = mu > 0
    per_cycle = np.where(period >= 2, mu * period, q)
    safe_cycle = np.where(per_cycle > 0, per_cycle, 1.0)
    cycles = np.where(period >= 2, DAYS_PER_YEAR / np.maximum(period, 1),
                      np.where(q > 0, mu * DAYS_PER_YEAR / np.where(q > 0, q, 1.0), 0.0))
    esc = np.where(has_demand, esc, 0.0)
    fill = np.where(has_demand, np.clip(1.0 - esc / safe_cycle, 0.0, 1.0), 1.0)
    return ReviewCyclePolicy(
        review_period_days=period,
        reorder_point=np.where(has_demand, r, 0.0),
        textbook_reorder_point=textbook_r,
        order_quantity=per_cycle,
        protection_mean=protection_mean,
        protection_std=protection_std,
        safety_stock=np.where(has_demand, r - protection_mean, 0.0),
        cycle_service_level=np.where(has_demand, achieved, 1.0),
        expected_shortage_per_cycle=esc,
        cycles_per_year=np.where(has_demand, cycles, 0.0),
        fill_rate=fill,
        daily_demand=mu,
    )


def annual_inventory_cost(
    policy: ReviewCyclePolicy, *, holding_cost: ArrayLike, penalty_cost: ArrayLike,
    order_cost: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Holding, SLA-penalty and ordering cost of a policy [EUR/year each].

    ``holding = h (SS + ESC + demand per cycle / 2 [+ D/2])`` (average on-hand stock,
    backorders added back; Silver, Pyke & Thomas 2017, eq. 7.17; with a daily or
    periodic review the stock is counted at the end of each day, which adds half a
    day's demand D/2 to the continuous-time average),
    ``penalty = p ESC x cycles``, ``ordering = K x cycles``.

    >>> pol = review_cycle_policy(0.95, review_period_days=0, demand_mean=100, demand_std=20,
    ...                           lead_time_mean=4, lead_time_std=0, order_quantity=1000)
    >>> [round(float(c[0])) for c in annual_inventory_cost(pol, holding_cost=12, penalty_cost=25,
    ...                                                     order_cost=250)]
    [6800, 763, 9125]
    """
    h = np.asarray(holding_cost, dtype=float)
    p = np.asarray(penalty_cost, dtype=float)
    k = np.asarray(order_cost, dtype=float)
    # stock reviewed per day is counted at the end of each day, after its demand: the
    # saw-tooth's daily steps add half a day's demand to the continuous-time average
    end_of_day = np.where(policy.review_period_days >= DAILY, policy.daily_demand / 2.0, 0.0)
    holding = h * (policy.safety_stock + policy.expected_shortage_per_cycle
                   + policy.order_quantity / 2.0 + end_of_day)
    penalty = p * policy.expected_shortage_per_year
    ordering = k * policy.cycles_per_year
    return holding, penalty, ordering

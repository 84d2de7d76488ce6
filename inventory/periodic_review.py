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
  (Hadley & Whitin 1963, sec. 5.2; see :mod:`inventory.daily_review`).
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

The cost side (cycle length T, the critical ratio and the annual cost of a
:class:`ReviewCyclePolicy`) lives in :mod:`inventory.cost_model`; the
protection demand in :mod:`inventory.lead_time_mixture` (normal days) and
:mod:`inventory.empirical` (the lane's own days).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from domain import DAYS_PER_YEAR
from inventory.demand import lead_time_demand_std
from inventory.empirical import empirical_distributions
from inventory.lead_time_mixture import protection_demand
from inventory.normal import standard_normal_loss

__all__ = ["CONTINUOUS", "DAILY", "ReviewCyclePolicy", "review_cycle_policy"]

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
    sigma_l = np.asarray(lead_time_demand_std(mu, sd, lt, lt_sd), dtype=float)
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
    esc = protection_std * np.asarray(standard_normal_loss(z), dtype=float)
    achieved = alpha.copy()
    rq = mu > 0
    if empirical is not None and daily_demand is not None:
        rq &= ~np.asarray(empirical, dtype=bool)
    if rq.any():
        prot = protection_demand(mu[rq], sd[rq], lt[rq], lt_sd[rq], period[rq] == DAILY,
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
        dists = empirical_distributions(
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

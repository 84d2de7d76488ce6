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

    @property
    def expected_shortage_per_year(self) -> NDArray[np.float64]:
        """ESC x cycles/year [units/year]."""
        return self.expected_shortage_per_cycle * self.cycles_per_year

    @property
    def is_order_up_to(self) -> NDArray[np.bool_]:
        return self.review_period_days >= 2


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
    # R >= 2: order up to S over R + L
    protection = np.maximum(period, 0) + lt
    sigma_rl = np.sqrt(np.maximum(period, 0) * sd**2 + sigma_l**2)
    periodic_s = mu * protection + z * sigma_rl
    # R = 1: (r, Q) with undershoot, only for the lanes that run it
    daily = period == DAILY
    r = np.where(period >= 2, periodic_s, textbook_r)
    protection_mean = np.where(period >= 2, mu * protection, mu * lt)
    protection_std = np.where(period >= 2, sigma_rl, sigma_l)
    esc = protection_std * np.asarray(inventory_math.standard_normal_loss(z), dtype=float)
    achieved = alpha.copy()
    if daily.any():
        kw = dict(demand_mean=mu[daily], demand_std=sd[daily], lead_time_mean=lt[daily],
                  lead_time_std=lt_sd[daily])
        r_daily = np.asarray(inventory_math.daily_review_reorder_point(alpha[daily], **kw), dtype=float)
        r[daily] = r_daily
        under_mean = np.asarray(inventory_math.daily_review_undershoot_mean(mu[daily], sd[daily]))
        protection_mean[daily] = mu[daily] * lt[daily] + under_mean
        esc[daily] = inventory_math.daily_review_expected_shortage(r_daily, **kw)
        achieved[daily] = inventory_math.daily_review_cycle_service_level(r_daily, **kw)
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
    )


def annual_inventory_cost(
    policy: ReviewCyclePolicy, *, holding_cost: ArrayLike, penalty_cost: ArrayLike,
    order_cost: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Holding, SLA-penalty and ordering cost of a policy [EUR/year each].

    ``holding = h (SS + ESC + demand per cycle / 2)`` (average on-hand stock,
    backorders added back; Silver, Pyke & Thomas 2017, eq. 7.17),
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
    holding = h * (policy.safety_stock + policy.expected_shortage_per_cycle
                   + policy.order_quantity / 2.0)
    penalty = p * policy.expected_shortage_per_year
    ordering = k * policy.cycles_per_year
    return holding, penalty, ordering

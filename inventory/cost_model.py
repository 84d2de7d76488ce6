"""Cost model: annual inventory cost, the profit-optimal service level and cost curves.

Two views of the same Hadley-Whitin cost with a charge per unit short (B2
shortage cost):

* the textbook continuous-review (r, Q) cost of :func:`annual_inventory_cost`
  with its exact minimiser :func:`optimal_service_level` and the curve
  :func:`cost_convexity_curve`;
* the cost of the policy the lane really runs on its review cycle,
  :func:`policy_annual_cost` of a :class:`~inventory.periodic_review.ReviewCyclePolicy`,
  minimised at the critical ratio ``alpha* = p / (p + h T)`` of
  :func:`critical_ratio_for_cycle` with the cycle length T of
  :func:`cycle_length_years`.

Holding cost h is per unit and **year**, the shortage penalty p per unit
short, demand per day; annual demand is ``D x DAYS_PER_YEAR``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain import DAYS_PER_YEAR, CostCurve
from inventory.demand import lead_time_demand_std
from inventory.newsvendor import critical_ratio
from inventory.normal import loss_unchecked, normal_ppf
from inventory.periodic_review import DAILY, ReviewCyclePolicy
from inventory.validation import FloatOrArray, as_output, checked, checked_service_level

__all__ = [
    "AnnualCost",
    "CostCurve",
    "annual_inventory_cost",
    "cost_convexity_curve",
    "critical_ratio_for_cycle",
    "cycle_length_years",
    "optimal_service_level",
    "policy_annual_cost",
]


class AnnualCost(NamedTuple):
    """Annual cost of an (r, Q) policy [EUR/year], one field per component."""

    buffer_holding: FloatOrArray
    """h * (SS + ESC): holding the safety stock and the backorder correction."""
    cycle_holding: FloatOrArray
    """h * Q / 2: holding the cycle stock."""
    shortage_penalty: FloatOrArray
    """p * (D_year / Q) * ESC: penalty per unit backordered."""
    total: FloatOrArray


def annual_inventory_cost(
    service_level: ArrayLike,
    *,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
    order_quantity: ArrayLike,
    holding_cost: ArrayLike,
    penalty_cost: ArrayLike,
) -> AnnualCost:
    """Expected annual cost of a continuous-review (r, Q) policy with backorders.

    Hadley-Whitin approximation with a cost per unit short (B2 cost):

    * ``SS = z * sigma_LTD``, ``ESC = sigma_LTD * G(z)``, ``D_year = D * 365``
    * buffer holding ``h * (SS + ESC)``  (expected on hand ~ Q/2 + SS + backorders)
    * cycle holding ``h * Q / 2``
    * shortage penalty ``p * (D_year / Q) * ESC``  (cycles per year x units short)

    Setting the derivative in r to zero gives exactly
    ``Phi(z) = p / (p + h * Q / D_year)``, see :func:`optimal_service_level`.

    Parameters
    ----------
    service_level : float or array
        alpha, cycle service level in (0, 1) [fraction].
    demand_mean, demand_std : float or array
        D, sigma_D [units/day].
    lead_time_mean, lead_time_std : float or array
        L, sigma_L [days].
    order_quantity : float or array
        Q [units/order], > 0.
    holding_cost : float or array
        h [EUR/unit/year], >= 0.
    penalty_cost : float or array
        p [EUR/unit short], >= 0.

    Returns
    -------
    AnnualCost
        Components and total [EUR/year].

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7; Silver, Pyke & Thomas (2017), sec. 7.4
    (B2 shortage cost); Axsäter (2015), sec. 5.10.  Snyder & Shen (2019),
    eq. (5.16) is the same expected-inventory-level cost without the backorder
    term ``h ESC`` (and with the ordering cost ``K D / Q``, left to the caller here).

    Examples
    --------
    >>> cost = annual_inventory_cost(0.95, demand_mean=100, demand_std=20, lead_time_mean=9,
    ...     lead_time_std=0, order_quantity=1000, holding_cost=12, penalty_cost=25)
    >>> round(cost.cycle_holding, 2)
    6000.0
    """
    alpha = checked_service_level(service_level)
    q = checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units/order")
    h = checked("holding_cost", holding_cost, low=0.0, unit="EUR/unit/year")
    p = checked("penalty_cost", penalty_cost, low=0.0, unit="EUR/unit short")
    sigma = np.asarray(lead_time_demand_std(demand_mean, demand_std, lead_time_mean, lead_time_std))
    z = normal_ppf(alpha)
    ss = z * sigma
    esc = sigma * loss_unchecked(z)
    annual_demand = np.asarray(demand_mean, dtype=float) * DAYS_PER_YEAR
    buffer_holding = h * (ss + esc)
    cycle_holding = h * q / 2.0
    shortage_penalty = p * (annual_demand / q) * esc
    total = buffer_holding + cycle_holding + shortage_penalty
    return AnnualCost(as_output(buffer_holding), as_output(cycle_holding), as_output(shortage_penalty), as_output(total))


def optimal_service_level(
    *,
    holding_cost: ArrayLike,
    penalty_cost: ArrayLike,
    order_quantity: ArrayLike,
    annual_demand: ArrayLike,
) -> FloatOrArray:
    """Cost-minimal cycle service level of :func:`annual_inventory_cost`.

    ``alpha* = p / (p + h * Q / D_year)`` = :func:`critical_ratio` with
    ``C_u = p`` and ``C_o = h * Q / D_year`` (the cost of holding one unit
    for one replenishment cycle of length ``Q / D_year`` years).

    This is the one "optimal service level" the dashboard shows; it is the
    exact minimiser of :func:`annual_inventory_cost` (tested numerically).
    The result can be 0 (p = 0) or very close to 1; clip it before passing it
    to :func:`safety_stock`, which needs alpha in (0, 1).

    Parameters
    ----------
    holding_cost : float or array
        h [EUR/unit/year], >= 0.
    penalty_cost : float or array
        p [EUR/unit short], >= 0.
    order_quantity : float or array
        Q [units/order], > 0.
    annual_demand : float or array
        D_year [units/year], > 0 (``demand_per_day * DAYS_PER_YEAR``).

    Returns
    -------
    float or ndarray
        alpha* in [0, 1] [fraction].

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7; Silver, Pyke & Thomas (2017), sec. 7.4.
    Snyder & Shen (2019), eq. (5.17) gives ``1 - h Q / (p D_year)`` for their
    cost without the backorder holding term; the two agree to first order in
    ``h Q / (p D_year)``.

    Examples
    --------
    >>> round(optimal_service_level(holding_cost=12, penalty_cost=25, order_quantity=1000,
    ...                             annual_demand=36500), 4)
    0.987
    """
    h = checked("holding_cost", holding_cost, low=0.0, unit="EUR/unit/year")
    q = checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units/order")
    d = checked("annual_demand", annual_demand, low=0.0, low_open=True, unit="units/year")
    return critical_ratio(underage_cost=penalty_cost, overage_cost=h * q / d)


def cost_convexity_curve(
    service_levels: ArrayLike,
    *,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
    order_quantity: ArrayLike,
    holding_cost: ArrayLike,
    penalty_cost: ArrayLike,
) -> CostCurve:
    """Holding, penalty and total annual cost over a grid of service levels.

    Same model and parameters as :func:`annual_inventory_cost` (scalar lane
    parameters, an array of service levels); ``holding + penalty == total``.

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7; Silver, Pyke & Thomas (2017), sec. 7.4.

    Returns
    -------
    CostCurve
        The one cost-curve type (:class:`domain.CostCurve`): ``service_levels``,
        ``holding`` (buffer + cycle holding), ``penalty``, ``ordering`` (zero here),
        ``total`` [EUR/year] and the grid's optimum.

    Examples
    --------
    >>> curve = cost_convexity_curve([0.8, 0.9, 0.99], demand_mean=100, demand_std=20,
    ...     lead_time_mean=9, lead_time_std=2, order_quantity=1000, holding_cost=12,
    ...     penalty_cost=25)
    >>> curve.total.shape
    (3,)
    """
    alpha = np.atleast_1d(checked_service_level(service_levels, "service_levels"))
    cost = annual_inventory_cost(
        alpha,
        demand_mean=demand_mean,
        demand_std=demand_std,
        lead_time_mean=lead_time_mean,
        lead_time_std=lead_time_std,
        order_quantity=order_quantity,
        holding_cost=holding_cost,
        penalty_cost=penalty_cost,
    )
    holding = np.asarray(cost.buffer_holding) + np.asarray(cost.cycle_holding)
    penalty = np.asarray(cost.shortage_penalty)
    holding, penalty = np.broadcast_arrays(holding, penalty)
    return CostCurve.from_components(alpha, holding.astype(float), penalty.astype(float))


def cycle_length_years(
    *, review_period_days: ArrayLike, order_quantity: ArrayLike, annual_demand: ArrayLike
) -> NDArray[np.float64]:
    """Length of one replenishment cycle T [years]: Q / D for (r, Q), R / 365 for order-up-to.

    Parameters
    ----------
    review_period_days : int or array
        R [days]; R >= 2 is an order-up-to lane, 0 or 1 an (r, Q) lane.
    order_quantity : float or array
        Q [units/order] of (r, Q) lanes.
    annual_demand : float or array
        D_year [units/year]; a lane without demand gets T = 1 year.

    Returns
    -------
    ndarray
        T [years].

    Examples
    --------
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

    The exact minimiser of :func:`policy_annual_cost` (see
    :mod:`inventory.periodic_review`): the newsvendor critical ratio with
    underage cost p and overage cost h T, the cost of holding a unit for one cycle.
    ``p = h T = 0`` is indifferent (0.5).

    Parameters
    ----------
    penalty_cost : float or array
        p [EUR/unit short].
    holding_cost : float or array
        h [EUR/unit/year].
    cycle_years : float or array
        T, cycle length [years], see :func:`cycle_length_years`.

    Returns
    -------
    ndarray
        alpha* [fraction].

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7 (T = Q/D) and sec. 5.3 (T = R).

    Examples
    --------
    Weekly review, p = 25, h = 12:

    >>> round(float(critical_ratio_for_cycle(penalty_cost=25, holding_cost=12, cycle_years=7/365)), 4)
    0.9909
    """
    p = np.asarray(penalty_cost, dtype=float)
    over = np.asarray(holding_cost, dtype=float) * np.asarray(cycle_years, dtype=float)
    total = p + over
    return np.where(total > 0, p / np.where(total > 0, total, 1.0), 0.5)


def policy_annual_cost(
    policy: ReviewCyclePolicy, *, holding_cost: ArrayLike, penalty_cost: ArrayLike,
    order_cost: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Holding, SLA-penalty and ordering cost of a policy [EUR/year each].

    ``holding = h (SS + ESC + demand per cycle / 2 [+ D/2])`` (average on-hand stock,
    backorders added back; Silver, Pyke & Thomas 2017, eq. 7.17; with a daily or
    periodic review the stock is counted at the end of each day, which adds half a
    day's demand D/2 to the continuous-time average),
    ``penalty = p ESC x cycles``, ``ordering = K x cycles``.

    Parameters
    ----------
    policy : ReviewCyclePolicy
        The lanes' policy from :func:`inventory.periodic_review.review_cycle_policy`.
    holding_cost : float or array
        h [EUR/unit/year].
    penalty_cost : float or array
        p [EUR/unit short].
    order_cost : float or array
        K [EUR/order] (or per review for order-up-to lanes).

    Returns
    -------
    tuple of ndarray
        holding, penalty, ordering [EUR/year each], one entry per lane.

    Examples
    --------
    >>> from inventory.periodic_review import review_cycle_policy
    >>> pol = review_cycle_policy(0.95, review_period_days=0, demand_mean=100, demand_std=20,
    ...                           lead_time_mean=4, lead_time_std=0, order_quantity=1000)
    >>> [round(float(c[0])) for c in policy_annual_cost(pol, holding_cost=12, penalty_cost=25,
    ...                                                  order_cost=250)]
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

"""Single-period (newsvendor) decisions: critical ratio, order-up-to level and its cost.

The critical ratio ``C_u / (C_u + C_o)`` is also the cost-optimal service
level of the multi-period models (:mod:`inventory.cost_model`) and of the
capacity reservation (:mod:`capacity.reservation`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from inventory.normal import normal_pdf, normal_ppf
from inventory.validation import FloatOrArray, as_output, checked

__all__ = ["critical_ratio", "newsvendor_expected_cost", "newsvendor_quantity"]


def critical_ratio(underage_cost: ArrayLike, overage_cost: ArrayLike) -> FloatOrArray:
    """Newsvendor critical ratio, the cost-optimal probability of not running short.

    ``alpha* = C_u / (C_u + C_o)``

    Parameters
    ----------
    underage_cost : float or array
        C_u, cost of one unit of demand left unmet [EUR/unit], >= 0.
    overage_cost : float or array
        C_o, cost of one unit too many [EUR/unit], >= 0.  Both must be in the
        same currency and refer to the same period.

    Returns
    -------
    float or ndarray
        alpha* in [0, 1] [fraction].

    Raises
    ------
    ValueError
        If a cost is negative or not finite, or both are zero (ratio undefined).

    References
    ----------
    Snyder & Shen (2019), eq. (4.27) (``S* = F^-1(p / (h + p))``, underage p,
    overage h); Silver, Pyke & Thomas (2017), ch. 11.

    Examples
    --------
    Overage h = 2, underage p = 18:

    >>> critical_ratio(underage_cost=18, overage_cost=2)
    0.9

    Snyder & Shen's Example 4.3 (h = 0.18, p = 0.70):

    >>> round(critical_ratio(underage_cost=0.70, overage_cost=0.18), 4)
    0.7955
    """
    cu = checked("underage_cost", underage_cost, low=0.0, unit="EUR/unit")
    co = checked("overage_cost", overage_cost, low=0.0, unit="EUR/unit")
    total = cu + co
    if np.any(total == 0):
        raise ValueError(
            "underage_cost and overage_cost must not both be 0 (critical ratio undefined)"
        )
    return as_output(cu / total)


def newsvendor_quantity(
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    underage_cost: ArrayLike,
    overage_cost: ArrayLike,
) -> FloatOrArray:
    """Optimal newsvendor order-up-to level for normal demand.

    ``S* = max(0, mu + sigma * z(alpha*))``, ``alpha* = C_u / (C_u + C_o)``.

    Edge cases: ``C_u = 0`` gives 0 (nothing is worth stocking);
    ``sigma = 0`` gives mu; ``C_o = 0`` with ``sigma > 0`` gives ``inf``
    (overstock is free).

    Parameters
    ----------
    demand_mean : float or array
        mu, mean demand of the period [units], >= 0.
    demand_std : float or array
        sigma, standard deviation of the period demand [units], >= 0.
    underage_cost, overage_cost : float or array
        C_u and C_o [EUR/unit], see :func:`critical_ratio`.

    Returns
    -------
    float or ndarray
        S* [units], never negative.

    References
    ----------
    Snyder & Shen (2019), eq. (4.30) (stockpyl ``newsvendor_normal``).

    Examples
    --------
    Snyder & Shen's Example 4.3, h = 0.18, p = 0.70, demand N(50, 8): S* = 56.6040
    (stockpyl: 56.60395592743389):

    >>> round(newsvendor_quantity(demand_mean=50, demand_std=8, underage_cost=0.70,
    ...                           overage_cost=0.18), 4)
    56.604

    h = 2, p = 18, demand N(120, 10):

    >>> round(newsvendor_quantity(demand_mean=120, demand_std=10, underage_cost=18,
    ...                           overage_cost=2), 4)
    132.8155
    """
    mu = checked("demand_mean", demand_mean, low=0.0, unit="units")
    sigma = checked("demand_std", demand_std, low=0.0, unit="units")
    alpha = np.asarray(critical_ratio(underage_cost, overage_cost))
    mu, sigma, alpha = np.broadcast_arrays(mu, sigma, alpha)
    z = normal_ppf(alpha)  # -inf at alpha = 0, +inf at alpha = 1
    with np.errstate(invalid="ignore"):
        spread = np.where(sigma > 0, sigma * z, 0.0)
    level = np.where(alpha == 0, 0.0, mu + spread)
    return as_output(np.maximum(level, 0.0))


def newsvendor_expected_cost(
    demand_std: ArrayLike, underage_cost: ArrayLike, overage_cost: ArrayLike
) -> FloatOrArray:
    """Expected overage + underage cost at the newsvendor optimum (normal demand).

    ``g(S*) = (C_u + C_o) * sigma * phi(z*)``, ``z* = Phi^-1(alpha*)``.

    Ignores the (tiny) probability mass of negative demand.

    Parameters
    ----------
    demand_std : float or array
        sigma [units], >= 0.
    underage_cost, overage_cost : float or array
        C_u and C_o [EUR/unit].

    Returns
    -------
    float or ndarray
        Expected cost [EUR per period].

    References
    ----------
    Snyder & Shen (2019), eq. (4.37) (closed form for normal demand).

    Examples
    --------
    Snyder & Shen's Example 4.3, h = 0.18, p = 0.70, demand N(50, 8) (stockpyl:
    1.9976051931766445):

    >>> round(newsvendor_expected_cost(demand_std=8, underage_cost=0.70, overage_cost=0.18), 4)
    1.9976

    h = 2, p = 18, demand N(120, 10) (stockpyl: 35.09966638649737):

    >>> round(newsvendor_expected_cost(demand_std=10, underage_cost=18, overage_cost=2), 4)
    35.0997
    """
    sigma = checked("demand_std", demand_std, low=0.0, unit="units")
    alpha = np.asarray(critical_ratio(underage_cost, overage_cost))
    total = np.asarray(underage_cost, dtype=float) + np.asarray(overage_cost, dtype=float)
    return as_output(total * sigma * normal_pdf(normal_ppf(alpha)))

"""Lot sizing: the economic order quantity.

The plan orders the EOQ of the lane's annual demand (``D_year = D x
DAYS_PER_YEAR`` from the daily mean); the planning kernel adds the floors for
zero demand and zero order cost.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from inventory.validation import FloatOrArray, as_output, checked

__all__ = ["eoq"]


def eoq(annual_demand: ArrayLike, order_cost: ArrayLike, holding_cost: ArrayLike) -> FloatOrArray:
    """Economic order quantity (Harris-Wilson).

    ``Q* = sqrt(2 * D * K / h)``

    Parameters
    ----------
    annual_demand : float or array
        D, demand [units/year], >= 0.  Daily planning demand converts with
        ``demand_per_day * DAYS_PER_YEAR``.
    order_cost : float or array
        K, fixed cost per order [EUR/order], >= 0.
    holding_cost : float or array
        h, holding cost [EUR/unit/year], > 0.

    Returns
    -------
    float or ndarray
        Q* [units/order].

    References
    ----------
    Harris (1913); Snyder & Shen (2019), eq. (3.4) and Example 3.1.

    Examples
    --------
    Snyder & Shen Example 3.1 (K = 8, h = 0.225, lambda = 1300):

    >>> round(eoq(annual_demand=1300, order_cost=8, holding_cost=0.225), 4)
    304.0468
    """
    d = checked("annual_demand", annual_demand, low=0.0, unit="units/year")
    k = checked("order_cost", order_cost, low=0.0, unit="EUR/order")
    h = checked("holding_cost", holding_cost, low=0.0, low_open=True, unit="EUR/unit/year")
    return as_output(np.sqrt(2.0 * d * k / h))

"""Demand over the lead time: the root-sum-of-squares spread of a random lead time.

Lead-time demand is approximated by a normal distribution with mean ``D * L``
and standard deviation ``sigma_LTD`` from :func:`lead_time_demand_std`;
``docs/METHODS.md`` lists where this approximation is poor (skewed days,
short lead times) and the plan then uses the mixture of
:mod:`inventory.lead_time_mixture` or the lane's own days
(:mod:`inventory.empirical`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from inventory.validation import FloatOrArray, as_output, checked

__all__ = ["lead_time_demand_std"]


def lead_time_demand_std(
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Standard deviation of demand over a random lead time (root sum of squares).

    ``sigma_LTD = sqrt(L * sigma_D^2 + D^2 * sigma_L^2)``

    Assumes demand per period is i.i.d. and independent of the lead time.
    All arguments must use the **same period** (the planning core uses days);
    convert first with :func:`convert_mean`, :func:`convert_std`,
    :func:`convert_duration`.

    Parameters
    ----------
    demand_mean : float or array
        D, mean demand per period [units/period], >= 0.
    demand_std : float or array
        sigma_D, standard deviation of demand per period [units/period], >= 0.
    lead_time_mean : float or array
        L, mean lead time [periods], >= 0.
    lead_time_std : float or array
        sigma_L, standard deviation of the lead time [periods], >= 0.

    Returns
    -------
    float or ndarray
        sigma_LTD [units per lead time].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.10 (eq. for sigma_L with random lead
    time); Axsäter (2015), sec. 5.2.

    Examples
    --------
    Daily demand 100 +- 20 units/day, lead time 9 +- 2 days:

    >>> lead_time_demand_std(demand_mean=100, demand_std=20, lead_time_mean=9, lead_time_std=2)
    208.806
    """
    d = checked("demand_mean", demand_mean, low=0.0, unit="units/period")
    sd = checked("demand_std", demand_std, low=0.0, unit="units/period")
    lt = checked("lead_time_mean", lead_time_mean, low=0.0, unit="periods")
    slt = checked("lead_time_std", lead_time_std, low=0.0, unit="periods")
    return as_output(np.sqrt(lt * sd**2 + d**2 * slt**2))

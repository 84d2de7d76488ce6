"""Daily handling workload and the capacity that covers it on a share of days.

Workload and capacity are **flows** [units/day]: how many units a lane must
handle per day.  A stock (safety stock, units on hand) is never added to a
flow; the safety stock is financed by holding cost and does not have to be
handled again every day.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from inventory.validation import FloatOrArray, as_output, checked, checked_service_level

__all__ = ["MAX_RETURN_RATE", "required_capacity", "workload"]

MAX_RETURN_RATE = 1.0  # a return rate of 100% would double every flow; domain caps it at 0.95


def workload(demand: ArrayLike, return_rate: ArrayLike) -> FloatOrArray:
    """Daily handling workload including reverse logistics.

    ``W = demand * (1 + return_rate)``: every returned unit is handled once
    more.  Apply to the mean and, with the same factor, to the standard
    deviation (returns are a fixed share of outbound volume).

    Parameters
    ----------
    demand : float or array
        Outbound demand [units/day], >= 0.
    return_rate : float or array
        Share of outbound units that come back [fraction, 0 <= r < 1].

    Returns
    -------
    float or ndarray
        W [units/day].

    References
    ----------
    Seed model (reverse-logistics slider); Fleischmann et al. (1997),
    Quantitative models for reverse logistics, *EJOR* 103(1), 1-17.

    Examples
    --------
    >>> workload(100, 0.05)
    105.0
    """
    d = checked("demand", demand, low=0.0, unit="units/day")
    r = checked("return_rate", return_rate, low=0.0, high=MAX_RETURN_RATE, high_open=True,
                 unit="fraction")
    return as_output(d * (1.0 + r))


def required_capacity(
    workload_mean: ArrayLike, workload_std: ArrayLike, service_level: ArrayLike
) -> FloatOrArray:
    """Daily handling capacity that covers the workload on a share alpha of days.

    ``C_req = max(0, mu_W + z(alpha) * sigma_W)``  (normal daily workload).

    Parameters
    ----------
    workload_mean : float or array
        mu_W, mean daily workload [units/day], >= 0.
    workload_std : float or array
        sigma_W, standard deviation of daily workload [units/day], >= 0.
    service_level : float or array
        alpha, share of days the capacity must suffice, in (0, 1) [fraction].

    Returns
    -------
    float or ndarray
        C_req [units/day], never negative.

    References
    ----------
    Capacity sizing by a service-level quantile, cf. Silver, Pyke & Thomas
    (2017), sec. 6.7 (same quantile logic as safety stock).

    Examples
    --------
    >>> round(required_capacity(105, 21, 0.95), 2)
    139.54
    """
    mu = checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sigma = checked("workload_std", workload_std, low=0.0, unit="units/day")
    alpha = checked_service_level(service_level)
    return as_output(np.maximum(mu + ndtri(alpha) * sigma, 0.0))

"""Partner capacity to reserve: the coverage quantile and the cost-optimal contract.

Both size a daily capacity [units/day] held ready at partners on top of the
internal capacity C; the volume actually sent is
:func:`capacity.overflow.expected_overflow` at ``C + K``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from inventory.validation import FloatOrArray, as_output, checked, checked_service_level

__all__ = ["cost_optimal_reservation", "partner_capacity_to_reserve"]


def partner_capacity_to_reserve(
    workload_mean: ArrayLike, workload_std: ArrayLike, internal_capacity: ArrayLike,
    coverage_level: ArrayLike,
) -> FloatOrArray:
    """Partner capacity to reserve so internal + reserved covers the workload on a share gamma of days.

    ``K_gamma = max(0, mu_W + z(gamma) sigma_W - C)`` [units/day]

    This is the seed's ``C_req - C_max`` named for what it is: ``C_req`` is the
    gamma-quantile of the daily workload, a *capacity to hold ready*, not a
    volume that is sent to partners every day.

    Parameters
    ----------
    workload_mean, workload_std : float or array
        mu_W, sigma_W [units/day].
    internal_capacity : float or array
        C [units/day].
    coverage_level : float or array
        gamma, share of days covered [fraction, 0 < gamma < 1].

    Returns
    -------
    float or ndarray
        K_gamma [units/day].

    References
    ----------
    Normal quantile sizing of a capacity buffer, e.g. Silver, Pyke & Thomas
    (2017), sec. 6.7.2 (the same k-factor rule as a safety stock).

    Examples
    --------
    >>> round(float(partner_capacity_to_reserve(100, 30, 110, 0.95)), 2)
    39.35
    """
    mu = checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    gamma = checked_service_level(coverage_level, "coverage_level")
    return as_output(np.maximum(mu + ndtri(gamma) * sd - cap, 0.0))


def cost_optimal_reservation(
    workload_mean: ArrayLike, workload_std: ArrayLike, internal_capacity: ArrayLike, *,
    reservation_fee: ArrayLike, spot_premium: ArrayLike,
) -> FloatOrArray:
    """Cost-optimal partner reservation K* [units/day] (capacity newsvendor).

    Reserving one more unit of daily partner capacity costs the fee ``f``
    every day and saves the spot premium ``s`` on the days it is used, so the
    daily cost ``f K + s E[(W - C - K)^+]`` is minimal where

    ``P(W > C + K*) = f / s``  =>  ``K* = max(0, mu_W + sigma_W Phi^-1(1 - f/s) - C)``.

    No reservation pays when ``f >= s`` or ``s = 0``; ``f = 0 < s`` would
    reserve without limit and is reported as 0 (no contract priced).

    Parameters
    ----------
    workload_mean, workload_std : float or array
        mu_W, sigma_W of the daily workload [units/day].
    internal_capacity : float or array
        C [units/day].
    reservation_fee : float or array
        f [EUR per reserved unit per day].
    spot_premium : float or array
        s [EUR/unit sent beyond the reservation].

    Returns
    -------
    float or ndarray
        K* [units/day].

    References
    ----------
    Newsvendor critical fractile (Arrow, Harris & Marschak 1951; Silver, Pyke &
    Thomas 2017, eq. 11.3; Snyder & Shen 2019, eq. (4.27)) with underage cost s
    and overage cost f, as in
    capacity-reservation contracts (Serel, Dada & Moskowitz 2001, EJOR 131).

    Examples
    --------
    f = 0.5 EUR/unit/day, s = 5 EUR/unit: reserve up to the 90 % quantile,
    100 + 1.2816 x 30 - 110 = 28.4 units/day:

    >>> round(float(cost_optimal_reservation(100, 30, 110, reservation_fee=0.5, spot_premium=5)), 1)
    28.4
    """
    mu = checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    fee = checked("reservation_fee", reservation_fee, low=0.0, unit="EUR per reserved unit per day")
    premium = checked("spot_premium", spot_premium, low=0.0, unit="EUR/unit")
    priced = (fee > 0) & (premium > fee)
    ratio = np.where(priced, fee / np.where(premium > 0, premium, 1.0), 0.5)
    k = np.maximum(mu + ndtri(1.0 - ratio) * sd - cap, 0.0)
    return as_output(np.where(priced, k, 0.0))

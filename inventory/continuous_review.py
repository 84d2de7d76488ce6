"""Continuous-review (r, Q) policy: safety stock, reorder point, shortage and fill rate.

``SS = z(alpha) sigma_LTD``, ``r = D L + SS``, expected units short per
cycle ``ESC = sigma_LTD G(z)`` and the exact (r, Q) fill rate for normal
lead-time demand, plus its inverse (the cycle service level that reaches a
fill-rate target).  Demand per day and lead time in days (or any consistent
period), see :mod:`inventory.periods`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from inventory.demand import lead_time_demand_std
from inventory.normal import loss_unchecked, normal_cdf, normal_pdf, normal_ppf
from inventory.validation import FloatOrArray, as_output, checked, checked_service_level

__all__ = [
    "expected_shortage_per_cycle",
    "fill_rate",
    "reorder_point",
    "safety_stock",
    "service_level_for_fill_rate",
]

# service_level_for_fill_rate: bracket for the safety factor z.  Phi(-10) and
# 1 - Phi(10) are below 1e-22, i.e. far beyond any service level a planner sets.
Z_BRACKET = 10.0
# fill_rate: below this Q/sigma the series form is used (its truncation error
# is O(width^3) ~ 1e-9, far below the cancellation error of the direct form).
NARROW_WINDOW = 1e-3


def safety_stock(
    service_level: ArrayLike,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Safety stock for a target cycle service level.

    ``SS = z(alpha) * sigma_LTD`` with ``z(alpha) = Phi^-1(alpha)`` and
    ``sigma_LTD`` from :func:`lead_time_demand_std`.

    ``service_level`` is the **cycle** service level alpha (probability of no
    stockout in a replenishment cycle), not the fill rate.  Any alpha in
    ``(0, 1)`` is accepted; **alpha < 0.5 deliberately yields a negative
    safety stock** (reorder point below mean lead-time demand), which is what
    the cost model prescribes when shortages are cheap.  Callers that display
    a physical buffer may clip at 0 themselves.

    Parameters
    ----------
    service_level : float or array
        alpha, cycle service level in (0, 1) [fraction].
    demand_mean, demand_std : float or array
        D and sigma_D [units/day] (or any period, consistently).
    lead_time_mean, lead_time_std : float or array
        L and sigma_L [days] (same period as demand).

    Returns
    -------
    float or ndarray
        SS [units].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.7.

    Examples
    --------
    >>> round(safety_stock(0.95, demand_mean=100, demand_std=20, lead_time_mean=9,
    ...                    lead_time_std=0), 2)
    98.69
    """
    alpha = checked_service_level(service_level)
    sigma = np.asarray(lead_time_demand_std(demand_mean, demand_std, lead_time_mean, lead_time_std))
    return as_output(normal_ppf(alpha) * sigma)


def reorder_point(
    service_level: ArrayLike,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Reorder point of a continuous-review (r, Q) policy.

    ``r = D * L + SS`` (mean lead-time demand plus safety stock).

    Parameters are those of :func:`safety_stock` (demand per day, lead time
    in days, or any consistent period).

    Returns
    -------
    float or ndarray
        r [units of inventory position].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.7; Snyder & Shen (2019), eq. (5.21)
    (``r = mu + z_alpha sigma``, the EOQ + SS approximation).

    Examples
    --------
    >>> round(reorder_point(0.95, demand_mean=100, demand_std=20, lead_time_mean=9,
    ...                     lead_time_std=0), 2)
    998.69

    Snyder & Shen's Example 5.5 (per year: lambda = 1300, tau = 150, L = 1/12 year,
    h = 0.225, p = 7.5, alpha = p / (p + h)); stockpyl gives r = 190.3369965715624:

    >>> from inventory.newsvendor import critical_ratio
    >>> round(reorder_point(critical_ratio(7.5, 0.225), demand_mean=1300, demand_std=150,
    ...                     lead_time_mean=1 / 12, lead_time_std=0), 4)
    190.337
    """
    ss = np.asarray(safety_stock(service_level, demand_mean, demand_std, lead_time_mean, lead_time_std))
    mean_ltd = np.asarray(demand_mean, dtype=float) * np.asarray(lead_time_mean, dtype=float)
    return as_output(mean_ltd + ss)


def expected_shortage_per_cycle(service_level: ArrayLike, ltd_std: ArrayLike) -> FloatOrArray:
    """Expected units short per replenishment cycle (ESC) at a cycle service level.

    ``ESC = sigma_LTD * G(z(alpha))``

    Parameters
    ----------
    service_level : float or array
        alpha, cycle service level in (0, 1) [fraction].
    ltd_std : float or array
        sigma_LTD, standard deviation of lead-time demand [units], >= 0.

    Returns
    -------
    float or ndarray
        ESC [units per replenishment cycle].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.7 (ESPRC); Snyder & Shen (2019),
    eq. (C.31) (``n(x) = sigma L(z)``).

    Examples
    --------
    >>> round(expected_shortage_per_cycle(0.5, ltd_std=100), 2)
    39.89

    Snyder & Shen's normal loss n(18.6) for N(15, 3^2), i.e. z = 1.2 (stockpyl:
    0.1683073521514889):

    >>> from scipy.stats import norm
    >>> round(expected_shortage_per_cycle(norm.cdf(1.2), ltd_std=3), 6)
    0.168307
    """
    alpha = checked_service_level(service_level)
    sigma = checked("ltd_std", ltd_std, low=0.0, unit="units")
    return as_output(sigma * loss_unchecked(normal_ppf(alpha)))


def fill_rate(service_level: ArrayLike, ltd_std: ArrayLike, order_quantity: ArrayLike) -> FloatOrArray:
    """Fill rate (beta service level) of a continuous-review (r, Q) policy with backorders.

    Exact form for normal lead-time demand:

    ``beta = 1 - sigma * [G(z) - G(z + Q / sigma)] / Q``

    The common shortcut ``1 - sigma * G(z) / Q`` double counts shortages that
    started in earlier cycles and turns negative for small Q; the exact form
    always lies in [0, 1] because ``G(z) - G(z + q) = integral of (1 - Phi)``
    over a width ``q``.  With ``sigma = 0`` there is no uncertainty and
    ``beta = 1``.

    Parameters
    ----------
    service_level : float or array
        alpha, cycle service level in (0, 1) [fraction] (sets r = mu + z sigma).
    ltd_std : float or array
        sigma_LTD [units], >= 0.
    order_quantity : float or array
        Q, order quantity [units], > 0.

    Returns
    -------
    float or ndarray
        beta in [0, 1] [fraction of demand served from stock].

    References
    ----------
    Hadley & Whitin (1963), ch. 4; Axsäter (2015), sec. 5.3.3 (fill rate for
    normal demand); Silver, Pyke & Thomas (2017), sec. 6.7 (the shortcut).

    Examples
    --------
    >>> round(fill_rate(0.5, ltd_std=100, order_quantity=400), 4)
    0.9003
    >>> fill_rate(0.5, ltd_std=100, order_quantity=10) >= 0   # shortcut would give -2.99
    True
    """
    alpha = checked_service_level(service_level)
    sigma = checked("ltd_std", ltd_std, low=0.0, unit="units")
    q = checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units")
    alpha, sigma, q = np.broadcast_arrays(alpha, sigma, q)
    z = normal_ppf(alpha)
    positive = sigma > 0
    with np.errstate(over="ignore"):  # Q / subnormal sigma = inf is handled (beta = 1)
        width = q / np.where(positive, sigma, 1.0)  # Q / sigma [standard deviations]
    window = loss_unchecked(z) - loss_unchecked(z + width)
    exact = 1.0 - window / width
    # For a very narrow window the difference of two G values cancels; use the
    # Taylor expansion of (1/q) * integral of (1 - Phi) over [z, z + q] instead.
    density = normal_pdf(z)
    with np.errstate(over="ignore", invalid="ignore"):  # huge widths take the exact branch
        series = alpha + width * density / 2.0 - width**2 * z * density / 6.0
    beta = np.where(width < NARROW_WINDOW, series, exact)
    return as_output(np.clip(np.where(positive, beta, 1.0), 0.0, 1.0))


def service_level_for_fill_rate(
    target_fill_rate: ArrayLike, ltd_std: ArrayLike, order_quantity: ArrayLike
) -> FloatOrArray:
    """Cycle service level alpha whose (r, Q) fill rate equals a target beta.

    Inverts :func:`fill_rate` (strictly increasing in z) by Brent's method on
    z in [-10, 10].  With ``ltd_std = 0`` every alpha gives beta = 1, so the
    zero-buffer level 0.5 is returned.

    Parameters
    ----------
    target_fill_rate : float or array
        beta, target fill rate in (0, 1) [fraction].
    ltd_std : float or array
        sigma_LTD [units], >= 0.
    order_quantity : float or array
        Q [units], > 0.

    Returns
    -------
    float or ndarray
        alpha in (0, 1) [fraction].

    References
    ----------
    Axsäter (2015), sec. 5.3.3.

    Examples
    --------
    >>> alpha = service_level_for_fill_rate(0.99, ltd_std=100, order_quantity=400)
    >>> round(fill_rate(alpha, ltd_std=100, order_quantity=400), 6)
    0.99
    """
    beta = checked("target_fill_rate", target_fill_rate, low=0.0, high=1.0, low_open=True,
                    high_open=True, unit="fraction")
    sigma = checked("ltd_std", ltd_std, low=0.0, unit="units")
    q = checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units")
    beta, sigma, q = np.broadcast_arrays(beta, sigma, q)
    result = np.empty(beta.shape)
    for index in np.ndindex(beta.shape):
        b, s, qq = float(beta[index]), float(sigma[index]), float(q[index])
        if s == 0:
            result[index] = 0.5
            continue

        def gap(z: float, b: float = b, s: float = s, qq: float = qq) -> float:
            g = float(loss_unchecked(np.asarray(z)) - loss_unchecked(np.asarray(z + qq / s)))
            return 1.0 - s * g / qq - b

        low, high = -Z_BRACKET, Z_BRACKET
        if gap(low) >= 0:
            result[index] = normal_cdf(low)
        elif gap(high) <= 0:
            result[index] = normal_cdf(high)
        else:
            result[index] = normal_cdf(brentq(gap, low, high, xtol=1e-12))
    return as_output(result)

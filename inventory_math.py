"""Inventory planning math: service levels, safety stock, fill rate, EOQ, newsvendor.

Pure functions over floats and NumPy arrays (inputs broadcast against each
other).  Scalar inputs give a Python ``float``; array inputs give an
``ndarray``.  Invalid input raises ``ValueError`` naming the parameter and
its valid range.

Units and periods
-----------------
Every function states the unit and period of each argument.  The planning
core works **per day**: demand mean and standard deviation per day, lead
time in days, holding cost per unit per **year** (annualised with
``domain.DAYS_PER_YEAR``).  Statistics measured in other periods must be
converted explicitly with :func:`convert_mean`, :func:`convert_std` and
:func:`convert_duration` *before* they meet each other in a formula.  Mixing
a daily standard deviation with a lead time in months understates the
lead-time-demand spread by the factor ``sqrt(days per month)`` (~5.5) for the
demand term alone and far more once lead-time variability enters; see
``docs/METHODS.md``.

Distributional assumption
-------------------------
Lead-time demand is approximated by a normal distribution with mean
``D * L`` and standard deviation ``sigma_LTD`` (see
:func:`lead_time_demand_std`).  ``docs/METHODS.md`` lists where this
approximation is poor.

References
----------
Hadley, G. & Whitin, T. M. (1963). *Analysis of Inventory Systems*. Prentice-Hall.
Silver, E. A., Pyke, D. F. & Thomas, D. J. (2017). *Inventory and Production
Management in Supply Chains*, 4th ed., CRC Press, ch. 4, 6, 7.
Axsäter, S. (2015). *Inventory Control*, 3rd ed., Springer, ch. 5.
Snyder, L. V. & Shen, Z.-J. M. (2019). *Fundamentals of Supply Chain Theory*,
2nd ed., Wiley, ch. 3-4 (examples also used by the ``stockpyl`` library).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special
from scipy.optimize import brentq

from domain import DAYS_PER_YEAR
from domain.units import DAYS_PER_MONTH, DAYS_PER_WEEK, PERIOD_DAYS

FloatOrArray = float | NDArray[np.float64]


# detect_period: boundaries between day/week/month spacing are geometric
# midpoints, so a spacing is assigned to the period it is closest to in ratio.
_DAY_WEEK_BOUNDARY = float(np.sqrt(1.0 * DAYS_PER_WEEK))
DAY_WEEK_BOUNDARY = _DAY_WEEK_BOUNDARY  # [days] median spacing below this is a daily history
_WEEK_MONTH_BOUNDARY = float(np.sqrt(DAYS_PER_WEEK * DAYS_PER_MONTH))
# month/quarter: geometric midpoint as above; beyond two quarters the history is not periodic demand
_MONTH_QUARTER_BOUNDARY = float(np.sqrt(DAYS_PER_MONTH * DAYS_PER_YEAR / 4.0))
_QUARTER_UPPER_BOUNDARY = 2.0 * DAYS_PER_YEAR / 4.0

# service_level_for_fill_rate: bracket for the safety factor z.  Phi(-10) and
# 1 - Phi(10) are below 1e-22, i.e. far beyond any service level a planner sets.
_Z_BRACKET = 10.0
# fill_rate: below this Q/sigma the series form is used (its truncation error
# is O(width^3) ~ 1e-9, far below the cancellation error of the direct form).
_NARROW_WINDOW = 1e-3
# standard_normal_loss: G(40) ~ 1e-351 underflows double precision anyway.
_LOSS_CUTOFF = 40.0


# --------------------------------------------------------------------------- normal distribution
# scipy.special ufuncs instead of scipy.stats.norm: same numerics (ndtr is
# erfc-based, so the upper tail via ndtr(-x) is accurate) at a fraction of the
# per-call overhead, which matters for the dashboard's interactive sliders.

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _pdf(x: ArrayLike) -> NDArray[np.float64]:
    x = np.asarray(x, dtype=float)
    return _INV_SQRT_2PI * np.exp(-0.5 * x * x)


def _cdf(x: ArrayLike) -> NDArray[np.float64]:
    return special.ndtr(x)


def _sf(x: ArrayLike) -> NDArray[np.float64]:
    return special.ndtr(-np.asarray(x, dtype=float))


def _ppf(p: ArrayLike) -> NDArray[np.float64]:
    return special.ndtri(p)


# --------------------------------------------------------------------------- validation


def _checked(
    name: str,
    value: ArrayLike,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> NDArray[np.float64]:
    """Return ``value`` as a float array, or raise ValueError naming ``name`` and its range."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number{_unit(unit)}, got {value!r}") from None
    finite = np.isfinite(array)
    bad = ~finite
    if low is not None:
        bad |= (array <= low) if low_open else (array < low)
    if high is not None:
        bad |= (array >= high) if high_open else (array > high)
    if bad.any():
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo_txt = "-inf" if low is None else f"{low:g}"
        hi_txt = "inf" if high is None else f"{high:g}"
        offending = array[bad].flat[0] if array.ndim else float(array)
        raise ValueError(
            f"{name} must be finite and in {left}{lo_txt}, {hi_txt}{right}{_unit(unit)}, "
            f"got {offending:g}"
        )
    return array


def _unit(unit: str) -> str:
    return f" [{unit}]" if unit else ""


def _out(array: ArrayLike) -> FloatOrArray:
    """Scalars back as ``float`` (friendlier for the UI), arrays unchanged."""
    result = np.asarray(array, dtype=float)
    return float(result) if result.ndim == 0 else result


def _service_level(value: ArrayLike, name: str = "service_level") -> NDArray[np.float64]:
    return _checked(name, value, low=0.0, high=1.0, low_open=True, high_open=True, unit="fraction")


# --------------------------------------------------------------------------- basic building blocks


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
    Snyder & Shen (2019), sec. 4.3; Silver, Pyke & Thomas (2017), ch. 11.

    Examples
    --------
    Snyder & Shen's newsvendor with h = 2 (overage) and p = 18 (underage):

    >>> critical_ratio(underage_cost=18, overage_cost=2)
    0.9
    """
    cu = _checked("underage_cost", underage_cost, low=0.0, unit="EUR/unit")
    co = _checked("overage_cost", overage_cost, low=0.0, unit="EUR/unit")
    total = cu + co
    if np.any(total == 0):
        raise ValueError(
            "underage_cost and overage_cost must not both be 0 (critical ratio undefined)"
        )
    return _out(cu / total)


def standard_normal_loss(z: ArrayLike) -> FloatOrArray:
    """Standard normal first-order loss function ``G(z) = E[(Z - z)^+]``.

    ``G(z) = phi(z) - z * (1 - Phi(z))``

    Computed with the upper-tail ``ndtr(-z)`` (no ``1 - cdf`` cancellation) and, for ``z < 0``,
    through the identity ``G(z) = G(-z) - z`` so both tails stay accurate.

    Parameters
    ----------
    z : float or array
        Safety factor [dimensionless, standard deviations].

    Returns
    -------
    float or ndarray
        G(z) >= 0 [standard deviations].

    References
    ----------
    Silver, Pyke & Thomas (2017), appendix (table of G_u(k)); Axsäter (2015), sec. 5.3.

    Examples
    --------
    Textbook table values:

    >>> round(standard_normal_loss(0.0), 4), round(standard_normal_loss(1.0), 4)
    (0.3989, 0.0833)
    >>> round(standard_normal_loss(-1.0), 4)
    1.0833
    """
    return _out(_loss(_checked("z", z)))


def _loss(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """G(z) without input checks; accepts +-inf (G(inf) = 0, G(-inf) = inf)."""
    magnitude = np.abs(z)
    with np.errstate(invalid="ignore", over="ignore"):
        upper_tail = _pdf(magnitude) - magnitude * _sf(magnitude)
    # Beyond the cutoff G underflows to 0; the subtraction can also leave a
    # tiny negative round-off for large z.
    upper_tail = np.where(magnitude < _LOSS_CUTOFF, np.maximum(upper_tail, 0.0), 0.0)
    return np.where(z < 0, upper_tail - z, upper_tail)


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
    d = _checked("demand_mean", demand_mean, low=0.0, unit="units/period")
    sd = _checked("demand_std", demand_std, low=0.0, unit="units/period")
    lt = _checked("lead_time_mean", lead_time_mean, low=0.0, unit="periods")
    slt = _checked("lead_time_std", lead_time_std, low=0.0, unit="periods")
    return _out(np.sqrt(lt * sd**2 + d**2 * slt**2))


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
    alpha = _service_level(service_level)
    sigma = np.asarray(lead_time_demand_std(demand_mean, demand_std, lead_time_mean, lead_time_std))
    return _out(_ppf(alpha) * sigma)


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
    Silver, Pyke & Thomas (2017), sec. 6.7.

    Examples
    --------
    >>> round(reorder_point(0.95, demand_mean=100, demand_std=20, lead_time_mean=9,
    ...                     lead_time_std=0), 2)
    998.69
    """
    ss = np.asarray(safety_stock(service_level, demand_mean, demand_std, lead_time_mean, lead_time_std))
    mean_ltd = np.asarray(demand_mean, dtype=float) * np.asarray(lead_time_mean, dtype=float)
    return _out(mean_ltd + ss)


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
    Silver, Pyke & Thomas (2017), sec. 6.7 (ESPRC).

    Examples
    --------
    >>> round(expected_shortage_per_cycle(0.5, ltd_std=100), 2)
    39.89
    """
    alpha = _service_level(service_level)
    sigma = _checked("ltd_std", ltd_std, low=0.0, unit="units")
    return _out(sigma * _loss(_ppf(alpha)))


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
    alpha = _service_level(service_level)
    sigma = _checked("ltd_std", ltd_std, low=0.0, unit="units")
    q = _checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units")
    alpha, sigma, q = np.broadcast_arrays(alpha, sigma, q)
    z = _ppf(alpha)
    positive = sigma > 0
    with np.errstate(over="ignore"):  # Q / subnormal sigma = inf is handled (beta = 1)
        width = q / np.where(positive, sigma, 1.0)  # Q / sigma [standard deviations]
    window = _loss(z) - _loss(z + width)
    exact = 1.0 - window / width
    # For a very narrow window the difference of two G values cancels; use the
    # Taylor expansion of (1/q) * integral of (1 - Phi) over [z, z + q] instead.
    density = _pdf(z)
    with np.errstate(over="ignore", invalid="ignore"):  # huge widths take the exact branch
        series = alpha + width * density / 2.0 - width**2 * z * density / 6.0
    beta = np.where(width < _NARROW_WINDOW, series, exact)
    return _out(np.clip(np.where(positive, beta, 1.0), 0.0, 1.0))


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
    beta = _checked("target_fill_rate", target_fill_rate, low=0.0, high=1.0, low_open=True,
                    high_open=True, unit="fraction")
    sigma = _checked("ltd_std", ltd_std, low=0.0, unit="units")
    q = _checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units")
    beta, sigma, q = np.broadcast_arrays(beta, sigma, q)
    result = np.empty(beta.shape)
    for index in np.ndindex(beta.shape):
        b, s, qq = float(beta[index]), float(sigma[index]), float(q[index])
        if s == 0:
            result[index] = 0.5
            continue

        def gap(z: float, b: float = b, s: float = s, qq: float = qq) -> float:
            g = float(_loss(np.asarray(z)) - _loss(np.asarray(z + qq / s)))
            return 1.0 - s * g / qq - b

        low, high = -_Z_BRACKET, _Z_BRACKET
        if gap(low) >= 0:
            result[index] = _cdf(low)
        elif gap(high) <= 0:
            result[index] = _cdf(high)
        else:
            result[index] = _cdf(brentq(gap, low, high, xtol=1e-12))
    return _out(result)


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
    Harris (1913); Snyder & Shen (2019), sec. 3.2 (Example 3.1).

    Examples
    --------
    Snyder & Shen Example 3.1 (K = 8, h = 0.225, lambda = 1300):

    >>> round(eoq(annual_demand=1300, order_cost=8, holding_cost=0.225), 4)
    304.0468
    """
    d = _checked("annual_demand", annual_demand, low=0.0, unit="units/year")
    k = _checked("order_cost", order_cost, low=0.0, unit="EUR/order")
    h = _checked("holding_cost", holding_cost, low=0.0, low_open=True, unit="EUR/unit/year")
    return _out(np.sqrt(2.0 * d * k / h))


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
    Snyder & Shen (2019), sec. 4.3 (Example 4.3; stockpyl ``newsvendor_normal``).

    Examples
    --------
    h = 2, p = 18, demand N(120, 10):

    >>> round(newsvendor_quantity(demand_mean=120, demand_std=10, underage_cost=18,
    ...                           overage_cost=2), 4)
    132.8155
    """
    mu = _checked("demand_mean", demand_mean, low=0.0, unit="units")
    sigma = _checked("demand_std", demand_std, low=0.0, unit="units")
    alpha = np.asarray(critical_ratio(underage_cost, overage_cost))
    mu, sigma, alpha = np.broadcast_arrays(mu, sigma, alpha)
    z = _ppf(alpha)  # -inf at alpha = 0, +inf at alpha = 1
    with np.errstate(invalid="ignore"):
        spread = np.where(sigma > 0, sigma * z, 0.0)
    level = np.where(alpha == 0, 0.0, mu + spread)
    return _out(np.maximum(level, 0.0))


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
    Snyder & Shen (2019), sec. 4.3.2 (closed form for normal demand).

    Examples
    --------
    h = 2, p = 18, demand N(120, 10) (stockpyl: 35.09966638649737):

    >>> round(newsvendor_expected_cost(demand_std=10, underage_cost=18, overage_cost=2), 4)
    35.0997
    """
    sigma = _checked("demand_std", demand_std, low=0.0, unit="units")
    alpha = np.asarray(critical_ratio(underage_cost, overage_cost))
    total = np.asarray(underage_cost, dtype=float) + np.asarray(overage_cost, dtype=float)
    return _out(total * sigma * _pdf(_ppf(alpha)))


# --------------------------------------------------------------------------- daily review

# Gauss-Legendre nodes for the undershoot integral: 64 nodes integrate the smooth
# integrand to ~1e-10 on [0, mu + 8 sigma]; vectorised over lanes.
_UNDERSHOOT_NODES, _UNDERSHOOT_WEIGHTS = np.polynomial.legendre.leggauss(64)
_UNDERSHOOT_TAIL_SIGMAS = 8.0  # daily demand above mu + 8 sigma has probability < 1e-15
_BISECTION_STEPS = 60  # halves the bracket to below 1e-15 of its width


def daily_review_cycle_service_level(
    reorder_point: ArrayLike,
    *,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Cycle service level an (r, Q) plan really achieves when stock is reviewed once a day.

    The textbook ``alpha = Phi((r - D L) / sigma_LTD)`` assumes the order goes
    out exactly when the inventory position touches ``r``.  Reviewed once a
    day, the position has already fallen below ``r`` by the undershoot ``U``
    (part of the day's demand), whose stationary density for large ``Q`` is the
    equilibrium excess of daily demand ``P(X > u) / E[X]`` (X = daily demand,
    normal truncated at 0).  Hence

    ``alpha_daily = E_U[ Phi((r - U - D L) / sigma_LTD) ]``
    ``           = integral_0^inf Phi((r - u - D L) / sigma_LTD) P(X > u) / E[X] du``.

    Exact (up to the normal model of lead-time demand) for a fixed lead time;
    with random lead times sigma_LTD is the root-sum-of-squares value.

    Parameters
    ----------
    reorder_point : float or array
        r, inventory position that triggers an order [units].
    demand_mean, demand_std : float or array
        D, sigma_D, daily demand [units/day], >= 0.
    lead_time_mean, lead_time_std : float or array
        L, sigma_L [days], >= 0.

    Returns
    -------
    float or ndarray
        alpha achieved with daily review [fraction]; 1 for a lane without demand.

    References
    ----------
    Hadley & Whitin (1963), ch. 5 (periodic review, the undershoot);
    Baganha, Pyke & Ferrer (1996), "The undershoot of the reorder point",
    Naval Research Logistics 43; Silver, Pyke & Thomas (2017), sec. 7.4.

    Examples
    --------
    Daily demand N(100, 20), L = 4 days, r = D L + 1 sigma_LTD = 440: the textbook
    promises Phi(1) = 84.1 %; reviewed daily the mean undershoot (~52 units)
    exceeds sigma_LTD = 40 and the plan delivers about 41.5 %:

    >>> round(daily_review_cycle_service_level(440, demand_mean=100, demand_std=20,
    ...       lead_time_mean=4, lead_time_std=0), 3)
    0.415
    """
    alpha, mu = _undershoot_expectation(
        reorder_point, demand_mean=demand_mean, demand_std=demand_std,
        lead_time_mean=lead_time_mean, lead_time_std=lead_time_std,
        integrand=lambda k, sigma: _cdf(k),
    )
    return _out(np.where(mu > 0, np.clip(alpha, 0.0, 1.0), 1.0))


def _undershoot_expectation(
    reorder_point: ArrayLike, *, demand_mean: ArrayLike, demand_std: ArrayLike,
    lead_time_mean: ArrayLike, lead_time_std: ArrayLike,
    integrand: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``E_U[integrand((r - U - D L) / sigma_LTD, sigma_LTD)]`` over the daily-review undershoot U.

    U has the equilibrium-excess density ``P(X > u) / E[X]`` of daily demand X
    (normal truncated at 0); Gauss-Legendre quadrature on [0, mu + 8 sigma].
    Returns the expectation and the (broadcast) daily demand mean.
    """
    r = _checked("reorder_point", reorder_point, unit="units")
    mu = _checked("demand_mean", demand_mean, low=0.0, unit="units/day")
    sd = _checked("demand_std", demand_std, low=0.0, unit="units/day")
    _checked("lead_time_mean", lead_time_mean, low=0.0, unit="days")
    _checked("lead_time_std", lead_time_std, low=0.0, unit="days")
    sigma_ltd = np.asarray(
        lead_time_demand_std(demand_mean, demand_std, lead_time_mean, lead_time_std), dtype=float
    )
    mean_ltd = mu * np.asarray(lead_time_mean, dtype=float)
    r, mu, sd, sigma_ltd, mean_ltd = np.broadcast_arrays(r, mu, sd, sigma_ltd, mean_ltd)
    # a deterministic day (sigma_D = 0) is the limit of a very narrow normal
    tiny = 1e-9 * np.maximum(mu, 1.0)
    sd_eff = np.maximum(sd, tiny)
    sigma_eff = np.maximum(sigma_ltd, tiny)
    top = mu + _UNDERSHOOT_TAIL_SIGMAS * sd_eff
    u = (_UNDERSHOOT_NODES + 1.0) / 2.0 * top[..., None]
    weights = _UNDERSHOOT_WEIGHTS / 2.0 * top[..., None]
    # E[X] of the normal truncated at 0 (demand is never negative)
    ratio = mu / sd_eff
    mean_positive = sd_eff * _pdf(ratio) + mu * _cdf(ratio)
    safe_mean = np.where(mean_positive > 0, mean_positive, 1.0)
    density = _sf((u - mu[..., None]) / sd_eff[..., None]) / safe_mean[..., None]
    k = (r[..., None] - u - mean_ltd[..., None]) / sigma_eff[..., None]
    values = integrand(k, np.broadcast_to(sigma_eff[..., None], k.shape))
    return np.sum(weights * density * values, axis=-1), mu


def daily_review_expected_shortage(
    reorder_point: ArrayLike,
    *,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Expected units short per replenishment cycle of an (r, Q) plan reviewed once a day.

    ``ESC_daily = E_U[ sigma_LTD G((r - U - D L) / sigma_LTD) ] = E[(X - r)^+]``,
    ``X = LTD + U``: the order goes out when the position is already ``U``
    below r (undershoot, equilibrium excess of daily demand), so the
    protection covers lead-time demand plus U.  Its derivative in r is
    ``-(1 - alpha_daily(r))``, which makes the critical ratio the exact
    minimiser of the annual cost built on it.

    Parameters
    ----------
    reorder_point : float or array
        r [units of inventory position].
    demand_mean, demand_std : float or array
        D, sigma_D [units/day].
    lead_time_mean, lead_time_std : float or array
        L, sigma_L [days].

    Returns
    -------
    float or ndarray
        Expected shortage per cycle [units/cycle]; 0 for a lane without demand.

    References
    ----------
    Silver, Pyke & Thomas (2017), eq. (7.5) (ESC = sigma_L G(k)) with the
    undershoot of Hadley & Whitin (1963), sec. 5.2, and Baganha, Pyke &
    Ferrer (1996).

    Examples
    --------
    Without undershoot (continuous review) ESC = 40 G(1.645) = 0.83 units; reviewed
    daily at the same r the expected shortage is far larger:

    >>> r = reorder_point(0.95, 100, 20, 4, 0)
    >>> round(float(daily_review_expected_shortage(r, demand_mean=100, demand_std=20,
    ...       lead_time_mean=4, lead_time_std=0)), 1)
    14.5
    """
    esc, mu = _undershoot_expectation(
        reorder_point, demand_mean=demand_mean, demand_std=demand_std,
        lead_time_mean=lead_time_mean, lead_time_std=lead_time_std,
        integrand=lambda k, sigma: sigma * _loss(k),
    )
    return _out(np.where(mu > 0, np.maximum(esc, 0.0), 0.0))


def daily_review_undershoot_mean(demand_mean: ArrayLike, demand_std: ArrayLike) -> FloatOrArray:
    """Mean undershoot E[U] = E[X^2] / (2 E[X]) of a once-a-day review [units].

    X is daily demand, normal N(D, sigma_D^2) truncated at 0 (equilibrium
    excess; Hadley & Whitin 1963, sec. 5.2).

    >>> round(float(daily_review_undershoot_mean(100, 20)), 1)
    52.0
    """
    mu = _checked("demand_mean", demand_mean, low=0.0, unit="units/day")
    sd = _checked("demand_std", demand_std, low=0.0, unit="units/day")
    sd_eff = np.maximum(sd, 1e-9 * np.maximum(mu, 1.0))
    ratio = mu / sd_eff
    first = sd_eff * _pdf(ratio) + mu * _cdf(ratio)
    second = (mu**2 + sd_eff**2) * _cdf(ratio) + mu * sd_eff * _pdf(ratio)
    return _out(np.where(first > 0, second / (2.0 * np.where(first > 0, first, 1.0)), 0.0))


def daily_review_reorder_point(
    service_level: ArrayLike,
    *,
    demand_mean: ArrayLike,
    demand_std: ArrayLike,
    lead_time_mean: ArrayLike,
    lead_time_std: ArrayLike,
) -> FloatOrArray:
    """Reorder point that reaches the cycle service level ``alpha`` when reviewed once a day.

    Solves ``daily_review_cycle_service_level(r) = alpha`` for r by bisection
    (vectorised over lanes).  The root lies between the textbook
    ``D L + z sigma_LTD`` (no undershoot) and that plus the largest plausible
    undershoot ``D + 8 sigma_D``; the difference to the textbook reorder point
    is the undershoot allowance.

    Parameters
    ----------
    service_level : float or array
        Target cycle service level alpha in (0, 1) [fraction].
    demand_mean, demand_std : float or array
        D, sigma_D [units/day].
    lead_time_mean, lead_time_std : float or array
        L, sigma_L [days].

    Returns
    -------
    float or ndarray
        r [units].

    References
    ----------
    As :func:`daily_review_cycle_service_level`.

    Examples
    --------
    >>> r = daily_review_reorder_point(0.95, demand_mean=100, demand_std=20,
    ...                                lead_time_mean=4, lead_time_std=0)
    >>> round(float(r), 1), round(reorder_point(0.95, 100, 20, 4, 0), 1)
    (537.6, 465.8)
    """
    alpha = _service_level(service_level)
    kwargs = dict(demand_mean=demand_mean, demand_std=demand_std,
                  lead_time_mean=lead_time_mean, lead_time_std=lead_time_std)
    low = np.asarray(reorder_point(alpha, demand_mean, demand_std, lead_time_mean, lead_time_std),
                     dtype=float)
    mu = np.asarray(demand_mean, dtype=float)
    sd = np.asarray(demand_std, dtype=float)
    high = low + mu + _UNDERSHOOT_TAIL_SIGMAS * sd
    low, high, alpha = np.broadcast_arrays(low, high, alpha)
    low, high = low.astype(float).copy(), high.astype(float).copy()
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        reached = np.asarray(daily_review_cycle_service_level(middle, **kwargs)) >= alpha
        high = np.where(reached, middle, high)
        low = np.where(reached, low, middle)
    return _out(np.where(mu > 0, high, low))


# --------------------------------------------------------------------------- unit conversion


def _period_days(name: str, period: str) -> float:
    try:
        return PERIOD_DAYS[period]
    except (KeyError, TypeError):
        raise ValueError(f"{name} must be one of {sorted(PERIOD_DAYS)}, got {period!r}") from None


def convert_mean(value: ArrayLike, from_period: str, to_period: str) -> FloatOrArray:
    """Convert a per-period rate or mean (demand, cost) to another period.

    ``x_to = x_from * days(to) / days(from)`` (linear in time).

    Periods are ``"day"``, ``"week"`` (7 d), ``"month"`` (365/12 d) and
    ``"year"`` (365 d).  Also converts holding costs, e.g.
    EUR/unit/year -> EUR/unit/day.

    Parameters
    ----------
    value : float or array
        Mean or rate [units (or EUR) per ``from_period``].
    from_period, to_period : str
        One of ``PERIOD_DAYS``.

    Returns
    -------
    float or ndarray
        Value [units (or EUR) per ``to_period``].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.10 (expressing demand per lead time).

    Examples
    --------
    >>> convert_mean(10, "day", "week")
    70.0
    >>> round(convert_mean(36.5, "year", "day"), 6)
    0.1
    """
    factor = _period_days("to_period", to_period) / _period_days("from_period", from_period)
    return _out(np.asarray(value, dtype=float) * factor)


def convert_std(value: ArrayLike, from_period: str, to_period: str) -> FloatOrArray:
    """Convert a per-period standard deviation to another period.

    ``sigma_to = sigma_from * sqrt(days(to) / days(from))``.

    Assumes demand in successive days is independent and identically
    distributed (variances add).  Positive autocorrelation (trends, promotions)
    makes the true long-period spread larger than this.

    Parameters
    ----------
    value : float or array
        Standard deviation [units per ``from_period``], >= 0.
    from_period, to_period : str
        One of ``PERIOD_DAYS``.

    Returns
    -------
    float or ndarray
        Standard deviation [units per ``to_period``].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.10 (sigma over n periods = sqrt(n) sigma
    for independent periods); Axsäter (2015), sec. 5.2.

    Examples
    --------
    >>> round(convert_std(20, "day", "week"), 4)
    52.915
    """
    ratio = _period_days("to_period", to_period) / _period_days("from_period", from_period)
    sigma = _checked("value", value, low=0.0, unit="units/period")
    return _out(sigma * np.sqrt(ratio))


def convert_duration(value: ArrayLike, from_unit: str, to_unit: str) -> FloatOrArray:
    """Convert a duration (lead time or its standard deviation) between time units.

    ``t_to = t_from * days(from) / days(to)``.

    Parameters
    ----------
    value : float or array
        Duration [``from_unit``].
    from_unit, to_unit : str
        One of ``PERIOD_DAYS``.

    Returns
    -------
    float or ndarray
        Duration [``to_unit``].

    References
    ----------
    Plain calendar arithmetic (month = 365/12 days, see ``PERIOD_DAYS``).

    Examples
    --------
    >>> convert_duration(2, "week", "day")
    14.0
    """
    factor = _period_days("from_unit", from_unit) / _period_days("to_unit", to_unit)
    return _out(np.asarray(value, dtype=float) * factor)


def detect_period(dates: ArrayLike) -> str:
    """Detect whether a demand history is daily, weekly, monthly or quarterly.

    Uses the median spacing between distinct sorted dates, so missing days
    (gaps) and duplicate rows do not change the answer.  Boundaries are the
    geometric midpoints between 1, 7, 30.4 and 91.25 days.

    Parameters
    ----------
    dates : sequence of dates
        Anything NumPy converts to ``datetime64`` (ISO strings, ``date``,
        ``pandas.Timestamp``), at least two distinct dates.

    Returns
    -------
    str
        ``"day"``, ``"week"``, ``"month"`` or ``"quarter"``.

    Raises
    ------
    ValueError
        With fewer than two distinct dates, unparsable dates, or a median
        spacing longer than two quarters.

    References
    ----------
    Data-handling heuristic of this project (no textbook formula).

    Examples
    --------
    >>> detect_period(["2024-01-01", "2024-01-08", "2024-01-22"])
    'week'
    """
    try:
        with warnings.catch_warnings():
            # Time-zone-aware timestamps are converted via UTC; spacing is unaffected.
            warnings.simplefilter("ignore", UserWarning)
            days = np.unique(np.asarray(dates).astype("datetime64[D]"))
    except (TypeError, ValueError):
        raise ValueError("dates must be calendar dates (e.g. '2024-01-31')") from None
    if days.size < 2:
        raise ValueError(f"dates must contain at least 2 distinct dates, got {days.size}")
    spacing = float(np.median(np.diff(days).astype(float)))
    if spacing < _DAY_WEEK_BOUNDARY:
        return "day"
    if spacing < _WEEK_MONTH_BOUNDARY:
        return "week"
    if spacing < _MONTH_QUARTER_BOUNDARY:
        return "month"
    if spacing <= _QUARTER_UPPER_BOUNDARY:
        return "quarter"
    raise ValueError(
        f"dates must be daily, weekly, monthly or quarterly; median spacing is {spacing:g} days"
    )


# --------------------------------------------------------------------------- cost model


class AnnualCost(NamedTuple):
    """Annual cost of an (r, Q) policy [EUR/year], one field per component."""

    buffer_holding: FloatOrArray
    """h * (SS + ESC): holding the safety stock and the backorder correction."""
    cycle_holding: FloatOrArray
    """h * Q / 2: holding the cycle stock."""
    shortage_penalty: FloatOrArray
    """p * (D_year / Q) * ESC: penalty per unit backordered."""
    total: FloatOrArray


class CostCurve(NamedTuple):
    """Cost components over a grid of service levels [EUR/year]."""

    service_level: NDArray[np.float64]
    holding: NDArray[np.float64]
    """buffer + cycle holding."""
    penalty: NDArray[np.float64]
    total: NDArray[np.float64]


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
    (B2 shortage cost); Axsäter (2015), sec. 5.10.

    Examples
    --------
    >>> cost = annual_inventory_cost(0.95, demand_mean=100, demand_std=20, lead_time_mean=9,
    ...     lead_time_std=0, order_quantity=1000, holding_cost=12, penalty_cost=25)
    >>> round(cost.cycle_holding, 2)
    6000.0
    """
    alpha = _service_level(service_level)
    q = _checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units/order")
    h = _checked("holding_cost", holding_cost, low=0.0, unit="EUR/unit/year")
    p = _checked("penalty_cost", penalty_cost, low=0.0, unit="EUR/unit short")
    sigma = np.asarray(lead_time_demand_std(demand_mean, demand_std, lead_time_mean, lead_time_std))
    z = _ppf(alpha)
    ss = z * sigma
    esc = sigma * _loss(z)
    annual_demand = np.asarray(demand_mean, dtype=float) * DAYS_PER_YEAR
    buffer_holding = h * (ss + esc)
    cycle_holding = h * q / 2.0
    shortage_penalty = p * (annual_demand / q) * esc
    total = buffer_holding + cycle_holding + shortage_penalty
    return AnnualCost(_out(buffer_holding), _out(cycle_holding), _out(shortage_penalty), _out(total))


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

    Examples
    --------
    >>> round(optimal_service_level(holding_cost=12, penalty_cost=25, order_quantity=1000,
    ...                             annual_demand=36500), 4)
    0.987
    """
    h = _checked("holding_cost", holding_cost, low=0.0, unit="EUR/unit/year")
    q = _checked("order_quantity", order_quantity, low=0.0, low_open=True, unit="units/order")
    d = _checked("annual_demand", annual_demand, low=0.0, low_open=True, unit="units/year")
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
        ``service_level``, ``holding``, ``penalty``, ``total`` arrays [EUR/year].

    Examples
    --------
    >>> curve = cost_convexity_curve([0.8, 0.9, 0.99], demand_mean=100, demand_std=20,
    ...     lead_time_mean=9, lead_time_std=2, order_quantity=1000, holding_cost=12,
    ...     penalty_cost=25)
    >>> curve.total.shape
    (3,)
    """
    alpha = np.atleast_1d(_service_level(service_levels, "service_levels"))
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
    return CostCurve(alpha, holding.astype(float), penalty.astype(float), holding + penalty)

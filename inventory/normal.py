"""The standard normal distribution and its loss functions.

``scipy.special`` ufuncs instead of ``scipy.stats.norm``: same numerics
(``ndtr`` is erfc-based, so the upper tail via ``ndtr(-x)`` is accurate) at a
fraction of the per-call overhead, which matters for the dashboard's
interactive sliders.

Notation follows Snyder & Shen (2019), appendix C: ``phi`` and ``Phi`` are the
standard normal density and distribution function, ``G(z) = E[(Z - z)^+]`` the
first-order and ``G2(z) = E[((Z - z)^+)^2] / 2`` the second-order loss
function (Silver, Pyke & Thomas write ``G_u(k)`` for the first).

References
----------
Snyder, L. V. & Shen, Z.-J. M. (2019). *Fundamentals of Supply Chain Theory*,
2nd ed., Wiley, appendix C (eqs. (C.22), (C.27), (C.31)).
Zipkin, P. H. (2000). *Foundations of Inventory Management*, McGraw-Hill.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from inventory.validation import FloatOrArray, as_output, checked

__all__ = [
    "INV_SQRT_2PI",
    "inverse_standard_normal_loss",
    "loss_unchecked",
    "normal_cdf",
    "normal_pdf",
    "normal_ppf",
    "normal_sf",
    "standard_normal_loss",
    "standard_normal_second_loss",
]

INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
# G(40) ~ 1e-351 underflows double precision anyway.
LOSS_CUTOFF = 40.0
# inverse_standard_normal_loss: bisection halvings; the bracket [-(g + 1), 40] is
# narrowed far below 1e-12 of its width.
_INVERSE_STEPS = 200


def normal_pdf(x: ArrayLike) -> NDArray[np.float64]:
    """phi(x), the standard normal density [1/standard deviation]."""
    x = np.asarray(x, dtype=float)
    return INV_SQRT_2PI * np.exp(-0.5 * x * x)


def normal_cdf(x: ArrayLike) -> NDArray[np.float64]:
    """Phi(x) = P(Z <= x) [fraction]."""
    return np.asarray(special.ndtr(x), dtype=float)


def normal_sf(x: ArrayLike) -> NDArray[np.float64]:
    """1 - Phi(x), computed as Phi(-x) so the upper tail keeps its precision [fraction]."""
    return np.asarray(special.ndtr(-np.asarray(x, dtype=float)), dtype=float)


def normal_ppf(p: ArrayLike) -> NDArray[np.float64]:
    """Phi^-1(p), the safety factor z of a probability p [standard deviations]."""
    return np.asarray(special.ndtri(p), dtype=float)


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
    Snyder & Shen (2019), eq. (C.22); Silver, Pyke & Thomas (2017), appendix
    (table of G_u(k)); Axsäter (2015), sec. 5.3.

    Examples
    --------
    Textbook table values, and Snyder & Shen's (and stockpyl's) value at z = 1.3,
    0.04552796208651397:

    >>> round(standard_normal_loss(0.0), 4), round(standard_normal_loss(1.0), 4)
    (0.3989, 0.0833)
    >>> round(standard_normal_loss(-1.0), 4)
    1.0833
    >>> round(standard_normal_loss(1.3), 12)
    0.045527962087
    """
    return as_output(loss_unchecked(checked("z", z)))


def loss_unchecked(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """G(z) of :func:`standard_normal_loss` without input checks, for internal loops.

    Accepts +-inf (G(inf) = 0, G(-inf) = inf); ``z`` [standard deviations].
    """
    magnitude = np.abs(z)
    with np.errstate(invalid="ignore", over="ignore"):
        upper_tail = normal_pdf(magnitude) - magnitude * normal_sf(magnitude)
    # Beyond the cutoff G underflows to 0; the subtraction can also leave a
    # tiny negative round-off for large z.
    upper_tail = np.where(magnitude < LOSS_CUTOFF, np.maximum(upper_tail, 0.0), 0.0)
    return np.asarray(np.where(z < 0, upper_tail - z, upper_tail), dtype=float)


def standard_normal_second_loss(z: ArrayLike) -> FloatOrArray:
    """Standard normal second-order loss function ``G2(z) = E[((Z - z)^+)^2] / 2``.

    ``G2(z) = ((z^2 + 1) (1 - Phi(z)) - z phi(z)) / 2``

    It is the integral of G from z to infinity; for an (r, Q) policy with
    normal lead-time demand (mean mu, deviation sigma) the expected backorders
    are ``sigma^2 [G2(k) - G2(k + Q / sigma)] / Q`` with ``k = (r - mu) / sigma``.

    Parameters
    ----------
    z : float or array
        Safety factor [standard deviations].

    Returns
    -------
    float or ndarray
        G2(z) >= 0 [squared standard deviations].

    References
    ----------
    Snyder & Shen (2019), eq. (C.27); Zipkin (2000), ch. 6 (second-order loss
    function in the (r, q) model).

    Examples
    --------
    G2(0) = 1/4 exactly; Snyder & Shen's (and stockpyl's) value at z = 1.3 is
    0.01880706693657111:

    >>> standard_normal_second_loss(0.0)
    0.25
    >>> round(standard_normal_second_loss(1.3), 12)
    0.018807066937
    """
    x = checked("z", z)
    value = 0.5 * ((x * x + 1.0) * normal_sf(x) - x * normal_pdf(x))
    return as_output(np.maximum(value, 0.0))


def inverse_standard_normal_loss(loss: ArrayLike) -> FloatOrArray:
    """Safety factor k with ``G(k) = g``: the inverse of :func:`standard_normal_loss`.

    G falls strictly from +inf to 0, so every ``g > 0`` has exactly one k;
    found by bisection on ``[-(g + 1), 40]`` (``G(-(g + 1)) > g + 1``,
    ``G(40) = 0``), vectorised over g.  Used for a fill-rate target: with
    normal lead-time demand the shortcut ``beta = 1 - sigma G(k) / Q`` gives
    ``G(k) = Q (1 - beta) / sigma``.

    Parameters
    ----------
    loss : float or array
        g, target value of G [standard deviations], > 0.

    Returns
    -------
    float or ndarray
        k [standard deviations].

    References
    ----------
    Silver, Pyke & Thomas (2017), sec. 6.7 (safety factor from a fill-rate
    target via the table of G_u(k)); Snyder & Shen (2019), eq. (C.22).

    Examples
    --------
    >>> round(inverse_standard_normal_loss(0.04552796208651397), 9)
    1.3
    >>> round(inverse_standard_normal_loss(standard_normal_loss(-2.0)), 9)
    -2.0
    """
    g = checked("loss", loss, low=0.0, low_open=True, unit="standard deviations")
    low = -(g + 1.0)
    high = np.full_like(g, LOSS_CUTOFF)
    for _ in range(_INVERSE_STEPS):
        middle = (low + high) / 2.0
        above = loss_unchecked(middle) > g  # G decreasing: the root lies to the right
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    return as_output((low + high) / 2.0)

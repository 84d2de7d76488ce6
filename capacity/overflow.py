"""Expected workload above capacity: the volume partners really handle.

``E[(W - C)^+]`` per day, for a normal daily workload (loss function, per
weekday of a weekly rhythm) or from the lane's own days (bootstrap).  Summed
over a horizon it is a flow of units sent to partners, never the alpha-quantile
charged every day (the seed's formula kept in :mod:`cooperation`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.units import DAYS_PER_WEEK, DAYS_PER_YEAR
from inventory.normal import standard_normal_loss
from inventory.validation import FloatOrArray, as_output, checked

__all__ = ["empirical_overflow", "expected_overflow", "weekly_overflow"]

WEEKDAYS = int(DAYS_PER_WEEK)  # columns of a weekday profile (Monday .. Sunday)


def _normal_loss(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """G(z) = phi(z) - z (1 - Phi(z)), evaluated stably in both tails."""
    return np.asarray(standard_normal_loss(np.clip(z, -1e6, 1e6)), dtype=float)


def expected_overflow(
    workload_mean: ArrayLike, workload_std: ArrayLike, capacity: ArrayLike
) -> FloatOrArray:
    """Expected workload above capacity on one day, ``E[(W - C)^+]`` [units/day].

    For a normal daily workload ``W ~ N(mu_W, sigma_W^2)`` [units/day] and a
    capacity ``C`` [units/day]:

    ``E[(W - C)^+] = sigma_W * G((C - mu_W) / sigma_W)``

    with ``G`` the standard normal loss function; ``sigma_W = 0`` gives
    ``max(mu_W - C, 0)``.  Summed over the days of a horizon it is the expected
    volume sent to partners -- a flow, never the alpha-quantile charged every day.

    Parameters
    ----------
    workload_mean : float or array
        mu_W, mean daily workload incl. returns [units/day], >= 0.
    workload_std : float or array
        sigma_W, standard deviation of the daily workload [units/day], >= 0.
    capacity : float or array
        C, internal (plus reserved) capacity that day [units/day], >= 0.

    Returns
    -------
    float or ndarray
        Expected overflow [units/day].

    References
    ----------
    Silver, Pyke & Thomas (2017), eq. (6.11) / appendix III (expected shortage
    ``sigma G(k)`` of a normal variable beyond ``mu + k sigma``), applied to the
    capacity instead of the reorder point; Snyder & Shen (2019), eq. (C.31)
    (normal loss function ``n(x) = sigma L((x - mu) / sigma)``).

    Examples
    --------
    mu = 100, sigma = 30, C = 110 units/day: 30 G(1/3) = 7.63 units/day, i.e.
    about 2,786 units/year:

    >>> round(float(expected_overflow(100, 30, 110)), 2)
    7.63
    >>> float(expected_overflow(120, 0, 100))
    20.0
    """
    mu = checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = checked("capacity", capacity, low=0.0, unit="units/day")
    mu, sd, cap = np.broadcast_arrays(mu, sd, cap)
    safe = np.where(sd > 0, sd, 1.0)
    # G(z) = G(|z|) - min(z, 0): the part below the mean is exact, only the
    # tail term sigma G(|z|) is evaluated (no cancellation for tiny sigma)
    with np.errstate(over="ignore"):
        distance = np.abs(cap - mu) / safe
    tail = sd * _normal_loss(np.minimum(distance, 1e6))
    return as_output(np.maximum(mu - cap, 0.0) + np.where(sd > 0, tail, 0.0))


def weekly_overflow(
    workload_mean: NDArray[np.float64], workload_std: NDArray[np.float64],
    weekday_capacity: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Expected overflow per year of a normal daily workload with a weekly rhythm.

    ``E_year = 365 x mean over weekdays d of E[(W_d - C_d)^+]`` with
    ``E[(W - C)^+] = sigma_W G((C - mu_W) / sigma_W)`` (:func:`expected_overflow`).

    Parameters
    ----------
    workload_mean, workload_std : ndarray, shape (lanes,) or (lanes, 7)
        mu_W, sigma_W of the daily workload incl. returns, per lane or per lane and
        weekday (Monday first) [units/day].
    weekday_capacity : ndarray, shape (lanes, 7)
        C_d, capacity on each weekday [units/day].

    Returns
    -------
    ndarray, shape (lanes,)
        Expected overflow [units/year].

    References
    ----------
    Silver, Pyke & Thomas (2017), eq. (6.11) (expected excess of a normal variable
    over a level), applied per weekday to the capacity.

    Examples
    --------
    A flat week at mu = 100, sigma = 30 and C = 110 every day: 365 x 7.63 units:

    >>> per_year = weekly_overflow(np.array([100.0]), np.array([30.0]), np.full((1, 7), 110.0))
    >>> bool(np.isclose(per_year[0], 365 * expected_overflow(100, 30, 110)))
    True
    """
    mean = workload_mean if workload_mean.ndim == 2 else workload_mean[:, None]
    std = workload_std if workload_std.ndim == 2 else workload_std[:, None]
    per_day = expected_overflow(mean, std, weekday_capacity)
    return np.asarray(per_day, dtype=float).mean(axis=1) * DAYS_PER_YEAR


def empirical_overflow(
    base_days: NDArray[np.float64], weekday_factors: NDArray[np.float64],
    return_rate: NDArray[np.float64], weekday_capacity: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Expected overflow per year from the lane's own days (no normal assumption).

    ``E_year = 365 x mean over weekdays d of mean_i (f_d x_i (1 + rho) - C_d)^+`` with
    ``x_i = D_i / f(i)`` the lane's days of the statistics window without their weekday
    factor: each past day is an equally likely next day (the twin's bootstrap), scaled
    to weekday d and set against that weekday's capacity.

    Parameters
    ----------
    base_days : ndarray, shape (lanes, days)
        x_i, the lane's daily demand with the weekday factor divided out [units/day];
        NaN = no day.
    weekday_factors : ndarray, shape (lanes, 7)
        f_d, the weekday profile (Monday first) [dimensionless, mean 1].
    return_rate : ndarray, shape (lanes,)
        rho, share of outbound units handled again as returns [fraction].
    weekday_capacity : ndarray, shape (lanes, 7)
        C_d [units/day].

    Returns
    -------
    ndarray, shape (lanes,)
        Expected overflow [units/year].

    References
    ----------
    The empirical (bootstrap) estimate of an expected excess, Efron & Tibshirani
    (1993), *An Introduction to the Bootstrap*, ch. 6.

    Examples
    --------
    Days of 80 and 140 units, flat week, no returns, C = 110: (0 + 30) / 2 = 15 units/day:

    >>> float(empirical_overflow(np.array([[80.0, 140.0]]), np.ones((1, 7)), np.zeros(1),
    ...                          np.full((1, 7), 110.0))[0])
    5475.0
    """
    work = base_days * (1.0 + return_rate)[:, None]
    per_weekday = np.stack(
        [np.nanmean(np.maximum(weekday_factors[:, d : d + 1] * work - weekday_capacity[:, d : d + 1],
                               0.0), axis=1) for d in range(WEEKDAYS)],
        axis=1,
    )
    return np.asarray(np.nan_to_num(per_weekday).mean(axis=1) * DAYS_PER_YEAR, dtype=float)

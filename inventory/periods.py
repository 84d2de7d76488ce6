"""Recording periods of a demand history and conversion between periods.

The planning core works per day; a history recorded per week, month or
quarter is detected by :func:`detect_period` and its statistics are converted
with :func:`convert_mean`, :func:`convert_std` and :func:`convert_duration`
*before* they meet each other in a formula.  Mixing a daily standard deviation
with a lead time in months understates the lead-time-demand spread by the
factor ``sqrt(days per month)`` (~5.5) for the demand term alone; see
``docs/METHODS.md``.  The period lengths are those of :mod:`domain.units`.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from domain.units import (
    DAYS_PER_MONTH,
    DAYS_PER_QUARTER,
    DAYS_PER_WEEK,
    PERIOD_DAYS,
)
from inventory.validation import FloatOrArray, as_output, checked

__all__ = [
    "DAY_WEEK_BOUNDARY",
    "PERIOD_DAYS",
    "convert_duration",
    "convert_mean",
    "convert_std",
    "detect_period",
    "period_days",
]

# detect_period: boundaries between day/week/month spacing are geometric
# midpoints, so a spacing is assigned to the period it is closest to in ratio.
DAY_WEEK_BOUNDARY = float(np.sqrt(1.0 * DAYS_PER_WEEK))  # [days] below this: a daily history
WEEK_MONTH_BOUNDARY = float(np.sqrt(DAYS_PER_WEEK * DAYS_PER_MONTH))  # [days]
MONTH_QUARTER_BOUNDARY = float(np.sqrt(DAYS_PER_MONTH * DAYS_PER_QUARTER))  # [days]
# beyond two quarters the history is not periodic demand
QUARTER_UPPER_BOUNDARY = 2.0 * DAYS_PER_QUARTER  # [days]


def period_days(name: str, period: str) -> float:
    """Length of a recording period [days]; ValueError naming ``name`` for an unknown period.

    >>> period_days("period", "week")
    7.0
    """
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
    factor = period_days("to_period", to_period) / period_days("from_period", from_period)
    return as_output(np.asarray(value, dtype=float) * factor)


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
    ratio = period_days("to_period", to_period) / period_days("from_period", from_period)
    sigma = checked("value", value, low=0.0, unit="units/period")
    return as_output(sigma * np.sqrt(ratio))


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
    factor = period_days("from_unit", from_unit) / period_days("to_unit", to_unit)
    return as_output(np.asarray(value, dtype=float) * factor)


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
    if spacing < DAY_WEEK_BOUNDARY:
        return "day"
    if spacing < WEEK_MONTH_BOUNDARY:
        return "week"
    if spacing < MONTH_QUARTER_BOUNDARY:
        return "month"
    if spacing <= QUARTER_UPPER_BOUNDARY:
        return "quarter"
    raise ValueError(
        f"dates must be daily, weekly, monthly or quarterly; median spacing is {spacing:g} days"
    )

"""Units and calendar periods: the one place these constants are defined.

The planning core works in **days**: demand is a flow in units/day, lead
times and review periods are in days, stocks are in units, and money per year
is a daily figure times :data:`DAYS_PER_YEAR`.  A month is 1/12 of the
planning year (365/12 = 30.4167 days) so that twelve monthly figures add up to
exactly one planning year of daily figures; a week is 7 days.

Shares are held as fractions (0.95) and shown as percent (95 %);
:data:`PERCENT` converts between the two.
"""

from __future__ import annotations

DAYS_PER_YEAR = 365.0  # planning calendar: costs per year are daily figures x 365
DAYS_PER_WEEK = 7.0
MONTHS_PER_YEAR = 12
QUARTERS_PER_YEAR = 4
WEEKS_PER_YEAR = 52  # whole weeks in a year: the season length of a weekly history
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR  # 30.4167 days
DAYS_PER_QUARTER = DAYS_PER_YEAR / QUARTERS_PER_YEAR  # 91.25 days
PERCENT = 100.0  # fraction -> percent

# Length in days of each recording period a demand history can have.
PERIOD_DAYS: dict[str, float] = {
    "day": 1.0,
    "week": DAYS_PER_WEEK,
    "month": DAYS_PER_MONTH,
    "quarter": DAYS_PER_QUARTER,
    "year": DAYS_PER_YEAR,
}

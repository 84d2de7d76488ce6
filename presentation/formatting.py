"""Number formatting shared by the dashboard, the assistant and the PDF report.

One module, one rule per unit: every figure is printed with thousands
separators and with the decimals its unit gets in :data:`UNIT_DECIMALS`
(percentages: :data:`PERCENT_DECIMALS`), so "185.0 %" and "29.2 %" never
appear as "185" next to "29.2".  The dashboard (``views``), the assistant and the PDF report
all import from here.

Also here: :func:`method_label`, the planner's name for a forecasting method
(no internal identifiers such as ``seasonal_profile`` in print).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from domain.units import PERCENT

MILLION = 1e6
PERCENT_DECIMALS = 1  # every percentage unless a figure needs more (fill rate: 2)

# Decimals per unit.  Flows get one decimal (a small lane overflows 0.4 units/day);
# stocks, orders and money per period none; prices per unit two (cents).
UNIT_DECIMALS: dict[str, int] = {
    "units": 0,
    "units/order": 0,
    "units/year": 0,
    "units/day": 1,
    "units/day per month": 1,
    "EUR": 0,
    "EUR/year": 0,
    "EUR/day": 0,
    "EUR/order": 0,
    "EUR/unit": 2,
    "EUR/unit/year": 2,
    "EUR/unit short": 2,
    "EUR/unit per cycle": 2,
    "days": 1,
    "day": 1,
    "days/year": 1,
    "orders/year": 1,
}
DEFAULT_DECIMALS = 1  # a unit not in the table


def decimals_for(unit: str) -> int:
    """Decimals printed for ``unit`` (see :data:`UNIT_DECIMALS`)."""
    return UNIT_DECIMALS.get(unit.strip(), DEFAULT_DECIMALS)


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: float, *, decimals: int = DEFAULT_DECIMALS) -> str:
    """A number with thousands separators; ``-0.0`` prints as ``0.0``; "n/a" if missing.

    >>> fmt_number(1234.56, decimals=0), fmt_number(12.345, decimals=1), fmt_number(-0.04)
    ('1,235', '12.3', '0.0')
    """
    if not _finite(value):
        return "n/a"
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


def fmt_qty(value: float, unit: str, *, decimals: int | None = None) -> str:
    """Number plus unit with the unit's decimals: ``fmt_qty(412.3, "units") == "412 units"``."""
    if not _finite(value):
        return "n/a"
    return f"{fmt_number(value, decimals=decimals_for(unit) if decimals is None else decimals)} {unit}"


def fmt_pct(fraction: float, *, decimals: int = PERCENT_DECIMALS) -> str:
    """A fraction as percent: ``fmt_pct(0.9532) == "95.3 %"``."""
    if not _finite(fraction):
        return "n/a"
    return f"{fmt_number(PERCENT * float(fraction), decimals=decimals)} %"


def fmt_eur(value: float, period: str = "", *, short: bool = False) -> str:
    """Money in EUR per ``period`` ("year", "day", ""); ``short`` writes millions as "7.60 M"."""
    unit = f"EUR/{period}" if period else "EUR"
    if short and _finite(value) and abs(float(value)) >= MILLION:
        return f"{fmt_number(float(value) / MILLION, decimals=2)} M {unit}"
    return fmt_qty(value, unit)


def fmt_date(value: Any) -> str:
    """ISO date or "none"."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "none"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def fmt_count(n: int, noun: str) -> str:
    """``1 lane``, ``3 lanes``: a count with its noun in the right number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# --- dashboard spelling (short names for narrow metrics) ------------------------------


def num(value: float, unit: str, *, digits: int | None = None) -> str:
    """``1,234 units`` style text with the unit's decimals; "n/a" for missing values."""
    if not _finite(value):
        return "n/a"
    return fmt_qty(value, unit, decimals=digits).strip() if unit else fmt_number(
        value, decimals=DEFAULT_DECIMALS if digits is None else digits)


def eur(value: float, period: str = "", *, digits: int | None = None) -> str:
    """Money for a narrow metric: millions shortened, e.g. ``7.60 M EUR/year``."""
    unit = f"EUR/{period}" if period else "EUR"
    if _finite(value) and abs(float(value)) >= MILLION:
        return fmt_eur(value, period, short=True)
    return num(value, unit, digits=digits)


def pct(fraction: float, *, digits: int = PERCENT_DECIMALS) -> str:
    """A fraction shown in percent, e.g. ``0.953`` -> ``95.3 %``."""
    return fmt_pct(fraction, decimals=digits)


def days(value: float, *, digits: int = 0, infinite: str = "beyond horizon") -> str:
    """A duration in days; infinity reads as ``infinite`` (e.g. "never")."""
    if value is None or math.isnan(float(value)):
        return "n/a"
    if math.isinf(float(value)):
        return infinite
    return fmt_qty(value, "day" if round(float(value), digits) == 1 else "days", decimals=digits)


count = fmt_count


ROW_HEIGHT_PX = 35  # st.dataframe's row (and header) height
TABLE_BORDER_PX = 3


def table_height(rows: int, max_px: int) -> int:
    """Height in pixels of a table showing ``rows`` rows without empty space, at most ``max_px``.

    >>> table_height(4, 560), table_height(100, 560)
    (178, 560)
    """
    return min(max_px, ROW_HEIGHT_PX * (max(rows, 1) + 1) + TABLE_BORDER_PX)


# --- table cells (the PDF's tables: the unit is in the column header) -------------------


def table_cell(value: float, unit: str) -> str:
    """A table cell: the number with the unit's decimals; ``unit="%"`` prints a fraction in percent.

    >>> table_cell(1234.56, "units"), table_cell(0.953, "%"), table_cell(float("nan"), "units")
    ('1,235', '95.3', 'n/a')
    """
    if not _finite(value):
        return "n/a"
    if unit == "%":
        return fmt_number(PERCENT * value, decimals=PERCENT_DECIMALS)
    return fmt_number(value, decimals=decimals_for(unit))


def reconciliation_cell(value: float | None, unit: str) -> str:
    """A reconciliation cell as the Risk tab prints it: fractions in % with two decimals.

    >>> reconciliation_cell(0.98765, "fraction"), reconciliation_cell(None, "units/year")
    ('98.77', '–')
    """
    if not _finite(value):
        return "\u2013"
    if unit == "fraction":
        return fmt_number(PERCENT * float(value), decimals=2)
    return fmt_number(value, decimals=1 if unit == "days/year" else 0)


# --- forecasting methods in the planner's words ---------------------------------------

def method_label(method: str) -> str:
    """The planner's name of a forecasting method: one spelling, ``forecasting.method_label``.

    >>> method_label("weekly linear_trend")
    'Straight-line trend (weekly totals split into weekdays)'
    """
    from forecasting import method_label as forecast_method_label

    return str(forecast_method_label(method))

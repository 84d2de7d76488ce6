"""Number formatting for metrics: every number carries its unit and period."""

from __future__ import annotations

import math

PERCENT = 100.0


def _finite(value: float) -> bool:
    return value is not None and math.isfinite(float(value))


def num(value: float, unit: str, *, digits: int = 0) -> str:
    """``1,234 units/day`` style text; "n/a" for missing or infinite values."""
    if not _finite(value):
        return "n/a"
    return f"{float(value):,.{digits}f} {unit}".strip()


MILLION = 1e6


def eur(value: float, period: str = "", *, digits: int = 0) -> str:
    """Money in EUR with its period, e.g. ``12,300 EUR/year`` or ``7.60 M EUR/year``.

    Millions are shortened so that a metric never gets cut off in a narrow column.
    """
    unit = f"EUR/{period}" if period else "EUR"
    if _finite(value) and abs(float(value)) >= MILLION:
        return f"{float(value) / MILLION:,.2f} M {unit}"
    return num(value, unit, digits=digits)


def pct(fraction: float, *, digits: int = 1) -> str:
    """A fraction shown in percent, e.g. ``0.953`` -> ``95.3 %``."""
    if not _finite(fraction):
        return "n/a"
    return f"{float(fraction) * PERCENT:.{digits}f} %"


def days(value: float, *, digits: int = 0, infinite: str = "beyond horizon") -> str:
    """A duration in days; infinity reads as ``infinite`` (e.g. "never")."""
    if value is None or math.isnan(float(value)):
        return "n/a"
    if math.isinf(float(value)):
        return infinite
    return num(value, "day" if round(float(value), digits) == 1 else "days", digits=digits)


def count(n: int, noun: str) -> str:
    """``1 lane``, ``3 lanes``: a count with its noun in the right number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


ROW_HEIGHT_PX = 35  # st.dataframe's row (and header) height
TABLE_BORDER_PX = 3


def table_height(rows: int, max_px: int) -> int:
    """Height of an ``st.dataframe`` showing ``rows`` rows without empty space, at most ``max_px``.

    >>> table_height(4, 560), table_height(100, 560)
    (178, 560)
    """
    return min(max_px, ROW_HEIGHT_PX * (max(rows, 1) + 1) + TABLE_BORDER_PX)

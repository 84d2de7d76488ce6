"""Number formatting for metrics: every number carries its unit and period.

The rules live in :mod:`formatting` (one module for the dashboard, the assistant
and the PDF report); this module keeps the dashboard's short names.
"""

from __future__ import annotations

from formatting import MILLION, PERCENT, count, days, eur, method_label, num, pct

__all__ = ["MILLION", "PERCENT", "count", "days", "eur", "method_label", "num", "pct", "table_height"]

ROW_HEIGHT_PX = 35  # st.dataframe's row (and header) height
TABLE_BORDER_PX = 3


def table_height(rows: int, max_px: int) -> int:
    """Height of an ``st.dataframe`` showing ``rows`` rows without empty space, at most ``max_px``.

    >>> table_height(4, 560), table_height(100, 560)
    (178, 560)
    """
    return min(max_px, ROW_HEIGHT_PX * (max(rows, 1) + 1) + TABLE_BORDER_PX)

"""Number formatting for metrics: every number carries its unit and period.

The rules live in :mod:`formatting` (one module for the dashboard, the assistant
and the PDF report); this module keeps the dashboard's short names.
"""

from __future__ import annotations

from formatting import MILLION, PERCENT, count, days, eur, method_label, num, pct

__all__ = ["MILLION", "PERCENT", "count", "days", "eur", "method_label", "num", "pct"]

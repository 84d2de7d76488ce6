"""The PDF executive report for management (fpdf2 + matplotlib).

:func:`build_report` returns the PDF as bytes (no Streamlit needed):
:mod:`report.build` (lane selection, entry point), :mod:`report.pages`
(executive summary, one page per lane), :mod:`report.layout` (page class,
fonts, text and table primitives) and :mod:`report.charts` (matplotlib charts
in the dashboard's palette, :mod:`presentation.palette`).
"""

from report.build import (
    RECONCILE_REPLICATIONS,
    RECONCILE_SEED,
    SELECT_ALL,
    SELECT_CHOSEN,
    SELECT_TOP,
    build_report,
    lane_reconciliation,
    select_lanes,
)

__all__ = [
    "RECONCILE_REPLICATIONS",
    "RECONCILE_SEED",
    "SELECT_ALL",
    "SELECT_CHOSEN",
    "SELECT_TOP",
    "build_report",
    "lane_reconciliation",
    "select_lanes",
]

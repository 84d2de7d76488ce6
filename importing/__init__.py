"""Data sources: demand files in (CSV, Excel), spreadsheets out, imported text kept as data.

Pure: bytes in, validated arrays or bytes out; no SQL, no Streamlit.  The store
writes what :func:`parse_demand_csv` accepted; an Excel upload is turned into
CSV text first (:func:`~importing.excel.xlsx_to_csv`) so both get the same
checks and row numbers.

Modules: :mod:`~importing.csv_reader` (encoding, separator, header, tokenising),
:mod:`~importing.validation` (row checks, duplicates, :class:`RowError`,
:class:`ParsedDemand`, :class:`ImportReport`), :mod:`~importing.fields` (date,
lane-name and volume rules, number formats), :mod:`~importing.excel` (.xlsx in
and out) and :mod:`~importing.safe_text` (imported text is data, never markup or
a spreadsheet formula).
"""

from importing.csv_reader import (
    CANONICAL_COLUMNS,
    DATE_ALIASES,
    DEMAND_ALIASES,
    HEADER_ROW,
    LANE_ALIASES,
    SEPARATORS,
    parse_demand_csv,
)
from importing.excel import (
    XLSX_MIME,
    XLSX_SUFFIX,
    escape_text,
    is_xlsx,
    read_sheet,
    sheet_names,
    write_xlsx,
    xlsx_to_csv,
)
from importing.fields import (
    EPOCH,
    MAX_DATE,
    MAX_LANE_NAME_LENGTH,
    MAX_VOLUME,
    MIN_DATE,
    lane_problem,
    volume_problem,
)
from importing.safe_text import guard_cell, md, neutralise_links, plotly_text, unguard_cell
from importing.validation import MAX_REPORTED_ERRORS, ImportReport, ParsedDemand, RowError

__all__ = [
    "CANONICAL_COLUMNS",
    "DATE_ALIASES",
    "DEMAND_ALIASES",
    "EPOCH",
    "HEADER_ROW",
    "LANE_ALIASES",
    "MAX_DATE",
    "MAX_LANE_NAME_LENGTH",
    "MAX_REPORTED_ERRORS",
    "MAX_VOLUME",
    "MIN_DATE",
    "SEPARATORS",
    "XLSX_MIME",
    "XLSX_SUFFIX",
    "ImportReport",
    "ParsedDemand",
    "RowError",
    "escape_text",
    "guard_cell",
    "is_xlsx",
    "lane_problem",
    "md",
    "neutralise_links",
    "parse_demand_csv",
    "plotly_text",
    "read_sheet",
    "sheet_names",
    "unguard_cell",
    "volume_problem",
    "write_xlsx",
    "xlsx_to_csv",
]

"""Excel (.xlsx) in and out, with openpyxl (pure: bytes in, bytes out; no Streamlit, no SQL).

Import: a worksheet is turned into CSV text row by row and handed to the same
validator as a CSV upload (:func:`importing.parse_demand_csv`, through
``db.import_csv``), so an Excel file gets exactly the same checks and the same
row numbers (the header is row 1; every worksheet row, blank ones included,
keeps its number).  Cell values are written the way the CSV reader expects
them: date cells as ``YYYY-MM-DD``, numbers as plain decimals, text as is.
A unit in brackets after a header name (``demand [units/day]``, as our own
exports write it) is dropped, so an exported file imports again unchanged.

Export: one or more DataFrames become worksheets whose headers carry units.
Text that a spreadsheet would run as a formula (a cell starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) is written with a leading
apostrophe (OWASP, "CSV Injection"): imported text is data, never a formula.
:func:`escape_text` applies that one rule (:func:`importing.safe_text.guard_cell`) to cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from domain import ValidationError
from importing.safe_text import guard_cell

XLSX_SUFFIX = ".xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_TITLE = 31  # characters, Excel's limit
MAX_COLUMN_WIDTH = 48  # characters; long lane names wrap instead of widening the sheet
_UNIT_SUFFIX = re.compile(r"\s*\[[^\]]*\]\s*$")
_NOT_A_WORKBOOK = (
    "{name} is not a readable Excel workbook (.xlsx). Save it from Excel as "
    "'Excel Workbook (.xlsx)' - the older .xls format and password-protected files cannot be "
    "read - or export it as CSV."
)


def is_xlsx(filename: str) -> bool:
    """True when ``filename`` names an Excel workbook (by its suffix, case-insensitive)."""
    return filename.lower().endswith(XLSX_SUFFIX)


def escape_text(value: object) -> object:
    """``value`` made safe for a spreadsheet cell: text starting like a formula gets a ``'``.

    Text goes through :func:`importing.safe_text.guard_cell` (the one rule, which
    the importer undoes); numbers, dates and other non-text values pass through
    unchanged.

    >>> escape_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> escape_text("-5"), escape_text("BER-MUC"), escape_text(-5)
    ("'-5", 'BER-MUC', -5)
    """
    return guard_cell(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- import


def _open(data: bytes, name: str):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValidationError(_NOT_A_WORKBOOK.format(name=name)) from exc


def sheet_names(data: bytes, *, name: str = "The file") -> list[str]:
    """Worksheet names in workbook order; ValidationError for a file that is no .xlsx."""
    workbook = _open(data, name)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """One cell as the CSV reader expects it."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: True is an int in Python
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")  # a time of day: the validator names the cell
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def _header_text(value: object) -> str:
    return _UNIT_SUFFIX.sub("", _cell_text(value))


def xlsx_to_csv(data: bytes, sheet: str | None = None, *, name: str = "The file") -> bytes:
    """The worksheet ``sheet`` (default: the first) as UTF-8 CSV bytes for the demand importer.

    Raises
    ------
    domain.ValidationError
        The file is not an .xlsx workbook, the sheet does not exist or is empty.
    """
    workbook = _open(data, name)
    try:
        names = list(workbook.sheetnames)
        chosen = names[0] if sheet is None else sheet
        if chosen not in names:
            raise ValidationError(
                f"{name} has no worksheet {chosen!r}; its sheets are: {', '.join(names)}.")
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        header_seen = False
        width = 0
        for values in workbook[chosen].iter_rows(values_only=True):
            if not header_seen:
                header = [_header_text(v) for v in values]
                while header and not header[-1]:
                    header.pop()  # formatted but empty cells right of the table
                width = len(header)
                writer.writerow(header)
                header_seen = True
                continue
            cells = [_cell_text(v) for v in values]
            while len(cells) > width and not cells[-1]:
                cells.pop()
            writer.writerow(cells + [""] * (width - len(cells)))
    finally:
        workbook.close()
    if not header_seen:
        raise ValidationError(f"Worksheet {chosen!r} of {name} is empty: nothing to import.")
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- export


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # NumPy scalars
        return _cell_value(value.item())
    if isinstance(value, float) and math.isinf(value):
        return "infinite"
    return escape_text(value)


def write_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one worksheet per DataFrame (header row bold and frozen).

    Column names are written as given, so give them their units
    (``"demand [units/day]"``).  Text cells are escaped with :func:`escape_text`.
    """
    if not sheets:
        raise ValidationError("write_xlsx needs at least one sheet")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(str(escape_text(title))[:MAX_SHEET_TITLE])
        headers = [str(escape_text(str(c))) for c in frame.columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell_value(v) for v in row])
        for k, header in enumerate(headers, start=1):
            column = frame.iloc[:, k - 1]
            if pd.api.types.is_datetime64_any_dtype(column) or (
                    len(column) and isinstance(column.iloc[0], dt.date)):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=k, max_col=k):
                    cell.number_format = "yyyy-mm-dd"
            longest = max([len(header), *(len(str(v)) for v in column.head(200))])
            sheet.column_dimensions[get_column_letter(k)].width = min(longest + 2, MAX_COLUMN_WIDTH)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_sheet(data: bytes, sheet: str | None = None) -> pd.DataFrame:
    """A worksheet as a DataFrame (header = first row); for checking exports."""
    workbook = _open(data, "The file")
    try:
        rows = list(workbook[sheet or workbook.sheetnames[0]].iter_rows(values_only=True))
    finally:
        workbook.close()
    return pd.DataFrame(rows[1:], columns=rows[0]) if rows else pd.DataFrame()

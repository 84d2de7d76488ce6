"""Parse and validate demand-history CSV files (pure: bytes in, arrays out).

No database code lives here; the store calls :func:`parse_demand_csv` and
writes the validated arrays (validation: :mod:`importing.validation`).  Every row is validated before anything is
written, and problems are reported as :class:`RowError` values that name the
row the way a spreadsheet numbers it (the header is row 1), the column and
the reason.

Accepted input (what spreadsheets actually export)
--------------------------------------------------
* Columns (header names are case-insensitive, surrounding spaces ignored):
  a date column ``date``; a lane column ``product_name`` or ``lane``
  (also ``lane_code``); a volume column ``demand`` or ``volume``.
  Other columns are ignored.
* Encoding UTF-8 with or without byte-order mark; CRLF or LF line ends;
  separator ``,`` ``;`` tab or ``|`` (sniffed from the header); quoted fields
  with ``""`` escapes; any Unicode lane name (``Zürich–Milano``).
* Dates: ISO ``YYYY-MM-DD``; German ``DD.MM.YYYY``; ``DD/MM/YYYY`` only when
  the file is unambiguous (some first part above 12 and no second part above
  12), because ``03/04/2024`` means different days in Europe and the US.
  Dates must lie between :data:`importing.fields.MIN_DATE` and
  :data:`importing.fields.MAX_DATE`.
* Volumes: plain decimal numbers (``12``, ``12.5``, ``1e3``) between 0 and
  :data:`importing.fields.MAX_VOLUME`.  With ``;`` as separator a decimal comma (``12,5``) is
  accepted too, as German Excel writes it.
* Blank rows (empty lines or rows whose fields are all empty) are skipped.

Rejected, with a message and never a traceback: NUL bytes / binary files,
text that is not UTF-8, missing columns, rows with a different number of
fields than the header, empty lane names, impossible dates (``2024-02-30``),
non-numeric, negative, NaN, infinite or absurdly large volumes, and the same
lane and date twice in one file (the message names both rows).

Speed: the happy path is vectorised (Arrow's multithreaded CSV reader and
Arrow/NumPy kernels over whole columns; dates and lane names are checked
once per distinct value).  Only a file whose rows cannot be tokenised
cleanly falls back to Python's ``csv`` module to locate the bad rows.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from importing.validation import (
    MAX_REPORTED_ERRORS,
    ParsedDemand,
    RowError,
    Tokens,
    failed_parse,
    validate_tokens,
)

HEADER_ROW = 1  # spreadsheets number the header row 1, so data starts at row 2
DATE_ALIASES = ("date",)
LANE_ALIASES = ("product_name", "lane", "lane_code")
DEMAND_ALIASES = ("demand", "volume")
CANONICAL_COLUMNS = ("date", "lane", "demand")
SEPARATORS = (",", ";", "\t", "|")


class _FileProblem(Exception):
    """Internal: a problem that makes the whole file unreadable."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


# --------------------------------------------------------------------------- public API


def parse_demand_csv(data: bytes | str, *, max_errors: int = MAX_REPORTED_ERRORS) -> ParsedDemand:
    """Parse and validate a demand CSV; never raises on bad content.

    Parameters
    ----------
    data : bytes or str
        The whole file.
    max_errors : int
        How many :class:`RowError` to keep (all are counted).

    Examples
    --------
    >>> parsed = parse_demand_csv(b"date;product_name;demand\\r\\n2024-01-31;Z\\xc3\\xbcrich;12,5\\r\\n")
    >>> parsed.ok, parsed.lanes, float(parsed.volume[0])
    (True, ['Zürich'], 12.5)
    >>> bad = parse_demand_csv(b"date,lane,demand\\n2024-02-30,A,1\\n2024-03-01,A,-4\\n")
    >>> [str(e) for e in bad.errors]  # doctest: +NORMALIZE_WHITESPACE
    ["Row 2, column 'date': '2024-02-30' is not a calendar date (February 2024 has 29 days)",
     "Row 3, column 'demand': demand must be >= 0 [units/day], got -4"]
    """
    try:
        text_ok_bytes = _check_bytes(data)
        header, separator = _sniff_header(text_ok_bytes)
        columns = _resolve_columns(header)
        tokens = _tokenise_fast(text_ok_bytes, separator, len(header), columns)
        if tokens is None:  # something irregular: locate it row by row
            tokens = _tokenise_slow(text_ok_bytes, separator, len(header), columns)
    except _FileProblem as problem:
        return failed_parse([problem.error], rows_read=0)
    return validate_tokens(tokens, header, columns, separator, max_errors)


# --------------------------------------------------------------------------- file level


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_bytes(data: bytes | str) -> bytes:
    """Return UTF-8 bytes without BOM, or raise _FileProblem for binary/undecodable input."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _FileProblem(RowError(None, None, "expected the file's bytes"))
    data = bytes(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _FileProblem(
            RowError(None, None, "the file is UTF-16 encoded; save it as 'CSV UTF-8' instead")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _FileProblem(
            RowError(
                _line_of(data, nul),
                None,
                "contains NUL bytes: this looks like a binary file (e.g. .xlsx), "
                "not CSV text; export it as CSV (UTF-8)",
            )
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise _FileProblem(
            RowError(
                _line_of(data, exc.start),
                None,
                f"not valid UTF-8 text (byte 0x{bad}); save the file as 'CSV UTF-8'",
            )
        ) from None
    if not data.strip():
        raise _FileProblem(RowError(None, None, "the file is empty"))
    return data


def _first_record(data: bytes) -> str:
    end = data.find(b"\n")
    return (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")


def _sniff_header(data: bytes) -> tuple[list[str], str]:
    """Pick the separator under which the header names the required columns."""
    line = _first_record(data)
    best: tuple[int, int, list[str], str] | None = None
    for separator in SEPARATORS:
        names = next(csv.reader([line], delimiter=separator), [])
        normalised = [_normalise_name(n) for n in names]
        roles = sum(
            any(n in aliases for n in normalised)
            for aliases in (DATE_ALIASES, LANE_ALIASES, DEMAND_ALIASES)
        )
        candidate = (roles, len(names), names, separator)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None
    return best[2], best[3]


def _normalise_name(name: str) -> str:
    return name.strip().strip('"').strip().lower()


def _resolve_columns(header: list[str]) -> dict[str, int]:
    """Map canonical column -> position in the header; raise _FileProblem if missing/ambiguous."""
    normalised = [_normalise_name(n) for n in header]
    positions: dict[str, int] = {}
    problems: list[str] = []
    for canonical, aliases in zip(
        CANONICAL_COLUMNS, (DATE_ALIASES, LANE_ALIASES, DEMAND_ALIASES), strict=True
    ):
        found = [i for i, n in enumerate(normalised) if n in aliases]
        if not found:
            alternatives = f" (or {' / '.join(aliases[1:])})" if aliases[1:] else ""
            problems.append(f"missing column '{aliases[0]}'{alternatives}")
        elif len(found) > 1:
            names = ", ".join(repr(header[i].strip()) for i in found)
            problems.append(f"columns {names} all look like the {canonical} column; keep one")
        else:
            positions[canonical] = found[0]
    if problems:
        shown = ", ".join(repr(h.strip()) for h in header) or "nothing"
        raise _FileProblem(
            RowError(
                HEADER_ROW,
                None,
                "; ".join(problems)
                + f". Expected a header like date,product_name,demand; found {shown}",
            )
        )
    return positions


# --------------------------------------------------------------------------- tokenising


def _tokenise_fast(
    data: bytes, separator: str, width: int, columns: dict[str, int]
) -> Tokens | None:
    """Arrow's multithreaded reader; ``None`` when rows need row-by-row diagnostics.

    Arrow skips blank lines and cannot tell row numbers of ragged rows, so any
    file with those (or with line breaks inside quoted fields, which show up
    as ragged rows here) goes to the slow path, which numbers rows exactly.
    """
    body = data.rstrip(b"\r\n")
    if b"\n\n" in body or b"\n\r\n" in body or b"\r\r" in body:
        return None
    irregular: list[bool] = []

    def on_invalid_row(_row: object) -> str:
        irregular.append(True)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    wanted = {c: names[i] for c, i in columns.items()}
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator,
                quote_char='"',
                double_quote=True,
                newlines_in_values=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in wanted.values()},
                include_columns=list(wanted.values()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if irregular:
        return None
    n = table.num_rows
    return Tokens(
        date=table.column(wanted["date"]),
        lane=table.column(wanted["lane"]),
        demand=table.column(wanted["demand"]),
        row=np.arange(HEADER_ROW + 1, HEADER_ROW + 1 + n, dtype=np.int64),
        early_errors=[],
        rows_read=n,
    )


def _tokenise_slow(data: bytes, separator: str, width: int, columns: dict[str, int]) -> Tokens:
    """Python ``csv`` reader: exact spreadsheet row numbers and ragged-row errors."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    dates: list[str] = []
    lanes: list[str] = []
    demands: list[str] = []
    rows: list[int] = []
    errors: list[RowError] = []
    rows_read = 0
    i_date, i_lane, i_demand = columns["date"], columns["lane"], columns["demand"]
    try:
        for row_number, record in enumerate(reader, start=HEADER_ROW):
            if row_number == HEADER_ROW or not record or not any(f.strip() for f in record):
                continue
            rows_read += 1
            if len(record) != width:
                errors.append(
                    RowError(
                        row_number,
                        None,
                        f"has {len(record)} fields but the header has {width} "
                        f"(separator '{_show_separator(separator)}'; quote fields that contain it)",
                    )
                )
                continue
            dates.append(record[i_date])
            lanes.append(record[i_lane])
            demands.append(record[i_demand])
            rows.append(row_number)
    except csv.Error as exc:
        # e.g. an unterminated quote swallowing the rest of the file
        errors.append(RowError(reader.line_num, None, f"cannot be read as CSV: {exc}"))
    return Tokens(
        date=pa.array(dates, type=pa.string()),
        lane=pa.array(lanes, type=pa.string()),
        demand=pa.array(demands, type=pa.string()),
        row=np.asarray(rows, dtype=np.int64),
        early_errors=errors,
        rows_read=rows_read,
    )


def _show_separator(separator: str) -> str:
    return "tab" if separator == "\t" else separator

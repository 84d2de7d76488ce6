"""Parse and validate demand-history CSV files (pure: bytes in, arrays out).

No database code lives here; :mod:`db` calls :func:`parse_demand_csv` and
writes the validated arrays.  Every row is validated before anything is
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
  Dates must lie between :data:`MIN_DATE` and :data:`MAX_DATE`.
* Volumes: plain decimal numbers (``12``, ``12.5``, ``1e3``) between 0 and
  :data:`MAX_VOLUME`.  With ``;`` as separator a decimal comma (``12,5``) is
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
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from safe_text import unguard_cell

MAX_VOLUME = 1_000_000_000.0  # units/day; anything above is a typo or a unit mix-up, not demand
MAX_REPORTED_ERRORS = 1_000  # errors kept in a report; the total is still counted
MAX_LANE_NAME_LENGTH = 200  # characters; matches the database column width
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
EPOCH = dt.date(1970, 1, 1)
HEADER_ROW = 1  # spreadsheets number the header row 1, so data starts at row 2

DATE_ALIASES = ("date",)
LANE_ALIASES = ("product_name", "lane", "lane_code")
DEMAND_ALIASES = ("demand", "volume")
CANONICAL_COLUMNS = ("date", "lane", "demand")
SEPARATORS = (",", ";", "\t", "|")

_NUMBER_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ACCEPTED_DATES = "YYYY-MM-DD or DD.MM.YYYY"


@dataclass(frozen=True)
class RowError:
    """One problem found in an import file.

    ``row`` is the spreadsheet row number (header = 1) or ``None`` for a
    problem with the whole file; ``column`` is the column name as in the
    file's header (or the expected name), ``None`` for a whole row.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "File" if self.row is None else f"Row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """Outcome of one import: counts of what was written, or the problems found.

    When ``errors`` is non-empty nothing was written.  ``errors`` holds at most
    :data:`MAX_REPORTED_ERRORS` entries; ``error_count_total`` counts all.
    """

    inserted: int = 0
    skipped: int = 0
    replaced: int = 0
    rows_read: int = 0
    lanes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count_total: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count_total == 0

    def summary(self) -> str:
        """One line for the UI."""
        if not self.ok:
            shown = len(self.errors)
            more = f" (first {shown} shown)" if shown < self.error_count_total else ""
            return (
                f"Nothing imported: {self.error_count_total} problem(s) in "
                f"{self.rows_read} rows{more}."
            )
        return (
            f"Read {self.rows_read} rows for {len(self.lanes)} lane(s): "
            f"{self.inserted} inserted, {self.skipped} skipped (already present), "
            f"{self.replaced} replaced."
        )


@dataclass
class ParsedDemand:
    """Validated demand rows as columns (only meaningful when ``errors`` is empty).

    Attributes
    ----------
    lanes : list[str]
        Distinct lane codes in order of first appearance.
    lane_index : numpy.ndarray
        Per row, index into ``lanes`` (int32).
    days : numpy.ndarray
        Per row, the date as days since 1970-01-01 (int32).
    volume : numpy.ndarray
        Per row, demand [units/day] (float64).
    row : numpy.ndarray
        Per row, its spreadsheet row number (int64), for messages.
    """

    lanes: list[str]
    lane_index: np.ndarray
    days: np.ndarray
    volume: np.ndarray
    row: np.ndarray
    rows_read: int
    errors: list[RowError]
    error_count_total: int

    @property
    def ok(self) -> bool:
        return self.error_count_total == 0

    def frame(self) -> pd.DataFrame:
        """Rows as a DataFrame with columns date, lane, demand (file order)."""
        lane_codes = np.asarray(self.lanes, dtype=object)
        return pd.DataFrame(
            {
                "date": self.days.astype("datetime64[D]").astype("datetime64[ns]"),
                "lane": lane_codes[self.lane_index] if len(self.lanes) else [],
                "demand": self.volume.astype(np.float64),
            }
        )


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
        return _failed([problem.error], rows_read=0)
    return _validate(tokens, header, columns, separator, max_errors)


# --------------------------------------------------------------------------- file level


def _failed(errors: list[RowError], rows_read: int, total: int | None = None) -> ParsedDemand:
    empty_i = np.empty(0, dtype=np.int32)
    return ParsedDemand(
        lanes=[],
        lane_index=empty_i,
        days=empty_i.copy(),
        volume=np.empty(0, dtype=np.float64),
        row=np.empty(0, dtype=np.int64),
        rows_read=rows_read,
        errors=errors,
        error_count_total=len(errors) if total is None else total,
    )


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


@dataclass
class _Tokens:
    """Raw text of the three columns for the rows that tokenised cleanly."""

    date: pa.Array | pa.ChunkedArray
    lane: pa.Array | pa.ChunkedArray
    demand: pa.Array | pa.ChunkedArray
    row: np.ndarray  # spreadsheet row numbers
    early_errors: list[RowError]  # ragged rows found while tokenising
    rows_read: int


def _tokenise_fast(
    data: bytes, separator: str, width: int, columns: dict[str, int]
) -> _Tokens | None:
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
    return _Tokens(
        date=table.column(wanted["date"]),
        lane=table.column(wanted["lane"]),
        demand=table.column(wanted["demand"]),
        row=np.arange(HEADER_ROW + 1, HEADER_ROW + 1 + n, dtype=np.int64),
        early_errors=[],
        rows_read=n,
    )


def _tokenise_slow(data: bytes, separator: str, width: int, columns: dict[str, int]) -> _Tokens:
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
    return _Tokens(
        date=pa.array(dates, type=pa.string()),
        lane=pa.array(lanes, type=pa.string()),
        demand=pa.array(demands, type=pa.string()),
        row=np.asarray(rows, dtype=np.int64),
        early_errors=errors,
        rows_read=rows_read,
    )


def _show_separator(separator: str) -> str:
    return "tab" if separator == "\t" else separator


# --------------------------------------------------------------------------- validation


def _validate(
    tokens: _Tokens,
    header: list[str],
    columns: dict[str, int],
    separator: str,
    max_errors: int,
) -> ParsedDemand:
    col_name = {c: header[i].strip() for c, i in columns.items()}
    date_raw = _combine(tokens.date)
    lane_raw = _combine(tokens.lane)
    demand_raw = _combine(tokens.demand)

    # Rows whose three fields are all blank are spreadsheet filler, not data.
    blank = _blank_rows(date_raw, lane_raw, demand_raw)
    rows = tokens.row
    rows_read = tokens.rows_read
    if blank.any():
        keep = pa.array(~blank)
        date_raw, lane_raw, demand_raw = (a.filter(keep) for a in (date_raw, lane_raw, demand_raw))
        rows = rows[~blank]
        rows_read -= int(blank.sum())

    days, date_bad, date_msgs = _parse_dates(date_raw)
    lane_index, lanes, lane_bad, lane_msgs = _parse_lanes(lane_raw)
    volume, demand_bad, demand_msgs = _parse_volumes(demand_raw, decimal_comma=separator == ";")

    # Same lane and date twice in one file: name the earlier row in the message.
    both_ok = ~(date_bad | lane_bad)
    dup_mask = np.zeros(len(rows), dtype=bool)
    first_row = np.zeros(len(rows), dtype=np.int64)
    key = lane_index.astype(np.int64) << 32 | (days.astype(np.int64) & 0xFFFFFFFF)
    # Files are usually sorted by lane and date: strictly increasing keys cannot repeat.
    if both_ok.any() and not (both_ok.all() and np.all(key[1:] > key[:-1])):
        key = np.where(both_ok, key, -1 - np.arange(len(key)))  # unique sentinels for bad rows
        _, first_pos, inverse = np.unique(key, return_index=True, return_inverse=True)
        first = first_pos[inverse]
        dup_mask = first != np.arange(len(key))
        first_row = rows[first]

    checks = [
        (date_bad, col_name["date"], date_msgs),
        (lane_bad, col_name["lane"], lane_msgs),
        (demand_bad, col_name["demand"], demand_msgs),
        (
            dup_mask,
            col_name["date"],
            lambda i: (
                f"duplicate: lane '{lanes[lane_index[i]]}' on "
                f"{_day_text(int(days[i]))} already appears in row {int(first_row[i])}"
            ),
        ),
    ]
    total = len(tokens.early_errors) + sum(int(mask.sum()) for mask, _, _ in checks)
    if total:
        errors = list(tokens.early_errors[:max_errors])
        for mask, column, message in checks:
            for i in np.flatnonzero(mask)[:max_errors]:
                errors.append(RowError(int(rows[i]), column, message(int(i))))
        order = {c: k for k, c in enumerate([None, *col_name.values()])}
        errors.sort(key=lambda e: (e.row or 0, order.get(e.column, 0)))
        return _failed(errors[:max_errors], rows_read=rows_read, total=total)

    return ParsedDemand(
        lanes=lanes,
        lane_index=lane_index,
        days=days,
        volume=volume,
        row=rows,
        rows_read=rows_read,
        errors=[],
        error_count_total=0,
    )


def _combine(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks else pa.array([], type=pa.string())
    return column


def _is_blank(values: pa.Array) -> np.ndarray:
    trimmed = pc.utf8_trim_whitespace(values)
    return np.asarray(pc.equal(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False))


def _blank_rows(date: pa.Array, lane: pa.Array, demand: pa.Array) -> np.ndarray:
    """Rows whose three fields are all blank (only rows with a short date field can be)."""
    if not len(date):
        return np.zeros(0, dtype=bool)
    # A blank date field is at most a few spaces long: check the rest only for those rows.
    short = np.asarray(
        pc.less_equal(pc.binary_length(date), 8).to_numpy(zero_copy_only=False), dtype=bool
    )
    candidates = np.flatnonzero(short)
    blank = np.zeros(len(date), dtype=bool)
    if len(candidates):
        take = pa.array(candidates)
        subset = [pc.take(column, take) for column in (date, lane, demand)]
        blank[candidates] = _is_blank(subset[0]) & _is_blank(subset[1]) & _is_blank(subset[2])
    return blank


def _encode(values: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Distinct values and per-row indices (each distinct value is checked once)."""
    encoded = pc.dictionary_encode(values)
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return indices, encoded.dictionary.to_pylist()


def _day_text(days: int) -> str:
    return (EPOCH + dt.timedelta(days=days)).isoformat()


def _parse_dates(values: pa.Array):
    """Per row: days since epoch, bad mask, message(i)."""
    indices, distinct = _encode(values)
    stripped = [v.strip() for v in distinct]
    slash_order = _slash_order(stripped)
    parsed: list[int | str] = [_parse_one_date(v, slash_order) for v in stripped]
    is_bad = np.fromiter((isinstance(p, str) for p in parsed), dtype=bool, count=len(parsed))
    day_values = np.fromiter(
        (0 if isinstance(p, str) else p for p in parsed), dtype=np.int64, count=len(parsed)
    )
    days = day_values[indices].astype(np.int32) if len(indices) else np.empty(0, np.int32)
    bad = is_bad[indices] if len(indices) else np.zeros(0, dtype=bool)
    return days, bad, lambda i: parsed[indices[i]]


def _slash_order(values: Sequence[str]) -> str | None:
    """'dmy' when slash dates in this file are unambiguously day-first, else None."""
    firsts, seconds = [], []
    for v in values:
        m = _SLASH_DATE.match(v)
        if m:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    if firsts and max(firsts) > 12 and max(seconds) <= 12:
        return "dmy"
    return None


def _parse_one_date(text: str, slash_order: str | None) -> int | str:
    """Days since 1970-01-01, or an error message."""
    if not text:
        return f"date is empty (use {_ACCEPTED_DATES})"
    if m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DOTTED_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _SLASH_DATE.match(text):
        if slash_order != "dmy":
            return (
                f"'{text}' is ambiguous (day/month or month/day?); use {_ACCEPTED_DATES}"
            )
        day, month, year = (int(g) for g in m.groups())
    else:
        return f"'{text}' is not a date (use {_ACCEPTED_DATES})"
    try:
        value = dt.date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            last = _days_in_month(year, month)
            month_name = dt.date(2000, month, 1).strftime("%B")
            return f"'{text}' is not a calendar date ({month_name} {year} has {last} days)"
        return f"'{text}' is not a calendar date (month {month} does not exist)"
    if not MIN_DATE <= value <= MAX_DATE:
        return f"'{text}' is outside {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
    return (value - EPOCH).days


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def lane_problem(name: str) -> str | None:
    """Why ``name`` (already stripped) cannot be a lane code, or ``None`` if it can.

    >>> lane_problem("Zürich–Milano") is None
    True
    >>> lane_problem("")
    'lane name is empty'
    """
    if not name:
        return "lane name is empty"
    if len(name) > MAX_LANE_NAME_LENGTH:
        return f"lane name is longer than {MAX_LANE_NAME_LENGTH} characters"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return "lane name contains control characters"
    return None


def _parse_lanes(values: pa.Array):
    """Per row: lane index (into distinct stripped names), names, bad mask, message(i)."""
    indices, distinct = _encode(values)
    # Our exports guard formula-like cells with an apostrophe (safe_text.guard_cell);
    # take it off again so export -> import round-trips exactly.
    stripped = [unguard_cell(v.strip()) for v in distinct]
    problems = [lane_problem(v) for v in stripped]
    # Several raw spellings (" A", "A ") collapse to one lane; keep first-appearance order.
    order: dict[str, int] = {}
    if len(indices):
        first_seen = np.full(len(distinct), len(indices), dtype=np.int64)
        np.minimum.at(first_seen, indices, np.arange(len(indices)))
        for k in np.argsort(first_seen, kind="stable"):
            if problems[k] is None and first_seen[k] < len(indices):
                order.setdefault(stripped[k], len(order))
    remap = np.array([order.get(s, -1) if p is None else -1 for s, p in zip(stripped, problems, strict=True)], dtype=np.int64)
    bad_distinct = np.array([p is not None for p in problems], dtype=bool)
    lane_index = remap[indices].astype(np.int32) if len(indices) else np.empty(0, np.int32)
    bad = bad_distinct[indices] if len(indices) else np.zeros(0, dtype=bool)
    return lane_index, list(order), bad, lambda i: problems[indices[i]]


def volume_problem(value: float) -> str | None:
    """Why ``value`` cannot be a daily volume, or ``None`` if it can.

    >>> volume_problem(12.0) is None
    True
    >>> volume_problem(float("nan"))
    'demand must be a number, got NaN'
    """
    if value != value:
        return "demand must be a number, got NaN"
    if value in (float("inf"), float("-inf")):
        return f"demand must be finite, got {value}"
    if value < 0:
        return f"demand must be >= 0 [units/day], got {value:g}"
    if value > MAX_VOLUME:
        return f"demand {value:g} exceeds the limit of {MAX_VOLUME:g} units/day"
    return None


def _cast_clean(values: pa.Array) -> np.ndarray | None:
    """Whole column as float64 when Arrow parses every field, else ``None``.

    Arrow also accepts spellings such as ``nan``/``inf``; those are caught by
    the finiteness check afterwards, and anything else falls back to the
    regex path that names the bad fields.
    """
    try:
        return np.asarray(
            pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _parse_volumes(values: pa.Array, *, decimal_comma: bool):
    """Per row: volume [units/day], bad mask, message(i)."""
    volume = _cast_clean(values)
    if volume is not None:  # happy path: every field is a plain number
        numeric_np = np.ones(len(volume), dtype=bool)
    else:  # locate the fields that are not plain numbers
        text = pc.utf8_trim_whitespace(values)
        if decimal_comma:
            text = pc.replace_substring(text, ",", ".")
        numeric = pc.match_substring_regex(text, _NUMBER_PATTERN)
        numeric_np = np.asarray(numeric.to_numpy(zero_copy_only=False), dtype=bool)
        volume = np.asarray(
            pc.cast(pc.if_else(numeric, text, "0"), pa.float64()).to_numpy(zero_copy_only=False),
            dtype=np.float64,
        )
    volume = volume + 0.0  # turns "-0" into 0.0
    with np.errstate(invalid="ignore"):
        bad = ~numeric_np | ~np.isfinite(volume) | (volume < 0) | (volume > MAX_VOLUME)

    def message(i: int) -> str:
        if numeric_np[i]:
            return volume_problem(float(volume[i])) or "invalid demand"
        raw = values[i].as_py().strip()
        if not raw:
            return "demand is empty"
        word = raw.lower().lstrip("+-")
        if word in ("nan", "na", "n/a", "null", "none"):
            return f"demand must be a number [units/day], got {raw!r}"
        if word in ("inf", "infinity", "∞"):
            return f"demand must be finite, got {raw!r}"
        return f"demand must be a number [units/day], got {raw!r}"

    return volume, bad, message

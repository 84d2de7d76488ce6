"""Validation of a tokenised demand file: result types, row checks, duplicates, error report.

Every row is validated before anything is written; problems are reported as
:class:`RowError` values that name the row the way a spreadsheet numbers it
(the header is row 1), the column and the reason.  The field rules live in
:mod:`importing.fields`, reading the bytes in :mod:`importing.csv_reader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from importing.fields import day_text, parse_dates, parse_lanes, parse_volumes

MAX_REPORTED_ERRORS = 1_000  # errors kept in a report; the total is still counted


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


@dataclass
class Tokens:
    """Raw text of the date, lane and demand columns for the rows that tokenised cleanly."""

    date: pa.Array | pa.ChunkedArray
    lane: pa.Array | pa.ChunkedArray
    demand: pa.Array | pa.ChunkedArray
    row: np.ndarray  # spreadsheet row numbers
    early_errors: list[RowError]  # ragged rows found while tokenising
    rows_read: int


def failed_parse(errors: list[RowError], rows_read: int, total: int | None = None) -> ParsedDemand:
    """A :class:`ParsedDemand` without rows that carries ``errors`` (``total`` counts all)."""
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


def validate_tokens(
    tokens: Tokens,
    header: list[str],
    columns: dict[str, int],
    separator: str,
    max_errors: int,
) -> ParsedDemand:
    """Check every row of ``tokens``; the rows as columns, or the first ``max_errors`` problems.

    Rows whose three fields are all blank are skipped; ``separator`` ``;``
    allows a decimal comma in the volume column.
    """
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

    days, date_bad, date_msgs = parse_dates(date_raw)
    lane_index, lanes, lane_bad, lane_msgs = parse_lanes(lane_raw)
    volume, demand_bad, demand_msgs = parse_volumes(demand_raw, decimal_comma=separator == ";")

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
                f"{day_text(int(days[i]))} already appears in row {int(first_row[i])}"
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
        return failed_parse(errors[:max_errors], rows_read=rows_read, total=total)

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

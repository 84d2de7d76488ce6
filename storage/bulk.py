"""Importing demand files and bulk-loading frames: all rows or none, in ONE transaction.

:func:`import_csv` validates a file chunk by chunk (:mod:`storage.chunks`,
:func:`importing.parse_demand_csv`) and writes each chunk through
:func:`storage.writer.write_parsed`; a problem anywhere rolls everything
back.  :func:`bulk_load` writes generated frames (demo and scale data).
Bad import files are *reported* (:class:`importing.ImportReport`), not raised.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from sqlalchemy import Engine

import importing
from domain import LaneMasterData, ValidationError
from importing import EPOCH, MAX_REPORTED_ERRORS, MAX_VOLUME, ImportReport, ParsedDemand, RowError
from storage.chunks import IMPORT_CHUNK_BYTES, Chunk, chunks, open_source, records_in
from storage.connect import ensure_schema
from storage.engine import is_postgres
from storage.lanes import ensure_lanes, insert_lanes, master_row
from storage.scenarios import drop_scenarios
from storage.transactions import writing
from storage.writer import (
    BULK_REBUILD_MIN_ROWS,
    DUPLICATE_POLICIES,
    RejectedRows,
    demand_is_empty,
    indexes_dropped,
    wipe_tables,
    write_parsed,
)

ProgressCallback = Callable[[float, str], None]


@dataclass
class _ImportState:
    """What a chunked import accumulates across chunks (small: no rows are kept)."""

    report: ImportReport
    lane_order: dict[str, int] = field(default_factory=dict)
    seen_keys: list[np.ndarray] = field(default_factory=list)  # sorted lane<<32|day per chunk
    rows_before: int = 0  # records of earlier chunks, to number rows as in the whole file

    def add_errors(self, errors: Iterable[RowError], total: int) -> None:
        room = MAX_REPORTED_ERRORS - len(self.report.errors)
        self.report.errors.extend(list(errors)[: max(room, 0)])
        self.report.error_count_total += total


class _Invalid(Exception):
    """The file has problems; roll the import transaction back."""


def _shift(parsed: ParsedDemand, offset: int) -> None:
    if offset:
        parsed.row = parsed.row + offset
        parsed.errors = [
            RowError(e.row + offset if e.row is not None else None, e.column, e.message)
            for e in parsed.errors
        ]


def _cross_chunk_duplicates(state: _ImportState, parsed: ParsedDemand) -> list[RowError]:
    """Same lane and date in this chunk and an earlier one (within a chunk the parser checks)."""
    ids = np.array([state.lane_order.setdefault(c, len(state.lane_order)) for c in parsed.lanes],
                   dtype=np.int64)
    keys = (ids[parsed.lane_index] << 32) | (parsed.days.astype(np.int64) & 0xFFFFFFFF)
    repeated = np.zeros(len(keys), dtype=bool)
    for earlier in state.seen_keys:
        at = np.minimum(np.searchsorted(earlier, keys), len(earlier) - 1)
        repeated |= earlier[at] == keys
    state.seen_keys.append(np.sort(keys))
    if len(state.seen_keys) > 16:  # keep the per-chunk search cheap with many small chunks
        state.seen_keys = [np.sort(np.concatenate(state.seen_keys))]
    return [
        RowError(int(parsed.row[i]), "date",
                 f"duplicate: lane '{parsed.lanes[parsed.lane_index[i]]}' on "
                 f"{(EPOCH + dt.timedelta(days=int(parsed.days[i]))).isoformat()} already "
                 "appears in an earlier row of the file")
        for i in np.flatnonzero(repeated)[:MAX_REPORTED_ERRORS]
    ]


def import_csv(
    source: str | Path | bytes | IO[bytes] | IO[str],
    *,
    engine: Engine,
    on_duplicate: str = "skip",
    progress: ProgressCallback | None = None,
    chunk_bytes: int | None = None,
) -> ImportReport:
    """Validate a demand CSV and write it in one transaction: all rows or none.

    The file is read in chunks of about ``chunk_bytes`` cut at record
    boundaries; each chunk is validated and written inside the one
    transaction, so peak memory grows with the chunk, not the file.  A
    problem anywhere stops the writing (the remaining chunks are still
    checked, so the report lists every problem) and rolls everything back.

    Parameters
    ----------
    source : path, file object (bytes or text) or bytes
        File in the seed format ``date,product_name,demand`` (see
        :mod:`importing` for everything that is accepted).
    engine : Engine
        The database to write to.
    on_duplicate : {"skip", "replace", "reject"}
        What to do with rows whose lane and date are already stored:
        ``skip`` keeps the stored value (never overwrites, never doubles),
        ``replace`` overwrites it, ``reject`` writes nothing and reports them.
    progress : callable(fraction, message), optional
        Called with progress in [0, 1] for a UI progress bar.
    chunk_bytes : int, optional
        Size of one chunk [bytes]; default :data:`storage.chunks.IMPORT_CHUNK_BYTES`.

    Returns
    -------
    ImportReport
        Counts, lanes and (if anything was wrong) the errors; bad data is
        reported, never raised.
    """
    if on_duplicate not in DUPLICATE_POLICIES:
        raise ValueError(f"on_duplicate must be one of {DUPLICATE_POLICIES}, got {on_duplicate!r}")
    notify = progress or (lambda _fraction, _message: None)
    notify(0.0, "Reading the file…")
    try:
        stream, size, close = open_source(source)
    except OSError as exc:
        error = RowError(None, None, f"cannot read the file: {exc.strerror or exc}")
        return ImportReport(errors=[error], error_count_total=1)
    state = _ImportState(ImportReport())
    try:
        pieces = chunks(stream, max(int(chunk_bytes or IMPORT_CHUNK_BYTES), 64))
        first = next(pieces)
        header, body, consumed, last = first
        if last:  # the whole file in one chunk: validate all of it before touching the database
            notify(0.1, "Validating every row…")
            parsed = importing.parse_demand_csv(header + body)
            state.report.rows_read = parsed.rows_read
            state.report.lanes = list(parsed.lanes)
            state.add_errors(parsed.errors, parsed.error_count_total)
            if not parsed.ok or len(parsed.volume) == 0:
                notify(1.0, "Nothing to import." if parsed.ok else
                       "The file has problems; nothing imported.")
                return state.report
            notify(0.4, f"{parsed.rows_read} rows valid; writing…")
            ensure_schema(engine)
            with writing(engine, "Importing") as conn:
                counts = write_parsed(conn, parsed, on_duplicate, ())
        else:
            ensure_schema(engine)
            counts = _import_chunks(engine, state, [first], pieces, on_duplicate, notify, size)
    except OSError as exc:
        state.report.errors = [RowError(None, None, f"cannot read the file: {exc.strerror or exc}")]
        state.report.error_count_total = 1
        return state.report
    except RejectedRows as rejected:
        state.report.errors = rejected.errors
        state.report.error_count_total = rejected.total
        notify(1.0, "Rows already stored; nothing imported.")
        return state.report
    except _Invalid:
        state.report.inserted = state.report.skipped = state.report.replaced = 0
        notify(1.0, "The file has problems; nothing imported.")
        return state.report
    finally:
        if close:
            stream.close()
    state.report.inserted, state.report.skipped, state.report.replaced = counts
    notify(1.0, "Import finished.")
    return state.report


def _import_chunks(
    engine: Engine,
    state: _ImportState,
    head: list[Chunk],
    rest: Iterator[Chunk],
    on_duplicate: str,
    notify: ProgressCallback,
    size: int | None,
) -> tuple[int, int, int]:
    """Validate and write chunk by chunk in ONE transaction; raise _Invalid to roll back."""
    totals = [0, 0, 0]
    lanes: dict[str, None] = {}
    pg = is_postgres(engine)
    with writing(engine, "Importing") as conn, ExitStack() as indexes:
        empty_at_start: bool | None = None
        invalid = rejected = False  # a bad row anywhere / stored rows under "reject"
        for header, body, consumed, _last in itertools.chain(head, rest):
            parsed = importing.parse_demand_csv(header + body)
            _shift(parsed, state.rows_before)
            state.rows_before += records_in(body)
            state.report.rows_read += parsed.rows_read
            if not parsed.ok:
                state.add_errors(parsed.errors, parsed.error_count_total)
            elif len(parsed.volume):
                duplicates = _cross_chunk_duplicates(state, parsed)
                if duplicates:
                    state.add_errors(duplicates, len(duplicates))
                lanes.update(dict.fromkeys(parsed.lanes))
            invalid = invalid or not parsed.ok or bool(state.report.error_count_total
                                                        and not rejected)
            if not invalid and len(parsed.volume):
                if empty_at_start is None:
                    # First write: lanes, then the table lock (the global order), then ask
                    # whether demand is empty: then every chunk is new rows.
                    if pg:
                        # Later chunks create lanes while we hold the demand lock: keep
                        # other lane writers out until commit, so lanes still come first.
                        conn.exec_driver_sql("LOCK TABLE lanes IN SHARE ROW EXCLUSIVE MODE")
                    ensure_lanes(conn, parsed.lanes)
                    if pg:
                        conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
                    empty_at_start = demand_is_empty(conn)
                    if empty_at_start and pg:
                        indexes.enter_context(indexes_dropped(conn, True))
                try:
                    counts = write_parsed(conn, parsed, on_duplicate, (),
                                          rebuild_allowed=False, known_new=empty_at_start)
                except RejectedRows as refused:
                    # Keep checking the other chunks so the report names every stored
                    # row; the transaction is rolled back at the end.
                    rejected = True
                    state.add_errors(refused.errors, refused.total)
                else:
                    totals = [a + b for a, b in zip(totals, counts, strict=True)]
            fraction = 0.05 + 0.9 * consumed / size if size else 0.5
            problems = state.report.error_count_total
            notify(min(fraction, 0.95),
                   f"{state.report.rows_read:,} rows checked"
                   + (f", {problems:,} problems" if problems else f", {totals[0]:,} written"))
        state.report.lanes = list(lanes)
        if state.report.error_count_total:
            raise _Invalid
        notify(0.97, "Finishing (indexes and commit)…")
    return totals[0], totals[1], totals[2]


# --------------------------------------------------------------------------- bulk loading


def frame_to_parsed(frame: pd.DataFrame) -> ParsedDemand:
    """Validate a DataFrame with columns date, lane, demand (vectorised) for writing.

    Raises :class:`ValidationError` naming the first problems.
    """
    missing = [c for c in ("date", "lane", "demand") if c not in frame.columns]
    if missing:
        raise ValidationError(f"frame lacks column(s) {', '.join(missing)}")
    days = pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    lane_index, lanes = pd.factorize(frame["lane"].astype(str).str.strip())
    volume = frame["demand"].to_numpy(dtype=np.float64)
    problems = [f"lane {c!r}: {p}" for c in lanes if (p := importing.lane_problem(c))]
    with np.errstate(invalid="ignore"):
        bad_volume = ~np.isfinite(volume) | (volume < 0) | (volume > MAX_VOLUME)
    if bad_volume.any():
        problems.append(f"{int(bad_volume.sum())} volumes outside 0..{MAX_VOLUME:g} or not finite")
    key = lane_index.astype(np.int64) << 32 | (days & 0xFFFFFFFF)
    if len(np.unique(key)) != len(key):
        problems.append("the same lane and date appear more than once")
    if problems:
        raise ValidationError("; ".join(problems[:10]))
    return ParsedDemand(
        lanes=[str(c) for c in lanes],
        lane_index=lane_index.astype(np.int32),
        days=days.astype(np.int32),
        volume=volume,
        row=np.arange(2, len(volume) + 2, dtype=np.int64),
        rows_read=len(volume),
        errors=[],
        error_count_total=0,
    )


def bulk_load(
    chunks: Iterable[pd.DataFrame],
    masters: Iterable[LaneMasterData] = (),
    *,
    engine: Engine,
    wipe: bool = False,
    progress: ProgressCallback | None = None,
    expected_rows: int | None = None,
) -> int:
    """Write demand frames (columns date, lane, demand) and master data in ONE transaction.

    Parameters
    ----------
    chunks : iterable of DataFrame
        Generated lazily so 11M rows never sit in memory at once; lanes
        must not repeat across chunks.
    masters : iterable of LaneMasterData
        Saved (upserted) before the demand rows.
    engine : Engine
        The database to write to.
    wipe : bool
        Delete all existing lanes and demand first, and at the end the saved
        scenarios of lanes the load did not bring back (same transaction).
    expected_rows : int, optional
        Total rows, for progress messages.

    Returns
    -------
    int
        Rows inserted (existing lane/date pairs are skipped).
    """
    notify = progress or (lambda _fraction, _message: None)
    ensure_schema(engine)
    master_list = list(masters)
    total = 0
    with writing(engine, "Loading demand") as conn:
        if wipe:
            wipe_tables(conn)
        if master_list:
            insert_lanes(conn, [master_row(m) for m in master_list], update=True)
        pg = is_postgres(engine)
        if pg:
            conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
        empty = demand_is_empty(conn)
        rebuild = pg and empty and (expected_rows or 0) >= BULK_REBUILD_MIN_ROWS
        seen: set[str] = set()
        with indexes_dropped(conn, rebuild):
            for frame in chunks:
                parsed = frame_to_parsed(frame)
                if len(parsed.volume) == 0:
                    continue
                repeated = seen.intersection(parsed.lanes)
                if repeated:
                    raise ValidationError(f"lane(s) {sorted(repeated)[:5]} appear in two chunks")
                seen.update(parsed.lanes)
                # Into an empty table with lanes unique per chunk nothing can collide,
                # so skip the per-chunk overlap query (slow while indexes are dropped).
                inserted, _, _ = write_parsed(
                    conn, parsed, "skip", (), rebuild_allowed=False, known_new=empty
                )
                total += inserted
                fraction = min(total / expected_rows, 1.0) if expected_rows else 0.5
                notify(fraction, f"{total:,} rows written")
        if wipe:
            drop_scenarios(conn, orphans=True)
    notify(1.0, f"{total:,} rows written")
    return total

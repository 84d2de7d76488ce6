"""Write use-cases on the demand history: import a file, add, edit and delete records.

Each function checks access first (a hidden widget is never the only
protection), writes through ``db`` (which validates and writes all or
nothing), then calls the context's cache callback once and logs.  A refused
or failed write leaves the database and the caches untouched.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

import db
import importing
from domain import ValidationError
from services import access, plan_runs
from services.context import WriteContext

DEFAULT_POLICY = "skip"
# Duplicate = a row whose (lane, date) is already stored.
DUPLICATE_POLICIES: dict[str, str] = {
    "skip": "Skip: keep the stored value, import only new days (safe default).",
    "replace": "Replace: overwrite the stored value with the one in the file.",
    "reject": "Reject: import nothing if the file repeats any stored day.",
}


@dataclass(frozen=True)
class RecordChange:
    """One edited record: a new date and/or a new volume [units/day] (None = keep)."""

    record_id: int
    date: dt.date | None
    volume: float | None


@dataclass(frozen=True)
class AddedRecord:
    """A record written by :func:`add_record`."""

    record_id: int
    lane: str
    date: dt.date
    volume: float  # units/day


def import_demand(
    ctx: WriteContext,
    data: bytes | IO[bytes],
    filename: str,
    policy: str = DEFAULT_POLICY,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> importing.ImportReport:
    """Import a CSV (or converted workbook) stream; return ``db``'s import report.

    A report with problems means nothing was written.  After a write the
    stored planning run is brought up to date for the imported lanes only.

    Raises
    ------
    domain.AccessDenied
        When the context may not write.
    domain.ValidationError
        For an unknown duplicate policy or an empty file.
    """
    ctx.require(access.ACTION_IMPORT)
    if policy not in DUPLICATE_POLICIES:
        raise ValidationError(
            f"duplicate policy must be one of {', '.join(DUPLICATE_POLICIES)}; got {policy!r}"
        )
    # An upload is read as a stream (no copy of the whole file): memory follows db's chunk.
    source: IO[bytes]
    size: int | None
    if isinstance(data, bytes | bytearray):
        size, source = len(data), io.BytesIO(data)
    else:
        data.seek(0)
        size, source = getattr(data, "size", None), data
    if not size:
        raise ValidationError(f"{filename} is empty: nothing to import.")
    started = time.perf_counter()
    report = db.import_csv(source, on_duplicate=policy, progress=progress, engine=ctx.engine)
    ctx.log(
        access.ACTION_IMPORT, file=repr(filename), bytes=size, policy=policy,
        rows=report.rows_read, inserted=report.inserted, skipped=report.skipped,
        replaced=report.replaced, problems=report.error_count_total,
        duration_s=f"{time.perf_counter() - started:.2f}",
    )
    if report.inserted or report.replaced:
        # Only the imported lanes; a no-op while no run is stored.
        plan_runs.replan_after_import(report.lanes, engine=ctx.engine)
        ctx.changed()
    return report


def add_record(ctx: WriteContext, lane: str, date: dt.date, volume: float) -> AddedRecord:
    """Add one day of demand [units/day] to ``lane``."""
    ctx.require(access.ACTION_EDIT_RECORDS)
    lane = (lane or "").strip()
    if not lane:
        raise ValidationError("lane must be a non-empty lane name")
    record_id = db.add_record(lane, date, volume, engine=ctx.engine)
    ctx.log("add record", record=record_id, lane=repr(lane))
    ctx.changed()
    return AddedRecord(record_id, lane, date, float(volume))


def update_record(
    ctx: WriteContext, record_id: int, *, date: dt.date | None = None, volume: float | None = None
) -> None:
    """Change the date and/or the volume [units/day] of one record."""
    ctx.require(access.ACTION_EDIT_RECORDS)
    if date is None and volume is None:
        raise ValidationError("enter a new date and/or a new volume to change the record")
    db.update_record(int(record_id), date=date, volume=volume, engine=ctx.engine)
    ctx.log("edit record", record=int(record_id))
    ctx.changed()


def delete_record(ctx: WriteContext, record_id: int, *, confirmed: bool) -> None:
    """Delete one record; ``confirmed`` must be True (the confirmation box)."""
    ctx.require(access.ACTION_EDIT_RECORDS)
    if not confirmed:
        raise ValidationError(f"tick the confirmation box to delete record #{record_id}")
    db.delete_record(int(record_id), engine=ctx.engine)
    ctx.log("delete record", record=int(record_id))
    ctx.changed()


def apply_record_edits(ctx: WriteContext, changes: Iterable[RecordChange]) -> int:
    """Apply edited rows of the records table; return how many rows changed.

    Each row is its own write: rows before a failing one stay changed, and
    the caches are cleared for them.
    """
    ctx.require(access.ACTION_EDIT_RECORDS)
    done = 0
    try:
        for change in changes:
            db.update_record(change.record_id, date=change.date, volume=change.volume,
                             engine=ctx.engine)
            done += 1
    finally:
        if done:
            ctx.log("edit records", records=done)
            ctx.changed()
    return done

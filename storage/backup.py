"""The backup file: one ZIP with the demand history AND the lane master data.

:func:`export_backup` reads and builds it; :func:`restore_backup` validates
everything first and then replaces all data in one transaction.  The format
code (:func:`build`, :func:`parse`) needs no database.

Layout
------
``backup.json``
    Format name and version, creation time, and the number of lanes and
    demand rows (checked on restore, so a truncated file is refused).
``lanes.csv``
    One row per lane, one column per field of :class:`domain.LaneMasterData`
    in declaration order.  The columns come from the dataclass, so a field
    added later is backed up and restored without touching this module;
    a backup written before a field existed restores it with its default.
``demand.csv``
    ``date,lane,demand`` exactly as :func:`storage.reads.export_csv` writes it
    (the import format).

Text cells are guarded against spreadsheet formulas (:mod:`importing.safe_text`) and
unguarded on restore; numbers are written with ``repr`` so floats round-trip
bit for bit.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

import importing
from domain import LaneMasterData, ValidationError
from importing.safe_text import guard_cell, unguard_cell
from storage.connect import ensure_schema
from storage.lanes import insert_lanes, list_lane_master, master_row
from storage.reads import export_csv
from storage.scenarios import drop_scenarios
from storage.transactions import writing
from storage.writer import wipe_tables, write_parsed

FORMAT = "lsp-capacity-twin-backup"
VERSION = 1
MANIFEST = "backup.json"
LANES_FILE = "lanes.csv"
DEMAND_FILE = "demand.csv"
MAX_MEMBER_BYTES = 2 * 1024**3  # refuse "zip bombs": no member may unpack beyond this
_SHOWN_PROBLEMS = 10


def master_fields() -> list[dataclasses.Field]:
    """The master-data fields, in declaration order (``code`` first)."""
    return list(dataclasses.fields(LaneMasterData))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple | list):
        return json.dumps(list(value))
    raise TypeError(f"cannot back up a master-data value of type {type(value).__name__}")


def _parse(field: dataclasses.Field, text: str) -> Any:
    """One cell back into the field's type (annotations are strings: ``from __future__``)."""
    kind = str(field.type).replace(" ", "")
    if text == "":
        if "None" in kind:
            return None
        if field.default is not dataclasses.MISSING:
            return field.default
        if kind.startswith("str"):
            return ""
        raise ValueError("is empty")
    if kind.startswith("str"):
        return unguard_cell(text)
    if kind.startswith("bool"):
        if text not in ("true", "false"):
            raise ValueError(f"must be true or false, got {text!r}")
        return text == "true"
    if kind.startswith("int"):
        return int(text)
    if kind.startswith("float"):
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number, got {text!r}")
        return value
    value = json.loads(text)
    return tuple(value) if kind.startswith("tuple") and isinstance(value, list) else value


def lanes_csv(masters: Iterable[LaneMasterData]) -> bytes:
    """``lanes.csv``: one row per lane, one column per master-data field."""
    names = [f.name for f in master_fields()]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for master in masters:
        writer.writerow([_cell(getattr(master, name)) for name in names])
    return out.getvalue().encode("utf-8")


def build(masters: list[LaneMasterData], demand_csv: bytes, demand_rows: int) -> bytes:
    """The backup ZIP from the master data and the demand export."""
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "lanes": len(masters),
        "demand_rows": int(demand_rows),
        "master_fields": [f.name for f in master_fields()],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        archive.writestr(LANES_FILE, lanes_csv(masters))
        archive.writestr(DEMAND_FILE, demand_csv)
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class Backup:
    """A parsed, validated backup (nothing written yet)."""

    manifest: dict[str, Any]
    masters: list[LaneMasterData]
    demand_csv: bytes


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValidationError(f"The backup has no {name}: this is not a backup of this app.") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValidationError(f"{name} in the backup is larger than {MAX_MEMBER_BYTES:,} bytes.")
    return archive.read(info)


def parse(data: bytes) -> Backup:
    """Read and validate a backup ZIP; raise :class:`ValidationError` naming row and column."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValidationError("The file is not a backup ZIP of this app.") from None
    with archive:
        try:
            manifest = json.loads(_read_member(archive, MANIFEST))
        except (ValueError, UnicodeDecodeError):
            raise ValidationError(f"{MANIFEST} in the backup is not valid JSON.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValidationError("The file is not a backup of this app (unknown format).")
        if manifest.get("version") != VERSION:
            raise ValidationError(
                f"Backup format version {manifest.get('version')!r} is not supported "
                f"(this version reads {VERSION})."
            )
        masters = _parse_lanes(_read_member(archive, LANES_FILE))
        demand = _read_member(archive, DEMAND_FILE)
    if len(masters) != manifest.get("lanes"):
        raise ValidationError(
            f"{LANES_FILE} holds {len(masters)} lanes but the backup says {manifest.get('lanes')}: "
            "the file is incomplete."
        )
    return Backup(manifest=manifest, masters=masters, demand_csv=demand)


def _parse_lanes(data: bytes) -> list[LaneMasterData]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{LANES_FILE} in the backup is not UTF-8 text.") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or "code" not in rows[0]:
        raise ValidationError(f"{LANES_FILE} in the backup has no 'code' column.")
    header = rows[0]
    known = {f.name: f for f in master_fields()}
    problems: list[str] = []
    masters: list[LaneMasterData] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.append(f"{LANES_FILE} row {number}: {len(row)} fields, header has {len(header)}")
            continue
        values: dict[str, Any] = {}
        for column, text_value in zip(header, row, strict=True):
            field = known.get(column)
            if field is None:
                continue  # a field of a newer version: ignored
            try:
                values[column] = _parse(field, text_value)
            except (ValueError, TypeError) as exc:
                problems.append(f"{LANES_FILE} row {number}, column '{column}': {exc}")
        if len(problems) >= _SHOWN_PROBLEMS:
            break
        try:
            master = LaneMasterData(**values)
        except (ValidationError, TypeError) as exc:
            problems.append(f"{LANES_FILE} row {number}: {exc}")
            continue
        if master.code in seen:
            problems.append(f"{LANES_FILE} row {number}, column 'code': lane {master.code!r} twice")
        seen.add(master.code)
        masters.append(master)
    if problems:
        raise ValidationError("The backup was not restored: " + "; ".join(problems[:_SHOWN_PROBLEMS]))
    return masters


# --------------------------------------------------------------------------- database side


def export_backup(*, engine: Engine) -> bytes:
    """One ZIP with the demand history AND every lane's master data.

    Read in one snapshot-free pass per table; take it while nobody writes for
    an exactly consistent copy (the restore checks the counts it states).
    """
    ensure_schema(engine)
    masters = list(list_lane_master(engine=engine).values())
    demand = export_csv(engine=engine)
    rows = demand.count(b"\n") - 1
    return build(masters, demand, rows)


@dataclasses.dataclass(frozen=True)
class BackupRestored:
    """What :func:`restore_backup` wrote (and dropped)."""

    lanes: int
    rows: int  # demand records
    scenarios_dropped: int  # saved scenarios of lanes the backup does not hold


def restore_backup(data: bytes, *, engine: Engine) -> BackupRestored:
    """Replace ALL data with a backup's lanes and demand, in one transaction.

    Everything is validated first (format, every master-data field, every
    demand row, every demand lane present in the master data, the counts
    the backup states); a backup with any problem writes nothing and raises
    :class:`ValidationError`.  Saved scenarios are not part of a backup: those
    of lanes the backup holds stay, the others go in the same transaction.
    """
    parsed_backup = parse(data)
    parsed = importing.parse_demand_csv(parsed_backup.demand_csv)
    if not parsed.ok:
        shown = "; ".join(str(e) for e in parsed.errors[:5])
        raise ValidationError(f"The backup was not restored: demand.csv has problems: {shown}")
    expected = parsed_backup.manifest.get("demand_rows")
    if len(parsed.volume) != expected:
        raise ValidationError(
            f"The backup was not restored: demand.csv holds {len(parsed.volume)} rows but the "
            f"backup says {expected}: the file is incomplete."
        )
    codes = {m.code for m in parsed_backup.masters}
    orphans = [lane for lane in parsed.lanes if lane not in codes]
    if orphans:
        raise ValidationError(
            f"The backup was not restored: demand.csv names lanes without master data: "
            f"{', '.join(repr(o) for o in orphans[:5])}"
        )
    ensure_schema(engine)
    with writing(engine, "Restoring the backup") as conn:
        wipe_tables(conn)
        masters = sorted(parsed_backup.masters, key=lambda m: m.code)
        insert_lanes(conn, [master_row(m) for m in masters], update=True)
        if len(parsed.volume):
            write_parsed(conn, parsed, "skip", ())
        dropped = drop_scenarios(conn, orphans=True)
    return BackupRestored(len(parsed_backup.masters), len(parsed.volume), dropped)

"""Lane master data: the ``lanes`` table, its row conversion and CRUD.

Writers that need lanes (imports, single records) call :func:`ensure_lanes`
inside their own transaction: lanes are always written before demand, the
one global lock order every writer follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, Text, bindparam, delete, func, literal, select
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from domain import LaneMasterData, NotFoundError, ValidationError
from storage.connect import ensure_schema
from storage.errors import translate
from storage.scenarios import drop_scenarios
from storage.schema import DEMAND, LANES, MASTER_FIELDS
from storage.transactions import writing
from storage.validation import clean_lane

LANE_INSERT_BATCH = 1_000  # rows per multi-VALUES statement (13 parameters each)


# --------------------------------------------------------------------------- row conversion


def master_row(data: LaneMasterData) -> dict[str, Any]:
    """The ``lanes`` row of ``data`` (weekday capacity as comma-joined text)."""
    row = data.as_dict()
    row["code"] = clean_lane(row["code"])
    weekday = row["weekday_capacity"]
    row["weekday_capacity"] = "" if weekday is None else ",".join(repr(float(v)) for v in weekday)
    return {k: row[k] for k in MASTER_FIELDS}


def _master_value(name: str, value: Any) -> Any:
    if name in ("code", "name"):
        return value
    if name == "review_period_days":
        return int(value)
    if name == "weekday_capacity":
        text = (value or "").strip()
        return tuple(float(v) for v in text.split(",")) if text else None
    return float(value)


def master_from_row(row: Any) -> LaneMasterData:
    """:class:`LaneMasterData` from a ``lanes`` row (the inverse of :func:`master_row`)."""
    values = row._mapping
    return LaneMasterData(**{k: _master_value(k, values[k]) for k in MASTER_FIELDS})


# --------------------------------------------------------------------------- inside a write


def lane_ids(conn: Connection) -> dict[str, int]:
    """Lane code -> lane id of every stored lane."""
    return {code: lane_id for lane_id, code in conn.execute(select(LANES.c.id, LANES.c.code))}


def ensure_lanes(
    conn: Connection, codes: Iterable[str], masters: Iterable[LaneMasterData] = ()
) -> dict[str, int]:
    """Create missing lanes (given or default master data); return code -> id for all lanes."""
    known = lane_ids(conn)
    given = {m.code: m for m in masters}
    # Sorted: concurrent writers insert overlapping new lanes in the same order, so they
    # queue behind each other instead of deadlocking.
    missing = sorted(c for c in {*codes, *given} if c not in known)
    if missing:
        with_master = [c for c in missing if c in given]
        defaults = [c for c in missing if c not in given]
        if with_master:
            insert_lanes(conn, [master_row(given[c]) for c in with_master], update=False)
        if defaults and conn.dialect.name == "postgresql":
            _pg_insert_default_lanes(conn, defaults)
        elif defaults:
            rows = [master_row(LaneMasterData(code=c, name=c)) for c in defaults]
            insert_lanes(conn, rows, update=False)
        known = lane_ids(conn)
    return known


def _pg_insert_default_lanes(conn: Connection, codes: list[str]) -> None:
    """New lanes with default master data in ONE statement (``unnest`` of the codes).

    100,000 new lanes are one round trip instead of 100 batches; the columns
    come from the table, so new master-data fields need no change here.
    """
    template = master_row(LaneMasterData(code="x", name="x"))
    codes_table = select(
        func.unnest(bindparam("codes", value=codes, type_=pg_dialect.ARRAY(Text))).label("c")
    ).subquery()
    code = codes_table.c.c
    columns = [
        code if k in ("code", "name") else literal(template[k], type_=LANES.c[k].type)
        for k in MASTER_FIELDS
    ]
    stmt = (
        pg_dialect.insert(LANES)
        .from_select(MASTER_FIELDS, select(*columns).order_by(code))
        .on_conflict_do_nothing(index_elements=["code"])
    )
    conn.execute(stmt)


def insert_lanes(conn: Connection, rows: list[dict[str, Any]], *, update: bool) -> None:
    """Insert (or upsert) lane rows with multi-row VALUES statements, not one per lane."""
    # One compiled statement executed for many parameter sets: SQLAlchemy batches them
    # ("insertmanyvalues"); a literal multi-VALUES statement with 13,000 bind
    # parameters costs ~0.5 s just to compile.
    stmt = _upsert(conn, update=update)
    for start in range(0, len(rows), LANE_INSERT_BATCH):
        conn.execute(stmt, rows[start : start + LANE_INSERT_BATCH])


def _upsert(conn: Connection, *, update: bool) -> Any:
    dialect = pg_dialect if conn.dialect.name == "postgresql" else sqlite_dialect
    stmt = dialect.insert(LANES)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=["code"])
    changes = {k: stmt.excluded[k] for k in MASTER_FIELDS if k != "code"}
    return stmt.on_conflict_do_update(index_elements=["code"], set_=changes)


# --------------------------------------------------------------------------- public API


def list_lanes(*, engine: Engine) -> list[str]:
    """Codes of all lanes (with master data or demand), sorted."""
    ensure_schema(engine)
    with translate(engine, "Listing lanes"), engine.connect() as conn:
        return sorted(conn.execute(select(LANES.c.code)).scalars())


def get_lane_master(code: str, *, engine: Engine) -> LaneMasterData:
    """Master data of lane ``code``; :class:`NotFoundError` if it does not exist."""
    ensure_schema(engine)
    with translate(engine, "Reading master data"), engine.connect() as conn:
        row = conn.execute(select(LANES).where(LANES.c.code == code)).first()
    if row is None:
        raise NotFoundError(f"Lane {code!r} does not exist.")
    return master_from_row(row)


def list_lane_master(*, engine: Engine) -> dict[str, LaneMasterData]:
    """Master data of every lane, keyed by lane code (sorted)."""
    ensure_schema(engine)
    with translate(engine, "Reading master data"), engine.connect() as conn:
        rows = conn.execute(select(LANES)).all()
    masters = [master_from_row(r) for r in rows]
    return {m.code: m for m in sorted(masters, key=lambda m: m.code)}


def lane_master_rows(*, engine: Engine) -> list[tuple[Any, ...]]:
    """Raw master-data rows (code first, then :data:`MASTER_FIELDS` order) for hashing;
    10,000 lanes in milliseconds, without building LaneMasterData objects."""
    ensure_schema(engine)
    columns = [LANES.c[name] for name in MASTER_FIELDS]
    with translate(engine, "Reading master data"), engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(*columns))]


def save_lane_master(data: LaneMasterData, *, engine: Engine) -> None:
    """Insert or update the master data of ``data.code``."""
    if not isinstance(data, LaneMasterData):
        raise ValidationError(f"expected LaneMasterData, got {type(data).__name__}")
    row = master_row(data)
    ensure_schema(engine)
    with writing(engine, "Saving master data") as conn:
        insert_lanes(conn, [row], update=True)


def delete_lane(code: str, *, engine: Engine) -> int:
    """Delete lane ``code`` with its master data, demand history and saved scenarios.

    One transaction; returns the number of saved scenarios deleted with the lane.
    """
    ensure_schema(engine)
    with writing(engine, "Deleting the lane") as conn:
        # Lock the lane row before touching demand: lanes before demand, as every writer.
        lane_id = conn.execute(
            select(LANES.c.id).where(LANES.c.code == code).with_for_update()
        ).scalar()
        if lane_id is None:
            raise NotFoundError(f"Lane {code!r} does not exist.")
        conn.execute(delete(DEMAND).where(DEMAND.c.lane_id == lane_id))
        conn.execute(delete(LANES).where(LANES.c.id == lane_id))
        return drop_scenarios(conn, lane=code)

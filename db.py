"""Persistence: lanes with master data and daily demand history.

PostgreSQL in production (``DATABASE_URL``), an embedded SQLite file
otherwise (``settings.sqlite_path``).  This is the only module that imports
SQLAlchemy; callers get plain pandas/domain objects and our own errors:

* a database that is down or refuses an operation -> :class:`domain.DataAccessError`
  (the message names the host, never the password);
* a record or lane id that does not exist -> :class:`domain.NotFoundError`;
* bad single-record input -> :class:`domain.ValidationError`;
* bad import files are *reported* (:class:`csv_import.ImportReport`), not raised.

Every write is one short transaction per user action.

Schema
------
``lanes``: one row per lane with all :class:`domain.LaneMasterData` fields.
``demand``: ``id, lane_id, date, volume`` with ``UNIQUE(lane_id, date)`` and
``CHECK(0 <= volume <= MAX_VOLUME)``.  ``lane_id`` is deliberately *not* a
declared foreign key: PostgreSQL checks foreign keys with a per-row trigger,
which cut bulk-import throughput to about a third in our measurements.
Referential integrity is kept here instead: every write path creates the
lane row before its demand rows, and :func:`delete_lane` removes both, each in
one transaction.

Bulk loading on PostgreSQL streams validated rows as a binary ``COPY`` buffer
built with NumPy (no per-row Python).  Three paths, chosen under a table lock:

1. empty ``demand`` table and a large load: drop the two unique indexes,
   ``COPY`` straight into ``demand``, rebuild them (PostgreSQL manual,
   "Populating a Database": index builds beat per-row index maintenance);
2. none of the file's lanes has rows yet: ``COPY`` straight into ``demand``;
3. otherwise ``COPY`` into a TEMP staging table and merge with
   ``INSERT ... SELECT ... ON CONFLICT`` according to ``on_duplicate``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import operator
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Engine,
    Identity,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import csv_import
import scenarios
from csv_import import (
    EPOCH,
    MAX_LANE_NAME_LENGTH,
    MAX_REPORTED_ERRORS,
    MAX_VOLUME,
    ImportReport,
    ParsedDemand,
    RowError,
    lane_problem,
    volume_problem,
)
from domain import (
    BusyError,
    DataAccessError,
    LaneMasterData,
    LspError,
    NotFoundError,
    ValidationError,
)
from safe_text import guard_cell
from services.config import PROJECT_DIR, get_settings

try:  # the PostgreSQL driver is optional for SQLite-only use
    import psycopg2
    _DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg2.Error)
except ImportError:  # pragma: no cover - psycopg2-binary is a runtime dependency
    _DRIVER_ERRORS = (sqlite3.Error,)

DUPLICATE_POLICIES = ("skip", "replace", "reject")
BULK_REBUILD_MIN_ROWS = 100_000  # below this, per-row index maintenance is cheaper than rebuilding
PG_CONNECT_TIMEOUT_S = 5  # an unreachable host fails fast instead of hanging the dashboard
SQLITE_BUSY_TIMEOUT_S = 30  # wait this long for another writer before "database is locked"
LOCK_TIMEOUT_S = 30  # PostgreSQL: a writer waits at most this long for a lock, then BusyError
_WRITE_OPTION = "lsp_write"  # execution option marking a write connection (BEGIN IMMEDIATE)
PG_DATE_EPOCH_DAYS = (dt.date(2000, 1, 1) - EPOCH).days  # PostgreSQL counts dates from 2000-01-01
EXPORT_HEADER = ("date", "lane", "demand")

ProgressCallback = Callable[[float, str], None]


# --------------------------------------------------------------------------- schema


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "pk": "pk_%(table_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        }
    )


# SQLite needs the exact type INTEGER for an auto-incrementing rowid primary key.
_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class Lane(Base):
    """A service lane and its master data (units as in :class:`domain.LaneMasterData`)."""

    __tablename__ = "lanes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(MAX_LANE_NAME_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(Text, default="")
    internal_capacity: Mapped[float] = mapped_column(Double)  # units/day
    holding_cost: Mapped[float] = mapped_column(Double)  # EUR/unit/year
    penalty_cost: Mapped[float] = mapped_column(Double)  # EUR/unit short
    partner_surcharge: Mapped[float] = mapped_column(Double)  # EUR/unit
    order_cost: Mapped[float] = mapped_column(Double)  # EUR/order
    handling_cost: Mapped[float] = mapped_column(Double)  # EUR/unit
    revenue_per_unit: Mapped[float] = mapped_column(Double)  # EUR/unit
    return_rate: Mapped[float] = mapped_column(Double)  # fraction
    lead_time_mean: Mapped[float] = mapped_column(Double)  # days
    lead_time_std: Mapped[float] = mapped_column(Double)  # days
    # added with the time-phased capacity plan; defaults keep older files valid
    review_period_days: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # days
    capacity_coverage_level: Mapped[float] = mapped_column(
        Double, default=0.95, server_default="0.95")  # fraction
    reservation_fee: Mapped[float] = mapped_column(
        Double, default=0.0, server_default="0")  # EUR per reserved unit per day
    spot_premium: Mapped[float] = mapped_column(Double, default=0.0, server_default="0")  # EUR/unit
    weekday_capacity: Mapped[str] = mapped_column(
        Text, default="", server_default="")  # "Mon,...,Sun" units/day; "" = flat


class DemandRecord(Base):
    """Demand of one lane on one day [units/day]."""

    __tablename__ = "demand"
    __table_args__ = (
        UniqueConstraint("lane_id", "date"),
        CheckConstraint(f"volume >= 0 AND volume <= {MAX_VOLUME:.0f}", name="volume_range"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(_ID_TYPE, Identity(), primary_key=True)
    lane_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    volume: Mapped[float] = mapped_column(Double)


class DataVersion(Base):
    """One row (id 1) whose ``version`` every committed write increments."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


LANES = Lane.__table__
DEMAND = DemandRecord.__table__
VERSION = DataVersion.__table__
MASTER_FIELDS = [c.name for c in LANES.columns if c.name != "id"]
_PK_NAME = "pk_demand"
_UQ_NAME = "uq_demand_lane_id_date"


# --------------------------------------------------------------------------- engines

_ENGINES: dict[str, Engine] = {}
_SCHEMA_READY: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose schema exists
_LOCK = threading.Lock()


def normalise_url(url: str | URL) -> str:
    """Map the URL forms hosting providers hand out onto the installed driver.

    >>> normalise_url("postgres://u:pw@db.example.com:5432/app")
    'postgresql+psycopg2://u:pw@db.example.com:5432/app'
    >>> normalise_url("postgresql://db/app?sslmode=require")
    'postgresql+psycopg2://db/app?sslmode=require'
    >>> normalise_url("sqlite:///data/x.sqlite")
    'sqlite:///data/x.sqlite'
    """
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url).strip()
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; we ship psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            return "postgresql+psycopg2://" + text[len(prefix) :]
    return text


def _configured_url() -> str:
    settings = get_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    return f"sqlite:///{Path(settings.sqlite_path)}"


def get_engine(url: str | URL | None = None) -> Engine:
    """Engine for ``url`` (default: ``DATABASE_URL``, else the SQLite file), schema created.

    Engines are cached per URL.  Raises :class:`DataAccessError` when the
    database cannot be reached.
    """
    key = normalise_url(url) if url is not None else _configured_url()
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _create_engine(key)
            try:
                _ensure_schema(engine)
            except DataAccessError:
                engine.dispose()
                raise
            _ENGINES[key] = engine
    return engine


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
            _configure_sqlite(engine)
            return engine
        connect_args = {}
        if parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DataAccessError(f"Cannot use {_label_for_url(parsed)}: {_reason(exc)}") from exc


def _configure_sqlite(engine: Engine) -> None:
    """Explicit transactions (SQLAlchemy's documented pysqlite recipe) and WAL journaling."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        # WAL lets the dashboard read while an import writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred BEGIN that reads and then writes cannot wait for the write lock in
        # WAL mode (SQLite fails it at once with "database is locked" if another writer
        # committed meanwhile); BEGIN IMMEDIATE takes the write lock up front and waits
        # up to the busy timeout.  Reads stay deferred so they never queue behind writers.
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _add_missing_lane_columns(conn: Connection) -> None:
    """Bring a lanes table written by an older release up to the current columns.

    Each added column carries its server default, so existing lanes keep
    their meaning (daily review, 95 % coverage, no reservation contract).
    Runs inside the schema transaction.
    """
    present = {c["name"] for c in inspect(conn).get_columns(LANES.name)}
    for column in [c for c in LANES.columns if c.name not in present]:
        kind = column.type.compile(dialect=conn.dialect)
        default = column.server_default.arg if column.server_default is not None else None
        clause = f" NOT NULL DEFAULT '{default}'" if default is not None else ""
        conn.exec_driver_sql(f'ALTER TABLE {LANES.name} ADD COLUMN "{column.name}" {kind}{clause}')


def _ensure_schema(engine: Engine) -> None:
    if engine in _SCHEMA_READY:
        return
    with _writing(engine, "Creating the schema", bump=False) as conn:
        Base.metadata.create_all(conn)
        _add_missing_lane_columns(conn)
    _SCHEMA_READY.add(engine)


@contextmanager
def _writing(engine: Engine, action: str, *, bump: bool = True) -> Iterator[Connection]:
    """One write transaction that waits its turn instead of failing at once.

    SQLite: ``BEGIN IMMEDIATE`` (see :func:`_configure_sqlite`), waiting up to
    :data:`SQLITE_BUSY_TIMEOUT_S`.  PostgreSQL: ``lock_timeout`` bounds every lock
    wait to :data:`LOCK_TIMEOUT_S`; callers take locks in one global order (lanes,
    then demand, then the data-version row) so two writers never deadlock.
    Every committed write bumps the data version (:func:`data_version`) in the
    same transaction, so other processes notice it.  A writer that still does not
    get its turn raises :class:`BusyError`.
    """
    with _translate(engine, action), engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            if _is_pg(engine):
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            yield conn
            if bump:
                _bump_version(conn)


def _bump_version(conn: Connection) -> None:
    dialect = pg_dialect if conn.dialect.name == "postgresql" else sqlite_dialect
    stmt = dialect.insert(VERSION).values(id=1, version=1)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={"version": VERSION.c.version + 1}
        )
    )


def data_version(*, engine: Engine | None = None) -> int:
    """Counter bumped by every committed write (any process, any replica).

    A cheap primary-key read: the UI compares it on every rerun and clears its
    caches when another process has written.
    """
    engine = _resolve(engine)
    with _translate(engine, "Reading the data version"), engine.connect() as conn:
        value = conn.execute(select(VERSION.c.version).where(VERSION.c.id == 1)).scalar()
    return int(value or 0)


def _resolve(engine: Engine | None) -> Engine:
    if engine is None:
        return get_engine()
    _ensure_schema(engine)
    return engine


def _is_pg(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


# --------------------------------------------------------------------------- errors


def _label_for_url(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = Path(url.database or ":memory:")
        try:
            shown = path.resolve().relative_to(PROJECT_DIR)
        except (ValueError, OSError):
            shown = path
        return f"SQLite file {shown}"
    if backend == "postgresql":
        return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return f"{backend} database at {url.host or ''}"


def database_label(engine: Engine | None = None) -> str:
    """Where the data lives, for the UI (never shows a password)."""
    url = engine.url if engine is not None else make_url(_configured_url())
    return _label_for_url(url)


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


@contextmanager
def _translate(engine: Engine, action: str) -> Iterator[None]:
    """Turn driver/SQLAlchemy failures into DataAccessError with a clear message."""
    try:
        yield
    except LspError:
        raise
    except (SQLAlchemyError, *_DRIVER_ERRORS) as exc:
        if _is_busy(exc):
            raise BusyError(
                f"{action} did not run: {database_label(engine)} is busy with another "
                "change right now. Nothing was written; try again in a moment."
            ) from exc
        message = _reason(exc)
        password = engine.url.password
        if password:
            message = message.replace(str(password), "***")
        raise DataAccessError(
            f"{action} failed: {database_label(engine)} is unavailable or refused it ({message})."
        ) from exc


# SQLSTATEs of "another transaction holds what you need": lock_not_available,
# deadlock_detected, serialization_failure.
_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def _is_busy(exc: BaseException) -> bool:
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "pgcode", None) in _BUSY_SQLSTATES:
        return True
    if isinstance(original, sqlite3.OperationalError):
        text = str(original).lower()
        return "database is locked" in text or "database is busy" in text
    return False


def ping(*, engine: Engine | None = None) -> None:
    """Return if the database answers; raise :class:`DataAccessError` otherwise."""
    engine = _resolve(engine)
    with _translate(engine, "Connecting"), engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


# --------------------------------------------------------------------------- validation helpers


def _clean_lane(lane: Any) -> str:
    if not isinstance(lane, str):
        raise ValidationError(f"lane must be text, got {type(lane).__name__}")
    code = lane.strip()
    problem = lane_problem(code)
    if problem:
        raise ValidationError(problem)
    return code


def _clean_volume(volume: Any) -> float:
    if isinstance(volume, bool):
        raise ValidationError(f"volume must be a number, got {volume!r}")
    try:
        value = float(volume)
    except (TypeError, ValueError):
        raise ValidationError(f"volume must be a number [units/day], got {volume!r}") from None
    problem = volume_problem(value)
    if problem:
        raise ValidationError(problem)
    return value


def _clean_date(value: Any) -> dt.date:
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ValidationError("date is missing")
        value = value.date()
    elif isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, np.datetime64):
        value = pd.Timestamp(value).date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(f"date must look like YYYY-MM-DD, got {value!r}") from None
    if not isinstance(value, dt.date):
        raise ValidationError(f"date must be a date, got {value!r}")
    if not csv_import.MIN_DATE <= value <= csv_import.MAX_DATE:
        raise ValidationError(
            f"date {value.isoformat()} is outside "
            f"{csv_import.MIN_DATE.isoformat()}..{csv_import.MAX_DATE.isoformat()}"
        )
    return value


def _master_row(data: LaneMasterData) -> dict[str, Any]:
    row = data.as_dict()
    row["code"] = _clean_lane(row["code"])
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


def _master_from_row(row: Any) -> LaneMasterData:
    values = row._mapping
    return LaneMasterData(**{k: _master_value(k, values[k]) for k in MASTER_FIELDS})


# --------------------------------------------------------------------------- lanes


def _lane_ids(conn: Connection) -> dict[str, int]:
    return {code: lane_id for lane_id, code in conn.execute(select(LANES.c.id, LANES.c.code))}


def _ensure_lanes(
    conn: Connection, codes: Iterable[str], masters: Iterable[LaneMasterData] = ()
) -> dict[str, int]:
    """Create missing lanes (given or default master data); return code -> id for all lanes."""
    known = _lane_ids(conn)
    given = {m.code: m for m in masters}
    # Sorted: concurrent writers insert overlapping new lanes in the same order, so they
    # queue behind each other instead of deadlocking.
    missing = sorted(c for c in {*codes, *given} if c not in known)
    if missing:
        with_master = [c for c in missing if c in given]
        defaults = [c for c in missing if c not in given]
        if with_master:
            _insert_lanes(conn, [_master_row(given[c]) for c in with_master], update=False)
        if defaults and conn.dialect.name == "postgresql":
            _pg_insert_default_lanes(conn, defaults)
        elif defaults:
            rows = [_master_row(LaneMasterData(code=c, name=c)) for c in defaults]
            _insert_lanes(conn, rows, update=False)
        known = _lane_ids(conn)
    return known


def _pg_insert_default_lanes(conn: Connection, codes: list[str]) -> None:
    """New lanes with default master data in ONE statement (``unnest`` of the codes).

    100,000 new lanes are one round trip instead of 100 batches; the columns
    come from the table, so new master-data fields need no change here.
    """
    template = _master_row(LaneMasterData(code="x", name="x"))
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


LANE_INSERT_BATCH = 1_000  # rows per multi-VALUES statement (13 parameters each)


def _insert_lanes(conn: Connection, rows: list[dict[str, Any]], *, update: bool) -> None:
    """Insert (or upsert) lane rows with multi-row VALUES statements, not one per lane."""
    # One compiled statement executed for many parameter sets: SQLAlchemy batches them
    # ("insertmanyvalues"); a literal multi-VALUES statement with 13,000 bind
    # parameters costs ~0.5 s just to compile.
    stmt = _upsert(conn, LANES, update=update)
    for start in range(0, len(rows), LANE_INSERT_BATCH):
        conn.execute(stmt, rows[start : start + LANE_INSERT_BATCH])


def _upsert(conn: Connection, table: Any, *, update: bool) -> Any:
    dialect = pg_dialect if conn.dialect.name == "postgresql" else sqlite_dialect
    stmt = dialect.insert(table)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=["code"])
    changes = {k: stmt.excluded[k] for k in MASTER_FIELDS if k != "code"}
    return stmt.on_conflict_do_update(index_elements=["code"], set_=changes)


def list_lanes(*, engine: Engine | None = None) -> list[str]:
    """Codes of all lanes (with master data or demand), sorted."""
    engine = _resolve(engine)
    with _translate(engine, "Listing lanes"), engine.connect() as conn:
        return sorted(conn.execute(select(LANES.c.code)).scalars())


def get_lane_master(code: str, *, engine: Engine | None = None) -> LaneMasterData:
    """Master data of lane ``code``; :class:`NotFoundError` if it does not exist."""
    engine = _resolve(engine)
    with _translate(engine, "Reading master data"), engine.connect() as conn:
        row = conn.execute(select(LANES).where(LANES.c.code == code)).first()
    if row is None:
        raise NotFoundError(f"Lane {code!r} does not exist.")
    return _master_from_row(row)


def list_lane_master(*, engine: Engine | None = None) -> dict[str, LaneMasterData]:
    """Master data of every lane, keyed by lane code (sorted)."""
    engine = _resolve(engine)
    with _translate(engine, "Reading master data"), engine.connect() as conn:
        rows = conn.execute(select(LANES)).all()
    masters = [_master_from_row(r) for r in rows]
    return {m.code: m for m in sorted(masters, key=lambda m: m.code)}


def save_lane_master(data: LaneMasterData, *, engine: Engine | None = None) -> None:
    """Insert or update the master data of ``data.code``."""
    if not isinstance(data, LaneMasterData):
        raise ValidationError(f"expected LaneMasterData, got {type(data).__name__}")
    row = _master_row(data)
    engine = _resolve(engine)
    with _writing(engine, "Saving master data") as conn:
        _insert_lanes(conn, [row], update=True)


def delete_lane(code: str, *, engine: Engine | None = None) -> None:
    """Delete lane ``code`` with its master data and demand history."""
    engine = _resolve(engine)
    with _writing(engine, "Deleting the lane") as conn:
        # Lock the lane row before touching demand: lanes before demand, as every writer.
        lane_id = conn.execute(
            select(LANES.c.id).where(LANES.c.code == code).with_for_update()
        ).scalar()
        if lane_id is None:
            raise NotFoundError(f"Lane {code!r} does not exist.")
        conn.execute(delete(DEMAND).where(DEMAND.c.lane_id == lane_id))
        conn.execute(delete(LANES).where(LANES.c.id == lane_id))


# --------------------------------------------------------------------------- single records


def add_record(lane: str, date: Any, volume: Any, *, engine: Engine | None = None) -> int:
    """Add one day of demand; returns the new record id.

    Raises :class:`ValidationError` for bad input or when the lane already has
    a record on that date.
    """
    code, day, value = _clean_lane(lane), _clean_date(date), _clean_volume(volume)
    engine = _resolve(engine)
    try:
        with _writing(engine, "Adding the record") as conn:
            lane_id = _ensure_lanes(conn, [code])[code]
            result = conn.execute(
                insert(DEMAND).values(lane_id=lane_id, date=day, volume=value).returning(DEMAND.c.id)
            )
            return int(result.scalar_one())
    except DataAccessError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            raise ValidationError(
                f"Lane {code!r} already has a record on {day.isoformat()}; edit that one instead."
            ) from None
        raise


def update_record(
    record_id: int,
    *,
    date: Any = None,
    volume: Any = None,
    engine: Engine | None = None,
) -> None:
    """Change the date and/or volume of record ``record_id``."""
    changes: dict[str, Any] = {}
    if date is not None:
        changes["date"] = _clean_date(date)
    if volume is not None:
        changes["volume"] = _clean_volume(volume)
    engine = _resolve(engine)
    try:
        with _writing(engine, "Updating the record") as conn:
            stmt = select(DEMAND.c.id).where(DEMAND.c.id == int(record_id))
            if conn.execute(stmt).first() is None:
                raise NotFoundError(f"Record {record_id} does not exist.")
            if changes:
                conn.execute(update(DEMAND).where(DEMAND.c.id == int(record_id)).values(**changes))
    except DataAccessError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            raise ValidationError(
                f"The lane of record {record_id} already has a record on "
                f"{changes['date'].isoformat()}."
            ) from None
        raise


def delete_record(record_id: int, *, engine: Engine | None = None) -> None:
    """Delete record ``record_id``; :class:`NotFoundError` if there is none."""
    engine = _resolve(engine)
    with _writing(engine, "Deleting the record") as conn:
        result = conn.execute(delete(DEMAND).where(DEMAND.c.id == int(record_id)))
        if result.rowcount == 0:
            raise NotFoundError(f"Record {record_id} does not exist.")


def get_records(lane: str, *, limit: int | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Records of ``lane`` (columns id, date, lane, demand), oldest first.

    With ``limit`` only the latest ``limit`` days are returned.
    """
    engine = _resolve(engine)
    with _translate(engine, "Reading records"), engine.connect() as conn:
        lane_id = conn.execute(select(LANES.c.id).where(LANES.c.code == lane)).scalar()
        if lane_id is None:
            raise NotFoundError(f"Lane {lane!r} does not exist.")
        stmt = (
            select(DEMAND.c.id, DEMAND.c.date, DEMAND.c.volume)
            .where(DEMAND.c.lane_id == lane_id)
            .order_by(DEMAND.c.date.desc())
        )
        if limit is not None:
            stmt = stmt.limit(int(limit))
        rows = conn.execute(stmt).all()
    rows.reverse()
    return pd.DataFrame(
        {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "lane": pd.Series([lane] * len(rows), dtype=object),
            "demand": np.array([r[2] for r in rows], dtype=np.float64),
        }
    )


# --------------------------------------------------------------------------- reading history


def load_demand(lane: str | None = None, *, engine: Engine | None = None) -> pd.DataFrame:
    """Demand history: columns date (datetime64[ns]), lane (str), demand (float) by lane, date.

    Fast path: no ORM objects; PostgreSQL streams a binary ``COPY`` decoded by
    NumPy in one call, SQLite fetches plain tuples.
    """
    engine = _resolve(engine)
    with _translate(engine, "Loading demand"), engine.connect() as conn:
        lane_ids = _lane_ids(conn)
        if lane is not None and lane not in lane_ids:
            return _demand_frame(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), [])
        wanted = None if lane is None else lane_ids[lane]
        if _is_pg(engine):
            ids, days, volume = _pg_read_demand(conn, wanted)
        else:
            ids, days, volume = _sqlite_read_demand(conn, wanted)
    codes_by_id = dict((v, k) for k, v in lane_ids.items())
    return _demand_frame(ids, days, volume, codes_by_id)


def _demand_frame(
    lane_ids: np.ndarray, days: np.ndarray, volume: np.ndarray, codes_by_id: Any
) -> pd.DataFrame:
    if len(lane_ids) == 0:
        return pd.DataFrame(
            {
                "date": pd.Series([], dtype="datetime64[ns]"),
                "lane": pd.Series([], dtype=object).astype(str),
                "demand": pd.Series([], dtype=np.float64),
            }
        )
    # Sort by lane code (Python string order, as list_lanes), then date.
    unique_ids = np.unique(lane_ids)
    codes = [codes_by_id.get(int(i), f"lane#{int(i)}") for i in unique_ids]
    order = np.argsort(np.array(codes, dtype=object), kind="stable")
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes))
    position = np.searchsorted(unique_ids, lane_ids)
    row_order = np.lexsort((days, rank[position]))
    # Take from the small array of distinct codes (no per-row Python string objects).
    lane_column = pd.Series(codes, dtype=str).take(position[row_order]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "date": days[row_order].astype("datetime64[D]").astype("datetime64[ns]"),
            "lane": lane_column,
            "demand": volume[row_order].astype(np.float64),
        }
    )


_PG_HEADER_LENGTH = 19  # signature (11) + flags (4) + extension length (4)


def _pg_read_demand(conn: Connection, lane_id: int | None):
    where = "" if lane_id is None else f" WHERE lane_id = {int(lane_id)}"
    sql = f"COPY (SELECT lane_id, date, volume FROM demand{where}) TO STDOUT WITH (FORMAT binary)"
    buffer = io.BytesIO()
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.copy_expert(sql, buffer)
    data = buffer.getbuffer()
    extension = int.from_bytes(data[15:19], "big")
    start = _PG_HEADER_LENGTH + extension
    layout = np.dtype(
        [("n", ">i2"), ("l1", ">i4"), ("lane", ">i4"), ("l2", ">i4"), ("date", ">i4"),
         ("l3", ">i4"), ("volume", ">f8")]
    )
    body = np.frombuffer(data[start : len(data) - 2], dtype=layout)
    return (
        body["lane"].astype(np.int64),
        body["date"].astype(np.int64) + PG_DATE_EPOCH_DAYS,
        body["volume"].astype(np.float64),
    )


def _sqlite_read_demand(conn: Connection, lane_id: int | None):
    """Columns of the demand table (one lane or all) in storage order; see :func:`_sqlite_read_where`."""
    where = "" if lane_id is None else f" WHERE lane_id = {int(lane_id)}"
    return _sqlite_read_where(conn, where, order="id")


_ISO_WIDTH = len("YYYY-MM-DD")


def _parse_iso_days(text: str, count: int) -> np.ndarray:
    """Comma-joined ISO dates -> days since 1970-01-01 (fixed width: a NumPy reshape)."""
    data = (text + ",").encode("ascii")
    if len(data) == count * (_ISO_WIDTH + 1):
        fixed = np.frombuffer(data, dtype=np.uint8).reshape(count, _ISO_WIDTH + 1)
        as_text = fixed[:, :_ISO_WIDTH].copy().view(f"S{_ISO_WIDTH}").ravel()
        return as_text.astype("datetime64[D]").astype(np.int64)
    parsed = pd.to_datetime(pd.Series(text.split(",")), format="ISO8601")
    return parsed.to_numpy(dtype="datetime64[D]").astype(np.int64)


def export_csv(lane: str | None = None, *, engine: Engine | None = None) -> bytes:
    """History of ``lane`` (or all lanes) as UTF-8 CSV ``date,lane,demand``; re-importable."""
    frame = load_demand(lane, engine=engine)
    if lane is not None and frame.empty and lane not in list_lanes(engine=engine):
        raise NotFoundError(f"Lane {lane!r} does not exist.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    dates = frame["date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    volumes = frame["demand"].to_numpy()
    text_volumes = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in volumes]
    # Lane names are text a spreadsheet could evaluate ("=HYPERLINK(...)"): guarded;
    # dates and volumes (never negative) cannot start a formula.
    guarded = {code: guard_cell(code) for code in frame["lane"].unique()}
    lanes = frame["lane"].map(guarded).to_numpy(dtype=object)
    writer.writerows(zip(dates, lanes, text_volumes, strict=True))
    return out.getvalue().encode("utf-8")


def export_backup(*, engine: Engine | None = None) -> bytes:
    """One ZIP with the demand history AND every lane's master data (see :mod:`backup`).

    Read in one snapshot-free pass per table; take it while nobody writes for
    an exactly consistent copy (the restore checks the counts it states).
    """
    import backup  # local import: backup is pure format code

    engine = _resolve(engine)
    masters = list(list_lane_master(engine=engine).values())
    demand = export_csv(engine=engine)
    rows = demand.count(b"\n") - 1
    return backup.build(masters, demand, rows)


def restore_backup(data: bytes, *, engine: Engine | None = None) -> tuple[int, int]:
    """Replace ALL data with a backup's lanes and demand, in one transaction.

    Everything is validated first (format, every master-data field, every
    demand row, every demand lane present in the master data, the counts
    the backup states); a backup with any problem writes nothing and raises
    :class:`ValidationError`.  Returns ``(lanes, demand rows)`` restored.
    """
    import backup

    parsed_backup = backup.parse(data)
    parsed = csv_import.parse_demand_csv(parsed_backup.demand_csv)
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
    engine = _resolve(engine)
    with _writing(engine, "Restoring the backup") as conn:
        _wipe(conn)
        masters = sorted(parsed_backup.masters, key=lambda m: m.code)
        _insert_lanes(conn, [_master_row(m) for m in masters], update=True)
        if len(parsed.volume):
            _write_parsed(conn, parsed, "skip", ())
    return len(parsed_backup.masters), len(parsed.volume)


# --------------------------------------------------------------------------- import


class _Rejected(Exception):
    """Internal: abort the import transaction and report these errors."""

    def __init__(self, errors: list[RowError], total: int):
        super().__init__(f"{total} rows already exist")
        self.errors = errors
        self.total = total


IMPORT_CHUNK_BYTES = 4 * 1024 * 1024  # ~190,000 rows: peak memory follows the chunk, not the file
_QUOTE, _NEWLINE = ord('"'), ord("\n")


def _open_source(source: Any) -> tuple[IO[bytes], int | None, bool]:
    """(binary stream, size in bytes if known, whether we opened it and must close it)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return io.BytesIO(data), len(data), True
    if isinstance(source, str | Path):
        path = Path(source)
        return path.open("rb"), path.stat().st_size, True
    if hasattr(source, "read"):
        size = getattr(source, "size", None)
        probe = source.read(0)
        if isinstance(probe, str):  # a text file: encode it (small files only in practice)
            data = source.read().encode("utf-8")
            return io.BytesIO(data), len(data), True
        if size is None and hasattr(source, "seek") and hasattr(source, "tell"):
            try:
                here = source.tell()
                size = source.seek(0, io.SEEK_END) - here
                source.seek(here)
            except (OSError, ValueError):
                size = None
        return source, size, False
    raise ValidationError(
        f"import source must be a path, a file object or bytes, got {type(source).__name__}"
    )


def _record_end(buffer: bytes, *, first: bool = False) -> int:
    """Index just after the last (or ``first``) line break of ``buffer`` outside quotes; 0: none.

    ``buffer`` starts at a record boundary, so a line break ends a record when
    the number of quote characters before it is even (``""`` escapes count 2).
    """
    found = buffer.find(b"\n") if first else buffer.rfind(b"\n")
    if found < 0:
        return 0
    if b'"' not in (buffer[:found] if first else buffer):
        return found + 1
    raw = np.frombuffer(buffer, dtype=np.uint8)
    # uint8 cumsum wraps at 256, which keeps the parity we need, in one byte per char.
    odd = np.cumsum(raw == _QUOTE, dtype=np.uint8) & 1
    breaks = np.flatnonzero(raw == _NEWLINE)
    outside = breaks[odd[breaks] == 0]
    if not len(outside):
        return 0
    return int(outside[0 if first else -1]) + 1


def _chunks(stream: IO[bytes], chunk_bytes: int) -> Iterator[tuple[bytes, bytes, int, bool]]:
    """(header, body, bytes consumed so far, is_last) with bodies cut at record boundaries."""
    buffer = b""
    header = b""
    consumed = 0
    eof = False
    pending: tuple[bytes, int] | None = None
    while True:
        while not eof and len(buffer) < chunk_bytes:
            block = stream.read(chunk_bytes)
            if not block:
                eof = True
            buffer += block
        if not header:
            cut = _record_end(buffer, first=True)
            if cut == 0 and not eof:
                chunk_bytes *= 2  # a header longer than a chunk: read on
                continue
            cut = cut or len(buffer)
            header, buffer = buffer[:cut], buffer[cut:]
            consumed += cut
            if not header.endswith(b"\n"):
                header += b"\n"
        if eof:
            cut = len(buffer)
        else:
            cut = _record_end(buffer)
            if cut == 0:  # one record longer than a chunk: read more
                chunk_bytes *= 2
                continue
        body, buffer = buffer[:cut], buffer[cut:]
        consumed += cut
        if pending is not None:
            yield header, pending[0], pending[1], False
        pending = (body, consumed)
        if eof and not buffer:
            yield header, pending[0], pending[1], True
            return


def _records_in(body: bytes) -> int:
    """CSV records in ``body`` (blank ones included), as the parser numbers rows."""
    if not body:
        return 0
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if b'"' not in body:
        return lines
    try:
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return lines


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


class _Invalid(Exception):
    """Internal: the file has problems; roll the import transaction back."""


def import_csv(
    source: str | Path | bytes | IO[bytes] | IO[str],
    *,
    engine: Engine | None = None,
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
        :mod:`csv_import` for everything that is accepted).
    on_duplicate : {"skip", "replace", "reject"}
        What to do with rows whose lane and date are already stored:
        ``skip`` keeps the stored value (never overwrites, never doubles),
        ``replace`` overwrites it, ``reject`` writes nothing and reports them.
    progress : callable(fraction, message), optional
        Called with progress in [0, 1] for a UI progress bar.
    chunk_bytes : int, optional
        Size of one chunk [bytes]; default :data:`IMPORT_CHUNK_BYTES`.

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
        stream, size, close = _open_source(source)
    except OSError as exc:
        error = RowError(None, None, f"cannot read the file: {exc.strerror or exc}")
        return ImportReport(errors=[error], error_count_total=1)
    state = _ImportState(ImportReport())
    engine_: Engine | None = None
    try:
        chunks = _chunks(stream, max(int(chunk_bytes or IMPORT_CHUNK_BYTES), 64))
        first = next(chunks)
        header, body, consumed, last = first
        if last:  # the whole file in one chunk: validate all of it before touching the database
            notify(0.1, "Validating every row…")
            parsed = csv_import.parse_demand_csv(header + body)
            state.report.rows_read = parsed.rows_read
            state.report.lanes = list(parsed.lanes)
            state.add_errors(parsed.errors, parsed.error_count_total)
            if not parsed.ok or len(parsed.volume) == 0:
                notify(1.0, "Nothing to import." if parsed.ok else
                       "The file has problems; nothing imported.")
                return state.report
            notify(0.4, f"{parsed.rows_read} rows valid; writing…")
            engine_ = _resolve(engine)
            with _writing(engine_, "Importing") as conn:
                counts = _write_parsed(conn, parsed, on_duplicate, ())
        else:
            engine_ = _resolve(engine)
            counts = _import_chunks(engine_, state, [first], chunks, on_duplicate, notify, size)
    except OSError as exc:
        state.report.errors = [RowError(None, None, f"cannot read the file: {exc.strerror or exc}")]
        state.report.error_count_total = 1
        return state.report
    except _Rejected as rejected:
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
    head: list[tuple[bytes, bytes, int, bool]],
    rest: Iterator[tuple[bytes, bytes, int, bool]],
    on_duplicate: str,
    notify: ProgressCallback,
    size: int | None,
) -> tuple[int, int, int]:
    """Validate and write chunk by chunk in ONE transaction; raise _Invalid to roll back."""
    totals = [0, 0, 0]
    lanes: dict[str, None] = {}
    with _writing(engine, "Importing") as conn, ExitStack() as indexes:
        empty_at_start: bool | None = None
        invalid = rejected = False  # a bad row anywhere / stored rows under "reject"
        for header, body, consumed, _last in itertools.chain(head, rest):
            parsed = csv_import.parse_demand_csv(header + body)
            _shift(parsed, state.rows_before)
            state.rows_before += _records_in(body)
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
                    if _is_pg(engine):
                        # Later chunks create lanes while we hold the demand lock: keep
                        # other lane writers out until commit, so lanes still come first.
                        conn.exec_driver_sql("LOCK TABLE lanes IN SHARE ROW EXCLUSIVE MODE")
                    _ensure_lanes(conn, parsed.lanes)
                    if _is_pg(engine):
                        conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
                    empty_at_start = bool(conn.exec_driver_sql(
                        "SELECT NOT EXISTS (SELECT 1 FROM demand)").scalar())
                    if empty_at_start and _is_pg(engine):
                        indexes.enter_context(_indexes_dropped(conn, True))
                try:
                    counts = _write_parsed(conn, parsed, on_duplicate, (),
                                           rebuild_allowed=False, known_new=empty_at_start)
                except _Rejected as refused:
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


def _write_parsed(
    conn: Connection,
    parsed: ParsedDemand,
    on_duplicate: str,
    masters: Iterable[LaneMasterData],
    *,
    rebuild_allowed: bool = True,
    known_new: bool = False,
) -> tuple[int, int, int]:
    """Write validated rows inside the caller's transaction; returns (inserted, skipped, replaced)."""
    pg = conn.dialect.name == "postgresql"
    # Lanes first, then the demand table lock: the one global order every writer
    # follows (add_record creates its lane before inserting demand, too).
    ids_by_code = _ensure_lanes(conn, parsed.lanes, masters)
    if pg:
        conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
    lane_ids = np.array([ids_by_code[c] for c in parsed.lanes], dtype=np.int32)[parsed.lane_index]
    n = len(lane_ids)
    distinct_ids = sorted({int(ids_by_code[c]) for c in parsed.lanes})
    table_empty = (
        False if known_new
        else conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM demand)").scalar()
    )
    if known_new or table_empty or not _lanes_have_rows(conn, distinct_ids):
        if pg:
            rebuild = rebuild_allowed and bool(table_empty) and n >= BULK_REBUILD_MIN_ROWS
            with _indexes_dropped(conn, rebuild):
                _pg_copy_direct(conn, lane_ids, parsed.days, parsed.volume)
        else:
            _sqlite_insert_direct(conn, lane_ids, parsed.days, parsed.volume)
        return n, 0, 0
    return _merge(conn, parsed, lane_ids, on_duplicate)


def _lanes_have_rows(conn: Connection, lane_ids: list[int]) -> bool:
    chunk = 500  # stay far below SQLite's bound-parameter limit
    for start in range(0, len(lane_ids), chunk):
        part = lane_ids[start : start + chunk]
        stmt = select(DEMAND.c.id).where(DEMAND.c.lane_id.in_(part)).limit(1)
        if conn.execute(stmt).first() is not None:
            return True
    return False


@contextmanager
def _indexes_dropped(conn: Connection, active: bool) -> Iterator[None]:
    """Drop the demand unique indexes for a bulk load into an empty table and rebuild them."""
    if not active:
        yield
        return
    conn.exec_driver_sql(
        f"ALTER TABLE demand DROP CONSTRAINT {_PK_NAME}, DROP CONSTRAINT {_UQ_NAME}"
    )
    yield
    conn.exec_driver_sql(
        f"ALTER TABLE demand ADD CONSTRAINT {_PK_NAME} PRIMARY KEY (id), "
        f"ADD CONSTRAINT {_UQ_NAME} UNIQUE (lane_id, date)"
    )


def _pg_binary(fields: list[tuple[np.ndarray, str]]) -> bytes:
    """PostgreSQL binary COPY stream for fixed-width, non-null columns (built in NumPy)."""
    n = len(fields[0][0])
    layout = [("count", ">i2")]
    for k, (_, kind) in enumerate(fields):
        layout += [(f"len{k}", ">i4"), (f"val{k}", kind)]
    rows = np.empty(n, dtype=np.dtype(layout))
    rows["count"] = len(fields)
    for k, (values, kind) in enumerate(fields):
        rows[f"len{k}"] = np.dtype(kind).itemsize
        rows[f"val{k}"] = values
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    return header + rows.tobytes() + (-1).to_bytes(2, "big", signed=True)


def _copy_in(conn: Connection, sql: str, payload: bytes) -> None:
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.copy_expert(sql, io.BytesIO(payload))


def _pg_copy_direct(conn: Connection, lane_ids: np.ndarray, days: np.ndarray, volume: np.ndarray) -> None:
    n = len(lane_ids)
    # Reserve n ids in one step (we hold a lock that blocks every other demand insert),
    # so COPY need not call nextval() once per row.
    sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence('demand', 'id')").scalar()
    first = conn.exec_driver_sql(f"SELECT nextval('{sequence}')").scalar()
    if n > 1:
        conn.exec_driver_sql(f"SELECT setval('{sequence}', {int(first) + n - 1})")
    payload = _pg_binary(
        [
            (np.arange(first, first + n, dtype=np.int64), ">i8"),
            (lane_ids, ">i4"),
            (days.astype(np.int64) - PG_DATE_EPOCH_DAYS, ">i4"),
            (volume, ">f8"),
        ]
    )
    _copy_in(conn, "COPY demand (id, lane_id, date, volume) FROM STDIN WITH (FORMAT binary)", payload)


def _iso_dates(days: np.ndarray) -> list[str]:
    """ISO text per row (SQLite stores dates as text); each distinct day is formatted once."""
    distinct, inverse = np.unique(np.asarray(days, dtype=np.int64), return_inverse=True)
    text = distinct.astype("datetime64[D]").astype(str).astype(object)
    return text[inverse].tolist()


def _sqlite_insert_direct(conn: Connection, lane_ids: np.ndarray, days: np.ndarray, volume: np.ndarray) -> None:
    raw = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        cursor.executemany(
            "INSERT INTO demand (lane_id, date, volume) VALUES (?, ?, ?)",
            zip(lane_ids.tolist(), _iso_dates(days), volume.tolist(), strict=True),
        )
    finally:
        cursor.close()


def _merge(conn: Connection, parsed: ParsedDemand, lane_ids: np.ndarray, on_duplicate: str) -> tuple[int, int, int]:
    """Stage rows in a TEMP table, then merge them by ``on_duplicate``."""
    pg = conn.dialect.name == "postgresql"
    n = len(lane_ids)
    conn.exec_driver_sql("DROP TABLE IF EXISTS demand_staging")
    if pg:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE demand_staging (row_no bigint, lane_id integer, date date, "
            "volume double precision) ON COMMIT DROP"
        )
        payload = _pg_binary(
            [
                (parsed.row, ">i8"),
                (lane_ids, ">i4"),
                (parsed.days.astype(np.int64) - PG_DATE_EPOCH_DAYS, ">i4"),
                (parsed.volume, ">f8"),
            ]
        )
        _copy_in(conn, "COPY demand_staging FROM STDIN WITH (FORMAT binary)", payload)
    else:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE demand_staging (row_no INTEGER, lane_id INTEGER, date DATE, volume REAL)"
        )
        raw = conn.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.executemany(
                "INSERT INTO demand_staging VALUES (?, ?, ?, ?)",
                zip(parsed.row.tolist(), lane_ids.tolist(), _iso_dates(parsed.days),
                    parsed.volume.tolist(), strict=True),
            )
        finally:
            cursor.close()
    try:
        match = (
            "FROM demand_staging s JOIN demand d ON d.lane_id = s.lane_id AND d.date = s.date"
        )
        replaced = 0
        if on_duplicate == "reject":
            total = conn.exec_driver_sql(f"SELECT count(*) {match}").scalar()
            if total:
                rows = conn.exec_driver_sql(
                    f"SELECT s.row_no, l.code, s.date {match} JOIN lanes l ON l.id = s.lane_id "
                    f"ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}"
                ).all()
                errors = [
                    RowError(
                        int(row_no),
                        None,
                        f"lane '{code}' already has a record on {_as_date(day).isoformat()} "
                        "(duplicate policy 'reject': nothing was imported)",
                    )
                    for row_no, code, day in rows
                ]
                raise _Rejected(errors, int(total))
        elif on_duplicate == "replace":
            if pg:
                result = conn.exec_driver_sql(
                    "UPDATE demand d SET volume = s.volume FROM demand_staging s "
                    "WHERE d.lane_id = s.lane_id AND d.date = s.date"
                )
            else:
                result = conn.exec_driver_sql(
                    "UPDATE demand SET volume = (SELECT s.volume FROM demand_staging s "
                    "WHERE s.lane_id = demand.lane_id AND s.date = demand.date) "
                    "WHERE EXISTS (SELECT 1 FROM demand_staging s "
                    "WHERE s.lane_id = demand.lane_id AND s.date = demand.date)"
                )
            replaced = int(result.rowcount)
        # The anti-join keeps existing pairs from burning id numbers; ON CONFLICT stays as
        # the guarantee.  (A WHERE clause also resolves SQLite's INSERT ... SELECT ... ON
        # CONFLICT parsing ambiguity.)
        result = conn.exec_driver_sql(
            "INSERT INTO demand (lane_id, date, volume) "
            "SELECT s.lane_id, s.date, s.volume FROM demand_staging s WHERE NOT EXISTS "
            "(SELECT 1 FROM demand d WHERE d.lane_id = s.lane_id AND d.date = s.date) "
            "ORDER BY s.lane_id, s.date ON CONFLICT (lane_id, date) DO NOTHING"
        )
        inserted = int(result.rowcount)
    finally:
        if not pg:
            conn.exec_driver_sql("DROP TABLE IF EXISTS temp.demand_staging")
    return inserted, n - inserted - replaced, replaced


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


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
    problems = [f"lane {c!r}: {p}" for c in lanes if (p := lane_problem(c))]
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
    engine: Engine | None = None,
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
    wipe : bool
        Delete all existing lanes and demand first (same transaction).
    expected_rows : int, optional
        Total rows, for progress messages.

    Returns
    -------
    int
        Rows inserted (existing lane/date pairs are skipped).
    """
    notify = progress or (lambda _fraction, _message: None)
    engine = _resolve(engine)
    master_list = list(masters)
    total = 0
    with _writing(engine, "Loading demand") as conn:
        if wipe:
            _wipe(conn)
        if master_list:
            _insert_lanes(conn, [_master_row(m) for m in master_list], update=True)
        pg = _is_pg(engine)
        if pg:
            conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
        empty = bool(conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM demand)").scalar())
        rebuild = pg and empty and (expected_rows or 0) >= BULK_REBUILD_MIN_ROWS
        seen: set[str] = set()
        with _indexes_dropped(conn, rebuild):
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
                inserted, _, _ = _write_parsed(
                    conn, parsed, "skip", (), rebuild_allowed=False, known_new=empty
                )
                total += inserted
                fraction = min(total / expected_rows, 1.0) if expected_rows else 0.5
                notify(fraction, f"{total:,} rows written")
    notify(1.0, f"{total:,} rows written")
    return total


DEMO_SYNTHETIC_LANES = 20  # synthetic lanes next to the four scenarios: a network to rank


def seed_demo(
    *, engine: Engine | None = None, seed: int = 42, end: dt.date | None = None,
    synthetic_lanes: int = DEMO_SYNTHETIC_LANES,
) -> int:
    """Load the demo network (4 scenario lanes + synthetic lanes) into an EMPTY database.

    Returns the number of demand rows written.

    Raises :class:`ValidationError` if the database already holds demand.
    """
    import seed_data  # local import: seed_data's CLI imports this module

    engine = _resolve(engine)
    with _translate(engine, "Checking the database"), engine.connect() as conn:
        has_rows = conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM demand)").scalar()
    if has_rows:
        raise ValidationError(
            "The database already holds demand history; the demo data needs an empty database."
        )
    end = end or seed_data.default_end()
    frame, masters = seed_data.generate_scenarios(seed=seed, end=end)
    masters = [*masters, *seed_data.synthetic_masters(seed, synthetic_lanes)]
    chunks = [frame, *seed_data.iter_synthetic(seed, end, seed_data.DEFAULT_DAYS, synthetic_lanes)]
    return bulk_load(chunks, masters, engine=engine,
                     expected_rows=len(frame) + synthetic_lanes * seed_data.DEFAULT_DAYS)


# --------------------------------------------------------------------------- reset


def _wipe(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("TRUNCATE lanes, demand RESTART IDENTITY")  # lanes first: the global lock order
    else:
        conn.execute(delete(DEMAND))
        conn.execute(delete(LANES))
        has_sequence = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).first()
        if has_sequence:
            conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name IN ('demand', 'lanes')")


def reset_database(*, engine: Engine | None = None) -> None:
    """Factory reset: delete all lanes and demand and restart the id counters."""
    engine = _resolve(engine)
    with _writing(engine, "Resetting the database") as conn:
        _wipe(conn)


def count_records(*, engine: Engine | None = None) -> int:
    """Number of demand records stored."""
    engine = _resolve(engine)
    with _translate(engine, "Counting records"), engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(DEMAND)).scalar_one())


def dispose_engine(url: str | URL) -> None:
    """Close the pooled connections of the cached engine for ``url`` and forget it."""
    key = normalise_url(url)
    with _LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        _SCHEMA_READY.discard(engine)
        engine.dispose()


# =========================================================================== saved scenarios
# (issue 15) Named what-ifs of a lane.  Kept in this one section: own table, own queries;
# nothing above depends on it.  ``scenarios.SavedScenario`` is the value object.


class ScenarioRecord(Base):
    """A saved what-if: lane code, unique name per lane, master data as JSON."""

    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("lane", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    lane: Mapped[str] = mapped_column(String(MAX_LANE_NAME_LENGTH))
    name: Mapped[str] = mapped_column(String(200))
    params: Mapped[str] = mapped_column(Text)  # JSON of every LaneMasterData field
    service_level: Mapped[float | None] = mapped_column(Double, nullable=True)  # fraction; NULL = alpha*
    horizon_days: Mapped[int] = mapped_column(Integer)  # days
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # UTC


SCENARIOS = ScenarioRecord.__table__


def _scenario_from_row(row: Any) -> scenarios.SavedScenario:
    saved_at = row.saved_at
    if saved_at is not None and saved_at.tzinfo is None:  # SQLite drops the zone; it was UTC
        saved_at = saved_at.replace(tzinfo=dt.UTC)
    return scenarios.SavedScenario(
        name=row.name, lane=row.lane, params=scenarios.params_from_json(row.params),
        service_level=row.service_level, horizon_days=int(row.horizon_days), saved_at=saved_at,
    )


def save_scenario(
    saved: scenarios.SavedScenario, *, overwrite: bool = False, engine: Engine | None = None
) -> scenarios.SavedScenario:
    """Store ``saved``; returns it with ``saved_at`` set.

    Raises :class:`ValidationError` when the lane already has a scenario of that
    name and ``overwrite`` is False, :class:`NotFoundError` when the lane does not exist.
    """
    if not isinstance(saved, scenarios.SavedScenario):
        raise ValidationError(f"expected SavedScenario, got {type(saved).__name__}")
    now = dt.datetime.now(dt.UTC)
    values = {
        "lane": saved.lane, "name": saved.name, "params": scenarios.params_to_json(saved.params),
        "service_level": None if saved.service_level is None else float(saved.service_level),
        "horizon_days": int(saved.horizon_days), "saved_at": now,
    }
    engine = _resolve(engine)
    with _translate(engine, "Saving the scenario"), engine.begin() as conn:
        if conn.execute(select(LANES.c.id).where(LANES.c.code == saved.lane)).first() is None:
            raise NotFoundError(f"Lane {saved.lane!r} does not exist.")
        where = (SCENARIOS.c.lane == saved.lane) & (SCENARIOS.c.name == saved.name)
        exists = conn.execute(select(SCENARIOS.c.id).where(where)).first() is not None
        if exists and not overwrite:
            raise ValidationError(
                f"Lane {saved.lane} already has a scenario named {saved.name!r}; "
                "choose another name or overwrite it.")
        if exists:
            conn.execute(update(SCENARIOS).where(where).values(**values))
        else:
            conn.execute(insert(SCENARIOS).values(**values))
    return scenarios.SavedScenario(
        name=saved.name, lane=saved.lane, params=saved.params,
        service_level=saved.service_level, horizon_days=saved.horizon_days, saved_at=now)


def list_scenarios(
    lane: str | None = None, *, engine: Engine | None = None
) -> list[scenarios.SavedScenario]:
    """Saved scenarios of ``lane`` (all lanes when None), by lane then name."""
    engine = _resolve(engine)
    stmt = select(SCENARIOS).order_by(SCENARIOS.c.lane, SCENARIOS.c.name)
    if lane is not None:
        stmt = stmt.where(SCENARIOS.c.lane == lane)
    with _translate(engine, "Reading scenarios"), engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [_scenario_from_row(r) for r in rows]


def get_scenario(lane: str, name: str, *, engine: Engine | None = None) -> scenarios.SavedScenario:
    """The scenario ``name`` of ``lane``; :class:`NotFoundError` if there is none."""
    engine = _resolve(engine)
    where = (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == name)
    with _translate(engine, "Reading the scenario"), engine.connect() as conn:
        row = conn.execute(select(SCENARIOS).where(where)).first()
    if row is None:
        raise NotFoundError(f"Lane {lane!r} has no scenario named {name!r}.")
    return _scenario_from_row(row)


def rename_scenario(lane: str, old: str, new: str, *, engine: Engine | None = None) -> None:
    """Rename scenario ``old`` of ``lane`` to ``new`` (a name not yet used on the lane)."""
    new = scenarios.clean_name(new)
    engine = _resolve(engine)
    with _translate(engine, "Renaming the scenario"), engine.begin() as conn:
        taken = conn.execute(select(SCENARIOS.c.id).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == new))).first()
        if taken is not None and new != old:
            raise ValidationError(f"Lane {lane} already has a scenario named {new!r}.")
        result = conn.execute(update(SCENARIOS).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == old)).values(name=new))
        if result.rowcount == 0:
            raise NotFoundError(f"Lane {lane!r} has no scenario named {old!r}.")


def delete_scenario(lane: str, name: str, *, engine: Engine | None = None) -> None:
    """Delete scenario ``name`` of ``lane``; :class:`NotFoundError` if there is none."""
    engine = _resolve(engine)
    with _translate(engine, "Deleting the scenario"), engine.begin() as conn:
        result = conn.execute(delete(SCENARIOS).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == name)))
    if result.rowcount == 0:
        raise NotFoundError(f"Lane {lane!r} has no scenario named {name!r}.")


def delete_all_scenarios(*, engine: Engine | None = None) -> int:
    """Delete every saved scenario (e.g. with a factory reset); returns how many."""
    engine = _resolve(engine)
    with _translate(engine, "Deleting scenarios"), engine.begin() as conn:
        return int(conn.execute(delete(SCENARIOS)).rowcount or 0)


# =========================================================================== plan runs (issue 14)
#
# A planning run stores the watchtower, one row per lane, so a page view reads
# 10,000 small rows instead of 11M demand rows.  Everything below is new and
# self-contained: two tables, one UPDATE trigger, the per-lane SQL fingerprints
# the service (``plan_runs``) compares to find changed lanes, and the chunked
# reads the batch workers use.  Figures are written and read as given; the
# planning itself lives in ``planning``/``plan_runs``.

PLAN_RUNS_KEPT = 3  # older runs are pruned when a new one is written
_TEXT_PLAN_COLUMNS = ("status", "pattern", "period")
# Watchtower columns stored per lane (planning.NETWORK_COLUMNS minus lane and the
# text/date ones), plus the lane's expected workload for the network totals.
PLAN_NUMBER_COLUMNS = (
    "latest_volume", "recent_mean", "baseline_mean", "demand_mean", "demand_std", "service_level",
    "review_period_days", "safety_stock", "reorder_point", "fill_rate", "required_capacity",
    "internal_capacity", "utilisation", "partner_capacity_to_reserve",
    "expected_overflow_per_year", "overflow_last_year", "overflow_volume", "dependency_ratio",
    "cooperation_cost_per_year", "surcharge_cost_per_year", "penalty_cost_per_year",
    "expected_profit_per_year", "resilience", "impact_per_year", "expected_workload_per_year",
)
FINGERPRINT_COLUMNS = ("n_rows", "volume_sum", "volume_sq_sum", "id_volume_sum", "first_day", "last_day")


class PlanRun(Base):
    """One planning run: when, on which data, with which parameters."""

    __tablename__ = "plan_run"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC
    data_version: Mapped[str] = mapped_column(Text)  # demand_version() at the start of the run
    master_hash: Mapped[str] = mapped_column(String(64))  # hash over all lanes' master data
    planning_version: Mapped[str] = mapped_column(String(64))  # hash of the planning code
    parameters: Mapped[str] = mapped_column(Text)  # JSON: service level, chunking, executor
    as_of_day: Mapped[int] = mapped_column(Integer)  # network "today", days since 1970-01-01
    first_day: Mapped[int] = mapped_column(Integer)  # earliest record of the network
    lanes_total: Mapped[int] = mapped_column(Integer)
    lanes_planned: Mapped[int] = mapped_column(Integer)  # re-planned in this run (rest copied)
    duration_s: Mapped[float] = mapped_column(Double)


# One lane's watchtower row in a run, with the fingerprint of the data it was planned on
# (built with type() because the numeric columns come from one list).
PlanRunLane = type("PlanRunLane", (Base,), {
    "__tablename__": "plan_run_lane",
    "__doc__": "One lane's watchtower row in a planning run and the data fingerprint it was planned on.",
    "run_id": mapped_column(Integer, primary_key=True),
    "lane": mapped_column(String(MAX_LANE_NAME_LENGTH), primary_key=True),
    **{name: mapped_column(Text) for name in _TEXT_PLAN_COLUMNS},
    "last_date_day": mapped_column(Integer),  # days since 1970-01-01
    **{name: mapped_column(Double) for name in PLAN_NUMBER_COLUMNS},
    "period_days": mapped_column(Double),  # 1, 7 or 30.4375: length of the lane's recorded period
    "master_hash": mapped_column(String(64)),
    "n_rows": mapped_column(BigInteger),
    **{name: mapped_column(Double) for name in ("volume_sum", "volume_sq_sum", "id_volume_sum")},
    "first_day": mapped_column(Integer),
    "last_day": mapped_column(Integer),
})


class PlanDataVersion(Base):
    """A counter bumped by triggers on ``demand``: on PostgreSQL by every writing
    statement (statement-level triggers cost nothing per row, so ``count(*)``, 0.9 s
    on 11M rows, is never needed); on SQLite by every UPDATE (triggers there run per
    row, so inserts and deletes are seen through ``max(id)`` and ``count(*)`` instead)."""

    __tablename__ = "plan_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    updates: Mapped[int] = mapped_column(BigInteger, default=0)


PLAN_RUN = PlanRun.__table__
PLAN_RUN_LANE = PlanRunLane.__table__
PLAN_DATA_VERSION = PlanDataVersion.__table__
PLAN_LANE_COLUMNS = [c.name for c in PLAN_RUN_LANE.columns if c.name != "run_id"]


@event.listens_for(Base.metadata, "after_create")
def _create_version_triggers(_target: Any, connection: Connection, **_kw: Any) -> None:
    """The data-version row and triggers; idempotent (runs on every schema check), so
    databases created before plan runs existed get them too."""
    if connection.execute(select(func.count()).select_from(PLAN_DATA_VERSION)).scalar() == 0:
        connection.execute(insert(PLAN_DATA_VERSION).values(id=1, updates=0))
    bump = "UPDATE plan_data_version SET updates = updates + 1 WHERE id = 1"
    if connection.dialect.name == "postgresql":
        present = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'demand'::regclass "
            "AND tgname IN ('demand_written', 'demand_truncated')").scalar()
        if present == 2:
            return
        # statement level: one bump per writing statement (COPY included), whatever its row count
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION plan_bump_data_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$"
        )
        for name, events in (("demand_written", "INSERT OR UPDATE OR DELETE"), ("demand_truncated", "TRUNCATE")):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON demand")
            connection.exec_driver_sql(
                f"CREATE TRIGGER {name} AFTER {events} ON demand "
                "FOR EACH STATEMENT EXECUTE FUNCTION plan_bump_data_version()"
            )
    else:  # SQLite triggers are per row; updates are single edits or one lane's replace-import
        connection.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS demand_updated AFTER UPDATE ON demand BEGIN {bump}; END"
        )


def demand_version(*, engine: Engine | None = None) -> str:
    """A cheap version of the demand table; any write to ``demand`` changes it.

    PostgreSQL: ``pg:<statements>`` from the statement-level trigger counter.
    SQLite: ``<rows>:<max id>:<updates>``: inserts raise ``max(id)`` (ids are
    never reused), deletes lower the row count, updates bump the trigger counter.
    """
    engine = _resolve(engine)
    with _translate(engine, "Reading the data version"), engine.connect() as conn:
        if _is_pg(engine):
            return f"pg:{int(conn.exec_driver_sql('SELECT updates FROM plan_data_version').scalar() or 0)}"
        # two statements: SQLite answers max(id) from the primary key and count(*) from the
        # smallest index, but scans the table for the combined query (2.8 s vs 0.3 s on 11M rows)
        rows = conn.exec_driver_sql("SELECT count(*) FROM demand").scalar()
        max_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM demand").scalar()
        updates = conn.exec_driver_sql("SELECT coalesce(max(updates), 0) FROM plan_data_version").scalar()
    return f"{int(rows)}:{int(max_id)}:{int(updates or 0)}"


def _day_number(value: Any) -> int:
    """A date as stored (date object or ISO text) -> days since 1970-01-01."""
    return (_as_date(value) - EPOCH).days


def lane_fingerprints(lanes: Iterable[str] | None = None, *, engine: Engine | None = None) -> pd.DataFrame:
    """Per-lane SQL aggregates of the demand history, computed by the database.

    Columns lane, n_rows, volume_sum [units], volume_sq_sum [units^2],
    id_volume_sum (volume weighted by record id: moves when a value moves
    between records), first_day, last_day [days since 1970-01-01].
    ``lanes`` restricts the scan to those lanes (index on ``lane_id``);
    lanes without records are absent.  Plain column aggregates only, so
    SQLite need not convert a date per row.
    """
    engine = _resolve(engine)
    with _translate(engine, "Aggregating demand"), engine.connect() as conn:
        ids = _lane_ids(conn)
        where = ""
        if lanes is not None:
            wanted = sorted({ids[c] for c in lanes if c in ids})
            if not wanted:
                return pd.DataFrame(columns=["lane", *FINGERPRINT_COLUMNS])
            where = f" WHERE lane_id IN ({','.join(str(int(i)) for i in wanted)})"
        rows = conn.exec_driver_sql(
            "SELECT lane_id, count(*), sum(volume), sum(volume * volume), sum(volume * id), "
            f"min(date), max(date) FROM demand{where} GROUP BY lane_id"
        ).all()
    codes = {v: k for k, v in ids.items()}
    frame = pd.DataFrame(rows, columns=["lane_id", *FINGERPRINT_COLUMNS])
    frame.insert(0, "lane", [codes.get(int(i), f"lane#{int(i)}") for i in frame["lane_id"]])
    for name in ("first_day", "last_day"):
        frame[name] = [_day_number(v) for v in frame[name]]
    frame = frame.drop(columns="lane_id").astype(
        {"n_rows": np.int64, "volume_sum": float, "volume_sq_sum": float, "id_volume_sum": float,
         "first_day": np.int64, "last_day": np.int64})
    return frame.sort_values("lane", ignore_index=True)


def lane_master_rows(*, engine: Engine | None = None) -> list[tuple[Any, ...]]:
    """Raw master-data rows (code first, then :data:`MASTER_FIELDS` order) for hashing;
    10,000 lanes in milliseconds, without building LaneMasterData objects."""
    engine = _resolve(engine)
    columns = [LANES.c[name] for name in MASTER_FIELDS]
    with _translate(engine, "Reading master data"), engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(*columns))]


def load_demand_for_lanes(lanes: Iterable[str], *, engine: Engine | None = None) -> pd.DataFrame:
    """Demand history of several lanes (same frame as :func:`load_demand`): one chunk of a run."""
    engine = _resolve(engine)
    with _translate(engine, "Loading demand"), engine.connect() as conn:
        ids = _lane_ids(conn)
        wanted = sorted({ids[c] for c in lanes if c in ids})
        if not wanted:
            return _demand_frame(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), {})
        where = f" WHERE lane_id IN ({','.join(str(int(i)) for i in wanted)})"
        if _is_pg(engine):
            lane_ids, days, volume = _pg_read_where(conn, where)
        else:
            lane_ids, days, volume = _sqlite_read_where(conn, where)
    return _demand_frame(lane_ids, days, volume, {v: k for k, v in ids.items()})


def _pg_read_where(conn: Connection, where: str):
    # JIT compilation costs more than it saves on these index range reads (~0.1-0.2 s each)
    conn.exec_driver_sql("SET LOCAL jit = off")
    sql = f"COPY (SELECT lane_id, date, volume FROM demand{where}) TO STDOUT WITH (FORMAT binary)"
    buffer = io.BytesIO()
    with conn.connection.dbapi_connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)
    data = buffer.getbuffer()
    start = _PG_HEADER_LENGTH + int.from_bytes(data[15:19], "big")
    layout = np.dtype([("n", ">i2"), ("l1", ">i4"), ("lane", ">i4"), ("l2", ">i4"), ("date", ">i4"),
                       ("l3", ">i4"), ("volume", ">f8")])
    body = np.frombuffer(data[start : len(data) - 2], dtype=layout)
    return (body["lane"].astype(np.int64), body["date"].astype(np.int64) + PG_DATE_EPOCH_DAYS,
            body["volume"].astype(np.float64))


def _sqlite_read_where(conn: Connection, where: str, *, order: str = "lane_id, date"):
    """Columns of the demand rows matching ``where`` without building one Python tuple per row.

    Lane ids and dates come back as two comma-joined strings parsed by NumPy;
    volumes (exact doubles) through one single-column cursor pass.  Both
    queries read in the same ``order``, so the columns line up.
    """
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        lanes_text, dates_text, count = cursor.execute(
            "SELECT group_concat(lane_id), group_concat(date), count(*) FROM "
            f"(SELECT lane_id, date FROM demand{where} ORDER BY {order})"
        ).fetchone()
        if not count:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
        cursor.execute(f"SELECT volume FROM demand{where} ORDER BY {order}")
        volume = np.fromiter(map(operator.itemgetter(0), cursor), dtype=np.float64, count=int(count))
    finally:
        cursor.close()
    return (np.array(lanes_text.split(","), dtype=np.int64), _parse_iso_days(dates_text, int(count)),
            volume)


def network_last_day(*, engine: Engine | None = None) -> int | None:
    """Last day with data in any lane [days since 1970-01-01]: one index probe per lane."""
    engine = _resolve(engine)
    with _translate(engine, "Reading the last date"), engine.connect() as conn:
        value = conn.exec_driver_sql(
            "SELECT max((SELECT max(d.date) FROM demand d WHERE d.lane_id = l.id)) FROM lanes l"
        ).scalar()
    return None if value is None else _day_number(value)


def write_plan_run(
    run: dict[str, Any], rows: pd.DataFrame | None, *, copy_from: int | None = None,
    drop_lanes: Iterable[str] = (), stale_after_day: int | None = None, stale_periods: float = 1.5,
    engine: Engine | None = None,
) -> int:
    """Store a run in ONE transaction; returns its id.

    ``rows`` (columns :data:`PLAN_LANE_COLUMNS`) are the lanes planned now.
    With ``copy_from`` every other lane of that earlier run is copied (minus
    ``drop_lanes``), and copied lanes whose last record is older than
    ``stale_periods`` periods before ``stale_after_day`` get the status "No recent data".
    Runs beyond the newest :data:`PLAN_RUNS_KEPT` are deleted.
    """
    engine = _resolve(engine)
    columns = ", ".join(f'"{c}"' for c in PLAN_LANE_COLUMNS)
    with _translate(engine, "Storing the planning run"), engine.begin() as conn:
        run_id = int(conn.execute(insert(PLAN_RUN).values(**run).returning(PLAN_RUN.c.id)).scalar_one())
        planned = [] if rows is None else rows["lane"].tolist()
        if copy_from is not None:
            conn.exec_driver_sql(
                f"INSERT INTO plan_run_lane (run_id, {columns}) SELECT {run_id}, {columns} "
                f"FROM plan_run_lane WHERE run_id = {int(copy_from)}"
            )
            removed = sorted({*planned, *drop_lanes})
            for start in range(0, len(removed), 500):
                conn.execute(delete(PLAN_RUN_LANE).where(
                    PLAN_RUN_LANE.c.run_id == run_id, PLAN_RUN_LANE.c.lane.in_(removed[start : start + 500])))
            if stale_after_day is not None:
                conn.execute(
                    update(PLAN_RUN_LANE)
                    .where(PLAN_RUN_LANE.c.run_id == run_id,
                           int(stale_after_day) - PLAN_RUN_LANE.c.last_date_day
                           > float(stale_periods) * PLAN_RUN_LANE.c.period_days)
                    .values(status="No recent data")
                )
        if rows is not None and len(rows):
            records = rows[PLAN_LANE_COLUMNS].to_dict("records")
            stmt = insert(PLAN_RUN_LANE)
            for start in range(0, len(records), LANE_INSERT_BATCH):
                conn.execute(stmt, [{"run_id": run_id, **r} for r in records[start : start + LANE_INSERT_BATCH]])
        keep = select(PLAN_RUN.c.id).order_by(PLAN_RUN.c.id.desc()).limit(PLAN_RUNS_KEPT).subquery()
        old = [int(i) for i in conn.execute(select(PLAN_RUN.c.id).where(PLAN_RUN.c.id.not_in(select(keep.c.id)))).scalars()]
        if old:
            conn.execute(delete(PLAN_RUN_LANE).where(PLAN_RUN_LANE.c.run_id.in_(old)))
            conn.execute(delete(PLAN_RUN).where(PLAN_RUN.c.id.in_(old)))
    return run_id


def latest_plan_run(*, engine: Engine | None = None) -> dict[str, Any] | None:
    """The newest run's header (columns of ``plan_run``) or None."""
    engine = _resolve(engine)
    with _translate(engine, "Reading the planning run"), engine.connect() as conn:
        row = conn.execute(select(PLAN_RUN).order_by(PLAN_RUN.c.id.desc()).limit(1)).first()
    return None if row is None else dict(row._mapping)


def plan_run_lanes(run_id: int, *, engine: Engine | None = None) -> pd.DataFrame:
    """All lane rows of run ``run_id`` (columns :data:`PLAN_LANE_COLUMNS`), by lane."""
    engine = _resolve(engine)
    columns = ", ".join(f'"{c}"' for c in PLAN_LANE_COLUMNS)
    with _translate(engine, "Reading the planning run"), engine.connect() as conn:
        # plain DBAPI tuples: 10,000 rows x 38 columns without per-row Row objects
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(
                f"SELECT {columns} FROM plan_run_lane WHERE run_id = {int(run_id)} ORDER BY lane")
            rows = cursor.fetchall()
        finally:
            cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=PLAN_LANE_COLUMNS)
    floats = [*PLAN_NUMBER_COLUMNS, "period_days", "volume_sum", "volume_sq_sum", "id_volume_sum"]
    # SQLite stores NaN as NULL: give the float columns their NaN back
    frame[floats] = frame[floats].astype(float)
    return frame


def delete_plan_runs(*, engine: Engine | None = None) -> None:
    """Forget every stored planning run (the watchtower then plans live until the next run)."""
    engine = _resolve(engine)
    with _translate(engine, "Deleting planning runs"), engine.begin() as conn:
        conn.execute(delete(PLAN_RUN_LANE))
        conn.execute(delete(PLAN_RUN))


def refresh_statistics(*, engine: Engine | None = None) -> bool:
    """``ANALYZE demand`` on PostgreSQL when its statistics are missing or >10 % out of date.

    Right after a bulk load the planner believes every ``lane_id IN (...)``
    matches the whole table and reads a chunk of 500 lanes with a full scan
    (3.5 s instead of 0.5 s on 11M rows); autovacuum fixes that only later.
    Returns True when it analysed.  SQLite: nothing to do (its plans here use
    the unique index without statistics).
    """
    engine = _resolve(engine)
    if not _is_pg(engine):
        return False
    with _translate(engine, "Refreshing statistics"), engine.begin() as conn:
        row = conn.exec_driver_sql(
            "SELECT coalesce(last_analyze, last_autoanalyze) IS NULL, n_mod_since_analyze, n_live_tup "
            "FROM pg_stat_user_tables WHERE relname = 'demand'").first()
        if row is None:
            return False
        never, modified, live = row
        if not never and modified <= 0.1 * max(live, 1):
            return False
        conn.exec_driver_sql("ANALYZE demand")
    return True

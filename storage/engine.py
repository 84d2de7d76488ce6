"""Engines: URL normalising, creation with the SQLite pragmas, and human-readable labels.

Nothing here reads settings: the composition root hands a URL to
:func:`storage.connect.get_engine`, which builds the engine with
:func:`create_engine` below and makes sure the schema exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from domain import DataAccessError

PG_CONNECT_TIMEOUT_S = 5  # an unreachable host fails fast instead of hanging the dashboard
SQLITE_BUSY_TIMEOUT_S = 30  # wait this long for another writer before "database is locked"
WRITE_OPTION = "lsp_write"  # execution option marking a write connection (BEGIN IMMEDIATE)
# Labels show SQLite paths relative to the checkout (the folder holding this package).
_CHECKOUT_DIR = Path(__file__).resolve().parents[1]


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


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of the SQLite file at ``path``.

    >>> sqlite_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    """
    return f"sqlite:///{Path(path)}"


def is_postgres(engine: Engine) -> bool:
    """True when ``engine`` talks to PostgreSQL (else SQLite)."""
    return engine.dialect.name == "postgresql"


def label_for_url(url: URL) -> str:
    """Where the data of ``url`` lives, for messages (never shows a password).

    >>> label_for_url(make_url("postgresql://u:secret@db.example.com/app"))
    'PostgreSQL at db.example.com:5432/app'
    """
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = Path(url.database or ":memory:")
        try:
            shown = path.resolve().relative_to(_CHECKOUT_DIR)
        except (ValueError, OSError):
            shown = path
        return f"SQLite file {shown}"
    if backend == "postgresql":
        return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return f"{backend} database at {url.host or ''}"


def database_label(engine: Engine) -> str:
    """Where the data of ``engine`` lives, for the UI (never shows a password)."""
    return label_for_url(engine.url)


def reason(exc: BaseException) -> str:
    """First line of the driver's message (or the exception's type name)."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def raw_cursor(conn: Connection) -> Any:
    """A driver cursor on ``conn`` (inside its transaction) for COPY and bulk ``executemany``.

    The caller closes it; psycopg2 cursors also work as context managers.
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a connection in use always holds its DBAPI connection
        raise RuntimeError("the connection is closed")
    return dbapi.cursor()


def create_engine(url: str) -> Engine:
    """A new engine for the normalised ``url`` (no schema, not cached).

    SQLite: the file's folder is created, writers wait up to
    :data:`SQLITE_BUSY_TIMEOUT_S`, see :func:`configure_sqlite`.  PostgreSQL:
    connections are pinged before use and time out after
    :data:`PG_CONNECT_TIMEOUT_S`.  Raises :class:`DataAccessError`.
    """
    parsed = make_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = sqlalchemy.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
            configure_sqlite(engine)
            return engine
        connect_args = {}
        if parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return sqlalchemy.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DataAccessError(f"Cannot use {label_for_url(parsed)}: {reason(exc)}") from exc


def configure_sqlite(engine: Engine) -> None:
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
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

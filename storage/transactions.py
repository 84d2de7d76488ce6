"""The write transaction every writer uses, and the data version it bumps.

Every write is one short transaction per user action (:func:`writing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from storage.engine import WRITE_OPTION, is_postgres
from storage.errors import translate
from storage.schema import VERSION

LOCK_TIMEOUT_S = 30  # PostgreSQL: a writer waits at most this long for a lock, then BusyError


@contextmanager
def writing(engine: Engine, action: str, *, bump: bool = True) -> Iterator[Connection]:
    """One write transaction that waits its turn instead of failing at once.

    SQLite: ``BEGIN IMMEDIATE`` (see :func:`storage.engine.configure_sqlite`),
    waiting up to :data:`storage.engine.SQLITE_BUSY_TIMEOUT_S`.  PostgreSQL:
    ``lock_timeout`` bounds every lock wait to :data:`LOCK_TIMEOUT_S`; callers
    take locks in one global order (lanes, then demand, then the data-version
    row) so two writers never deadlock.  Every committed write bumps the data
    version (:func:`storage.connect.data_version`) in the same transaction, so other processes
    notice it.  A writer that still does not get its turn raises
    :class:`domain.BusyError`.
    """
    with translate(engine, action), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if is_postgres(engine):
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            yield conn
            if bump:
                bump_version(conn)


def bump_version(conn: Connection) -> None:
    """Increment the data version inside the caller's transaction (row created on first use)."""
    dialect = pg_dialect if conn.dialect.name == "postgresql" else sqlite_dialect
    stmt = dialect.insert(VERSION).values(id=1, version=1)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={"version": VERSION.c.version + 1}
        )
    )


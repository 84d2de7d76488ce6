"""Driver and SQLAlchemy failures translated into the domain's errors.

* a database that is down or refuses an operation -> :class:`domain.DataAccessError`
  (the message names the host, never the password);
* a writer that does not get its lock in time -> :class:`domain.BusyError`
  ("try again"), so the UI can tell "busy" from "broken".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from domain import BusyError, DataAccessError, LspError
from storage.engine import database_label, reason

try:  # the PostgreSQL driver is optional for SQLite-only use
    import psycopg2
    DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg2.Error)
except ImportError:  # pragma: no cover - psycopg2-binary is a runtime dependency
    DRIVER_ERRORS = (sqlite3.Error,)
_CAUGHT: tuple[type[BaseException], ...] = (SQLAlchemyError, *DRIVER_ERRORS)

# SQLSTATEs of "another transaction holds what you need": lock_not_available,
# deadlock_detected, serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` means another writer holds a lock (PostgreSQL or SQLite)."""
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "pgcode", None) in BUSY_SQLSTATES:
        return True
    if isinstance(original, sqlite3.OperationalError):
        text = str(original).lower()
        return "database is locked" in text or "database is busy" in text
    return False


@contextmanager
def translate(engine: Engine, action: str) -> Iterator[None]:
    """Turn driver/SQLAlchemy failures into DataAccessError with a clear message.

    ``action`` starts the message ("Importing failed: ..."); our own
    :class:`domain.LspError` subclasses pass through unchanged.
    """
    try:
        yield
    except LspError:
        raise
    except _CAUGHT as exc:
        if is_busy(exc):
            raise BusyError(
                f"{action} did not run: {database_label(engine)} is busy with another "
                "change right now. Nothing was written; try again in a moment."
            ) from exc
        message = reason(exc)
        password = engine.url.password
        if password:
            message = message.replace(str(password), "***")
        raise DataAccessError(
            f"{action} failed: {database_label(engine)} is unavailable or refused it ({message})."
        ) from exc

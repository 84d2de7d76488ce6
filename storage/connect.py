"""Cached engines with their schema ready, and the cheap reads every page makes first.

:func:`get_engine` is the one way in: the composition root passes the
database URL (storage never reads settings) and gets an engine whose tables
exist.  Every storage function calls :func:`ensure_schema` on the engine it
is handed, so an engine built elsewhere works too.
"""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Engine, select
from sqlalchemy.engine import URL

from domain import DataAccessError
from storage.engine import create_engine, normalise_url
from storage.errors import translate
from storage.schema import VERSION, Base, add_missing_lane_columns
from storage.transactions import writing

_ENGINES: dict[str, Engine] = {}
_SCHEMA_READY: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose schema exists
_LOCK = threading.Lock()


def get_engine(url: str | URL) -> Engine:
    """Engine for ``url`` with the schema created; cached per (normalised) URL.

    Raises :class:`DataAccessError` when the database cannot be reached.
    """
    key = normalise_url(url)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = create_engine(key)
            try:
                ensure_schema(engine)
            except DataAccessError:
                engine.dispose()
                raise
            _ENGINES[key] = engine
    return engine


def ensure_schema(engine: Engine) -> Engine:
    """Create missing tables, columns and triggers once per engine; returns ``engine``.

    Every table must be declared on :class:`storage.schema.Base` by then:
    importing any ``storage`` module runs ``storage/__init__``, which imports
    the scenario and plan-run modules that declare theirs.
    """
    if engine in _SCHEMA_READY:
        return engine
    with writing(engine, "Creating the schema", bump=False) as conn:
        Base.metadata.create_all(conn)
        add_missing_lane_columns(conn)
    _SCHEMA_READY.add(engine)
    return engine


def dispose_engine(url: str | URL) -> None:
    """Close the pooled connections of the cached engine for ``url`` and forget it."""
    key = normalise_url(url)
    with _LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        _SCHEMA_READY.discard(engine)
        engine.dispose()


def ping(*, engine: Engine) -> None:
    """Return if the database answers; raise :class:`DataAccessError` otherwise."""
    ensure_schema(engine)
    with translate(engine, "Connecting"), engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


def data_version(*, engine: Engine) -> int:
    """Counter bumped by every committed write (any process, any replica).

    A cheap primary-key read: the UI compares it on every rerun and clears its
    caches when another process has written.
    """
    ensure_schema(engine)
    with translate(engine, "Reading the data version"), engine.connect() as conn:
        value = conn.execute(select(VERSION.c.version).where(VERSION.c.id == 1)).scalar()
    return int(value or 0)

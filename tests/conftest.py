"""Shared database fixtures: a real SQLite file per test and a real PostgreSQL database.

PostgreSQL: the server at 127.0.0.1:5432 (user ``postgres``, trust auth).  One
uniquely named database is created per test session through the ``postgres``
maintenance database and dropped at the end.  If the server is unreachable
the postgres tests are skipped with the reason, except under CI (env ``CI``
set), where they fail: CI must exercise PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

import db

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
PG_CONNECT_TIMEOUT_S = 5


def _maintenance_connection():
    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres",
        connect_timeout=PG_CONNECT_TIMEOUT_S,
    )
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session."""
    try:
        conn = _maintenance_connection()
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT} as {PG_USER}: {exc}".strip()
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so postgres tests must run)")
        pytest.skip(reason)
    name = f"lsp_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        yield url
    finally:
        db.dispose_engine(url)
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[db.Engine]:
    """A clean SQLite file database for one test."""
    url = f"sqlite:///{tmp_path / 'lsp_test.sqlite'}"
    engine = db.get_engine(url)
    db.reset_database(engine=engine)
    yield engine
    db.dispose_engine(url)


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[db.Engine]:
    """The session's PostgreSQL database, wiped (ids restarted) for one test."""
    engine = db.get_engine(pg_url)
    db.reset_database(engine=engine)
    yield engine


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def engine(request: pytest.FixtureRequest) -> db.Engine:
    """A clean engine per test, once on SQLite and once on PostgreSQL."""
    fixture = {"sqlite": "sqlite_engine", "postgres": "pg_engine"}[request.param]
    return request.getfixturevalue(fixture)

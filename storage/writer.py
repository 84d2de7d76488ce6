"""Writing validated demand rows inside the caller's transaction, by the fastest safe path.

Bulk loading on PostgreSQL streams validated rows as a binary ``COPY`` buffer
built with NumPy (no per-row Python).  Three paths, chosen under a table lock:

1. empty ``demand`` table and a large load: drop the two unique indexes,
   ``COPY`` straight into ``demand``, rebuild them (PostgreSQL manual,
   "Populating a Database": index builds beat per-row index maintenance);
2. none of the file's lanes has rows yet: ``COPY`` straight into ``demand``;
3. otherwise ``COPY`` into a TEMP staging table and merge with
   ``INSERT ... SELECT ... ON CONFLICT`` according to ``on_duplicate``.

SQLite takes the same decisions with ``executemany`` instead of ``COPY``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import Connection, delete, select

from domain import LaneMasterData
from importing import MAX_REPORTED_ERRORS, ParsedDemand, RowError
from storage.engine import raw_cursor
from storage.lanes import ensure_lanes
from storage.reads import PG_DATE_EPOCH_DAYS, as_date
from storage.schema import DEMAND, DEMAND_PK_NAME, DEMAND_UQ_NAME, LANES

DUPLICATE_POLICIES = ("skip", "replace", "reject")
BULK_REBUILD_MIN_ROWS = 100_000  # below this, per-row index maintenance is cheaper than rebuilding


class RejectedRows(Exception):
    """Rows already stored under the "reject" policy: abort the transaction and report them."""

    def __init__(self, errors: list[RowError], total: int):
        super().__init__(f"{total} rows already exist")
        self.errors = errors
        self.total = total


def write_parsed(
    conn: Connection,
    parsed: ParsedDemand,
    on_duplicate: str,
    masters: Iterable[LaneMasterData],
    *,
    rebuild_allowed: bool = True,
    known_new: bool = False,
) -> tuple[int, int, int]:
    """Write validated rows inside the caller's transaction; returns (inserted, skipped, replaced).

    ``known_new``: the caller knows no row can collide (the table was empty at
    the start of its transaction and lanes do not repeat), so the checks are skipped.
    Raises :class:`RejectedRows` under ``on_duplicate="reject"``.
    """
    pg = conn.dialect.name == "postgresql"
    # Lanes first, then the demand table lock: the one global order every writer
    # follows (add_record creates its lane before inserting demand, too).
    ids_by_code = ensure_lanes(conn, parsed.lanes, masters)
    if pg:
        conn.exec_driver_sql("LOCK TABLE demand IN SHARE ROW EXCLUSIVE MODE")
    lane_ids = np.array([ids_by_code[c] for c in parsed.lanes], dtype=np.int32)[parsed.lane_index]
    n = len(lane_ids)
    distinct_ids = sorted({int(ids_by_code[c]) for c in parsed.lanes})
    table_empty = False if known_new else demand_is_empty(conn)
    if known_new or table_empty or not _lanes_have_rows(conn, distinct_ids):
        if pg:
            rebuild = rebuild_allowed and bool(table_empty) and n >= BULK_REBUILD_MIN_ROWS
            with indexes_dropped(conn, rebuild):
                _pg_copy_direct(conn, lane_ids, parsed.days, parsed.volume)
        else:
            _sqlite_insert_direct(conn, lane_ids, parsed.days, parsed.volume)
        return n, 0, 0
    return _merge(conn, parsed, lane_ids, on_duplicate)


def demand_is_empty(conn: Connection) -> bool:
    """True when the ``demand`` table holds no row (an index probe, not a count)."""
    return bool(conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM demand)").scalar())


def wipe_tables(conn: Connection) -> None:
    """Delete every lane and demand row and restart the id counters (caller's transaction)."""
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


def _lanes_have_rows(conn: Connection, lane_ids: list[int]) -> bool:
    chunk = 500  # stay far below SQLite's bound-parameter limit
    for start in range(0, len(lane_ids), chunk):
        part = lane_ids[start : start + chunk]
        stmt = select(DEMAND.c.id).where(DEMAND.c.lane_id.in_(part)).limit(1)
        if conn.execute(stmt).first() is not None:
            return True
    return False


@contextmanager
def indexes_dropped(conn: Connection, active: bool) -> Iterator[None]:
    """Drop the demand unique indexes for a bulk load into an empty table and rebuild them."""
    if not active:
        yield
        return
    conn.exec_driver_sql(
        f"ALTER TABLE demand DROP CONSTRAINT {DEMAND_PK_NAME}, DROP CONSTRAINT {DEMAND_UQ_NAME}"
    )
    yield
    conn.exec_driver_sql(
        f"ALTER TABLE demand ADD CONSTRAINT {DEMAND_PK_NAME} PRIMARY KEY (id), "
        f"ADD CONSTRAINT {DEMAND_UQ_NAME} UNIQUE (lane_id, date)"
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
    with raw_cursor(conn) as cursor:
        cursor.copy_expert(sql, io.BytesIO(payload))


def _pg_copy_direct(conn: Connection, lane_ids: np.ndarray, days: np.ndarray, volume: np.ndarray) -> None:
    n = len(lane_ids)
    # Reserve n ids in one step (we hold a lock that blocks every other demand insert),
    # so COPY need not call nextval() once per row.
    sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence('demand', 'id')").scalar()
    first = int(conn.exec_driver_sql(f"SELECT nextval('{sequence}')").scalar_one())
    if n > 1:
        conn.exec_driver_sql(f"SELECT setval('{sequence}', {first + n - 1})")
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
    cursor = raw_cursor(conn)
    try:
        cursor.executemany(
            "INSERT INTO demand (lane_id, date, volume) VALUES (?, ?, ?)",
            zip(lane_ids.tolist(), _iso_dates(days), volume.tolist(), strict=True),
        )
    finally:
        cursor.close()


def _stage(conn: Connection, parsed: ParsedDemand, lane_ids: np.ndarray) -> None:
    """Rows into the TEMP table ``demand_staging`` (row number, lane id, date, volume)."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS demand_staging")
    if conn.dialect.name == "postgresql":
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
        return
    conn.exec_driver_sql(
        "CREATE TEMP TABLE demand_staging (row_no INTEGER, lane_id INTEGER, date DATE, volume REAL)"
    )
    cursor = raw_cursor(conn)
    try:
        cursor.executemany(
            "INSERT INTO demand_staging VALUES (?, ?, ?, ?)",
            zip(parsed.row.tolist(), lane_ids.tolist(), _iso_dates(parsed.days),
                parsed.volume.tolist(), strict=True),
        )
    finally:
        cursor.close()


def _merge(conn: Connection, parsed: ParsedDemand, lane_ids: np.ndarray, on_duplicate: str) -> tuple[int, int, int]:
    """Stage rows in a TEMP table, then merge them by ``on_duplicate``."""
    pg = conn.dialect.name == "postgresql"
    n = len(lane_ids)
    _stage(conn, parsed, lane_ids)
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
                        f"lane '{code}' already has a record on {as_date(day).isoformat()} "
                        "(duplicate policy 'reject': nothing was imported)",
                    )
                    for row_no, code, day in rows
                ]
                raise RejectedRows(errors, int(total))
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

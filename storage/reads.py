"""Reading the demand history fast: no ORM objects, no per-row Python where avoidable.

PostgreSQL streams a binary ``COPY`` that NumPy decodes in one call; SQLite
returns two comma-joined columns parsed by NumPy and one single-column pass
for the volumes.  Also the CSV export, which is the import format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from domain import NotFoundError
from importing import EPOCH
from importing.safe_text import guard_cell
from storage.connect import ensure_schema
from storage.engine import is_postgres, raw_cursor
from storage.errors import translate
from storage.lanes import lane_ids, list_lanes

PG_DATE_EPOCH_DAYS = (dt.date(2000, 1, 1) - EPOCH).days  # PostgreSQL counts dates from 2000-01-01
EXPORT_HEADER = ("date", "lane", "demand")
_PG_HEADER_LENGTH = 19  # binary COPY: signature (11) + flags (4) + extension length (4)
_ISO_WIDTH = len("YYYY-MM-DD")
# One row of ``COPY (SELECT lane_id, date, volume ...) TO STDOUT (FORMAT binary)``:
# field count, then (length, value) per column, big-endian.
_PG_ROW = np.dtype([("n", ">i2"), ("l1", ">i4"), ("lane", ">i4"), ("l2", ">i4"), ("date", ">i4"),
                    ("l3", ">i4"), ("volume", ">f8")])

Columns = tuple[np.ndarray, np.ndarray, np.ndarray]  # lane ids, days since 1970-01-01, volumes


def as_date(value: Any) -> dt.date:
    """A date as stored (date object on PostgreSQL, ISO text on SQLite) -> :class:`datetime.date`.

    >>> as_date("2024-02-29")
    datetime.date(2024, 2, 29)
    """
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def day_number(value: Any) -> int:
    """A date as stored -> days since 1970-01-01.

    >>> day_number("1970-01-11")
    10
    """
    return (as_date(value) - EPOCH).days


def load_demand(lane: str | None = None, *, engine: Engine) -> pd.DataFrame:
    """Demand history: columns date (datetime64[ns]), lane (str), demand (float) by lane, date.

    Fast path: no ORM objects; PostgreSQL streams a binary ``COPY`` decoded by
    NumPy in one call, SQLite fetches plain columns.
    """
    ensure_schema(engine)
    with translate(engine, "Loading demand"), engine.connect() as conn:
        ids = lane_ids(conn)
        if lane is not None and lane not in ids:
            return demand_frame(*_no_rows(), {})
        where = "" if lane is None else f" WHERE lane_id = {int(ids[lane])}"
        if is_postgres(engine):
            columns = _pg_read_where(conn, where, jit=True)
        else:
            columns = _sqlite_read_where(conn, where, order="id")
    return demand_frame(*columns, {v: k for k, v in ids.items()})


def load_demand_for_lanes(lanes: Iterable[str], *, engine: Engine) -> pd.DataFrame:
    """Demand history of several lanes (same frame as :func:`load_demand`): one chunk of a run."""
    ensure_schema(engine)
    with translate(engine, "Loading demand"), engine.connect() as conn:
        ids = lane_ids(conn)
        wanted = sorted({ids[c] for c in lanes if c in ids})
        if not wanted:
            return demand_frame(*_no_rows(), {})
        where = f" WHERE lane_id IN ({','.join(str(int(i)) for i in wanted)})"
        if is_postgres(engine):
            # JIT compilation costs more than it saves on these index range reads (~0.1-0.2 s each)
            columns = _pg_read_where(conn, where, jit=False)
        else:
            columns = _sqlite_read_where(conn, where)
    return demand_frame(*columns, {v: k for k, v in ids.items()})


def _no_rows() -> Columns:
    return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)


def demand_frame(
    lane_ids: np.ndarray, days: np.ndarray, volume: np.ndarray, codes_by_id: Mapping[int, str]
) -> pd.DataFrame:
    """The history frame (date, lane, demand) sorted by lane code, then date, from raw columns."""
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


def _pg_read_where(conn: Connection, where: str, *, jit: bool) -> Columns:
    """Lane ids, days and volumes of the demand rows matching ``where`` (one binary COPY)."""
    if not jit:
        conn.exec_driver_sql("SET LOCAL jit = off")
    sql = f"COPY (SELECT lane_id, date, volume FROM demand{where}) TO STDOUT WITH (FORMAT binary)"
    buffer = io.BytesIO()
    with raw_cursor(conn) as cursor:
        cursor.copy_expert(sql, buffer)
    data = buffer.getbuffer()
    start = _PG_HEADER_LENGTH + int.from_bytes(data[15:19], "big")
    body = np.frombuffer(data[start : len(data) - 2], dtype=_PG_ROW)
    return (body["lane"].astype(np.int64), body["date"].astype(np.int64) + PG_DATE_EPOCH_DAYS,
            body["volume"].astype(np.float64))


def _sqlite_read_where(conn: Connection, where: str, *, order: str = "lane_id, date") -> Columns:
    """Columns of the demand rows matching ``where`` without building one Python tuple per row.

    Lane ids and dates come back as two comma-joined strings parsed by NumPy;
    volumes (exact doubles) through one single-column cursor pass.  Both
    queries read in the same ``order``, so the columns line up.
    """
    cursor = raw_cursor(conn)
    try:
        lanes_text, dates_text, count = cursor.execute(
            "SELECT group_concat(lane_id), group_concat(date), count(*) FROM "
            f"(SELECT lane_id, date FROM demand{where} ORDER BY {order})"
        ).fetchone()
        if not count:
            return _no_rows()
        cursor.execute(f"SELECT volume FROM demand{where} ORDER BY {order}")
        volume = np.fromiter(map(operator.itemgetter(0), cursor), dtype=np.float64, count=int(count))
    finally:
        cursor.close()
    return (np.array(lanes_text.split(","), dtype=np.int64), _parse_iso_days(dates_text, int(count)),
            volume)


def _parse_iso_days(text: str, count: int) -> np.ndarray:
    """Comma-joined ISO dates -> days since 1970-01-01 (fixed width: a NumPy reshape)."""
    data = (text + ",").encode("ascii")
    if len(data) == count * (_ISO_WIDTH + 1):
        fixed = np.frombuffer(data, dtype=np.uint8).reshape(count, _ISO_WIDTH + 1)
        as_text = fixed[:, :_ISO_WIDTH].copy().view(f"S{_ISO_WIDTH}").ravel()
        return as_text.astype("datetime64[D]").astype(np.int64)
    parsed = pd.to_datetime(pd.Series(text.split(",")), format="ISO8601")
    return parsed.to_numpy(dtype="datetime64[D]").astype(np.int64)


def network_last_day(*, engine: Engine) -> int | None:
    """Last day with data in any lane [days since 1970-01-01]: one index probe per lane."""
    ensure_schema(engine)
    with translate(engine, "Reading the last date"), engine.connect() as conn:
        value = conn.exec_driver_sql(
            "SELECT max((SELECT max(d.date) FROM demand d WHERE d.lane_id = l.id)) FROM lanes l"
        ).scalar()
    return None if value is None else day_number(value)


def export_csv(lane: str | None = None, *, engine: Engine) -> bytes:
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

"""Single demand records: add, edit, delete, list one lane's records, count them.

Bad input raises :class:`domain.ValidationError`; an id or lane that does
not exist raises :class:`domain.NotFoundError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from domain import DataAccessError, NotFoundError, ValidationError
from storage.connect import ensure_schema
from storage.errors import translate
from storage.lanes import ensure_lanes
from storage.schema import DEMAND, LANES
from storage.transactions import writing
from storage.validation import clean_date, clean_lane, clean_volume


def add_record(lane: str, date: Any, volume: Any, *, engine: Engine) -> int:
    """Add one day of demand; returns the new record id.

    Raises :class:`ValidationError` for bad input or when the lane already has
    a record on that date.
    """
    code, day, value = clean_lane(lane), clean_date(date), clean_volume(volume)
    ensure_schema(engine)
    try:
        with writing(engine, "Adding the record") as conn:
            lane_id = ensure_lanes(conn, [code])[code]
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
    engine: Engine,
) -> None:
    """Change the date and/or volume of record ``record_id``."""
    changes: dict[str, Any] = {}
    if date is not None:
        changes["date"] = clean_date(date)
    if volume is not None:
        changes["volume"] = clean_volume(volume)
    ensure_schema(engine)
    try:
        with writing(engine, "Updating the record") as conn:
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


def delete_record(record_id: int, *, engine: Engine) -> None:
    """Delete record ``record_id``; :class:`NotFoundError` if there is none."""
    ensure_schema(engine)
    with writing(engine, "Deleting the record") as conn:
        result = conn.execute(delete(DEMAND).where(DEMAND.c.id == int(record_id)))
        if result.rowcount == 0:
            raise NotFoundError(f"Record {record_id} does not exist.")


def get_records(lane: str, *, limit: int | None = None, engine: Engine) -> pd.DataFrame:
    """Records of ``lane`` (columns id, date, lane, demand), oldest first.

    With ``limit`` only the latest ``limit`` days are returned.
    """
    ensure_schema(engine)
    with translate(engine, "Reading records"), engine.connect() as conn:
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
        rows = list(conn.execute(stmt).all())
    rows.reverse()
    return pd.DataFrame(
        {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "lane": pd.Series([lane] * len(rows), dtype=object),
            "demand": np.array([r[2] for r in rows], dtype=np.float64),
        }
    )


def count_records(*, engine: Engine) -> int:
    """Number of demand records stored."""
    ensure_schema(engine)
    with translate(engine, "Counting records"), engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(DEMAND)).scalar_one())

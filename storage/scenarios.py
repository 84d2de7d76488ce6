"""Saved what-if scenarios (:class:`domain.SavedScenario`): their own table and CRUD.

A scenario names its lane by code and is checked against ``lanes`` when
saved.  Writers that remove lanes (delete a lane, factory reset, restore a
backup) remove the lanes' scenarios in their own transaction with
:func:`drop_scenarios`, so no scenario outlives its lane.  Every write is one
:func:`storage.transactions.writing` transaction (waits its turn, bumps the
data version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import (
    Connection,
    DateTime,
    Double,
    Engine,
    Identity,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain import NotFoundError, ValidationError
from domain.saved_scenario import SavedScenario, clean_name, params_from_json, params_to_json
from importing import MAX_LANE_NAME_LENGTH
from storage.connect import ensure_schema
from storage.errors import translate
from storage.schema import LANES, Base
from storage.transactions import writing


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


SCENARIOS = cast(Table, ScenarioRecord.__table__)  # a Table (typed as FromClause by the ORM)


def _scenario_from_row(row: Any) -> SavedScenario:
    saved_at = row.saved_at
    if saved_at is not None and saved_at.tzinfo is None:  # SQLite drops the zone; it was UTC
        saved_at = saved_at.replace(tzinfo=dt.UTC)
    return SavedScenario(
        name=row.name, lane=row.lane, params=params_from_json(row.params),
        service_level=row.service_level, horizon_days=int(row.horizon_days), saved_at=saved_at,
    )


def save_scenario(
    saved: SavedScenario, *, overwrite: bool = False, engine: Engine
) -> SavedScenario:
    """Store ``saved``; returns it with ``saved_at`` set.

    Raises :class:`ValidationError` when the lane already has a scenario of that
    name and ``overwrite`` is False, :class:`NotFoundError` when the lane does not exist.
    """
    if not isinstance(saved, SavedScenario):
        raise ValidationError(f"expected SavedScenario, got {type(saved).__name__}")
    now = dt.datetime.now(dt.UTC)
    values = {
        "lane": saved.lane, "name": saved.name, "params": params_to_json(saved.params),
        "service_level": None if saved.service_level is None else float(saved.service_level),
        "horizon_days": int(saved.horizon_days), "saved_at": now,
    }
    ensure_schema(engine)
    with writing(engine, "Saving the scenario") as conn:
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
    return SavedScenario(
        name=saved.name, lane=saved.lane, params=saved.params,
        service_level=saved.service_level, horizon_days=saved.horizon_days, saved_at=now)


def list_scenarios(
    lane: str | None = None, *, engine: Engine
) -> list[SavedScenario]:
    """Saved scenarios of ``lane`` (all lanes when None), by lane then name."""
    ensure_schema(engine)
    stmt = select(SCENARIOS).order_by(SCENARIOS.c.lane, SCENARIOS.c.name)
    if lane is not None:
        stmt = stmt.where(SCENARIOS.c.lane == lane)
    with translate(engine, "Reading scenarios"), engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [_scenario_from_row(r) for r in rows]


def get_scenario(lane: str, name: str, *, engine: Engine) -> SavedScenario:
    """The scenario ``name`` of ``lane``; :class:`NotFoundError` if there is none."""
    ensure_schema(engine)
    where = (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == name)
    with translate(engine, "Reading the scenario"), engine.connect() as conn:
        row = conn.execute(select(SCENARIOS).where(where)).first()
    if row is None:
        raise NotFoundError(f"Lane {lane!r} has no scenario named {name!r}.")
    return _scenario_from_row(row)


def rename_scenario(lane: str, old: str, new: str, *, engine: Engine) -> None:
    """Rename scenario ``old`` of ``lane`` to ``new`` (a name not yet used on the lane)."""
    new = clean_name(new)
    ensure_schema(engine)
    with writing(engine, "Renaming the scenario") as conn:
        taken = conn.execute(select(SCENARIOS.c.id).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == new))).first()
        if taken is not None and new != old:
            raise ValidationError(f"Lane {lane} already has a scenario named {new!r}.")
        result = conn.execute(update(SCENARIOS).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == old)).values(name=new))
        if result.rowcount == 0:
            raise NotFoundError(f"Lane {lane!r} has no scenario named {old!r}.")


def delete_scenario(lane: str, name: str, *, engine: Engine) -> None:
    """Delete scenario ``name`` of ``lane``; :class:`NotFoundError` if there is none."""
    ensure_schema(engine)
    with writing(engine, "Deleting the scenario") as conn:
        result = conn.execute(delete(SCENARIOS).where(
            (SCENARIOS.c.lane == lane) & (SCENARIOS.c.name == name)))
        if result.rowcount == 0:  # raised inside: nothing commits, the data version stays
            raise NotFoundError(f"Lane {lane!r} has no scenario named {name!r}.")


def delete_all_scenarios(*, engine: Engine) -> int:
    """Delete every saved scenario (e.g. with a factory reset); returns how many."""
    ensure_schema(engine)
    with writing(engine, "Deleting scenarios") as conn:
        return drop_scenarios(conn)


def drop_scenarios(conn: Connection, *, lane: str | None = None, orphans: bool = False) -> int:
    """Delete saved scenarios inside the caller's transaction; returns how many.

    ``lane``: only that lane's; ``orphans``: those whose lane no longer exists
    (after a wipe and reload); neither: all.
    """
    stmt = delete(SCENARIOS)
    if lane is not None:
        stmt = stmt.where(SCENARIOS.c.lane == lane)
    if orphans:
        stmt = stmt.where(SCENARIOS.c.lane.not_in(select(LANES.c.code)))
    return int(conn.execute(stmt).rowcount or 0)

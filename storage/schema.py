"""The ORM schema of the core tables and the migration of columns added later.

Tables
------
``lanes``: one row per lane with all :class:`domain.LaneMasterData` fields.
``demand``: ``id, lane_id, date, volume`` with ``UNIQUE(lane_id, date)`` and
``CHECK(0 <= volume <= MAX_VOLUME)``.  ``lane_id`` is deliberately *not* a
declared foreign key: PostgreSQL checks foreign keys with a per-row trigger,
which cut bulk-import throughput to about a third in our measurements.
Referential integrity is kept by the writers instead: every write path creates
the lane row before its demand rows, and :func:`storage.lanes.delete_lane`
removes both, each in one transaction.
``data_version``: one counter row bumped by every committed write.

The saved-scenario table (:mod:`storage.scenarios`) and the plan-run tables
(:mod:`storage.plan_runs`) are declared on the same :class:`Base`, so one
``create_all`` makes every table.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Connection,
    Date,
    Double,
    Identity,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from importing import MAX_LANE_NAME_LENGTH, MAX_VOLUME


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
ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


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

    id: Mapped[int] = mapped_column(ID_TYPE, Identity(), primary_key=True)
    lane_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    volume: Mapped[float] = mapped_column(Double)


class DataVersion(Base):
    """One row (id 1) whose ``version`` every committed write increments."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


LANES = cast(Table, Lane.__table__)  # a Table (typed as FromClause by the ORM)
DEMAND = cast(Table, DemandRecord.__table__)
VERSION = cast(Table, DataVersion.__table__)
MASTER_FIELDS = [c.name for c in LANES.columns if c.name != "id"]
# Constraint names (from the naming convention) the bulk loader drops and rebuilds.
DEMAND_PK_NAME = "pk_demand"
DEMAND_UQ_NAME = "uq_demand_lane_id_date"


def add_missing_lane_columns(conn: Connection) -> None:
    """Bring a lanes table written by an older release up to the current columns.

    Each added column carries its server default, so existing lanes keep
    their meaning (daily review, 95 % coverage, no reservation contract).
    Runs inside the schema transaction.
    """
    present = {c["name"] for c in inspect(conn).get_columns(LANES.name)}
    for column in [c for c in LANES.columns if c.name not in present]:
        kind = column.type.compile(dialect=conn.dialect)
        default = column.server_default.arg if column.server_default is not None else None  # type: ignore[attr-defined]
        clause = f" NOT NULL DEFAULT '{default}'" if default is not None else ""
        conn.exec_driver_sql(f'ALTER TABLE {LANES.name} ADD COLUMN "{column.name}" {kind}{clause}')

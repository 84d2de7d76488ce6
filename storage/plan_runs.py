"""Planning runs: the stored watchtower, the demand-version triggers and the per-lane fingerprints.

A planning run stores the watchtower, one row per lane, so a page view reads
10,000 small rows instead of 11M demand rows.  Two tables, the triggers that
count writes to ``demand``, the per-lane SQL fingerprints the service
(:mod:`plan_runs`) compares to find changed lanes, and the run's own
reads and writes.  Figures are written and read as given; the planning
itself lives in ``planning``/``plan_runs``.  The chunked demand reads of the
batch workers are :func:`storage.reads.load_demand_for_lanes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    Connection,
    Double,
    Engine,
    Identity,
    Integer,
    String,
    Table,
    Text,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from importing import MAX_LANE_NAME_LENGTH
from storage.connect import ensure_schema
from storage.engine import is_postgres, raw_cursor
from storage.errors import translate
from storage.lanes import LANE_INSERT_BATCH, lane_ids
from storage.reads import day_number
from storage.schema import Base

PLAN_RUNS_KEPT = 3  # older runs are pruned when a new one is written
_TEXT_PLAN_COLUMNS = ("status", "pattern", "period")
# Watchtower columns stored per lane (planning.NETWORK_COLUMNS minus lane and the
# text/date ones), plus the lane's expected workload for the network totals.
PLAN_NUMBER_COLUMNS = (
    "latest_volume", "recent_mean", "baseline_mean", "demand_mean", "demand_std", "service_level",
    "review_period_days", "safety_stock", "reorder_point", "fill_rate", "required_capacity",
    "internal_capacity", "utilisation", "partner_capacity_to_reserve",
    "expected_overflow_per_year", "overflow_last_year", "overflow_volume", "dependency_ratio",
    "cooperation_cost_per_year", "surcharge_cost_per_year", "penalty_cost_per_year",
    "expected_profit_per_year", "resilience", "impact_per_year", "expected_workload_per_year",
)
FINGERPRINT_COLUMNS = ("n_rows", "volume_sum", "volume_sq_sum", "id_volume_sum", "first_day", "last_day")


class PlanRun(Base):
    """One planning run: when, on which data, with which parameters."""

    __tablename__ = "plan_run"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC
    data_version: Mapped[str] = mapped_column(Text)  # demand_version() at the start of the run
    master_hash: Mapped[str] = mapped_column(String(64))  # hash over all lanes' master data
    planning_version: Mapped[str] = mapped_column(String(64))  # hash of the planning code
    parameters: Mapped[str] = mapped_column(Text)  # JSON: service level, chunking, executor
    as_of_day: Mapped[int] = mapped_column(Integer)  # network "today", days since 1970-01-01
    first_day: Mapped[int] = mapped_column(Integer)  # earliest record of the network
    lanes_total: Mapped[int] = mapped_column(Integer)
    lanes_planned: Mapped[int] = mapped_column(Integer)  # re-planned in this run (rest copied)
    duration_s: Mapped[float] = mapped_column(Double)


# One lane's watchtower row in a run, with the fingerprint of the data it was planned on
# (built with type() because the numeric columns come from one list).
PlanRunLane = type("PlanRunLane", (Base,), {
    "__tablename__": "plan_run_lane",
    "__doc__": "One lane's watchtower row in a planning run and the data fingerprint it was planned on.",
    "run_id": mapped_column(Integer, primary_key=True),
    "lane": mapped_column(String(MAX_LANE_NAME_LENGTH), primary_key=True),
    **{name: mapped_column(Text) for name in _TEXT_PLAN_COLUMNS},
    "last_date_day": mapped_column(Integer),  # days since 1970-01-01
    **{name: mapped_column(Double) for name in PLAN_NUMBER_COLUMNS},
    "period_days": mapped_column(Double),  # 1, 7 or 30.4375: length of the lane's recorded period
    "master_hash": mapped_column(String(64)),
    "n_rows": mapped_column(BigInteger),
    **{name: mapped_column(Double) for name in ("volume_sum", "volume_sq_sum", "id_volume_sum")},
    "first_day": mapped_column(Integer),
    "last_day": mapped_column(Integer),
})


class PlanDataVersion(Base):
    """A counter bumped by triggers on ``demand``: on PostgreSQL by every writing
    statement (statement-level triggers cost nothing per row, so ``count(*)``, 0.9 s
    on 11M rows, is never needed); on SQLite by every UPDATE (triggers there run per
    row, so inserts and deletes are seen through ``max(id)`` and ``count(*)`` instead)."""

    __tablename__ = "plan_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    updates: Mapped[int] = mapped_column(BigInteger, default=0)


PLAN_RUN = cast(Table, PlanRun.__table__)  # a Table (typed as FromClause by the ORM)
PLAN_RUN_LANE = cast(Table, PlanRunLane.__table__)  # type: ignore[attr-defined]
PLAN_DATA_VERSION = cast(Table, PlanDataVersion.__table__)
PLAN_LANE_COLUMNS = [c.name for c in PLAN_RUN_LANE.columns if c.name != "run_id"]


@event.listens_for(Base.metadata, "after_create")
def _create_version_triggers(_target: Any, connection: Connection, **_kw: Any) -> None:
    """The data-version row and triggers; idempotent (runs on every schema check), so
    databases created before plan runs existed get them too."""
    if connection.execute(select(func.count()).select_from(PLAN_DATA_VERSION)).scalar() == 0:
        connection.execute(insert(PLAN_DATA_VERSION).values(id=1, updates=0))
    bump = "UPDATE plan_data_version SET updates = updates + 1 WHERE id = 1"
    if connection.dialect.name == "postgresql":
        present = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'demand'::regclass "
            "AND tgname IN ('demand_written', 'demand_truncated')").scalar()
        if present == 2:
            return
        # statement level: one bump per writing statement (COPY included), whatever its row count
        connection.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION plan_bump_data_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$"
        )
        for name, events in (("demand_written", "INSERT OR UPDATE OR DELETE"), ("demand_truncated", "TRUNCATE")):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON demand")
            connection.exec_driver_sql(
                f"CREATE TRIGGER {name} AFTER {events} ON demand "
                "FOR EACH STATEMENT EXECUTE FUNCTION plan_bump_data_version()"
            )
    else:  # SQLite triggers are per row; updates are single edits or one lane's replace-import
        connection.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS demand_updated AFTER UPDATE ON demand BEGIN {bump}; END"
        )


def demand_version(*, engine: Engine) -> str:
    """A cheap version of the demand table; any write to ``demand`` changes it.

    PostgreSQL: ``pg:<statements>`` from the statement-level trigger counter.
    SQLite: ``<rows>:<max id>:<updates>``: inserts raise ``max(id)`` (ids are
    never reused), deletes lower the row count, updates bump the trigger counter.
    """
    ensure_schema(engine)
    with translate(engine, "Reading the data version"), engine.connect() as conn:
        if is_postgres(engine):
            return f"pg:{int(conn.exec_driver_sql('SELECT updates FROM plan_data_version').scalar() or 0)}"
        # two statements: SQLite answers max(id) from the primary key and count(*) from the
        # smallest index, but scans the table for the combined query (2.8 s vs 0.3 s on 11M rows)
        rows = conn.exec_driver_sql("SELECT count(*) FROM demand").scalar_one()
        max_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM demand").scalar_one()
        updates = conn.exec_driver_sql("SELECT coalesce(max(updates), 0) FROM plan_data_version").scalar()
    return f"{int(rows)}:{int(max_id)}:{int(updates or 0)}"


def lane_fingerprints(lanes: Iterable[str] | None = None, *, engine: Engine) -> pd.DataFrame:
    """Per-lane SQL aggregates of the demand history, computed by the database.

    Columns lane, n_rows, volume_sum [units], volume_sq_sum [units^2],
    id_volume_sum (volume weighted by record id: moves when a value moves
    between records), first_day, last_day [days since 1970-01-01].
    ``lanes`` restricts the scan to those lanes (index on ``lane_id``);
    lanes without records are absent.  Plain column aggregates only, so
    SQLite need not convert a date per row.
    """
    ensure_schema(engine)
    with translate(engine, "Aggregating demand"), engine.connect() as conn:
        ids = lane_ids(conn)
        where = ""
        if lanes is not None:
            wanted = sorted({ids[c] for c in lanes if c in ids})
            if not wanted:
                return pd.DataFrame(columns=["lane", *FINGERPRINT_COLUMNS])
            where = f" WHERE lane_id IN ({','.join(str(int(i)) for i in wanted)})"
        rows = conn.exec_driver_sql(
            "SELECT lane_id, count(*), sum(volume), sum(volume * volume), sum(volume * id), "
            f"min(date), max(date) FROM demand{where} GROUP BY lane_id"
        ).all()
    codes = {v: k for k, v in ids.items()}
    frame = pd.DataFrame(rows, columns=["lane_id", *FINGERPRINT_COLUMNS])
    frame.insert(0, "lane", [codes.get(int(i), f"lane#{int(i)}") for i in frame["lane_id"]])
    for name in ("first_day", "last_day"):
        frame[name] = [day_number(v) for v in frame[name]]
    frame = frame.drop(columns="lane_id").astype(
        {"n_rows": np.int64, "volume_sum": float, "volume_sq_sum": float, "id_volume_sum": float,
         "first_day": np.int64, "last_day": np.int64})
    return frame.sort_values("lane", ignore_index=True)


def write_plan_run(
    run: dict[str, Any], rows: pd.DataFrame | None, *, copy_from: int | None = None,
    drop_lanes: Iterable[str] = (), stale_after_day: int | None = None, stale_periods: float = 1.5,
    engine: Engine,
) -> int:
    """Store a run in ONE transaction; returns its id.

    ``rows`` (columns :data:`PLAN_LANE_COLUMNS`) are the lanes planned now.
    With ``copy_from`` every other lane of that earlier run is copied (minus
    ``drop_lanes``), and copied lanes whose last record is older than
    ``stale_periods`` periods before ``stale_after_day`` get the status "No recent data".
    Runs beyond the newest :data:`PLAN_RUNS_KEPT` are deleted.
    """
    ensure_schema(engine)
    columns = ", ".join(f'"{c}"' for c in PLAN_LANE_COLUMNS)
    with translate(engine, "Storing the planning run"), engine.begin() as conn:
        run_id = int(conn.execute(insert(PLAN_RUN).values(**run).returning(PLAN_RUN.c.id)).scalar_one())
        planned = [] if rows is None else rows["lane"].tolist()
        if copy_from is not None:
            conn.exec_driver_sql(
                f"INSERT INTO plan_run_lane (run_id, {columns}) SELECT {run_id}, {columns} "
                f"FROM plan_run_lane WHERE run_id = {int(copy_from)}"
            )
            removed = sorted({*planned, *drop_lanes})
            for start in range(0, len(removed), 500):
                conn.execute(delete(PLAN_RUN_LANE).where(
                    PLAN_RUN_LANE.c.run_id == run_id, PLAN_RUN_LANE.c.lane.in_(removed[start : start + 500])))
            if stale_after_day is not None:
                conn.execute(
                    update(PLAN_RUN_LANE)
                    .where(PLAN_RUN_LANE.c.run_id == run_id,
                           int(stale_after_day) - PLAN_RUN_LANE.c.last_date_day
                           > float(stale_periods) * PLAN_RUN_LANE.c.period_days)
                    .values(status="No recent data")
                )
        if rows is not None and len(rows):
            records = rows[PLAN_LANE_COLUMNS].to_dict("records")
            stmt = insert(PLAN_RUN_LANE)
            for start in range(0, len(records), LANE_INSERT_BATCH):
                conn.execute(stmt, [{"run_id": run_id, **r} for r in records[start : start + LANE_INSERT_BATCH]])
        keep = select(PLAN_RUN.c.id).order_by(PLAN_RUN.c.id.desc()).limit(PLAN_RUNS_KEPT).subquery()
        old = [int(i) for i in conn.execute(select(PLAN_RUN.c.id).where(PLAN_RUN.c.id.not_in(select(keep.c.id)))).scalars()]
        if old:
            conn.execute(delete(PLAN_RUN_LANE).where(PLAN_RUN_LANE.c.run_id.in_(old)))
            conn.execute(delete(PLAN_RUN).where(PLAN_RUN.c.id.in_(old)))
    return run_id


def latest_plan_run(*, engine: Engine) -> dict[str, Any] | None:
    """The newest run's header (columns of ``plan_run``) or None."""
    ensure_schema(engine)
    with translate(engine, "Reading the planning run"), engine.connect() as conn:
        row = conn.execute(select(PLAN_RUN).order_by(PLAN_RUN.c.id.desc()).limit(1)).first()
    return None if row is None else dict(row._mapping)


def plan_run_lanes(run_id: int, *, engine: Engine) -> pd.DataFrame:
    """All lane rows of run ``run_id`` (columns :data:`PLAN_LANE_COLUMNS`), by lane."""
    ensure_schema(engine)
    columns = ", ".join(f'"{c}"' for c in PLAN_LANE_COLUMNS)
    with translate(engine, "Reading the planning run"), engine.connect() as conn:
        # plain DBAPI tuples: 10,000 rows x 38 columns without per-row Row objects
        cursor = raw_cursor(conn)
        try:
            cursor.execute(
                f"SELECT {columns} FROM plan_run_lane WHERE run_id = {int(run_id)} ORDER BY lane")
            rows = cursor.fetchall()
        finally:
            cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=PLAN_LANE_COLUMNS)
    floats = [*PLAN_NUMBER_COLUMNS, "period_days", "volume_sum", "volume_sq_sum", "id_volume_sum"]
    # SQLite stores NaN as NULL: give the float columns their NaN back
    frame[floats] = frame[floats].astype(float)
    return frame


def delete_plan_runs(*, engine: Engine) -> None:
    """Forget every stored planning run (the watchtower then plans live until the next run)."""
    ensure_schema(engine)
    with translate(engine, "Deleting planning runs"), engine.begin() as conn:
        conn.execute(delete(PLAN_RUN_LANE))
        conn.execute(delete(PLAN_RUN))


def refresh_statistics(*, engine: Engine) -> bool:
    """``ANALYZE demand`` on PostgreSQL when its statistics are missing or >10 % out of date.

    Right after a bulk load the planner believes every ``lane_id IN (...)``
    matches the whole table and reads a chunk of 500 lanes with a full scan
    (3.5 s instead of 0.5 s on 11M rows); autovacuum fixes that only later.
    Returns True when it analysed.  SQLite: nothing to do (its plans here use
    the unique index without statistics).
    """
    ensure_schema(engine)
    if not is_postgres(engine):
        return False
    with translate(engine, "Refreshing statistics"), engine.begin() as conn:
        row = conn.exec_driver_sql(
            "SELECT coalesce(last_analyze, last_autoanalyze) IS NULL, n_mod_since_analyze, n_live_tup "
            "FROM pg_stat_user_tables WHERE relname = 'demand'").first()
        if row is None:
            return False
        never, modified, live = row
        if not never and modified <= 0.1 * max(live, 1):
            return False
        conn.exec_driver_sql("ANALYZE demand")
    return True

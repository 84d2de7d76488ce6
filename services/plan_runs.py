"""Planning runs: the whole network planned in batch, stored, and read back.

A planning run plans every lane with :func:`planning.plan_network` (the same
kernel, the same figures as the live watchtower) and stores one row per lane
(``db.PLAN_RUN_LANE``).  The watchtower then reads 10,000 small rows instead
of 11M demand rows.

Incremental runs
    Each stored lane row carries the fingerprint of the data it was planned
    on: SQL aggregates of the lane's demand (row count, sum, sum of squares,
    volume weighted by record id, first and last day) and a hash of its master
    data.  A run re-plans only lanes whose fingerprint differs and copies the
    rest inside the database.  A lane is planned in the context of the whole
    network: each chunk is padded with a zero-volume lane spanning the
    network's first to last day, so every lane sees the same calendar (and the
    same "today") as in one :func:`planning.plan_network` call over all lanes.
    If the network's first day changes (or its last day moves back) every
    lane is re-planned; if the last day moves forward the copied lanes get
    the "No recent data" status exactly as the planner would give it.

Executors
    Lanes go through an executor in chunks of ``chunk_lanes``: in-process by
    default, a ``dask.distributed`` cluster when ``DASK_SCHEDULER_ADDRESS`` is
    set.  Workers read their chunk from the database themselves (the task
    holds the database URL, lane codes and master data), so no demand data
    passes through the scheduler.

Stale detection
    A run records :func:`db.demand_version` (row count, max id, UPDATE
    counter), a hash over all master data and a hash of the planning code.
    It is current while all three are unchanged.

Command line (cron-usable)::

    python -m services.plan_runs plan-run            # incremental: only changed lanes
    python -m services.plan_runs plan-run --full     # re-plan every lane
    python -m services.plan_runs status              # is the latest run current?
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import db
import planning
from domain import LspError
from services.config import get_settings
from services.plan_chunks import (
    PAD_LANE,
    ChunkTask,
    DaskExecutor,
    Executor,
    InProcessExecutor,
    executor_for,
    plan_chunk,
    plan_demand_chunk,
)

DEFAULT_CHUNK_LANES = 500  # lanes per task: ~550k demand rows (~13 MB) for 3 years of daily data
FEW_LANES = 50  # up to this many lanes to re-plan, master data is read lane by lane
# Sums of the same rows can differ in the last bits between query plans; a real change
# of one unit in a lane's history is far larger than this relative tolerance.
FINGERPRINT_RTOL = 1e-9
# Files and packages (relative to the project root) whose code decides a plan.
PLANNING_MODULES = (
    "domain", "inventory", "capacity", "forecasting", "planning", "inventory_math.py",
    "cooperation.py", "resilience.py", "services/plan_runs.py", "services/plan_chunks.py",
)
ProgressCallback = Callable[[float, str], None]
# Chunk planning and executors live in services.plan_chunks; re-exported for callers.
__all__ = [
    "PAD_LANE", "ChunkTask", "DaskExecutor", "Executor", "InProcessExecutor", "ProgressCallback",
    "RunResult", "RunStatus", "changed_lanes", "executor_for", "main", "master_hashes",
    "masters_hash", "network_from_rows", "plan_chunk", "plan_demand_chunk", "planning_version",
    "replan_after_import", "run_planning", "run_status", "stored_network",
]


# --------------------------------------------------------------------------- fingerprints


def master_hashes(*, engine: db.Engine) -> dict[str, str]:
    """Lane code -> hash of its stored master data (any field change changes it)."""
    return {
        str(row[0]): hashlib.sha256(repr(row[1:]).encode("utf-8")).hexdigest()[:32]
        for row in db.lane_master_rows(engine=engine)
    }


def masters_hash(hashes: Iterable[str]) -> str:
    """Hash over all lanes' master-data hashes (order-independent)."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode("utf-8")).hexdigest()[:32]


def planning_version() -> str:
    """Hash of the planning code: a run made by other code is out of date."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for name in PLANNING_MODULES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        if not files or not all(f.exists() for f in files):
            raise FileNotFoundError(f"planning code {name} is missing: update PLANNING_MODULES")
        for file in files:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def changed_lanes(current: pd.DataFrame, stored: pd.DataFrame) -> list[str]:
    """Lanes whose fingerprint (demand aggregates or master hash) differs from the stored run.

    Both frames have columns lane, master_hash and :data:`db.FINGERPRINT_COLUMNS`;
    lanes missing from ``stored`` count as changed.
    """
    merged = current.merge(stored, on="lane", how="left", suffixes=("", "_old"), indicator=True)
    changed = (merged["_merge"] != "both").to_numpy()
    for name in ("n_rows", "first_day", "last_day"):
        changed |= merged[name].to_numpy(dtype=float) != merged[f"{name}_old"].to_numpy(dtype=float)
    for name in ("volume_sum", "volume_sq_sum", "id_volume_sum"):
        new, old = merged[name].to_numpy(dtype=float), merged[f"{name}_old"].to_numpy(dtype=float)
        changed |= ~np.isclose(new, old, rtol=FINGERPRINT_RTOL, atol=FINGERPRINT_RTOL)
    changed |= (merged["master_hash"] != merged["master_hash_old"]).to_numpy()
    return merged.loc[changed, "lane"].tolist()


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class RunResult:
    """What a planning run did."""

    run_id: int
    mode: str  # "full" | "incremental"
    lanes_total: int
    lanes_planned: int
    duration_s: float
    executor: str
    reasons: tuple[str, ...] = field(default_factory=tuple)  # why full, if it was

    def summary(self) -> str:
        return (f"Planning run #{self.run_id} ({self.mode}, {self.executor}): "
                f"{self.lanes_planned:,} of {self.lanes_total:,} lanes planned in {self.duration_s:.1f} s.")


def _engine_url(engine: db.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _chunks(lanes: Sequence[str], size: int) -> Iterator[tuple[str, ...]]:
    for start in range(0, len(lanes), size):
        yield tuple(lanes[start : start + size])


def run_planning(
    *,
    engine: db.Engine,
    lanes: Iterable[str] | None = None,
    full: bool = False,
    executor: Executor | None = None,
    chunk_lanes: int = DEFAULT_CHUNK_LANES,
    service_level: float | None = None,
    progress: ProgressCallback | None = None,
) -> RunResult:
    """Plan the network and store the run.

    Parameters
    ----------
    lanes : lane codes known to have changed (e.g. after an import), optional
        Only these lanes' demand is aggregated; every other lane keeps the
        fingerprint of the latest run.  Without it every lane is aggregated
        (one SQL ``GROUP BY``) and compared.
    full : re-plan every lane even if its data did not change.
    executor : where chunks run; default: the Dask cluster at ``DASK_SCHEDULER_ADDRESS``
        (settings) if set, else in-process.
    chunk_lanes : lanes per task, >= 1.
    service_level : fixed cycle service level in (0, 1) or None (each lane's alpha*).
    """
    if chunk_lanes < 1:
        raise ValueError(f"chunk_lanes must be >= 1, got {chunk_lanes}")
    if service_level is not None and not 0.0 < service_level < 1.0:
        raise ValueError(f"service_level must be in (0, 1), got {service_level}")
    notify = progress or (lambda _fraction, _message: None)
    started = time.perf_counter()
    executor = executor or executor_for(get_settings().dask_scheduler_address)
    version = db.demand_version(engine=engine)  # before reading: a concurrent write makes the run stale
    hashes = master_hashes(engine=engine)
    code_version = planning_version()

    previous = db.latest_plan_run(engine=engine)
    reasons: list[str] = []
    stored = None
    if full:
        reasons.append("full run requested")
    elif previous is None:
        reasons.append("no earlier run")
    elif previous["planning_version"] != code_version:
        reasons.append("planning code changed")
    elif json.loads(previous["parameters"]).get("service_level") != service_level:
        reasons.append("service level changed")
    else:
        stored = db.plan_run_lanes(previous["id"], engine=engine)

    notify(0.05, "Aggregating demand per lane in the database…")
    db.refresh_statistics(engine=engine)
    if lanes is not None and stored is not None:
        touched = sorted(set(lanes))
        fresh = db.lane_fingerprints(touched, engine=engine)
        kept = stored.loc[~stored["lane"].isin(touched), ["lane", *db.FINGERPRINT_COLUMNS]]
        fingerprints = pd.concat([kept, fresh], ignore_index=True)
    else:
        fingerprints = db.lane_fingerprints(engine=engine)
    fingerprints = fingerprints.sort_values("lane", ignore_index=True)
    fingerprints["master_hash"] = [hashes.get(c, "") for c in fingerprints["lane"]]
    if fingerprints.empty:
        first_day = last_day = 0
    else:
        first_day, last_day = int(fingerprints["first_day"].min()), int(fingerprints["last_day"].max())

    if stored is not None and previous is not None:
        if first_day != previous["first_day"]:
            reasons.append("the network's first day changed")
        elif last_day < previous["as_of_day"]:
            reasons.append("the network's last day moved back")
    incremental = stored is not None and not reasons
    if stored is not None and incremental:
        todo = changed_lanes(fingerprints, stored)
        removed = sorted(set(stored["lane"]) - set(fingerprints["lane"]))
    else:
        todo, removed = fingerprints["lane"].tolist(), []

    if len(todo) > FEW_LANES:
        masters = db.list_lane_master(engine=engine)
    else:  # after a one-lane import: skip building 10,000 master-data objects
        masters = {c: db.get_lane_master(c, engine=engine) for c in todo if c in hashes}
    tasks = [
        ChunkTask(_engine_url(engine), chunk, {c: masters[c] for c in chunk if c in masters},
                  first_day, last_day, service_level)
        for chunk in _chunks(todo, chunk_lanes)
    ]
    parts = []
    for done, part in enumerate(executor.map(plan_chunk, tasks), start=1):
        parts.append(part)
        notify(0.1 + 0.8 * done / len(tasks), f"{done} of {len(tasks)} chunks planned")
    rows = None
    if parts:
        rows = pd.concat(parts, ignore_index=True).merge(fingerprints, on="lane", how="left")
        rows = rows.sort_values("lane", ignore_index=True)

    notify(0.95, "Storing the run…")
    duration = time.perf_counter() - started
    parameters = {
        "service_level": service_level, "chunk_lanes": chunk_lanes, "executor": executor.name,
        "mode": "incremental" if incremental else "full", "reasons": reasons,
        "lanes_requested": None if lanes is None else sorted(set(lanes))[:100],
    }
    header = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data_version": version,
        "master_hash": masters_hash(hashes.values()),
        "planning_version": code_version,
        "parameters": json.dumps(parameters),
        "as_of_day": last_day,
        "first_day": first_day,
        "lanes_total": len(fingerprints),
        "lanes_planned": len(todo),
        "duration_s": duration,
    }
    run_id = db.write_plan_run(
        header, rows, copy_from=previous["id"] if incremental and previous else None,
        drop_lanes=removed,
        stale_after_day=last_day if incremental and previous and last_day > previous["as_of_day"] else None,
        stale_periods=planning.STALE_PERIODS, engine=engine,
    )
    notify(1.0, "Planning run stored.")
    return RunResult(run_id, str(parameters["mode"]), len(fingerprints), len(todo),
                     time.perf_counter() - started, executor.name, tuple(reasons))


def replan_after_import(lanes: Iterable[str], *, engine: db.Engine) -> RunResult | None:
    """Re-plan only ``lanes`` (the lanes an import touched) if a run exists; else do nothing.

    Without an earlier run there is nothing to keep current: the watchtower
    computes live until the first full run.
    """
    if db.latest_plan_run(engine=engine) is None:
        return None
    try:
        return run_planning(engine=engine, lanes=list(lanes), executor=InProcessExecutor())
    except ValueError:
        # A lane that cannot be planned must not undo or fail the import that already
        # succeeded; the stored run stays out of date and the watchtower plans live
        # (where the same problem is shown to the planner).
        return None


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RunStatus:
    """The latest run and whether it still matches the data."""

    run_id: int
    created_at: dt.datetime  # UTC
    as_of: pd.Timestamp | None
    lanes_total: int
    lanes_planned: int
    mode: str
    reasons_stale: tuple[str, ...]  # empty when current

    @property
    def current(self) -> bool:
        return not self.reasons_stale

    def describe(self) -> str:
        """One line for the UI, e.g. 'Planning run #3 of 2026-12-01 23:50 UTC — data unchanged since.'"""
        made = f"Planning run #{self.run_id} of {self.created_at:%Y-%m-%d %H:%M} UTC"
        if self.current:
            return f"{made} ({self.lanes_total:,} lanes) — data unchanged since."
        return f"{made} — out of date: {', '.join(self.reasons_stale)} since."


def run_status(*, engine: db.Engine) -> RunStatus | None:
    """Status of the latest run (None when there is none).  Costs one ``count(*)``
    on ``demand`` plus reading the lanes table; never reads demand rows."""
    run = db.latest_plan_run(engine=engine)
    if run is None:
        return None
    reasons = []
    if run["data_version"] != db.demand_version(engine=engine):
        reasons.append("demand changed")
    if run["master_hash"] != masters_hash(master_hashes(engine=engine).values()):
        reasons.append("master data changed")
    if run["planning_version"] != planning_version():
        reasons.append("planning code changed")
    parameters = json.loads(run["parameters"])
    return RunStatus(
        run_id=int(run["id"]),
        created_at=dt.datetime.fromisoformat(run["created_at"]),
        as_of=pd.Timestamp(np.datetime64(int(run["as_of_day"]), "D")) if run["lanes_total"] else None,
        lanes_total=int(run["lanes_total"]), lanes_planned=int(run["lanes_planned"]),
        mode=str(parameters.get("mode", "")), reasons_stale=tuple(reasons),
    )


def network_from_rows(rows: pd.DataFrame, as_of: pd.Timestamp | None) -> planning.NetworkPlan:
    """Rebuild the :class:`planning.NetworkPlan` (table and totals) from stored lane rows.

    Totals use plan_network's definitions; sums may differ from a live plan
    in the last bits (summation order).
    """
    if rows.empty:
        empty = pd.DataFrame(columns=list(planning.NETWORK_COLUMNS))
        return planning.NetworkPlan(empty, None, 0.0, 0.0, 0.0, (), 0.0, 0.0, 0.0, 0.0, {})
    table = rows.copy()
    table["last_date"] = table["last_date_day"].to_numpy(dtype="datetime64[D]").astype("datetime64[ns]")
    table["review_period_days"] = table["review_period_days"].astype(np.int64)
    workload = float(table["expected_workload_per_year"].sum())
    return planning.network_from_table(table[list(planning.NETWORK_COLUMNS)], as_of, workload)


def stored_network(
    *, engine: db.Engine, status: RunStatus | None = None,
) -> planning.NetworkPlan | None:
    """The latest run as a NetworkPlan when it is current, else None (plan live then)."""
    status = status or run_status(engine=engine)
    if status is None or not status.current:
        return None
    return network_from_rows(db.plan_run_lanes(status.run_id, engine=engine), status.as_of)


# --------------------------------------------------------------------------- command line


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.plan_runs", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("plan-run", help="plan changed lanes (or all with --full) and store the run")
    run.add_argument("--full", action="store_true", help="re-plan every lane")
    run.add_argument("--lanes", default="", help="comma-separated lanes known to have changed")
    run.add_argument("--chunk-lanes", type=int, default=DEFAULT_CHUNK_LANES,
                     help=f"lanes per task (default {DEFAULT_CHUNK_LANES})")
    commands.add_parser("status", help="show the latest run and whether the data changed since")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        settings = get_settings()
        engine = db.get_engine(settings.engine_url)
        if args.command == "status":
            status = run_status(engine=engine)
            print(status.describe() if status else "No planning run stored yet.")
            return 0 if status and status.current else 1
        lanes = [c.strip() for c in args.lanes.split(",") if c.strip()] or None

        def report(fraction: float, message: str) -> None:
            print(f"\r{fraction:6.1%}  {message}", end="", file=sys.stderr, flush=True)

        result = run_planning(engine=engine, full=args.full, lanes=lanes, chunk_lanes=args.chunk_lanes,
                              executor=executor_for(settings.dask_scheduler_address), progress=report)
    except (LspError, ValueError) as exc:
        print(f"\nError: {exc}", file=sys.stderr)
        return 2
    print(f"\n{result.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

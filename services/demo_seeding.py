"""Seeding a database with the demo data from the command line (``python -m services.demo_seeding``).

The use case "wipe, write the generated network, end with a planning run" in
one function (:func:`seed_database`) and its command line (:func:`main`).
:mod:`seed_data` stays a pure generator; this module is the one that writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass

import seed_data
import storage
from domain import LspError
from services import plan_runs
from services.config import get_settings


@dataclass(frozen=True)
class SeedResult:
    """What :func:`seed_database` wrote."""

    rows: int  # demand records written
    lanes: int
    run: plan_runs.RunResult | None  # the planning run stored at the end, if any
    plan_problem: str  # why no planning run was stored ("" if one was, or none was asked for)


def seed_database(
    engine: storage.Engine,
    *,
    seed: int = seed_data.DEFAULT_SEED,
    end: dt.date | None = None,
    days: int = seed_data.DEFAULT_DAYS,
    synthetic_lanes: int = 0,
    plan_run: bool = True,
    executor: plan_runs.Executor | None = None,
    progress: storage.ProgressCallback | None = None,
) -> SeedResult:
    """Replace ALL data with the generated network in one transaction, then plan it.

    Ending with a stored planning run lets a freshly seeded database open at full speed;
    it runs on ``executor`` (in-process by default, Dask where the settings name a scheduler).
    """
    network = seed_data.demo_network(seed=seed, end=end, days=days, synthetic_lanes=synthetic_lanes)
    written = storage.bulk_load(network.chunks, network.masters, engine=engine, wipe=True,
                                 progress=progress, expected_rows=network.expected_rows)
    run, plan_problem = None, ""
    if plan_run:
        try:
            run = plan_runs.run_planning(engine=engine, full=True, executor=executor,
                                         progress=progress)
        except ValueError as exc:  # e.g. too few days to plan: the data is still seeded
            plan_problem = str(exc)
    return SeedResult(written, len(network.masters), run, plan_problem)


# --------------------------------------------------------------------------- command line


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.demo_seeding",
        description="Wipe the configured database and write synthetic demand history.",
    )
    parser.add_argument("--seed", type=int, default=seed_data.DEFAULT_SEED,
                        help="random seed (default 42)")
    parser.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=None,
        help="last day of history, YYYY-MM-DD (default: yesterday)",
    )
    parser.add_argument(
        "--days", type=int, default=seed_data.DEFAULT_DAYS,
        help=f"days of history (default {seed_data.DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--lanes", type=int, default=0, help="extra synthetic lanes SYN-0001... (default 0)"
    )
    parser.add_argument(
        "--yes", action="store_true", help="do not ask before wiping existing data"
    )
    parser.add_argument(
        "--no-plan-run", action="store_true",
        help="skip the planning run at the end (the watchtower then plans live)",
    )
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be >= 1")
    if args.lanes < 0:
        parser.error("--lanes must be >= 0")
    return args


def _confirm(label: str, records: int, lanes: int) -> bool:
    prompt = (
        f"{label} holds {records:,} demand records in {lanes:,} lanes. "
        "Delete everything and seed new data? Type 'yes': "
    )
    print(prompt, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()  # "" on EOF (no terminal, CI): refuse
    return answer.strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    """``python -m services.demo_seeding [--seed N] [--end YYYY-MM-DD] [--days N] [--lanes N] [--yes]``."""
    args = _parse_args(argv)
    end = args.end or seed_data.default_end()
    try:
        settings = get_settings()
        engine = storage.get_engine(settings.engine_url)
        label = storage.database_label(engine)
        records = storage.count_records(engine=engine)
        lanes = len(storage.list_lanes(engine=engine))
        if (records or lanes) and not args.yes and not _confirm(label, records, lanes):
            print(
                "\nAborted: existing data was left untouched. Re-run with --yes to wipe it.",
                file=sys.stderr,
            )
            return 1

        def report(fraction: float, message: str) -> None:
            print(f"\r{fraction:6.1%}  {message}", end="", file=sys.stderr, flush=True)

        result = seed_database(engine, seed=args.seed, end=end, days=args.days,
                               synthetic_lanes=args.lanes, plan_run=not args.no_plan_run,
                               executor=plan_runs.executor_for(settings.dask_scheduler_address),
                               progress=report)
    except LspError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(
        f"\nSeeded {result.rows:,} demand records in {result.lanes:,} lanes "
        f"({args.days} days ending {end.isoformat()}, seed {args.seed}) into {label}."
    )
    if result.run is not None:
        print(result.run.summary())
    if result.plan_problem:
        print(f"No planning run stored (the watchtower plans live): {result.plan_problem}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Whole-database use-cases: factory reset, restore a backup, load the demo network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import db
from domain import ValidationError
from services import access, plan_runs
from services.context import WriteContext, no_caches

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

RESET_PHRASE = "RESET"
RESTORE_PHRASE = "RESTORE"
Restored = db.BackupRestored  # what a backup restore wrote (and dropped)


@dataclass(frozen=True)
class ResetDone:
    """What a factory reset removed besides every lane and record."""

    scenarios: int


@dataclass(frozen=True)
class Seeded:
    """What loading the demo network wrote."""

    rows: int  # demand records
    run: plan_runs.RunResult | None  # the stored planning run (None when not made)


def factory_reset(ctx: WriteContext, confirmation: str) -> ResetDone:
    """Delete every record, lane and saved scenario; ``confirmation`` must be ``RESET``."""
    ctx.require(access.ACTION_FACTORY_RESET)
    if (confirmation or "").strip() != RESET_PHRASE:
        raise ValidationError(f"type {RESET_PHRASE} in capitals to confirm the factory reset")
    scenarios = db.reset_database(engine=ctx.engine)
    ctx.log(access.ACTION_FACTORY_RESET, scenarios=scenarios)
    ctx.changed()
    return ResetDone(scenarios)


def restore_backup(ctx: WriteContext, data: bytes, confirmation: str) -> db.BackupRestored:
    """Replace all data with a backup ZIP (all or nothing); ``confirmation`` must be ``RESTORE``.

    Saved scenarios are not part of a backup: those of lanes the backup holds
    stay, those of every other lane are deleted with their lane.
    """
    ctx.require(access.ACTION_FACTORY_RESET)
    if (confirmation or "").strip() != RESTORE_PHRASE:
        raise ValidationError(f"type {RESTORE_PHRASE} in capitals to confirm the restore")
    if not data:
        raise ValidationError("the backup file is empty: nothing restored")
    done = db.restore_backup(data, engine=ctx.engine)
    ctx.log("restore backup", lanes=done.lanes, rows=done.rows, bytes=len(data),
            scenarios=done.scenarios_dropped)
    ctx.changed()
    return done


def seed_demo(ctx: WriteContext) -> Seeded:
    """Load the demo network into an empty database and store its planning run.

    Raises :class:`domain.ValidationError` when the database holds demand already.
    """
    ctx.require(access.ACTION_IMPORT)
    rows = db.seed_demo(engine=ctx.engine)
    try:
        # The watchtower opens from the stored run.
        run = plan_runs.run_planning(
            engine=ctx.engine, executor=plan_runs.executor_for(ctx.settings.dask_scheduler_address))
    finally:
        ctx.log("load demo data", rows=rows)
        ctx.changed()
    return Seeded(rows, run)


def seed_demo_if_empty(engine: Engine, on_change: Callable[[], None] = no_caches) -> int:
    """Start-up seeding of a hosted demo (``SEED_DEMO_IF_EMPTY=1``); rows written (0: had data).

    The operator asked for it in the environment, so it is not a visitor's
    write: no access check, and it runs in the public read-only mode too.
    """
    if db.count_records(engine=engine) > 0:
        return 0
    try:
        rows = db.seed_demo(engine=engine)
    except ValidationError:  # another server process seeded it a moment ago
        return 0
    access.log_action("load demo data", who="start-up (SEED_DEMO_IF_EMPTY)", rows=rows)
    on_change()
    return rows

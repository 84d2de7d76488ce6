"""Service layer: settings, access rules, stored planning runs and every write use-case.

Views and scripts change data only through the functions re-exported here.
Each use-case takes a :class:`WriteContext` (settings, engine, who, cache
callback), checks access (:mod:`services.access`), writes through ``db``
with the context's engine, calls the cache callback once after a successful
write and logs.  Domain errors (``domain.AccessDenied``,
``domain.ValidationError``, ...) pass through unchanged.

Modules: ``config`` (the only reader of the environment), ``access`` (public
mode, admin password, sign-in throttle), ``plan_runs`` (batch planning runs,
``python -m services.plan_runs``), ``context``, ``demand``, ``lanes``,
``maintenance``, ``saved_scenarios``, ``runs``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.context import WriteContext, no_caches
    from services.demand import (
        DEFAULT_POLICY,
        DUPLICATE_POLICIES,
        AddedRecord,
        RecordChange,
        add_record,
        apply_record_edits,
        delete_record,
        import_demand,
        update_record,
    )
    from services.lanes import DeletedLane, delete_lane, save_lane_master
    from services.maintenance import (
        RESET_PHRASE,
        RESTORE_PHRASE,
        ResetDone,
        Restored,
        Seeded,
        factory_reset,
        restore_backup,
        seed_demo,
        seed_demo_if_empty,
    )
    from services.runs import replan
    from services.saved_scenarios import delete_scenario, rename_scenario, save_scenario


_HOMES: dict[str, str] = {
    "WriteContext": "services.context",
    "no_caches": "services.context",
    "AddedRecord": "services.demand",
    "DEFAULT_POLICY": "services.demand",
    "DUPLICATE_POLICIES": "services.demand",
    "RecordChange": "services.demand",
    "add_record": "services.demand",
    "apply_record_edits": "services.demand",
    "delete_record": "services.demand",
    "import_demand": "services.demand",
    "update_record": "services.demand",
    "DeletedLane": "services.lanes",
    "delete_lane": "services.lanes",
    "save_lane_master": "services.lanes",
    "RESET_PHRASE": "services.maintenance",
    "RESTORE_PHRASE": "services.maintenance",
    "ResetDone": "services.maintenance",
    "Restored": "services.maintenance",
    "Seeded": "services.maintenance",
    "factory_reset": "services.maintenance",
    "restore_backup": "services.maintenance",
    "seed_demo": "services.maintenance",
    "seed_demo_if_empty": "services.maintenance",
    "replan": "services.runs",
    "delete_scenario": "services.saved_scenarios",
    "rename_scenario": "services.saved_scenarios",
    "save_scenario": "services.saved_scenarios",
}


def __getattr__(name: str) -> Any:
    # Lazy re-exports: ``import services`` stays cheap and cycle-free (``db`` reads
    # ``services.config`` while it loads), and ``python -m services.plan_runs`` does
    # not import plan_runs twice.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'services' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "DEFAULT_POLICY",
    "DUPLICATE_POLICIES",
    "RESET_PHRASE",
    "RESTORE_PHRASE",
    "AddedRecord",
    "DeletedLane",
    "RecordChange",
    "ResetDone",
    "Restored",
    "Seeded",
    "WriteContext",
    "add_record",
    "apply_record_edits",
    "delete_lane",
    "delete_record",
    "delete_scenario",
    "factory_reset",
    "import_demand",
    "no_caches",
    "rename_scenario",
    "replan",
    "restore_backup",
    "save_lane_master",
    "save_scenario",
    "seed_demo",
    "seed_demo_if_empty",
    "update_record",
]

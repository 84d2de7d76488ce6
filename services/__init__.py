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

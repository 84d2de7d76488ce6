"""Persistence: lanes with master data, daily demand history, saved scenarios, planning runs.

PostgreSQL in production, an embedded SQLite file otherwise.  All SQL of the
product lives in this package; callers get plain pandas/domain objects and
the domain's errors:

* a database that is down or refuses an operation -> :class:`domain.DataAccessError`
  (the message names the host, never the password); a writer that does not get
  its turn -> :class:`domain.BusyError`;
* a record or lane id that does not exist -> :class:`domain.NotFoundError`;
* bad single-record input -> :class:`domain.ValidationError`;
* bad import files are *reported* (:class:`importing.ImportReport`), not raised.

Storage never reads settings: the composition root builds the engine with
``get_engine(url)`` and every function takes it as ``engine=``.

Modules, lowest first: ``schema`` (tables, column migration), ``engine``
(URLs, engine creation, SQLite pragmas, labels), ``errors`` (error
translation), ``transactions`` (the ``BEGIN IMMEDIATE`` write transaction and
data version), ``connect`` (cached engines, schema creation, ping),
``validation``, ``lanes``, ``records``, ``reads`` (fast history reads, CSV
export), ``chunks`` / ``writer`` / ``bulk`` (import and bulk load),
``backup``, ``seeding``, ``scenarios``, ``plan_runs``.
"""

from sqlalchemy import Engine

# storage.scenarios and storage.plan_runs declare their tables on schema.Base: importing
# them here, before any engine is built, lets connect.ensure_schema create every table.
from storage.backup import BackupRestored, export_backup, restore_backup
from storage.bulk import ProgressCallback, bulk_load, frame_to_parsed, import_csv
from storage.chunks import IMPORT_CHUNK_BYTES
from storage.connect import data_version, dispose_engine, ensure_schema, get_engine, ping
from storage.engine import (
    PG_CONNECT_TIMEOUT_S,
    SQLITE_BUSY_TIMEOUT_S,
    database_label,
    is_postgres,
    label_for_url,
    normalise_url,
    sqlite_url,
)
from storage.lanes import (
    delete_lane,
    get_lane_master,
    lane_master_rows,
    list_lane_master,
    list_lanes,
    save_lane_master,
)
from storage.plan_runs import (
    FINGERPRINT_COLUMNS,
    PLAN_LANE_COLUMNS,
    PLAN_NUMBER_COLUMNS,
    PLAN_RUN,
    PLAN_RUN_LANE,
    PLAN_RUNS_KEPT,
    delete_plan_runs,
    demand_version,
    lane_fingerprints,
    latest_plan_run,
    plan_run_lanes,
    refresh_statistics,
    write_plan_run,
)
from storage.reads import (
    EXPORT_HEADER,
    export_csv,
    load_demand,
    load_demand_for_lanes,
    network_last_day,
)
from storage.records import add_record, count_records, delete_record, get_records, update_record
from storage.scenarios import (
    SCENARIOS,
    delete_all_scenarios,
    delete_scenario,
    get_scenario,
    list_scenarios,
    rename_scenario,
    save_scenario,
)
from storage.schema import DEMAND, LANES, MASTER_FIELDS
from storage.seeding import DEMO_SYNTHETIC_LANES, reset_database, seed_demo
from storage.transactions import LOCK_TIMEOUT_S
from storage.writer import BULK_REBUILD_MIN_ROWS, DUPLICATE_POLICIES

__all__ = [
    "BackupRestored",
    "BULK_REBUILD_MIN_ROWS",
    "DEMAND",
    "DEMO_SYNTHETIC_LANES",
    "DUPLICATE_POLICIES",
    "EXPORT_HEADER",
    "FINGERPRINT_COLUMNS",
    "IMPORT_CHUNK_BYTES",
    "LANES",
    "LOCK_TIMEOUT_S",
    "MASTER_FIELDS",
    "PG_CONNECT_TIMEOUT_S",
    "PLAN_LANE_COLUMNS",
    "PLAN_NUMBER_COLUMNS",
    "PLAN_RUN",
    "PLAN_RUNS_KEPT",
    "PLAN_RUN_LANE",
    "SCENARIOS",
    "SQLITE_BUSY_TIMEOUT_S",
    "Engine",
    "ProgressCallback",
    "add_record",
    "bulk_load",
    "count_records",
    "data_version",
    "database_label",
    "delete_all_scenarios",
    "delete_lane",
    "delete_plan_runs",
    "delete_record",
    "delete_scenario",
    "demand_version",
    "dispose_engine",
    "ensure_schema",
    "export_backup",
    "export_csv",
    "frame_to_parsed",
    "get_engine",
    "get_lane_master",
    "get_records",
    "get_scenario",
    "import_csv",
    "is_postgres",
    "label_for_url",
    "lane_fingerprints",
    "lane_master_rows",
    "latest_plan_run",
    "list_lane_master",
    "list_lanes",
    "list_scenarios",
    "load_demand",
    "load_demand_for_lanes",
    "network_last_day",
    "normalise_url",
    "ping",
    "plan_run_lanes",
    "refresh_statistics",
    "rename_scenario",
    "reset_database",
    "restore_backup",
    "save_lane_master",
    "save_scenario",
    "seed_demo",
    "sqlite_url",
    "update_record",
    "write_plan_run",
]

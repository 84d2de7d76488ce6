"""The service layer on a real SQLite file and on PostgreSQL.

Every write use-case: refused in public mode (and then writes nothing and
leaves the caches alone), calls the cache callback exactly once per
successful write, writes nothing when it fails, and deleting a lane (or
resetting, or restoring a backup without the lane) also deletes its saved
scenarios.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from app_support import demand_csv

import db
import services
from domain import (
    AccessDenied,
    LaneMasterData,
    NotFoundError,
    Scenario,
    ValidationError,
)
from services import WriteContext
from services.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
LANES = ("AAA-BBB", "CCC-DDD")
DAYS = 30


class Counter:
    """A cache callback that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture
def store(engine: db.Engine) -> db.Engine:
    """Two small lanes; no scenarios or planning runs left from an earlier test."""
    db.delete_all_scenarios(engine=engine)
    db.delete_plan_runs(engine=engine)
    assert db.import_csv(io.BytesIO(demand_csv(LANES, DAYS)), engine=engine).ok
    return engine


def context(engine: db.Engine, callback: Counter, **env: str) -> WriteContext:
    return WriteContext(settings=load_settings(env), engine=engine, on_change=callback)


def snapshot(engine: db.Engine) -> tuple:
    """Everything a write could change."""
    return (db.load_demand(engine=engine), db.list_lane_master(engine=engine),
            [(s.lane, s.name) for s in db.list_scenarios(engine=engine)],
            db.data_version(engine=engine))


def same(before: tuple, after: tuple) -> bool:
    return before[0].equals(after[0]) and before[1:] == after[1:]


def a_scenario(engine: db.Engine, lane: str) -> Scenario:
    return Scenario(lane=lane, params=db.get_lane_master(lane, engine=engine))


def every_use_case(engine: db.Engine) -> list[Callable[[WriteContext], object]]:
    backup = db.export_backup(engine=engine)
    return [
        lambda c: services.import_demand(c, demand_csv(("NEW-LANE",), 3), "new.csv"),
        lambda c: services.add_record(c, "AAA-BBB", dt.date(2030, 1, 1), 5.0),
        lambda c: services.update_record(c, 1, volume=7.0),
        lambda c: services.delete_record(c, 1, confirmed=True),
        lambda c: services.apply_record_edits(c, [services.RecordChange(1, None, 9.0)]),
        lambda c: services.save_lane_master(c, "AAA-BBB", {"internal_capacity": 111.0}),
        lambda c: services.delete_lane(c, "AAA-BBB", confirmation="AAA-BBB"),
        lambda c: services.factory_reset(c, services.RESET_PHRASE),
        lambda c: services.restore_backup(c, backup, services.RESTORE_PHRASE),
        lambda c: services.seed_demo(c),
        lambda c: services.replan(c),
        lambda c: services.save_scenario(c, a_scenario(engine, "AAA-BBB"), "Peak"),
        lambda c: services.rename_scenario(c, "AAA-BBB", "Peak", "Peak 2"),
        lambda c: services.delete_scenario(c, "AAA-BBB", "Peak"),
    ]


def test_public_mode_refuses_every_use_case_and_writes_nothing(store: db.Engine) -> None:
    callback = Counter()
    ctx = WriteContext(settings=load_settings({"APP_MODE": "public"}), engine=store,
                       admin_authenticated=True, on_change=callback)
    before = snapshot(store)
    for use_case in every_use_case(store):
        with pytest.raises(AccessDenied, match="read-only public mode"):
            use_case(ctx)
    assert same(before, snapshot(store))
    assert callback.calls == 0


def test_password_protected_instance_needs_the_signed_in_admin(store: db.Engine) -> None:
    callback = Counter()
    settings = load_settings({"ADMIN_PASSWORD": "Lager-München 42"})
    anonymous = WriteContext(settings=settings, engine=store, on_change=callback)
    with pytest.raises(AccessDenied, match="admin password"):
        services.add_record(anonymous, "AAA-BBB", dt.date(2030, 1, 1), 5.0)
    admin = WriteContext(settings=settings, engine=store, admin_authenticated=True,
                         on_change=callback)
    added = services.add_record(admin, "AAA-BBB", dt.date(2030, 1, 1), 5.0)
    assert added.lane == "AAA-BBB" and added.volume == 5.0
    assert callback.calls == 1


def test_exposed_server_without_password_is_read_only(store: db.Engine) -> None:
    ctx = WriteContext(settings=load_settings({}), engine=store, exposed=True)
    with pytest.raises(AccessDenied, match="every network interface"):
        services.factory_reset(ctx, services.RESET_PHRASE)
    assert db.count_records(engine=store) == len(LANES) * DAYS


def test_every_successful_write_clears_the_caches_once(store: db.Engine) -> None:
    callback = Counter()
    ctx = context(store, callback)
    record = int(db.get_records("AAA-BBB", limit=1, engine=store)["id"].iloc[0])
    steps: list[Callable[[], object]] = [
        lambda: services.import_demand(ctx, demand_csv(("NEW-LANE",), 3), "new.csv"),
        lambda: services.add_record(ctx, "AAA-BBB", dt.date(2030, 1, 1), 5.0),
        lambda: services.update_record(ctx, record, volume=7.0),
        lambda: services.apply_record_edits(ctx, [services.RecordChange(record, None, 8.0)]),
        lambda: services.delete_record(ctx, record, confirmed=True),
        lambda: services.save_lane_master(ctx, "AAA-BBB", {"weekday_capacity": "5,5,5,5,5,2,0"}),
        lambda: services.save_scenario(ctx, a_scenario(store, "AAA-BBB"), "Peak"),
        lambda: services.rename_scenario(ctx, "AAA-BBB", "Peak", " Peak 2 "),
        lambda: services.delete_scenario(ctx, "AAA-BBB", "Peak 2"),
        lambda: services.delete_lane(ctx, "NEW-LANE", confirmation="NEW-LANE"),
        lambda: services.replan(ctx),
        lambda: services.factory_reset(ctx, services.RESET_PHRASE),
    ]
    for done, step in enumerate(steps, start=1):
        step()
        assert callback.calls == done, f"step {done} called back {callback.calls - done + 1} times"
    assert db.count_records(engine=store) == 0


def test_results_are_small_typed_values(store: db.Engine) -> None:
    ctx = context(store, Counter())
    master = services.save_lane_master(ctx, "AAA-BBB", {"weekday_capacity": "5,5,5,5,5,2,0"})
    assert isinstance(master, LaneMasterData) and master.internal_capacity == 5.0
    renamed = services.rename_scenario(
        ctx, "AAA-BBB", services.save_scenario(ctx, a_scenario(store, "AAA-BBB"), "a").name, "b")
    assert (renamed.lane, renamed.name) == ("AAA-BBB", "b")
    assert services.apply_record_edits(ctx, []) == 0
    backup = db.export_backup(engine=store)
    restored = services.restore_backup(ctx, backup, services.RESTORE_PHRASE)
    assert (restored.lanes, restored.rows) == (len(LANES), len(LANES) * DAYS)


def test_failed_writes_write_nothing_and_keep_the_caches(store: db.Engine) -> None:
    callback = Counter()
    ctx = context(store, callback)
    before = snapshot(store)
    failures: list[tuple[type[Exception], Callable[[], object]]] = [
        (ValidationError, lambda: services.save_lane_master(
            ctx, "AAA-BBB", {"return_rate": 2.0, "holding_cost": -1.0})),
        (ValidationError, lambda: services.import_demand(ctx, b"", "empty.csv")),
        (ValidationError, lambda: services.import_demand(ctx, b"x", "x.csv", "merge")),
        (ValidationError, lambda: services.add_record(ctx, "  ", dt.date(2030, 1, 1), 1.0)),
        (ValidationError, lambda: services.add_record(ctx, "AAA-BBB", dt.date(2030, 1, 1), -1.0)),
        (ValidationError, lambda: services.update_record(ctx, 1)),
        (NotFoundError, lambda: services.update_record(ctx, 10**9, volume=1.0)),
        (ValidationError, lambda: services.delete_record(ctx, 1, confirmed=False)),
        (NotFoundError, lambda: services.delete_record(ctx, 10**9, confirmed=True)),
        (ValidationError, lambda: services.delete_lane(ctx, "AAA-BBB", confirmation="aaa-bbb")),
        (NotFoundError, lambda: services.delete_lane(ctx, "NO-LANE", confirmation="NO-LANE")),
        (ValidationError, lambda: services.factory_reset(ctx, "reset")),
        (ValidationError, lambda: services.restore_backup(ctx, b"", services.RESTORE_PHRASE)),
        (ValidationError, lambda: services.restore_backup(ctx, b"not a zip",
                                                          services.RESTORE_PHRASE)),
        (ValidationError, lambda: services.seed_demo(ctx)),  # the database is not empty
        (NotFoundError, lambda: services.save_scenario(
            ctx, Scenario(lane="NO-LANE", params=LaneMasterData(code="NO-LANE")), "x")),
        (NotFoundError, lambda: services.rename_scenario(ctx, "AAA-BBB", "none", "other")),
        (NotFoundError, lambda: services.delete_scenario(ctx, "AAA-BBB", "none")),
    ]
    for error, call in failures:
        with pytest.raises(error):
            call()
        assert same(before, snapshot(store)), f"{call} wrote despite {error.__name__}"
    # A file with a bad row is reported, not raised: still nothing written.
    report = services.import_demand(ctx, b"date,lane,demand\n2024-13-01,AAA-BBB,5\n", "bad.csv")
    assert not report.ok and report.inserted == 0
    assert same(before, snapshot(store))
    assert callback.calls == 0


def test_deleting_a_lane_deletes_its_saved_scenarios(store: db.Engine) -> None:
    ctx = context(store, Counter())
    for name in ("Peak", "Low season"):
        services.save_scenario(ctx, a_scenario(store, "AAA-BBB"), name)
    services.save_scenario(ctx, a_scenario(store, "CCC-DDD"), "Peak")
    deleted = services.delete_lane(ctx, "AAA-BBB", confirmation="AAA-BBB")
    assert deleted == services.DeletedLane("AAA-BBB", 2)
    assert db.list_scenarios("AAA-BBB", engine=store) == []
    assert [s.name for s in db.list_scenarios("CCC-DDD", engine=store)] == ["Peak"]
    # A new lane of the same code starts without the old lane's scenarios.
    services.import_demand(ctx, demand_csv(("AAA-BBB",), 3), "again.csv")
    assert db.list_scenarios("AAA-BBB", engine=store) == []


def test_factory_reset_deletes_every_saved_scenario(store: db.Engine) -> None:
    ctx = context(store, Counter())
    services.save_scenario(ctx, a_scenario(store, "AAA-BBB"), "Peak")
    assert services.factory_reset(ctx, services.RESET_PHRASE) == services.ResetDone(1)
    assert db.list_scenarios(engine=store) == []
    assert db.list_lanes(engine=store) == []


def test_restore_keeps_scenarios_of_restored_lanes_only(store: db.Engine) -> None:
    ctx = context(store, Counter())
    backup = db.export_backup(engine=store)
    services.import_demand(ctx, demand_csv(("NEW-LANE",), 3), "new.csv")
    services.save_scenario(ctx, a_scenario(store, "AAA-BBB"), "Kept")
    services.save_scenario(ctx, a_scenario(store, "NEW-LANE"), "Dropped")
    restored = services.restore_backup(ctx, backup, services.RESTORE_PHRASE)
    assert restored.scenarios_dropped == 1
    assert [(s.lane, s.name) for s in db.list_scenarios(engine=store)] == [("AAA-BBB", "Kept")]


def test_seed_demo_stores_a_planning_run(engine: db.Engine) -> None:
    callback = Counter()
    seeded = services.seed_demo(context(engine, callback))
    assert seeded.rows == db.count_records(engine=engine) > 0
    assert seeded.run is not None and db.latest_plan_run(engine=engine)["id"] == seeded.run.run_id
    assert callback.calls == 1
    # The start-up seeding (operator's choice, no access check) sees data and does nothing.
    assert services.seed_demo_if_empty(engine, callback) == 0 and callback.calls == 1


def test_start_up_seeding_needs_no_access_and_fills_an_empty_database(
    sqlite_engine: db.Engine,
) -> None:
    callback = Counter()
    rows = services.seed_demo_if_empty(sqlite_engine, callback)
    assert rows == db.count_records(engine=sqlite_engine) > 0
    assert callback.calls == 1


def test_services_import_neither_streamlit_nor_views() -> None:
    code = ("import sys, services, services.plan_runs; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'views')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

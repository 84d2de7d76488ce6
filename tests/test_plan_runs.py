"""Stored planning runs on a real SQLite file and the real PostgreSQL: write, read the
latest, stale detection, incremental re-planning, in-process vs Dask LocalCluster."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import db
import planning
import seed_data
from domain import LaneMasterData
from services import plan_runs

END = dt.date(2024, 6, 30)
DAYS = 500  # > 365 + 84 + 7: lanes take the vectorised path; the short lane does not


def _network() -> tuple[pd.DataFrame, list[LaneMasterData]]:
    """Four scenario lanes, six synthetic ones, a weekly lane and a short daily lane."""
    frame, masters = seed_data.generate_scenarios(seed=3, end=END, days=DAYS)
    synthetic = list(seed_data.iter_synthetic(3, END, DAYS, 6))
    masters += seed_data.synthetic_masters(3, 6)
    weekly_dates = pd.date_range(end=pd.Timestamp(END) - pd.Timedelta(days=2), periods=70, freq="7D")
    weekly = pd.DataFrame({"date": weekly_dates, "lane": "WK-LANE",
                           "demand": np.random.default_rng(3).poisson(700, len(weekly_dates)).astype(float)})
    short_dates = pd.date_range(end=pd.Timestamp(END), periods=400, freq="D")
    short = pd.DataFrame({"date": short_dates, "lane": "SHORT-LANE",
                          "demand": np.random.default_rng(4).poisson(40, len(short_dates)).astype(float)})
    return pd.concat([frame, *synthetic, weekly, short], ignore_index=True), masters


@pytest.fixture
def network_engine(engine: db.Engine) -> db.Engine:
    frame, masters = _network()
    db.delete_plan_runs(engine=engine)
    by_lane = [part for _, part in frame.groupby("lane", sort=False)]
    db.bulk_load(by_lane, masters, engine=engine)
    return engine


def _live(engine: db.Engine) -> planning.NetworkPlan:
    return planning.plan_network(db.load_demand(engine=engine), db.list_lane_master(engine=engine))


def _assert_same_watchtower(stored: planning.NetworkPlan, live: planning.NetworkPlan) -> None:
    # a run plans lanes in chunks: the vectorised reorder-point solver stops when its whole
    # batch has converged, so a lane's figures agree with the one-batch watchtower to ~1e-12
    pd.testing.assert_frame_equal(
        stored.table.set_index("lane").sort_index(), live.table.set_index("lane").sort_index(),
        check_exact=False, rtol=1e-9)
    assert stored.as_of == live.as_of
    assert stored.status_counts == live.status_counts
    assert stored.lanes_overflowing == live.lanes_overflowing
    for name in ("total_required_capacity", "total_overflow_volume", "network_dependency_ratio",
                 "total_money_at_stake_per_year", "total_expected_profit_per_year",
                 "total_overflow_last_year", "total_partner_capacity_to_reserve"):
        assert getattr(stored, name) == pytest.approx(getattr(live, name), rel=1e-9), name


def test_a_run_stores_every_lane_exactly_as_the_live_watchtower(network_engine: db.Engine) -> None:
    result = plan_runs.run_planning(engine=network_engine, chunk_lanes=4,
                                    executor=plan_runs.InProcessExecutor())
    assert result.mode == "full"
    assert result.lanes_total == result.lanes_planned == 12
    status = plan_runs.run_status(engine=network_engine)
    assert status is not None and status.current and status.run_id == result.run_id
    stored = plan_runs.stored_network(engine=network_engine)
    assert stored is not None
    _assert_same_watchtower(stored, _live(network_engine))


def test_the_latest_run_is_read_and_old_runs_are_pruned(network_engine: db.Engine) -> None:
    ids = [plan_runs.run_planning(engine=network_engine).run_id for _ in range(db.PLAN_RUNS_KEPT + 1)]
    assert ids == sorted(ids)
    assert db.latest_plan_run(engine=network_engine)["id"] == ids[-1]
    assert db.plan_run_lanes(ids[0], engine=network_engine).empty  # pruned
    assert len(db.plan_run_lanes(ids[-1], engine=network_engine)) == 12
    # nothing changed: the later runs re-plan no lane, they copy
    assert db.latest_plan_run(engine=network_engine)["lanes_planned"] == 0


def test_no_run_means_no_stored_network(network_engine: db.Engine) -> None:
    assert plan_runs.run_status(engine=network_engine) is None
    assert plan_runs.stored_network(engine=network_engine) is None


@pytest.mark.parametrize("change", ["insert", "update", "delete", "master"])
def test_any_write_makes_the_run_stale(network_engine: db.Engine, change: str) -> None:
    plan_runs.run_planning(engine=network_engine)
    if change == "insert":
        db.add_record("BER-MUC", END + dt.timedelta(days=1), 5, engine=network_engine)
    elif change in ("update", "delete"):
        record = int(db.get_records("BER-MUC", limit=1, engine=network_engine)["id"].iloc[0])
        if change == "update":
            db.update_record(record, volume=1234, engine=network_engine)
        else:
            db.delete_record(record, engine=network_engine)
    else:
        master = db.get_lane_master("HAM-ROT", engine=network_engine)
        db.save_lane_master(LaneMasterData(**{**master.as_dict(), "internal_capacity": 999.0}),
                            engine=network_engine)
    status = plan_runs.run_status(engine=network_engine)
    assert status is not None and not status.current
    expected = "master data changed" if change == "master" else "demand changed"
    assert status.reasons_stale == (expected,)
    assert "out of date" in status.describe()
    assert plan_runs.stored_network(engine=network_engine) is None


def _replace_import(engine: db.Engine, lane: str, factor: float) -> None:
    records = db.get_records(lane, engine=engine)
    csv = "date,product_name,demand\n" + "".join(
        f"{d:%Y-%m-%d},{lane},{round(v * factor)}\n" for d, v in zip(records["date"], records["demand"], strict=True))
    report = db.import_csv(csv.encode(), engine=engine, on_duplicate="replace")
    assert report.replaced == len(records)


@pytest.mark.parametrize("told_which_lanes", [True, False])
def test_an_import_of_one_lane_re_plans_only_that_lane(network_engine: db.Engine, told_which_lanes: bool) -> None:
    first = plan_runs.run_planning(engine=network_engine)
    _replace_import(network_engine, "SYN-0003", 1.7)
    if told_which_lanes:
        result = plan_runs.replan_after_import(["SYN-0003"], engine=network_engine)
    else:
        result = plan_runs.run_planning(engine=network_engine)
    assert result is not None and result.run_id > first.run_id
    assert (result.mode, result.lanes_planned, result.lanes_total) == ("incremental", 1, 12)
    assert plan_runs.run_status(engine=network_engine).current
    _assert_same_watchtower(plan_runs.stored_network(engine=network_engine), _live(network_engine))


def test_a_master_data_change_re_plans_that_lane(network_engine: db.Engine) -> None:
    plan_runs.run_planning(engine=network_engine)
    master = db.get_lane_master("FRA-PAR", engine=network_engine)
    db.save_lane_master(LaneMasterData(**{**master.as_dict(), "penalty_cost": 77.0}), engine=network_engine)
    result = plan_runs.run_planning(engine=network_engine)
    assert (result.mode, result.lanes_planned) == ("incremental", 1)
    _assert_same_watchtower(plan_runs.stored_network(engine=network_engine), _live(network_engine))


def test_a_later_day_in_one_lane_marks_quiet_copied_lanes_as_without_recent_data(
    network_engine: db.Engine,
) -> None:
    plan_runs.run_planning(engine=network_engine)
    db.add_record("BER-MUC", END + dt.timedelta(days=4), 300, engine=network_engine)
    result = plan_runs.replan_after_import(["BER-MUC"], engine=network_engine)
    assert (result.mode, result.lanes_planned) == ("incremental", 1)
    stored = plan_runs.stored_network(engine=network_engine)
    _assert_same_watchtower(stored, _live(network_engine))
    assert stored.status_counts[planning.STATUS_NO_DATA] >= 10  # every daily lane but BER-MUC


def test_an_earlier_first_day_re_plans_everything(network_engine: db.Engine) -> None:
    plan_runs.run_planning(engine=network_engine)
    db.add_record("HAM-ROT", END - dt.timedelta(days=DAYS + 30), 100, engine=network_engine)
    result = plan_runs.run_planning(engine=network_engine, lanes=["HAM-ROT"])
    assert result.mode == "full" and result.lanes_planned == 12
    assert "the network's first day changed" in result.reasons
    _assert_same_watchtower(plan_runs.stored_network(engine=network_engine), _live(network_engine))


def test_a_deleted_lane_leaves_the_run(network_engine: db.Engine) -> None:
    plan_runs.run_planning(engine=network_engine)
    db.delete_lane("MUC-VIE", engine=network_engine)
    result = plan_runs.run_planning(engine=network_engine)
    assert (result.mode, result.lanes_total, result.lanes_planned) == ("incremental", 11, 0)
    stored = plan_runs.stored_network(engine=network_engine)
    assert "MUC-VIE" not in set(stored.table["lane"])
    _assert_same_watchtower(stored, _live(network_engine))


def test_dask_local_cluster_gives_the_in_process_results(network_engine: db.Engine) -> None:
    distributed = pytest.importorskip("dask.distributed")
    plan_runs.run_planning(engine=network_engine, full=True, chunk_lanes=3,
                           executor=plan_runs.InProcessExecutor())
    in_process = db.plan_run_lanes(db.latest_plan_run(engine=network_engine)["id"], engine=network_engine)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        executor = plan_runs.DaskExecutor(client)
        result = plan_runs.run_planning(engine=network_engine, full=True, chunk_lanes=3, executor=executor)
    assert result.executor.startswith("dask ") and result.lanes_planned == 12
    on_dask = db.plan_run_lanes(result.run_id, engine=network_engine)
    pd.testing.assert_frame_equal(on_dask, in_process, check_exact=True)


def test_the_executor_follows_the_settings() -> None:
    from services.config import load_settings

    assert load_settings({}).dask_scheduler_address is None
    assert load_settings({"DASK_SCHEDULER_ADDRESS": "tcp://s:8786"}).dask_scheduler_address == "tcp://s:8786"
    assert isinstance(plan_runs.executor_for(None), plan_runs.InProcessExecutor)
    assert isinstance(plan_runs.executor_for("  "), plan_runs.InProcessExecutor)


def test_changed_lanes_ignores_summation_noise_but_not_a_unit() -> None:
    stored = pd.DataFrame({"lane": ["A", "B"], "n_rows": [3, 3], "volume_sum": [1e6, 10.0],
                           "volume_sq_sum": [1.0, 1.0], "id_volume_sum": [5.0, 5.0],
                           "first_day": [1, 1], "last_day": [3, 3], "master_hash": ["x", "y"]})
    noisy = stored.assign(volume_sum=[1e6 * (1 + 1e-15), 11.0])
    assert plan_runs.changed_lanes(noisy, stored) == ["B"]
    assert plan_runs.changed_lanes(stored.assign(master_hash=["x", "z"]), stored) == ["B"]
    assert plan_runs.changed_lanes(pd.concat([stored, stored.iloc[[0]].assign(lane="C")]), stored) == ["C"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"chunk_lanes": 0}, "chunk_lanes"), ({"service_level": 1.0}, "service_level")])
def test_bad_run_parameters_are_named(sqlite_engine: db.Engine, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_runs.run_planning(engine=sqlite_engine, **kwargs)


def test_the_command_line_runs_and_reports(network_engine: db.Engine, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(db, "get_engine", lambda url=None: network_engine)
    assert plan_runs.main(["status"]) == 1
    assert "No planning run" in capsys.readouterr().out
    assert plan_runs.main(["plan-run", "--chunk-lanes", "5"]) == 0
    assert "12 of 12 lanes planned" in capsys.readouterr().out
    assert plan_runs.main(["status"]) == 0
    assert "data unchanged since" in capsys.readouterr().out

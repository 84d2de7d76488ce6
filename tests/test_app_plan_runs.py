"""The watchtower on a stored planning run, driven through AppTest on a real SQLite file:
it says where its figures come from, falls back to live planning when the data changed,
and an admin can re-plan from the page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import app_engine, clear_app_caches, demand_csv, run, use_database, write_context
from streamlit.testing.v1 import AppTest

import db
from services import plan_runs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LANES = ("BER-MUC", "HAM-ROT", "FRA-PAR")
DAYS = 470


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    use_database(monkeypatch, tmp_path / "runs.sqlite")
    report = db.import_csv(io.BytesIO(demand_csv(LANES, DAYS)), engine=app_engine())
    assert report.ok, report.errors[:3]
    yield AppTest.from_file(APP, default_timeout=180)
    clear_app_caches()


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_watchtower_reads_the_stored_run_and_says_so(app: AppTest) -> None:
    result = plan_runs.run_planning(engine=app_engine())
    run(app)
    assert f"From the stored planning run #{result.run_id}" in _captions(app)
    assert "data unchanged since" in _captions(app)
    assert sorted(app.dataframe[0].value["lane"]) == sorted(LANES)


def test_watchtower_plans_live_when_the_data_changed_since_the_run(app: AppTest) -> None:
    plan_runs.run_planning(engine=app_engine())
    db.add_record("HAM-ROT", dt.date(2024, 1, 1) + dt.timedelta(days=DAYS), 999, engine=app_engine())
    clear_app_caches()
    run(app)
    assert "Planned live: the stored planning run" in _captions(app)
    assert "demand changed since" in _captions(app)
    app.button(key="wt_plan_run").click()
    run(app)
    assert "1 of 3 lanes planned" in "\n".join(s.value for s in app.success)
    assert "data unchanged since" in _captions(app)


def test_watchtower_without_a_run_plans_live(app: AppTest) -> None:
    run(app)
    assert "no planning run stored yet" in _captions(app)
    assert sorted(app.dataframe[0].value["lane"]) == sorted(LANES)


def test_an_import_in_the_data_tab_re_plans_only_the_imported_lane(app: AppTest) -> None:
    import services

    plan_runs.run_planning(engine=app_engine())
    more = demand_csv(("FRA-PAR",), 3, start=dt.date(2024, 1, 1) + dt.timedelta(days=DAYS), base=50.0)
    report = services.import_demand(write_context(admin=True), more, "more.csv", "skip")
    assert report.inserted == 3
    latest = db.latest_plan_run(engine=app_engine())
    assert latest is not None and latest["lanes_planned"] == 1
    assert plan_runs.run_status(engine=app_engine()).current

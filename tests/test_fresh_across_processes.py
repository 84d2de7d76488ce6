"""A write by another process (or replica) shows up on the next rerun, no restart needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from app_support import app_engine, clear_app_caches, demand_csv, use_database
from streamlit.testing.v1 import AppTest

import db
from views import nav

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120


def _lanes_metric(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Lanes")


def test_write_from_second_process_visible_after_one_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shared.sqlite"
    use_database(monkeypatch, path)
    assert db.import_csv(demand_csv(("AAA-BBB",), 10), engine=app_engine()).ok
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state[nav.TAB_KEY] = nav.DATA
    at.run()
    assert not at.exception and _lanes_metric(at) == "1"
    before = db.data_version(engine=app_engine())

    # Another process (another server replica, a cron import) writes a new lane.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import db; "
        "db.add_record('ZZZ-NEW', '2024-03-01', 7, engine=db.get_engine('sqlite:///' + sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", script, str(ROOT), str(path)], check=True, timeout=120)
    assert db.data_version(engine=app_engine()) == before + 1

    at.run()
    assert not at.exception
    assert _lanes_metric(at) == "2"
    clear_app_caches()


def test_every_write_bumps_the_version(engine) -> None:
    start = db.data_version(engine=engine)
    record = db.add_record("A", "2024-01-01", 1, engine=engine)
    db.update_record(record, volume=2, engine=engine)
    db.import_csv(b"date,lane,demand\n2024-01-02,A,3\n", engine=engine)
    db.delete_record(record, engine=engine)
    db.delete_lane("A", engine=engine)
    db.reset_database(engine=engine)
    assert db.data_version(engine=engine) == start + 6
    # a refused write changes nothing, so it bumps nothing
    bad = db.import_csv(b"date,lane,demand\n2024-02-30,A,1\n", engine=engine)
    assert not bad.ok and db.data_version(engine=engine) == start + 6

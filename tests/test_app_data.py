"""Data tab flows driven through Streamlit's AppTest on a fresh SQLite file per test.

Import (good and bad file), record add/edit/delete, master data save, lane
delete and the typed-confirmation factory reset.  Every run must finish
without an exception element.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from app_support import (
    app_engine,
    clear_app_caches,
    demand_csv,
    page,
    run,
    use_database,
    write_context,
)
from streamlit.testing.v1 import AppTest

import db
import services
from domain import LaneMasterData, ValidationError
from views import nav

START = dt.date(2024, 1, 1)
SEED_DAYS = 20
SEED_LANES = ("AAA-BBB", "Köln-Łódź")


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite file with two small lanes, configured as the app's database."""
    path = tmp_path / "data_tab.sqlite"
    use_database(monkeypatch, path)
    report = db.import_csv(_bytes_source(demand_csv(SEED_LANES, SEED_DAYS)), engine=app_engine())
    assert report.ok and report.inserted == len(SEED_LANES) * SEED_DAYS
    yield path
    clear_app_caches()


def _bytes_source(data: bytes):
    import io

    return io.BytesIO(data)


def data_page() -> AppTest:
    """The app with the Data tab open."""
    return page(nav.DATA)


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def record_count(lane: str | None = None) -> int:
    return len(db.load_demand(lane, engine=app_engine()))


# ----------------------------------------------------------------------------- import


def test_import_good_file_reports_and_writes(seeded: Path) -> None:
    at = data_page()
    assert record_count() == len(SEED_LANES) * SEED_DAYS
    new = demand_csv(("NEW-LANE",), 5, start=dt.date(2024, 3, 1))
    at.file_uploader(key="data_import_file").set_value(("new.csv", new, "text/csv"))
    run(at)
    at.radio(key="data_import_policy").set_value("skip")
    at.button(key="data_import_button").click()
    run(at)
    assert record_count("NEW-LANE") == 5
    report = at.session_state["data_import_report"]
    assert report["ok"] and report["inserted"] == 5 and report["lanes"] == ["NEW-LANE"]
    assert "Imported 5 new records" in texts(at.success)
    # The report survives further reruns until dismissed.
    run(at)
    assert "Imported 5 new records" in texts(at.success)
    at.button(key="data_import_dismiss").click()
    run(at)
    assert "data_import_report" not in at.session_state


def test_import_bad_file_shows_row_and_column_and_writes_nothing(seeded: Path) -> None:
    at = data_page()
    before = record_count()
    bad = b"date,lane,demand\n2024-05-01,BAD-LANE,5\n2024-05-02,BAD-LANE,-3\nnot-a-date,BAD-LANE,4\n"
    at.file_uploader(key="data_import_file").set_value(("bad.csv", bad, "text/csv"))
    run(at)
    at.button(key="data_import_button").click()
    run(at)
    assert record_count() == before
    assert "BAD-LANE" not in db.list_lanes(engine=app_engine())
    report = at.session_state["data_import_report"]
    assert not report["ok"] and report["inserted"] == 0
    errors: pd.DataFrame = report["errors"]
    assert {"demand", "date"} <= set(errors["column"])
    assert "Nothing was imported" in texts(at.error)
    tables = [d.value for d in at.dataframe if list(d.value.columns) == ["row", "column", "message"]]
    assert len(tables) == 1 and len(tables[0]) == len(errors)
    assert set(tables[0]["row"].dropna()) >= {3, 4}  # header = row 1
    assert at.download_button(key="data_import_errors_download") is not None


def test_import_duplicates_reject_policy_imports_nothing(seeded: Path) -> None:
    at = data_page()
    dup = demand_csv(("AAA-BBB",), 3, base=99.0)
    at.file_uploader(key="data_import_file").set_value(("dup.csv", dup, "text/csv"))
    run(at)
    at.radio(key="data_import_policy").set_value("reject")
    at.button(key="data_import_button").click()
    run(at)
    assert not at.session_state["data_import_report"]["ok"]
    assert db.load_demand("AAA-BBB", engine=app_engine())["demand"].max() < 99.0


def test_import_replace_policy_overwrites(seeded: Path) -> None:
    at = data_page()
    dup = demand_csv(("AAA-BBB",), 3, base=99.0)
    at.file_uploader(key="data_import_file").set_value(("dup.csv", dup, "text/csv"))
    run(at)
    at.radio(key="data_import_policy").set_value("replace")
    at.button(key="data_import_button").click()
    run(at)
    report = at.session_state["data_import_report"]
    assert report["ok"] and report["replaced"] == 3
    assert record_count("AAA-BBB") == SEED_DAYS
    assert db.load_demand("AAA-BBB", engine=app_engine())["demand"].iloc[0] == pytest.approx(99.0)


# ----------------------------------------------------------------------------- reset


def test_reset_needs_the_typed_phrase(seeded: Path) -> None:
    at = data_page()
    before = record_count()
    at.button(key="data_reset_button").click()
    run(at)
    assert record_count() == before
    assert "RESET" in texts(at.error)
    at.text_input(key="data_reset_typed").input("reset")
    at.button(key="data_reset_button").click()
    run(at)
    assert record_count() == before
    at.text_input(key="data_reset_typed").input("RESET")
    at.button(key="data_reset_button").click()
    run(at)
    assert record_count() == 0
    assert db.list_lanes(engine=app_engine()) == []
    assert "Factory reset done" in texts(at.success)


def test_backup_download_sits_next_to_reset(seeded: Path) -> None:
    at = data_page()
    labels = [b.label for b in at.download_button]
    assert any("backup" in label.lower() for label in labels)
    assert any("all lanes" in label.lower() for label in labels)


# ----------------------------------------------------------------------------- records


def test_add_edit_delete_record(seeded: Path) -> None:
    at = data_page()
    at.text_input(key="data_add_lane").input("AAA-BBB")
    at.date_input(key="data_add_date").set_value(dt.date(2025, 6, 1))
    at.number_input(key="data_add_volume").set_value(42.5)
    at.button(key="data_add_submit").click()
    run(at)
    records = db.get_records("AAA-BBB", engine=app_engine())
    added = records[records["date"] == pd.Timestamp("2025-06-01")]
    assert len(added) == 1 and added["demand"].iloc[0] == pytest.approx(42.5)
    record_id = int(added["id"].iloc[0])
    assert f"#{record_id}" in texts(at.success)

    at.number_input(key="data_edit_id").set_value(record_id)
    at.number_input(key="data_edit_volume").set_value(7.0)
    at.button(key="data_edit_submit").click()
    run(at)
    records = db.get_records("AAA-BBB", engine=app_engine())
    assert records.loc[records["id"] == record_id, "demand"].iloc[0] == pytest.approx(7.0)

    # Deleting without ticking the confirmation box is refused.
    at.number_input(key="data_delete_id").set_value(record_id)
    at.button(key="data_delete_submit").click()
    run(at)
    assert record_id in set(db.get_records("AAA-BBB", engine=app_engine())["id"])
    assert "confirmation" in texts(at.error)
    at.number_input(key="data_delete_id").set_value(record_id)
    at.checkbox(key="data_delete_confirm").check()
    at.button(key="data_delete_submit").click()
    run(at)
    assert record_id not in set(db.get_records("AAA-BBB", engine=app_engine())["id"])


def test_missing_record_id_shows_not_found(seeded: Path) -> None:
    at = data_page()
    before = record_count()
    at.number_input(key="data_delete_id").set_value(999_999)
    at.checkbox(key="data_delete_confirm").check()
    at.button(key="data_delete_submit").click()
    run(at)
    assert "not found" in texts(at.error)
    at.number_input(key="data_edit_id").set_value(999_999)
    at.number_input(key="data_edit_volume").set_value(3.0)
    at.button(key="data_edit_submit").click()
    run(at)
    assert "not found" in texts(at.error)
    assert record_count() == before


def test_add_record_with_bad_lane_is_refused(seeded: Path) -> None:
    at = data_page()
    before = record_count()
    at.text_input(key="data_add_lane").input("   ")
    at.button(key="data_add_submit").click()
    run(at)
    assert "lane" in texts(at.error)
    assert record_count() == before


def test_table_edit_updates_the_record(seeded: Path) -> None:
    at = data_page()
    records = db.get_records("AAA-BBB", limit=5, engine=app_engine())
    record_id = int(records["id"].iloc[0])
    edited = records.copy()
    edited.loc[0, "demand"] = 123.0
    # The data editor cannot be typed into from AppTest; the diff + handler are
    # what the "Save table edits" button runs.
    from views.data import records as records_panel

    changes = records_panel.record_changes(records, edited)
    assert changes == [services.RecordChange(record_id, None, 123.0)]
    count = services.apply_record_edits(write_context(), changes)
    assert count == 1
    after = db.get_records("AAA-BBB", engine=app_engine())
    assert after.loc[after["id"] == record_id, "demand"].iloc[0] == pytest.approx(123.0)
    run(at)


# ----------------------------------------------------------------------------- lanes


def test_master_data_save(seeded: Path) -> None:
    at = data_page()
    lane = at.selectbox(key="data_master_lane").value
    at.number_input(key=f"data_master_{lane}_internal_capacity").set_value(321.0)
    at.number_input(key=f"data_master_{lane}_return_rate").set_value(20.0)  # shown in %
    at.text_input(key=f"data_master_{lane}_name").input("Test lane")
    at.button(key="data_master_save").click()
    run(at)
    stored = db.get_lane_master(lane, engine=app_engine())
    assert stored.internal_capacity == pytest.approx(321.0)
    assert stored.return_rate == pytest.approx(0.2)
    assert stored.name == "Test lane"
    assert f"Saved master data of lane {lane}" in texts(at.success)


def test_master_data_invalid_values_save_nothing(seeded: Path) -> None:
    before = db.list_lane_master(engine=app_engine()).get("AAA-BBB")
    values = {k: v for k, v in LaneMasterData(code="AAA-BBB").as_dict().items() if k != "code"}
    with pytest.raises(ValidationError) as info:
        services.save_lane_master(
            write_context(), "AAA-BBB", values | {"return_rate": 2.0, "holding_cost": -1.0}
        )
    assert "return_rate" in str(info.value) and "holding_cost" in str(info.value)
    assert db.list_lane_master(engine=app_engine()).get("AAA-BBB") == before


def test_delete_lane_needs_its_code(seeded: Path) -> None:
    at = data_page()
    at.selectbox(key="data_delete_lane").set_value("AAA-BBB")
    run(at)
    at.button(key="data_delete_lane_button").click()
    run(at)
    assert "AAA-BBB" in db.list_lanes(engine=app_engine())
    at.text_input(key="data_delete_lane_typed").input("AAA-BBB")
    at.button(key="data_delete_lane_button").click()
    run(at)
    assert "AAA-BBB" not in db.list_lanes(engine=app_engine())
    assert record_count("Köln-Łódź") == SEED_DAYS


def test_full_app_data_tab_imports_without_exception(seeded: Path) -> None:
    at = data_page()
    assert at.file_uploader(key="data_import_file") is not None
    new = demand_csv(("APP-LANE",), 4)
    at.file_uploader(key="data_import_file").set_value(("app.csv", new, "text/csv"))
    run(at)
    at.button(key="data_import_button").click()
    run(at)
    assert record_count("APP-LANE") == 4
    assert "Imported 4 new records" in texts(at.success)

"""Excel in and out: .xlsx import through the CSV validator (same row numbers), exports
with units in the headers, formula-like text escaped, and the round trip history -> .xlsx
-> import.  The app flow runs in AppTest on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from app_support import app_engine, clear_app_caches, demand_csv, run, use_database
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

import db
import planning
from domain import LaneMasterData, ValidationError
from importing import excel
from views import exports, nav

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 120


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_ROWS = [["date", "lane", "demand"], [dt.date(2024, 3, 1), "XL-LANE", 12],
             [dt.datetime(2024, 3, 2), "XL-LANE", 13.5]]
BAD_ROWS = [["date", "lane", "demand"], [dt.date(2024, 3, 1), "XL-BAD", 12], [],
            [dt.date(2024, 3, 3), "XL-BAD", -4], ["2024-02-30", "XL-BAD", 1]]


# --------------------------------------------------------------------------- pure


def test_cells_become_the_text_the_csv_reader_expects() -> None:
    data = workbook(("Sheet1", GOOD_ROWS))
    assert excel.xlsx_to_csv(data) == b"date,lane,demand\n2024-03-01,XL-LANE,12\n2024-03-02,XL-LANE,13.5\n"


def test_a_chosen_sheet_is_read_and_units_in_headers_are_dropped() -> None:
    data = workbook(("Notes", [["read me"]]),
                    ("Demand", [["date", "lane", "demand [units/day]"], [dt.date(2024, 1, 5), "A", 3]]))
    assert excel.sheet_names(data) == ["Notes", "Demand"]
    assert excel.xlsx_to_csv(data, "Demand") == b"date,lane,demand\n2024-01-05,A,3\n"
    with pytest.raises(ValidationError, match="no worksheet 'Missing'.*Notes, Demand"):
        excel.xlsx_to_csv(data, "Missing")


@pytest.mark.parametrize("data", [b"", b"date,lane,demand\n", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0"])
def test_a_file_that_is_no_workbook_gets_a_clear_message(data: bytes) -> None:
    with pytest.raises(ValidationError, match=r"old.xlsx is not a readable Excel workbook"):
        excel.xlsx_to_csv(data, name="old.xlsx")


@pytest.mark.parametrize(("text", "escaped"), [
    ("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("BER-MUC", "BER-MUC"), ("", ""), ("'=x", "''=x"),
])
def test_formula_like_text_is_escaped(text: str, escaped: str) -> None:
    assert excel.escape_text(text) == escaped


def test_export_writes_numbers_dates_and_escaped_text() -> None:
    frame = pd.DataFrame({"date": [dt.date(2024, 1, 1)], "lane": ["=HYPERLINK(\"x\")"],
                          "demand [units/day]": [12.5]})
    data = excel.write_xlsx({"Demand history": frame})
    back = excel.read_sheet(data)
    assert list(back.columns) == ["date", "lane", "demand [units/day]"]
    assert back.loc[0, "lane"] == "'=HYPERLINK(\"x\")"
    assert back.loc[0, "demand [units/day]"] == 12.5
    assert pd.Timestamp(back.loc[0, "date"]) == pd.Timestamp("2024-01-01")


def test_history_round_trip_through_excel(engine: db.Engine, tmp_path: Path) -> None:
    report = db.import_csv(io.BytesIO(demand_csv(("AAA-BBB", "Köln-Łódź"), 30)), engine=engine)
    assert report.ok
    original = db.load_demand(engine=engine)
    data = excel.write_xlsx({"Demand history": exports.history_frame(original)})
    other = db.get_engine(f"sqlite:///{tmp_path / 'round_trip.sqlite'}")
    again = db.import_csv(io.BytesIO(excel.xlsx_to_csv(data)), engine=other)
    assert again.ok and again.inserted == len(original)
    pd.testing.assert_frame_equal(db.load_demand(engine=other), original)


def test_plan_and_watchtower_exports_carry_units() -> None:
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    demand = pd.DataFrame({"date": days, "lane": "L1", "demand": 100.0 + (days.dayofweek * 3)})
    params = LaneMasterData(code="L1", internal_capacity=110.0)
    plan = planning.plan_lane(demand[["date", "lane", "demand"]], params)
    sheets = exports.plan_frames(plan)
    assert set(sheets) == {"Key figures", "Forecast"}
    figures = sheets["Key figures"].set_index("key figure")
    assert figures.loc["internal capacity", "unit"] == "units/day"
    assert figures.loc["internal capacity", "value"] == pytest.approx(110.0)
    assert figures.loc["fill rate β", "unit"] == "%"
    assert all("[" in c for c in sheets["Forecast"].columns if c != "date")
    network = planning.plan_network(demand, {"L1": params})
    table = exports.network_frame(network.table)
    assert "utilisation [%]" in table.columns and "impact [EUR/year]" in table.columns
    assert table.loc[0, "utilisation [%]"] == pytest.approx(network.table["utilisation"].iloc[0] * 100)
    back = excel.read_sheet(exports.network_xlsx(network))
    assert list(back.columns) == list(table.columns)


# --------------------------------------------------------------------------- app


@pytest.fixture
def data_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    use_database(monkeypatch, tmp_path / "excel.sqlite")
    assert db.import_csv(io.BytesIO(demand_csv(("AAA-BBB",), 20)), engine=app_engine()).ok
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state[nav.TAB_KEY] = nav.DATA
    yield at
    clear_app_caches()


def test_xlsx_upload_with_a_bad_row_names_the_row_and_writes_nothing(data_page: AppTest) -> None:
    at = run(data_page)
    data = workbook(("Summary", [["nothing here"]]), ("Demand", BAD_ROWS))
    at.file_uploader(key="data_import_file").set_value(("bad.xlsx", data, excel.XLSX_MIME))
    run(at)
    at.selectbox(key=exports.SHEET_KEY).select("Demand")
    run(at)
    at.button(key="data_import_button").click()
    run(at)
    report = at.session_state["data_import_report"]
    assert not report["ok"]
    rows = report["errors"].set_index("row")
    assert rows.loc[4, "column"] == "demand" and "must be >= 0" in rows.loc[4, "message"]
    assert rows.loc[5, "column"] == "date" and "2024-02-30" in rows.loc[5, "message"]
    assert "XL-BAD" not in db.list_lanes(engine=app_engine())
    assert any("2 problems in 3 rows" in e.value for e in at.error)


def test_xlsx_upload_imports_the_first_sheet(data_page: AppTest) -> None:
    at = run(data_page)
    at.file_uploader(key="data_import_file").set_value(
        ("good.xlsx", workbook(("Sheet1", GOOD_ROWS)), excel.XLSX_MIME))
    run(at)
    at.button(key="data_import_button").click()
    run(at)
    assert len(db.load_demand("XL-LANE", engine=app_engine())) == 2
    assert at.session_state["data_import_report"]["ok"]


def test_excel_download_buttons_are_offered(data_page: AppTest) -> None:
    at = run(data_page)
    assert at.get("download_button")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download all lanes (Excel)" in labels
    at.session_state[nav.TAB_KEY] = nav.WATCHTOWER
    run(at)
    assert "Download watchtower (Excel)" in [b.proto.label for b in at.get("download_button")]
    at.session_state[nav.TAB_KEY] = nav.LANE_OPS
    run(at)
    assert "Download plan (Excel)" in [b.proto.label for b in at.get("download_button")]


def test_header_problem_is_explained_without_none(data_page: AppTest) -> None:
    at = run(data_page)
    at.file_uploader(key="data_import_file").set_value(("h.csv", b"day,lane,qty\n2024-01-01,A,1\n", "text/csv"))
    run(at)
    at.button(key="data_import_button").click()
    run(at)
    errors = at.session_state["data_import_report"]["errors"]
    assert list(errors["column"]) == ["(header)"]
    message = errors["message"].iloc[0]
    assert "missing column 'date'." not in message and "(or -)" not in message
    assert "missing column 'date';" in message
    assert any("1 problem with the file itself" in e.value for e in at.error)

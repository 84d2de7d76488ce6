"""import_csv end to end on SQLite and PostgreSQL: all-or-nothing, duplicate policies, round trip."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import db
from domain import LaneMasterData

GOOD = b"date,product_name,demand\n2024-01-01,A,1\n2024-01-02,A,2\n2024-01-01,B,3\n"


def csv_bytes(rows: list[tuple[str, str, float]], header: str = "date,lane,demand") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("kind", ["bytes", "path", "binary_file", "text_file"])
def test_sources(engine, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "demand.csv"
    path.write_bytes(GOOD)
    source = {
        "bytes": GOOD,
        "path": str(path),
        "binary_file": io.BytesIO(GOOD),
        "text_file": io.StringIO(GOOD.decode()),
    }[kind]
    report = db.import_csv(source, engine=engine)
    assert report.ok
    assert (report.inserted, report.skipped, report.replaced, report.rows_read) == (3, 0, 0, 3)
    assert report.lanes == ["A", "B"]
    assert db.list_lanes(engine=engine) == ["A", "B"]
    # lanes without master data get the defaults
    assert db.get_lane_master("B", engine=engine) == LaneMasterData(code="B", name="B")


def test_one_bad_row_means_nothing_is_written(engine) -> None:
    data = GOOD + b"2024-02-30,A,1\n"
    report = db.import_csv(data, engine=engine)
    assert not report.ok and report.inserted == 0
    assert [(e.row, e.column) for e in report.errors] == [(5, "date")]
    assert db.list_lanes(engine=engine) == [] and db.load_demand(engine=engine).empty


def test_progress_is_reported(engine) -> None:
    seen: list[float] = []
    db.import_csv(GOOD, engine=engine, progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_reimport_never_doubles_history(engine) -> None:
    db.import_csv(GOOD, engine=engine)
    again = db.import_csv(GOOD + b"2024-01-03,A,9\n", engine=engine)
    assert (again.inserted, again.skipped, again.replaced) == (1, 3, 0)
    frame = db.load_demand(engine=engine)
    assert len(frame) == 4 and frame["demand"].tolist() == [1.0, 2.0, 9.0, 3.0]


def test_replace_policy_overwrites(engine) -> None:
    db.import_csv(GOOD, engine=engine)
    report = db.import_csv(
        b"date,lane,demand\n2024-01-01,A,10\n2024-01-05,A,5\n", engine=engine, on_duplicate="replace"
    )
    assert (report.inserted, report.skipped, report.replaced) == (1, 0, 1)
    assert db.load_demand("A", engine=engine)["demand"].tolist() == [10.0, 2.0, 5.0]


def test_reject_policy_writes_nothing_and_names_rows(engine) -> None:
    db.import_csv(GOOD, engine=engine)
    report = db.import_csv(
        b"date,lane,demand\n2024-01-09,C,1\n2024-01-02,A,7\n", engine=engine, on_duplicate="reject"
    )
    assert not report.ok and report.inserted == 0
    assert [e.row for e in report.errors] == [3]
    assert "already has a record on 2024-01-02" in report.errors[0].message
    assert "C" not in db.list_lanes(engine=engine)
    assert len(db.load_demand(engine=engine)) == 3


def test_unknown_policy_is_a_value_error(engine) -> None:
    with pytest.raises(ValueError, match="on_duplicate"):
        db.import_csv(GOOD, engine=engine, on_duplicate="merge")


def test_sql_is_data(engine) -> None:
    lane = "x'); DROP TABLE demand;--"
    report = db.import_csv(csv_bytes([("2024-01-01", lane, 1.0)]), engine=engine)
    assert report.ok
    assert db.list_lanes(engine=engine) == [lane]
    assert db.load_demand(engine=engine)["lane"].tolist() == [lane]


def test_bulk_import_into_empty_and_filled_tables(engine) -> None:
    """Large enough for PostgreSQL's drop-and-rebuild-indexes path, then the merge path."""
    lanes, days = 400, 260  # 104,000 rows
    dates = pd.date_range("2023-01-01", periods=days).strftime("%Y-%m-%d")
    body = "\n".join(
        f"{d},L{lane:04d},{(lane * 7 + k) % 50}" for lane in range(lanes) for k, d in enumerate(dates)
    )
    data = ("date,lane,demand\n" + body + "\n").encode()
    first = db.import_csv(data, engine=engine)
    assert first.ok and first.inserted == lanes * days
    second = db.import_csv(data, engine=engine)
    assert (second.inserted, second.skipped) == (0, lanes * days)
    new_id = db.add_record("L0000", "2024-06-01", 1, engine=engine)
    assert new_id == lanes * days + 1  # reserved ids and the sequence agree; skips burn none
    frame = db.load_demand(engine=engine)
    assert len(frame) == lanes * days + 1
    assert np.all(np.diff(frame["date"].to_numpy()[:days]) > np.timedelta64(0))


lane_names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"
    ),
    min_size=1,
    max_size=30,
).map(str.strip).filter(bool)
rows = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
        st.one_of(lane_names, st.sampled_from(['a;b', 'q"uo"te', "Zürich–Milano", "x,y"])),
        st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_round_trip_property(engine, rows) -> None:
    db.reset_database(engine=engine)
    data = csv_bytes([(d.isoformat(), lane, repr(v)) for d, lane, v in rows])
    report = db.import_csv(data, engine=engine)
    assert report.ok, report.errors[:3]
    expected = (
        pd.DataFrame(
            {
                "date": pd.to_datetime([d for d, _, _ in rows]).astype("datetime64[ns]"),
                "lane": [lane for _, lane, _ in rows],
                "demand": [float(v) for _, _, v in rows],
            }
        )
        .sort_values(["lane", "date"], kind="stable")
        .reset_index(drop=True)
    )
    loaded = db.load_demand(engine=engine)
    pd.testing.assert_frame_equal(loaded, expected, check_dtype=False)
    assert str(loaded["date"].dtype) == "datetime64[ns]"

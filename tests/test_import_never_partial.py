"""Generated CSV files, good and hostile: the importer never raises and never writes part
of a file (all rows or none, the data version moves only with a complete write)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import db

GOOD_DATE = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)).map(
    dt.date.isoformat
)
BAD_DATE = st.sampled_from(["2024-02-30", "31.02.2024", "yesterday", "", "2024-13-01", "1e3"])
GOOD_VOLUME = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(repr)
BAD_VOLUME = st.sampled_from(["-1", "NaN", "inf", "abc", "", "1e99", "=1+1", "12,5,3"])
LANE = st.one_of(
    st.sampled_from(["BER-MUC", "HAM-ROT", "=cmd|' /C calc'!A0", "[x](https://e.x)", " A "]),
    st.text(min_size=0, max_size=8),
)
FIELD_TEXT = st.text(max_size=6)


@st.composite
def csv_files(draw) -> bytes:
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.sampled_from(["date,lane,demand", "date,product_name,volume",
                                   "Date , LANE , Demand", "date,lane", "x,y,z"]))
    lines = [header.replace(",", separator)]
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        date = draw(st.one_of(GOOD_DATE, GOOD_DATE, BAD_DATE))
        volume = draw(st.one_of(GOOD_VOLUME, GOOD_VOLUME, BAD_VOLUME))
        lane = draw(LANE)
        cells = [date, lane, volume]
        if draw(st.booleans()):
            cells = [('"' + c.replace('"', '""') + '"') if draw(st.booleans()) else c
                     for c in cells]
        if draw(st.integers(0, 9)) == 0:
            cells.append(draw(FIELD_TEXT))  # a row with a field too many
        lines.append(separator.join(cells))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    data = (ending.join(lines) + ending).encode("utf-8")
    if draw(st.integers(0, 19)) == 0:
        data += b"\x00\xff"  # binary junk
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files(), policy=st.sampled_from(db.DUPLICATE_POLICIES))
def test_importer_never_raises_and_never_writes_part(engine, data: bytes, policy: str) -> None:
    db.reset_database(engine=engine)
    db.add_record("BER-MUC", "2024-01-01", 5, engine=engine)
    before = db.load_demand(engine=engine)
    version = db.data_version(engine=engine)
    report = db.import_csv(data, engine=engine, on_duplicate=policy)  # must not raise
    after = db.load_demand(engine=engine)
    if not report.ok:
        assert after.equals(before) and db.data_version(engine=engine) == version
        assert report.inserted == report.replaced == 0
    else:
        assert len(after) == len(before) + report.inserted
        assert report.inserted + report.skipped + report.replaced <= report.rows_read

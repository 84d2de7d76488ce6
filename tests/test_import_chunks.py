"""Chunked import: same result as reading the whole file, rows numbered as in the whole file,
all-or-nothing across chunks, bounded memory (figures: bench/import_bench.py --memory)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import db

SMALL = 200  # bytes per chunk: many chunks from a small file


def _csv(lanes: int, days: int, *, quoted: bool = False) -> bytes:
    lines = ["date,lane,demand"]
    for lane in range(lanes):
        name = f'"Lane ""{lane}"", x"' if quoted else f"L{lane:03d}"
        for d in range(days):
            lines.append(f"{dt.date(2024, 1, 1) + dt.timedelta(days=d)},{name},{lane + d * 0.5}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("quoted", [False, True])
def test_chunked_equals_whole_file(engine, quoted: bool) -> None:
    data = _csv(7, 40, quoted=quoted)
    whole = db.import_csv(data, engine=engine)
    expected = db.load_demand(engine=engine)
    db.reset_database(engine=engine)
    seen: list[float] = []
    chunked = db.import_csv(io.BytesIO(data), engine=engine, chunk_bytes=SMALL,
                            progress=lambda f, _m: seen.append(f))
    assert chunked.ok and whole.ok
    assert (chunked.inserted, chunked.rows_read, chunked.lanes) == (
        whole.inserted, whole.rows_read, whole.lanes)
    assert db.load_demand(engine=engine).equals(expected)
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 1.0


def test_line_break_inside_quotes_across_chunks(engine) -> None:
    """A quoted field with a line break (an error: control character) is one record."""
    lines = _csv(2, 40).decode().splitlines()
    lines[50] = '2024-03-01,"broken\nlane",4'
    data = ("\n".join(lines) + "\n").encode()
    whole = db.import_csv(data, engine=engine)
    chunked = db.import_csv(data, engine=engine, chunk_bytes=SMALL)
    assert [(e.row, e.column) for e in chunked.errors] == [(e.row, e.column) for e in whole.errors]
    assert chunked.errors[0].row == 51 and db.count_records(engine=engine) == 0


def test_bad_row_in_a_late_chunk_is_numbered_as_in_the_file_and_nothing_is_written(engine) -> None:
    lines = _csv(3, 50).decode().splitlines()
    lines[120] = "2024-02-30,L002,1"  # row 121 of the file (header = row 1)
    report = db.import_csv("\n".join(lines).encode(), engine=engine, chunk_bytes=SMALL)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(121, "date")]
    assert db.count_records(engine=engine) == 0 and db.list_lanes(engine=engine) == []


def test_duplicate_across_chunks_is_found(engine) -> None:
    data = _csv(2, 60) + b"2024-01-03,L000,9\n"
    report = db.import_csv(data, engine=engine, chunk_bytes=SMALL)
    assert not report.ok and report.errors[0].row == 2 * 60 + 2
    assert "already appears in an earlier row" in report.errors[0].message
    assert db.count_records(engine=engine) == 0


def test_merge_policies_work_chunk_by_chunk(engine) -> None:
    db.import_csv(_csv(3, 30), engine=engine)
    changed = _csv(3, 30).replace(b",L001,", b",L001,1") + b"2025-01-01,NEW,5\n"
    # volumes of L001 rows get a leading 1 ("1.5" -> "11.5"); one new lane
    report = db.import_csv(changed, engine=engine, on_duplicate="replace", chunk_bytes=SMALL)
    assert report.ok and (report.inserted, report.replaced, report.skipped) == (1, 90, 0)
    rejected = db.import_csv(changed, engine=engine, on_duplicate="reject", chunk_bytes=SMALL)
    assert not rejected.ok and rejected.error_count_total == 91  # NEW is stored now too
    assert len(db.load_demand(engine=engine)) == 91  # nothing changed by the rejected file


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(min_value=64, max_value=2_000), lanes=st.integers(1, 5),
       days=st.integers(1, 30), bad_at=st.one_of(st.none(), st.integers(0, 149)))
def test_any_chunk_size_gives_the_whole_file_result(engine, chunk, lanes, days, bad_at) -> None:
    lines = _csv(lanes, days).decode().splitlines()
    if bad_at is not None and bad_at + 1 < len(lines):
        lines[bad_at + 1] = lines[bad_at + 1].rsplit(",", 1)[0] + ",-1"
    data = ("\n".join(lines) + "\n").encode()
    db.reset_database(engine=engine)
    whole = db.import_csv(data, engine=engine)
    whole_rows = db.load_demand(engine=engine)
    db.reset_database(engine=engine)
    chunked = db.import_csv(data, engine=engine, chunk_bytes=chunk)
    assert chunked.ok == whole.ok
    assert [(e.row, e.column, e.message) for e in chunked.errors] == [
        (e.row, e.column, e.message) for e in whole.errors]
    assert db.load_demand(engine=engine).equals(whole_rows)

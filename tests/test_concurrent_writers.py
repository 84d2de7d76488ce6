"""Several planners at once: writers wait their turn, none is refused for no reason.

Real separate processes (``spawn``: each opens its own engine and connections)
against the real SQLite file and the real PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sys
from pathlib import Path

import pytest

import db
import storage.transactions
from domain import BusyError, LaneMasterData

WRITERS = 8
ROWS_PER_WRITER = 1_000
SHARED_LANES = 10  # every writer creates the same new lanes at once
RACE_ROUNDS = 40
START = dt.date(2020, 1, 1)
PROCESS_TIMEOUT_S = 300  # a hung writer fails the test instead of hanging CI


def _writer_csv(writer: int) -> bytes:
    """ROWS_PER_WRITER rows: the shared lanes, on days no other writer uses."""
    days = ROWS_PER_WRITER // SHARED_LANES
    lines = ["date,lane,demand"]
    for lane in range(SHARED_LANES):
        for k in range(days):
            day = START + dt.timedelta(days=writer * days + k)
            lines.append(f"{day.isoformat()},SHARED-{lane},{writer + k}")
    return ("\n".join(lines) + "\n").encode()


def _import_worker(url: str, writer: int, barrier, results) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import db as store

    engine = store.get_engine(url)
    data = _writer_csv(writer)
    barrier.wait()
    try:
        report = store.import_csv(data, engine=engine)
        results.put((writer, report.ok, report.inserted, ""))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((writer, False, 0, f"{type(exc).__name__}: {exc}"))


def _run(target, args_list: list[tuple]) -> list[tuple]:
    context = mp.get_context("spawn")
    barrier = context.Barrier(len(args_list))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*args, barrier, results)) for args in args_list
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=PROCESS_TIMEOUT_S) for _ in processes]
    for process in processes:
        process.join(timeout=PROCESS_TIMEOUT_S)
    return collected


@pytest.mark.slow
def test_eight_concurrent_imports_all_succeed(engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    outcomes = _run(_import_worker, [(url, w) for w in range(WRITERS)])
    failures = [o for o in outcomes if not o[1]]
    assert failures == []
    assert sorted(o[2] for o in outcomes) == [ROWS_PER_WRITER] * WRITERS
    assert db.count_records(engine=engine) == WRITERS * ROWS_PER_WRITER
    assert db.list_lanes(engine=engine) == [f"SHARED-{k}" for k in range(SHARED_LANES)]


def _race_worker(url: str, role: str, barrier, results) -> None:
    """RACE_ROUNDS rounds; in each, the importer and the editor create lane NEW-<round>."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import db as store

    engine = store.get_engine(url)
    failures: list[str] = []
    for round_no in range(RACE_ROUNDS):
        lane = f"NEW-{round_no:02d}"
        barrier.wait()
        try:
            if role == "import":
                rows = "".join(
                    f"2024-01-{day:02d},{lane},{day}\n2024-01-{day:02d},OTHER-{round_no:02d},1\n"
                    for day in range(1, 11)
                )
                report = store.import_csv(("date,lane,demand\n" + rows).encode(), engine=engine)
                if not report.ok:
                    failures.append(f"round {round_no}: {report.summary()}")
            else:
                store.add_record(lane, "2024-02-01", 5, engine=engine)
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            failures.append(f"round {round_no}: {type(exc).__name__}: {exc}")
    results.put((role, failures))


@pytest.mark.slow
def test_import_and_add_record_race_on_new_lanes(engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    outcomes = _run(_race_worker, [(url, "import"), (url, "add")])
    assert {role: failures for role, failures in outcomes} == {"import": [], "add": []}
    assert db.count_records(engine=engine) == RACE_ROUNDS * (20 + 1)
    assert len(db.list_lanes(engine=engine)) == RACE_ROUNDS * 2


@pytest.mark.postgres
def test_hundred_thousand_new_lanes_on_postgres(pg_engine) -> None:
    """New lanes go in as one statement; correctness here, the time in bench/import_bench.py."""
    lanes = 100_000
    body = "".join(f"2024-01-01,L{k:06d},{k % 97}\n" for k in range(lanes))
    report = db.import_csv(("date,lane,demand\n" + body).encode(), engine=pg_engine)
    assert report.ok and report.inserted == lanes
    masters = db.list_lane_master(engine=pg_engine)
    assert len(masters) == lanes
    assert masters["L000042"] == LaneMasterData(code="L000042", name="L000042")
    assert db.load_demand("L099999", engine=pg_engine)["demand"].tolist() == [99_999 % 97]


@pytest.mark.postgres
def test_lock_timeout_becomes_busy_error(pg_engine, monkeypatch) -> None:
    """A writer that cannot get its lock in time gets BusyError ("try again"), not "unavailable"."""
    import psycopg2

    db.add_record("A", "2024-01-01", 1, engine=pg_engine)
    monkeypatch.setattr(storage.transactions, "LOCK_TIMEOUT_S", 1)
    url = pg_engine.url
    blocker = psycopg2.connect(host=url.host, port=url.port, user=url.username, dbname=url.database)
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE demand IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(BusyError, match="busy.*try again"):
            db.add_record("A", "2024-01-02", 1, engine=pg_engine)
    finally:
        blocker.rollback()
        blocker.close()
    assert db.count_records(engine=pg_engine) == 1


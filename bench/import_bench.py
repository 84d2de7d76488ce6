"""Benchmark: CSV import throughput of db.import_csv against raw COPY and per-row inserts.

Generates a 730,000-row CSV (1,000 lanes x 730 days, seed format
``date,product_name,demand``) and, on SQLite and on PostgreSQL, times

* ours: ``db.import_csv`` into an empty schema (full validation included);
* ours, new lanes into a filled table (direct COPY path, PostgreSQL) and a
  re-import of the same file (merge path: every row skipped);
* raw COPY (PostgreSQL only): ``copy_expert`` of the same CSV bytes into an
  equivalent bare table ``(date date, lane text, demand double precision)``
  without keys or constraints - the floor any loader is compared with;
* naive per-row inserts: one ``INSERT`` statement per CSV row for a
  20,000-row subset, scaled to rows/s (SQLite: into the real ``demand``
  table; PostgreSQL: into the bare table, bounded by round trips anyway).

Every figure is measured in this run (best of REPEATS); the ratio ours/raw
COPY is printed.  PostgreSQL: server at 127.0.0.1:5432, user postgres; a
temporary database is created and dropped.

Run: python bench/import_bench.py            (throughput)
     python bench/import_bench.py --memory   (peak memory of 1M and 5M-row imports)
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import db  # noqa: E402

SEED = 20240613
N_LANES = 1_000
N_DAYS = 730
NAIVE_ROWS = 20_000  # per-row inserts are slow: time a subset and scale
REPEATS = 3
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def make_csv(lanes: int, days: int, *, prefix: str = "LANE") -> bytes:
    rng = np.random.default_rng(SEED)
    dates = pd.date_range("2023-01-01", periods=days).strftime("%Y-%m-%d").to_numpy(dtype=object)
    codes = np.array([f"{prefix}-{i:04d}" for i in range(lanes)], dtype=object)
    volume = np.round(rng.gamma(2.0, 60.0, lanes * days), 1)
    frame = pd.DataFrame(
        {
            "date": np.tile(dates, lanes),
            "product_name": np.repeat(codes, days),
            "demand": volume,
        }
    )
    return frame.to_csv(index=False).encode("utf-8")


def best_of(run: Callable[[], None], prepare: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(REPEATS):
        if prepare:
            prepare()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_rows(data: bytes) -> list[tuple[str, str, float]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader)
    rows = []
    for date, lane, demand in reader:
        rows.append((date, lane, float(demand)))
        if len(rows) == NAIVE_ROWS:
            break
    return rows


def report(label: str, rows: int, seconds: float) -> float:
    rate = rows / seconds
    print(f"  {label:<52} {rows:>9,} rows {seconds:8.3f} s {rate:>12,.0f} rows/s")
    return rate


def bench_ours(engine, data: bytes, extra: bytes, rows: int) -> float:
    def import_fresh() -> None:
        result = db.import_csv(data, engine=engine)
        assert result.ok and result.inserted == rows, result.summary()

    ours = report(
        "ours: import_csv into empty schema (validated)",
        rows,
        best_of(import_fresh, lambda: db.reset_database(engine=engine)),
    )

    def import_new_lanes() -> None:
        result = db.import_csv(extra, engine=engine)
        assert result.ok and result.inserted == result.rows_read, result.summary()

    def fill() -> None:
        db.reset_database(engine=engine)
        db.import_csv(data, engine=engine)

    report(
        "ours: new lanes into filled table",
        rows,
        best_of(import_new_lanes, fill),
    )

    def reimport() -> None:
        result = db.import_csv(data, engine=engine)
        assert result.ok and result.skipped == rows, result.summary()

    report("ours: re-import, all duplicates skipped", rows, best_of(reimport))
    return ours


def bench_sqlite(data: bytes, extra: bytes, rows: int) -> None:
    print("\nSQLite")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = db.get_engine(url)
        ours = bench_ours(engine, data, extra, rows)
        subset = naive_rows(data)

        def naive() -> None:
            # What a straightforward loader does: one INSERT per row into the real
            # demand table (same keys and constraints), lane ids looked up in a dict.
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("BEGIN")
                lane_ids: dict[str, int] = {}
                for date, lane, demand in subset:
                    if lane not in lane_ids:
                        cursor.execute(
                            "INSERT INTO lanes (code, name, internal_capacity, holding_cost, "
                            "penalty_cost, partner_surcharge, order_cost, handling_cost, "
                            "revenue_per_unit, return_rate, lead_time_mean, lead_time_std) "
                            "VALUES (?, ?, 150, 12, 25, 4, 250, 3.5, 18, 0.05, 5, 1.5)",
                            (lane, lane),
                        )
                        lane_ids[lane] = cursor.lastrowid
                    cursor.execute(
                        "INSERT INTO demand (lane_id, date, volume) VALUES (?, ?, ?)",
                        (lane_ids[lane], date, demand),
                    )
                cursor.execute("COMMIT")
            finally:
                raw.close()

        naive_rate = report(
            "naive per-row INSERT into demand (subset, scaled)",
            len(subset),
            best_of(naive, lambda: db.reset_database(engine=engine)),
        )
        print(f"  ratio ours / naive per-row inserts: {ours / naive_rate:.1f}x")
        db.dispose_engine(url)


NEW_LANES = 100_000


def bench_new_lanes(engine) -> None:
    """100,000 lane names never seen before, one row each (issue 12: < 5 s on PostgreSQL)."""
    body = "".join(f"2024-01-01,FRESH-{k:06d},{k % 97}\n" for k in range(NEW_LANES))
    data = ("date,lane,demand\n" + body).encode()

    def run() -> None:
        result = db.import_csv(data, engine=engine)
        assert result.ok and result.inserted == NEW_LANES, result.summary()

    report(f"ours: {NEW_LANES:,} new lanes (one row each)", NEW_LANES,
           best_of(run, lambda: db.reset_database(engine=engine)))


def bench_postgres(data: bytes, extra: bytes, rows: int) -> None:
    import psycopg2

    print("\nPostgreSQL")
    try:
        admin = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    except psycopg2.OperationalError as exc:
        print(f"  skipped: PostgreSQL not reachable ({str(exc).strip()})")
        return
    admin.autocommit = True
    name = f"lsp_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        engine = db.get_engine(url)
        ours = bench_ours(engine, data, extra, rows)
        raw = psycopg2.connect(dbname=name, **PG)
        try:
            with raw.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE bare (date date, lane text, demand double precision)"
                )
            raw.commit()

            def truncate() -> None:
                with raw.cursor() as cursor:
                    cursor.execute("TRUNCATE bare")
                raw.commit()

            def copy() -> None:
                with raw.cursor() as cursor:
                    cursor.copy_expert(
                        "COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(data)
                    )
                raw.commit()

            copy_rate = report("raw COPY of the same CSV into bare table", rows, best_of(copy, truncate))
            subset = naive_rows(data)

            def naive() -> None:
                with raw.cursor() as cursor:
                    for row in subset:
                        cursor.execute("INSERT INTO bare VALUES (%s, %s, %s)", row)
                raw.commit()

            naive_rate = report(
                "naive per-row INSERT (subset, scaled)", len(subset), best_of(naive, truncate)
            )
        finally:
            raw.close()
        print(f"  ratio ours / raw COPY: {ours / copy_rate:.2f}  (target >= 0.5)")
        bench_new_lanes(engine)
        print(f"  ratio ours / naive per-row inserts: {ours / naive_rate:.1f}x")
    finally:
        db.dispose_engine(url)
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


MEMORY_SIZES = (1_000_000, 5_000_000)
MEMORY_DAYS = 1_000


def write_big_csv(path: Path, rows: int) -> None:
    """``rows`` demand rows (rows / 1,000 lanes x 1,000 days) written lane block by block."""
    rng = np.random.default_rng(SEED)
    dates = pd.date_range("2021-01-01", periods=MEMORY_DAYS).strftime("%Y-%m-%d").to_numpy()
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("date,lane,demand\n")
        for lane in range(rows // MEMORY_DAYS):
            volume = np.round(rng.gamma(2.0, 60.0, MEMORY_DAYS), 1)
            code = f"MEM-{lane:05d}"
            out.write("".join(f"{d},{code},{v}\n" for d, v in zip(dates, volume, strict=True)))


_MEMORY_CHILD = """
import resource, sys
sys.path.insert(0, sys.argv[1])
import db
engine = db.get_engine(sys.argv[2])
db.reset_database(engine=engine)
db.count_records(engine=engine)
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[3], "rb") as source:
    report = db.import_csv(source, engine=engine)
assert report.ok and report.inserted == int(sys.argv[4]), report.summary()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(idle, peak)
"""


def memory_peak_mb(url: str, path: Path, rows: int) -> tuple[float, float]:
    """(idle RSS, peak RSS above idle) [MB] of a fresh process importing ``path``."""
    import subprocess

    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, root, url, str(path), str(rows)],
        check=True, capture_output=True, text=True,
    )
    idle_kb, peak_kb = (int(v) for v in done.stdout.split())
    return idle_kb / 1024, (peak_kb - idle_kb) / 1024


def bench_memory() -> None:
    """Peak memory of db.import_csv over the idle process, 1M and 5M rows, both backends."""
    import psycopg2

    print("\nPeak memory of an import (fresh process; RSS above the idle process)")
    admin = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    admin.autocommit = True
    name = f"lsp_mem_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    pg_url = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            sqlite_url = f"sqlite:///{Path(folder) / 'mem.sqlite'}"
            for rows in MEMORY_SIZES:
                path = Path(folder) / f"demand_{rows}.csv"
                write_big_csv(path, rows)
                size = path.stat().st_size / 1e6
                for label, url in (("SQLite", sqlite_url), ("PostgreSQL", pg_url)):
                    idle, peak = memory_peak_mb(url, path, rows)
                    print(f"  {label:<10} {rows:>9,} rows  file {size:6.1f} MB  idle {idle:6.0f} MB"
                          f"  peak +{peak:6.0f} MB")
                path.unlink()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    if "--memory" in sys.argv:
        bench_memory()
        return
    rows = N_LANES * N_DAYS
    data = make_csv(N_LANES, N_DAYS)
    extra = make_csv(N_LANES, N_DAYS, prefix="NEW")
    print(f"CSV: {N_LANES:,} lanes x {N_DAYS} days = {rows:,} rows, {len(data) / 1e6:.1f} MB")
    bench_sqlite(data, extra, rows)
    bench_postgres(data, extra, rows)


if __name__ == "__main__":
    main()

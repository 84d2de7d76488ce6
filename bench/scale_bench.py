"""Scale benchmark: the watchtower from a stored planning run vs planned live, at 10,000 lanes.

Needs a database seeded beforehand (seeding 11M rows takes minutes and is not
what is measured)::

    LSP_SQLITE_PATH=/tmp/big.sqlite python -m services.demo_seeding --lanes 10000 --days 1095 --yes --seed 1 --no-plan-run
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/big python -m services.demo_seeding --lanes 10000 --days 1095 \
        --yes --seed 1 --no-plan-run

then::

    python bench/scale_bench.py --sqlite /tmp/big.sqlite --pg postgresql://postgres@127.0.0.1:5432/big

Every measured step runs in a fresh Python process (cold: nothing cached),
which reports its seconds (after imports) and its peak memory (max RSS).  Each
figure is printed next to a floor measured in the same run on the same data:

* read floor: only *reading* every demand row, by the database's own client
  (``psql \\copy (...) TO /dev/null`` binary / the ``sqlite3`` CLI);
* aggregate floor: a SQL ``GROUP BY lane_id`` with count/sum/max over all rows.

Steps: full planning run in-process and on a Dask LocalCluster (2 worker
processes), first watchtower read from the stored run and planned live, one
lane's CSV import (its 1,095-day file, one day new) and the incremental re-plan after it,
and the cron check (every lane's fingerprint compared, nothing to re-plan).
The bench changes the last day of ``SYN-0001`` (+1 unit) per run and leaves a
current stored run behind.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LANE = "SYN-0001"


# --------------------------------------------------------------------------- steps (child processes)


def _step(name: str, url: str) -> dict[str, Any]:
    import io

    import db
    import planning
    from services import plan_runs

    engine = db.get_engine(url)
    extra: dict[str, Any] = {}
    start = time.perf_counter()
    if name == "live":
        network = planning.plan_network(db.load_demand(engine=engine), db.list_lane_master(engine=engine))
        extra["lanes"] = len(network.table)
    elif name == "stored":
        status = plan_runs.run_status(engine=engine)
        network = plan_runs.stored_network(engine=engine, status=status)
        assert network is not None, "no current stored run"
        extra["lanes"] = len(network.table)
    elif name in ("run_full", "run_dask"):
        executor: Any = plan_runs.InProcessExecutor()
        cluster = client = None
        if name == "run_dask":
            import dask
            from dask.distributed import Client, LocalCluster

            # Dask's nanny starts workers with OMP_NUM_THREADS=1 and MALLOC_TRIM_THRESHOLD_=65536;
            # both slow this allocation-heavy NumPy/pandas work (one chunk: 0.7 s -> 2.0-2.5 s)
            dask.config.set({"distributed.nanny.pre-spawn-environ": {}})
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
            executor = plan_runs.DaskExecutor(client)
            start = time.perf_counter()  # cluster start-up is not planning work
        result = plan_runs.run_planning(engine=engine, full=True, executor=executor)
        extra.update(lanes=result.lanes_planned, executor=result.executor)
        if client is not None:
            client.close()
            cluster.close()
    elif name == "cron_check":
        result = plan_runs.run_planning(engine=engine)
        extra.update(lanes=result.lanes_planned, mode=result.mode)
    elif name == "import_one_lane":
        # The lane's whole history file is imported again ("skip" keeps stored days) after its
        # last day was deleted with a changed volume: 1 row inserted, 1,094 skipped.
        records = db.get_records(LANE, engine=engine)
        db.delete_record(int(records["id"].iloc[-1]), engine=engine)
        volumes = records["demand"].to_numpy().copy()
        volumes[-1] += 1.0
        csv = "date,lane,demand\n" + "".join(
            f"{d:%Y-%m-%d},{LANE},{v:g}\n" for d, v in zip(records["date"], volumes, strict=True))
        start = time.perf_counter()
        report = db.import_csv(io.BytesIO(csv.encode()), engine=engine, on_duplicate="skip")
        imported = time.perf_counter()
        result = plan_runs.replan_after_import(report.lanes, engine=engine)
        assert result is not None
        extra.update(import_s=imported - start, replan_s=time.perf_counter() - imported,
                     lanes=result.lanes_planned, rows=report.inserted)
    else:
        raise ValueError(f"unknown step {name!r}")
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"seconds": seconds, "peak_mb": peak_mb, **extra}


def _run_step(name: str, url: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--step", name, "--url", url],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- floors


def _timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


GROUP_BY = "SELECT lane_id, count(*), sum(volume), max(date) FROM demand GROUP BY lane_id"


def _floors(url: str) -> dict[str, float]:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        return {
            "read": _timed(["sqlite3", path, "SELECT lane_id, date, volume FROM demand"]),
            "group_by": _timed(["sqlite3", path, GROUP_BY]),
        }
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = {**os.environ, "PGPASSWORD": parsed.password or ""}
    base = ["psql", "-X", "-q", "-h", parsed.host or "localhost", "-p", str(parsed.port or 5432),
            "-U", parsed.username or "postgres", "-d", parsed.database or ""]
    return {
        "read": _timed([*base, "-c", "\\copy (SELECT lane_id, date, volume FROM demand) TO '/dev/null' "
                        "WITH (FORMAT binary)"], env),
        "group_by": _timed([*base, "-c", GROUP_BY], env),
    }


# --------------------------------------------------------------------------- browser


def _browser_first_render(url: str) -> dict[str, float]:
    """Seconds from opening the page in headless Chromium to the watchtower table, and the
    Streamlit server's peak memory (VmHWM) afterwards."""
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LSP_SQLITE_PATH")}
    if url.startswith("sqlite"):
        env["LSP_SQLITE_PATH"] = url.split("///", 1)[1]
    else:
        env["DATABASE_URL"] = url
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            start = time.perf_counter()
            page.goto(address, wait_until="domcontentloaded")
            page.locator("[data-testid='stMetric']").first.wait_for(timeout=300_000)
            metrics = time.perf_counter() - start
            page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=300_000)
            seconds = time.perf_counter() - start
            # a second session on the now warm server (modules imported, plan cached)
            again = browser.new_page(viewport={"width": 1600, "height": 1000})
            start = time.perf_counter()
            again.goto(address, wait_until="domcontentloaded")
            again.locator("[data-testid='stDataFrame']").first.wait_for(timeout=300_000)
            warm = time.perf_counter() - start
            browser.close()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"seconds": seconds, "peak_mb": peak_kb / 1024.0,
            "lanes": f"totals shown after {metrics:.1f} s; warm server, new session: {warm:.1f} s"}


# --------------------------------------------------------------------------- report


def _small_network_url(folder: Path) -> str:
    """A freshly seeded demo-sized SQLite file (4 scenario lanes + 20 synthetic, 3 years)."""
    path = folder / "small.sqlite"
    env = {**os.environ, "LSP_SQLITE_PATH": str(path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "services.demo_seeding", "--yes", "--seed", "1", "--lanes", "20"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return f"sqlite:///{path}"


def _browser_only(label: str, url: str) -> None:
    """The browser figure next to the same page on a 24-lane network (the page's own floor)."""
    import tempfile

    big = _browser_first_render(url)
    with tempfile.TemporaryDirectory() as folder:
        small = _browser_first_render(_small_network_url(Path(folder)))
    print(f"\n== {label}: first watchtower render in headless Chromium")
    for name, result in (("10,004 lanes, stored run", big), ("24 lanes (floor: same page)", small)):
        print(f"{name:<30} {result['seconds']:6.2f} s  server peak {result['peak_mb']:4.0f} MB  "
              f"({result['lanes']})")
    print(f"ratio 10,004 / 24 lanes: {big['seconds'] / small['seconds']:.2f}")


def _bench(label: str, url: str, with_dask: bool, with_browser: bool) -> None:
    floors = _floors(url)
    print(f"\n== {label}  (floors: read all rows {floors['read']:.2f} s, "
          f"GROUP BY lane {floors['group_by']:.2f} s)")
    rows: list[tuple[str, dict[str, Any], str, float]] = []
    full = _run_step("run_full", url)
    rows.append(("planning run, all lanes, in-process", full, "read", floors["read"]))
    if with_dask:
        dask = _run_step("run_dask", url)
        rows.append(("planning run, all lanes, Dask LocalCluster 2 procs", dask, "read", floors["read"]))
    rows.append(("first watchtower read: stored run", _run_step("stored", url), "group_by", floors["group_by"]))
    rows.append(("first watchtower read: planned live", _run_step("live", url), "read", floors["read"]))
    imported = _run_step("import_one_lane", url)
    rows.append(("import one lane (1,095-row file, 1 new)", {**imported, "seconds": imported["import_s"]},
                 "group_by", floors["group_by"]))
    rows.append(("re-plan after that import", {**imported, "seconds": imported["replan_s"]},
                 "group_by", floors["group_by"]))
    rows.append(("cron check: fingerprint every lane, nothing changed", _run_step("cron_check", url),
                 "group_by", floors["group_by"]))
    if with_browser:
        rows.append(("browser: first watchtower render, stored run", _browser_first_render(url),
                     "group_by", floors["group_by"]))
    print(f"{'step':<55} {'seconds':>8} {'peak MB':>8} {'floor':>9} {'ratio':>6}  lanes")
    for name, result, floor_name, floor in rows:
        print(f"{name:<55} {result['seconds']:8.2f} {result['peak_mb']:8.0f} {floor_name:>9} "
              f"{result['seconds'] / floor:6.2f}  {result.get('lanes', '')}")
    if with_dask:
        print(f"Dask LocalCluster / in-process: {dask['seconds'] / full['seconds']:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", help="path of a seeded SQLite file")
    parser.add_argument("--pg", help="URL of a seeded PostgreSQL database")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser.add_argument("--browser", action="store_true",
                        help="also time the first watchtower render in headless Chromium")
    parser.add_argument("--browser-only", action="store_true",
                        help="only the browser figure, next to the same page on a 24-lane network")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(_step(args.step, args.url)))
        return 0
    if not (args.sqlite or args.pg):
        parser.error("give --sqlite PATH and/or --pg URL of a seeded database")
    print(f"{os.cpu_count()} cores; every step in a fresh process (cold); ratio = seconds / floor")
    if args.browser_only:
        if args.pg:
            _browser_only("PostgreSQL", args.pg)
        if args.sqlite:
            _browser_only("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}")
        return 0
    if args.pg:
        _bench(f"PostgreSQL {args.pg.rsplit('/', 1)[-1]}", args.pg, not args.no_dask, args.browser)
    if args.sqlite:
        _bench(f"SQLite {args.sqlite}", f"sqlite:///{Path(args.sqlite).resolve()}", not args.no_dask, args.browser)
    return 0


if __name__ == "__main__":
    sys.exit(main())

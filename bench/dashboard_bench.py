"""Dashboard interaction timings (server side, via Streamlit's AppTest).

Seeds two temporary SQLite files with ``python -m services.demo_seeding``:

* "network": the scenario lanes + 50 synthetic lanes x 1,095 days;
* "large":   1,000 synthetic lanes x 730 days (watchtower only).

Then runs ``app.py`` in AppTest and prints the milliseconds of each
interaction and its ratio to a baseline measured in the same run: an AppTest
run of a trivial one-line script (the fixed cost of a Streamlit rerun here).
Targets: < 300 ms per interaction once warm; watchtower over 1,000 lanes < 1 s.

Usage::

    python bench/dashboard_bench.py [--lanes 50 --days 1095 --large-lanes 1000 --large-days 730]
    python bench/dashboard_bench.py --quick        # 10 lanes x 400 days, 100 lanes for "large"
    python bench/dashboard_bench.py --demo         # the 24-lane demo only, plus fragment reruns

Fragment reruns: AppTest always reruns the whole script, so the cost of a
fragment-only rerun (what Streamlit runs when a button inside ``st.fragment``
is pressed) is measured as an AppTest run of a script that calls just that
fragment with the same session state and warm caches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# AppTest runs outside a server; Streamlit warns about that on every cached call.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from services import config  # noqa: E402
from views import nav, sidebar  # noqa: E402


def capacity_input(at: AppTest):
    """The sidebar's internal-capacity widget (its key carries lane and reset generation)."""
    return next(w for w in at.number_input if (w.key or "").startswith("sb_internal_capacity@"))


APP = str(ROOT / "app.py")
TIMEOUT_S = 600
REPEATS = 3  # warm interactions are repeated; the median is reported
TRIVIAL_SCRIPT = "import streamlit as st\nst.write('baseline')\n"
TARGET_MS = 300.0
WATCHTOWER_TARGET_MS = 1000.0


def seed(path: Path, lanes: int, days: int) -> float:
    """Seed ``path`` with ``python -m services.demo_seeding``; returns seconds taken."""
    env = {**os.environ, "LSP_SQLITE_PATH": str(path)}
    env.pop("DATABASE_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "services.demo_seeding", "--yes", "--lanes", str(lanes),
         "--days", str(days)],
        check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def use(path: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["LSP_SQLITE_PATH"] = str(path)
    config.get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000.0
    if at.exception:
        raise RuntimeError(f"app raised: {[e.value for e in at.exception]}")
    return elapsed


def median_of(at: AppTest, steps: list[Callable[[AppTest], None]]) -> float:
    """Apply each step, run, and return the median run time [ms]."""
    times = []
    for step in steps:
        step(at)
        times.append(timed_run(at))
    return statistics.median(times)


def baseline_ms() -> float:
    at = AppTest.from_string(TRIVIAL_SCRIPT, default_timeout=TIMEOUT_S)
    at.run()
    return statistics.median(timed_run(at) for _ in range(5))


def tab(label: str) -> Callable[[AppTest], None]:
    def step(at: AppTest) -> None:
        at.session_state[nav.TAB_KEY] = label
    return step


def lane(code: str) -> Callable[[AppTest], None]:
    def step(at: AppTest) -> None:
        at.selectbox(key=sidebar.LANE_KEY).select(code)
    return step


def service_level(pct: float) -> Callable[[AppTest], None]:
    def step(at: AppTest) -> None:
        at.slider(key=sidebar.SERVICE_LEVEL_KEY).set_value(pct)
    return step


def capacity(value: float) -> Callable[[AppTest], None]:
    def step(at: AppTest) -> None:
        capacity_input(at).set_value(value)
    return step


def report(name: str, ms: float, base: float, target: float = TARGET_MS) -> None:
    verdict = "ok" if ms < target else "SLOW"
    print(f"  {name:<52} {ms:8.1f} ms  {ms / base:6.1f}x baseline  [{verdict} < {target:.0f} ms]")


def bench_network(path: Path, base: float) -> None:
    use(path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    report("cold first run (watchtower, empty caches)", timed_run(at), base, float("inf"))
    report("warm rerun, watchtower", median_of(at, [lambda a: None] * REPEATS), base)
    lanes = at.selectbox(key=sidebar.LANE_KEY).options
    first, others = lanes[0], [c for c in lanes[1:] if c][: REPEATS + 1]
    report("switch tab -> Lane operations (cold plan)", timed_run((tab(nav.LANE_OPS)(at), at)[1]),
           base, float("inf"))
    for label in (nav.LANE_OPS, nav.RISK, nav.COOPERATION, nav.FINANCE, nav.WATCHTOWER):
        report(f"switch tab -> {label.split(' ', 1)[1]} (warm)", median_of(at, [tab(label)] * REPEATS), base)
    at.session_state[nav.TAB_KEY] = nav.RISK
    timed_run(at)
    report("switch lane, Risk tab (new lane, uncached plan)",
           median_of(at, [lane(c) for c in others[:REPEATS]]), base)
    report("switch lane back (cached plan)", median_of(at, [lane(first), lane(others[0])] * 2), base)
    at.checkbox(key=sidebar.USE_OPTIMAL_KEY).uncheck()
    timed_run(at)
    report("move service-level slider (new α, uncached plan)",
           median_of(at, [service_level(p) for p in (90.0, 93.5, 97.2)]), base)
    report("move service-level slider back (cached plan)",
           median_of(at, [service_level(p) for p in (90.0, 93.5, 97.2)]), base)
    report("change internal capacity (uncached plan)",
           median_of(at, [capacity(v) for v in (111.0, 222.0, 333.0)]), base)
    at.session_state[nav.TAB_KEY] = nav.LANE_OPS
    timed_run(at)
    report("Lane operations: move slider (uncached plan)",
           median_of(at, [service_level(p) for p in (91.1, 92.2, 94.4)]), base)


def _fragment_script(panel: str, lane: str) -> None:
    """AppTest script: exactly what a fragment rerun of ``panel`` executes."""
    import db
    from domain import Scenario
    from services.config import get_settings
    from views import risk, state

    engine = db.get_engine(get_settings().engine_url)
    params = state.lane_master(engine, lane)
    scenario = Scenario(lane=lane, params=params)
    plan = state.scenario_plan(engine, scenario)
    {"monte_carlo": risk._monte_carlo, "stress": risk._stress_test,
     "reconciliation": risk._reconciliation}[panel](scenario, plan)


def bench_fragments(path: Path, base: float) -> None:
    """Risk tab panels: full-page rerun vs the fragment-only rerun a click inside them costs."""
    import db
    from domain import Scenario
    from views import risk, state

    use(path)
    engine = db.get_engine(config.get_settings().engine_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    timed_run(at)
    lane_code = at.selectbox(key=sidebar.LANE_KEY).value
    at.session_state[nav.TAB_KEY] = nav.RISK
    timed_run(at)
    params = state.lane_master(engine, lane_code)
    scenario = Scenario(lane=lane_code, params=params)
    # The planner pressed "Run simulation" and "Run stress test" once: results are cached.
    at.button(key="risk_mc_run").click()
    timed_run(at)
    at.button(key="risk_stress_run").click()
    timed_run(at)
    report("Risk tab with simulation + stress results: full rerun",
           median_of(at, [lambda a: None] * REPEATS), base)
    shared = {k: at.session_state[k] for k in (risk.MC_REQUEST_KEY, risk.STRESS_REQUEST_KEY)}
    for panel in ("monte_carlo", "stress", "reconciliation"):
        frag = AppTest.from_function(_fragment_script, args=(panel, lane_code),
                                     default_timeout=TIMEOUT_S)
        for key, value in shared.items():
            frag.session_state[key] = value
        frag.session_state["risk_mc_reps"] = at.session_state["risk_mc_reps"]
        frag.session_state["risk_mc_bootstrap"] = False
        timed_run(frag)
        report(f"fragment rerun only: {panel} panel", median_of(frag, [lambda a: None] * REPEATS),
               base)
    del scenario


def bench_large(path: Path, base: float, lanes: int, days: int) -> None:
    use(path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    report(f"cold first run, watchtower {lanes} lanes x {days} d", timed_run(at), base,
           float("inf"))
    report(f"warm watchtower {lanes} lanes", median_of(at, [lambda a: None] * REPEATS), base,
           WATCHTOWER_TARGET_MS)

    def search(text: str) -> Callable[[AppTest], None]:
        return lambda a: a.text_input(key="wt_search").input(text)

    report("watchtower text filter", median_of(at, [search(t) for t in ("SYN-00", "SYN-01", "")]),
           base, WATCHTOWER_TARGET_MS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lanes", type=int, default=50)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--large-lanes", type=int, default=1000)
    parser.add_argument("--large-days", type=int, default=730)
    parser.add_argument("--quick", action="store_true", help="small databases, for a smoke run")
    parser.add_argument("--demo", action="store_true",
                        help="only the 24-lane demo (4 scenario + 20 synthetic lanes x 1,095 days)")
    args = parser.parse_args()
    if args.demo:
        with tempfile.TemporaryDirectory() as tmp:
            demo = Path(tmp) / "demo.sqlite"
            print(f"seeding the demo (4 scenario + 20 synthetic lanes x 1,095 days): "
                  f"{seed(demo, 20, 1095):.1f} s")
            base = baseline_ms()
            print(f"baseline: AppTest run of a trivial script = {base:.1f} ms")
            print("24-lane demo:")
            bench_network(demo, base)
            print("24-lane demo, Risk tab panels:")
            bench_fragments(demo, base)
        return
    if args.quick:
        args.lanes, args.days, args.large_lanes, args.large_days = 10, 400, 100, 400
    with tempfile.TemporaryDirectory() as tmp:
        network, large = Path(tmp) / "network.sqlite", Path(tmp) / "large.sqlite"
        print(f"seeding {args.lanes} synthetic lanes x {args.days} days: "
              f"{seed(network, args.lanes, args.days):.1f} s")
        print(f"seeding {args.large_lanes} synthetic lanes x {args.large_days} days: "
              f"{seed(large, args.large_lanes, args.large_days):.1f} s")
        base = baseline_ms()
        print(f"baseline: AppTest run of a trivial script = {base:.1f} ms")
        print(f"network DB (scenario lanes + {args.lanes} synthetic x {args.days} days):")
        bench_network(network, base)
        print(f"large DB ({args.large_lanes} lanes x {args.large_days} days):")
        bench_large(large, base, args.large_lanes, args.large_days)


if __name__ == "__main__":
    main()

"""PDF executive report timings: 20 lanes must take < 15 s.

Builds the demo scenarios plus synthetic lanes in memory (no database), plans the top
lanes by money at stake with ``planning.plan_lane`` (as the report tab does through its
cache) and times ``report.build_report`` for 1 and for N lanes (median of the repeats).
Baselines in the same run: the 1-lane report (fixed cost: summary page, network chart)
and the parts of one lane page -- its two charts, its actions (re-planning) and its
Monte Carlo column.

Usage::

    python bench/report_bench.py [--lanes 20 --repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import ai_brain  # noqa: E402
import planning  # noqa: E402
import report  # noqa: E402
import seed_data  # noqa: E402
from report import charts as report_charts  # noqa: E402

END = dt.date(2024, 12, 31)


def _timed(fn, repeats: int) -> float:
    """Median wall time [s] of ``repeats`` calls."""
    return _timed_both(fn, repeats)[0]


def _timed_both(fn, repeats: int) -> tuple[float, float]:
    """Median (wall, CPU) time [s]; CPU time shows the work when other jobs share the cores."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame, masters = seed_data.generate_scenarios(seed=seed_data.DEFAULT_SEED, end=END)
    by_code = {m.code: m for m in masters}
    synthetic = list(seed_data.iter_synthetic(seed=7, end=END, days=730, lanes=args.lanes))
    by_code.update({m.code: m for m in seed_data.synthetic_masters(7, args.lanes)})
    demand = pd.concat([frame, *synthetic], ignore_index=True)
    network = planning.plan_network(demand, by_code)
    codes = report.select_lanes(network, report.SELECT_TOP, top_n=args.lanes)
    start = time.perf_counter()
    plans = [planning.plan_lane(demand[demand["lane"] == c], by_code[c]) for c in codes]
    planning_s = time.perf_counter() - start
    one, one_cpu = _timed_both(lambda: report.build_report(plans[:1], network), args.repeats)
    many, many_cpu = _timed_both(lambda: report.build_report(plans, network), args.repeats)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    pages = len(plans) + 1
    p = plans[0]
    charts = _timed(lambda: (report_charts.demand_forecast_png(p), report_charts.cost_curve_png(p)),
                    args.repeats)
    actions = _timed(lambda: ai_brain.rank_actions(p, ai_brain.workspace_for(p, network)),
                     args.repeats)
    sim = _timed(lambda: report.lane_reconciliation(p), args.repeats)
    print(f"network: {len(network.table)} lanes; planning {len(plans)} lanes: {planning_s:.2f} s")
    print(f"report, {len(plans)} lanes ({pages} pages): {many:.2f} s wall, {many_cpu:.2f} s CPU "
          f"({'OK' if many < 15 else 'OVER'} < 15 s target; load average {load:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"baseline report, 1 lane (2 pages): {one:.2f} s wall, {one_cpu:.2f} s CPU -> ratio "
          f"{many / one:.1f}x; "
          f"marginal cost per lane {(many - one) / max(len(plans) - 1, 1):.2f} s")
    print(f"one lane page's parts: charts {charts:.2f} s, actions (re-planning) {actions:.2f} s,"
          f" reconciliation ({report.RECONCILE_REPLICATIONS:,} x 365 days) {sim:.2f} s")


if __name__ == "__main__":
    main()

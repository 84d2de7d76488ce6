"""plan_network for 1,000 lanes x 730 days, against planning each lane on its own.

Run: ``python bench/planning_bench.py [--lanes 1000] [--days 730] [--repeat 5]``.

Baseline (same run): the per-lane path -- ``lane_history`` + the kernel for one lane at
a time, i.e. what the watchtower would cost without the vectorised network path
(measured on 100 lanes and scaled). Both give identical rows (tests/test_reconciliation.py).
Lanes are a mix of the demo patterns: smooth, seasonal, erratic with shocks, intermittent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import planning  # noqa: E402
from domain import LaneMasterData  # noqa: E402


def network(lanes: int, days: int, seed: int = 1) -> tuple[pd.DataFrame, dict[str, LaneMasterData]]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    t = np.arange(days)
    level = rng.uniform(5, 400, lanes)[:, None]
    season = 1 + rng.uniform(0, 0.3, lanes)[:, None] * np.sin(2 * np.pi * t / 365.0)
    weekday = 1 + 0.2 * (np.asarray(dates.weekday)[None, :] < 5)
    values = rng.gamma(6.0, level * season * weekday / 6.0)
    shocks = rng.random((lanes, days)) < 0.005
    values = np.where(shocks, values * 4, values)
    quiet = rng.random(lanes) < 0.15  # intermittent lanes
    values[quiet] *= rng.random((int(quiet.sum()), days)) < 0.2
    codes = [f"L{i:05d}" for i in range(lanes)]
    demand = pd.DataFrame({"date": np.tile(dates, lanes), "lane": np.repeat(codes, days),
                           "demand": values.round().ravel()})
    masters = {c: LaneMasterData(code=c, internal_capacity=float(level[i, 0] * 1.3),
                                 review_period_days=int(rng.choice([0, 1, 1, 7])))
               for i, c in enumerate(codes)}
    return demand, masters


def best_of(repeat: int, fn) -> tuple[float, float]:
    """Best wall time and best CPU time of this process [s] (CPU time is robust to a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lanes", type=int, default=1000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    demand, masters = network(args.lanes, args.days)
    planning.plan_network(demand, masters)  # warm caches and imports
    vectorised = best_of(args.repeat, lambda: planning.plan_network(demand, masters))
    sample = sorted(masters)[:100]
    groups = {lane: g[["date", "demand"]] for lane, g in demand[demand["lane"].isin(sample)].groupby("lane")}

    def per_lane() -> None:
        for lane in sample:
            hist = planning.lane_history(groups[lane], masters[lane])
            window = hist.window[None, :]
            planning.kernel(planning.kernel_inputs(
                [masters[lane]], np.array([hist.stats.demand_mean]), np.array([hist.stats.demand_std]),
                np.array([hist.tail_risk]), window), None)

    loop_wall, loop_cpu = best_of(max(1, args.repeat // 2), per_lane)
    scale = args.lanes / len(sample)
    wall, cpu = vectorised
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"plan_network, {args.lanes:,} lanes x {args.days} days: wall {wall:.3f} s, "
          f"CPU {cpu:.3f} s (best of {args.repeat})")
    print(f"baseline, one lane at a time (100 lanes, scaled): wall {loop_wall * scale:.3f} s, "
          f"CPU {loop_cpu * scale:.3f} s")
    print(f"ratio baseline / vectorised (CPU): {loop_cpu * scale / cpu:.1f}x")


if __name__ == "__main__":
    main()

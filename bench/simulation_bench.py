"""Benchmark of the Monte Carlo lane twin (the ``simulation`` package).

Times ``simulate_policy`` for 10,000 replications x 365 days of one lane with
stochastic lead times, capacity overflow and P&L switched on, next to
baselines measured in the same run:

* the pure-Python day-by-day reference model (``simulate_policy_reference``,
  same model, same draws), run for a few replications and scaled linearly;
* a bare vectorised NumPy day loop (order-up-to, fixed lead time, no capacity,
  no P&L) as a yardstick of how fast this machine is right now (the issue's
  target of 0.25 s was set when that loop took about 0.06 s).

Run: ``python bench/simulation_bench.py`` from the repository root.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simulation  # noqa: E402
from domain import Policy  # noqa: E402

REPLICATIONS = 10_000
DAYS = 365
REFERENCE_REPLICATIONS = 50
REPEATS = 5
LANE = simulation.TwinLane(
    lead_time_mean=5.0,
    lead_time_std=1.5,
    internal_capacity=110.0,
    return_rate=0.05,
    holding_cost=12.0,
    penalty_cost=25.0,
    order_cost=250.0,
    handling_cost=3.5,
    partner_surcharge=4.0,
    revenue_per_unit=18.0,
)
DEMAND = simulation.TwinDemand.normal(100.0, 20.0)
PLANS = {
    "order-up-to, daily": Policy.up_to(860.0),
    "(r, Q)": Policy.rq(reorder_point=600.0, order_quantity=1000.0),
}


def best_time(function, repeats: int = REPEATS) -> float:
    """Best wall time of ``repeats`` calls [s] (least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def bare_day_loop(replications: int = REPLICATIONS, days: int = DAYS) -> float:
    """Minimal vectorised order-up-to loop: fixed lead time, no capacity or P&L."""
    rng = np.random.default_rng(0)
    lead, level = 5, 860.0
    demand = np.maximum(rng.normal(100.0, 20.0, size=(days, replications)), 0.0)
    net = np.full(replications, level)
    pipeline = np.zeros((lead + 1, replications))
    short = 0.0
    for t in range(days):
        net -= demand[t]
        short += float(np.maximum(-net, 0.0).sum())
        pipeline[(t + lead) % (lead + 1)] = demand[t]
        net += pipeline[t % (lead + 1)]
    return short


def main() -> None:
    bare = best_time(bare_day_loop)
    print(f"machine yardstick: bare NumPy day loop 10,000 x 365: {bare:.3f} s")
    for label, plan in PLANS.items():
        ours = best_time(
            lambda plan=plan: simulation.simulate_policy(
                plan, LANE, DEMAND, days=DAYS, replications=REPLICATIONS, seed=1
            )
        )
        reference = best_time(
            lambda plan=plan: simulation.simulate_policy_reference(
                plan, LANE, DEMAND, days=DAYS, replications=REFERENCE_REPLICATIONS, seed=1
            ),
            repeats=2,
        )
        reference_scaled = reference * REPLICATIONS / REFERENCE_REPLICATIONS
        print(
            f"{label:>20}: simulate_policy {REPLICATIONS:,} x {DAYS} = {ours:.3f} s | "
            f"pure-Python reference {REFERENCE_REPLICATIONS} reps = {reference:.3f} s "
            f"-> {reference_scaled:.1f} s for {REPLICATIONS:,} | "
            f"speed-up {reference_scaled / ours:.0f}x | vs bare loop {ours / bare:.2f}x"
        )


if __name__ == "__main__":
    main()

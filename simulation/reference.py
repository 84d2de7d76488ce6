"""The twin's model written as a plain day loop: the slow reference for tests and benchmarks.

One replication and one day at a time, literally as the model is defined in
:mod:`simulation`; the vectorised kernel must return the same figures.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from domain import LaneMasterData, Policy
from simulation.api import prepare
from simulation.inputs import DEFAULT_DAYS, DEFAULT_REPLICATIONS, TwinDemand, TwinLane
from simulation.kernel import NUMERIC_TOLERANCE
from simulation.results import SimulationResult, Totals, to_result
from simulation.sampling import draw


def simulate_policy_reference(
    policy: Policy,
    lane: TwinLane | LaneMasterData,
    demand: TwinDemand,
    *,
    days: int = DEFAULT_DAYS,
    replications: int = DEFAULT_REPLICATIONS,
    initial_inventory: Any = None,
    warmup_days: int | None = None,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
) -> SimulationResult:
    """Same model as :func:`simulation.simulate_policy` written as a plain Python loop.

    Slow (one replication and one day at a time); it exists to cross-check the
    vectorised core on small cases and as the benchmark baseline.  Given the
    same arguments and seed it consumes the same random draws and returns the
    same figures up to floating-point rounding.
    """
    plan, sampler, start = prepare(
        policy, lane, demand, days=days, replications=replications,
        initial_inventory=initial_inventory, warmup_days=warmup_days, rng=rng, seed=seed,
    )
    draws = draw(plan, sampler, plan.replications)
    demand_rows = draws.demand.tolist()
    lead_rows = (
        sampler.lead_table[draws.lead_uniform].tolist()
        if draws.lead_uniform is not None and sampler.lead_table is not None
        else None
    )
    n = plan.replications
    size = plan.max_lead_time + 1
    fixed_lead = plan.fixed_lead_time
    columns: dict[str, list[float]] = {
        name: [0.0] * n
        for name in (
            "demand", "short", "stockout_days", "cycles", "cycles_short", "orders",
            "on_hand_sum", "backorders_start", "backorders_end", "workload", "overflow",
        )
    }
    growth = 1.0 + plan.return_rate
    for i in range(n):
        net = position = float(start[i])
        tolerance = NUMERIC_TOLERANCE * (1.0 + abs(net) + math.fsum(demand_rows[i]))
        pipeline = [0.0] * size
        backlog = 0.0
        cycle_ring = [0.0] * size
        totals = dict.fromkeys(columns, 0.0)
        for t in range(plan.total_days):
            measure = t >= plan.warmup_days
            if t == plan.warmup_days:
                totals["backorders_start"] = max(-net, 0.0)
            today = demand_rows[i][t]
            net -= today
            short = min(-net, today) if net < -tolerance else 0.0
            position -= today
            backlog += today * growth
            handled = min(backlog, plan.internal_capacity + plan.partner_capacity)
            backlog -= handled
            if measure:
                totals["demand"] += today
                totals["short"] += short
                totals["stockout_days"] += short > 0.0
                totals["workload"] += today * growth
                totals["overflow"] += max(handled - plan.internal_capacity, 0.0)
            quantity, is_cycle = 0.0, False
            if plan.policy == "rQ":
                if position <= plan.reorder_point + tolerance:
                    gap = plan.reorder_point - position + tolerance
                    count = math.floor(gap / plan.order_quantity) + 1
                    quantity, is_cycle = count * plan.order_quantity, True
            elif t % plan.review_period == 0:
                quantity, is_cycle = max(plan.order_up_to - position, 0.0), True
            if is_cycle:
                position += quantity
                if measure and quantity > 0.0:
                    totals["orders"] += 1.0
                lead = fixed_lead if lead_rows is None else lead_rows[i][t]
                pipeline[(t + lead) % size] += quantity
                cycle_ring[(t + (lead if plan.policy == "rQ" else fixed_lead)) % size] += 1.0
            slot = t % size
            if measure:
                totals["cycles"] += cycle_ring[slot]
                if net < -tolerance:
                    totals["cycles_short"] += cycle_ring[slot]
            cycle_ring[slot] = 0.0
            net += pipeline[slot]
            pipeline[slot] = 0.0
            if measure:
                totals["on_hand_sum"] += max(net, 0.0)
        totals["backorders_end"] = max(-net, 0.0)
        for name in columns:
            columns[name][i] = totals[name]
    arrays = {name: np.array(values) for name, values in columns.items()}
    return to_result(plan, Totals(**arrays, disrupted=None))

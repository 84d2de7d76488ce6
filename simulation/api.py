"""Public entry point of the twin: one lane, one policy, many replications."""

from __future__ import annotations

from typing import Any

import numpy as np

from domain import LaneMasterData, Policy
from simulation.inputs import (
    DEFAULT_DAYS,
    DEFAULT_REPLICATIONS,
    RunPlan,
    TwinDemand,
    TwinLane,
    check_history,
    check_number,
    make_plan,
    start_inventory,
)
from simulation.kernel import RunConditions, run
from simulation.results import SimulationResult, to_result
from simulation.sampling import Sampler, lead_time_table


def twin_lane(lane: TwinLane | LaneMasterData) -> TwinLane:
    """``lane`` as the twin sees it (master data converted with :meth:`TwinLane.from_master_data`)."""
    return TwinLane.from_master_data(lane) if isinstance(lane, LaneMasterData) else lane


def prepare(
    policy: Policy,
    lane: TwinLane | LaneMasterData,
    demand: TwinDemand,
    *,
    days: int,
    replications: int,
    initial_inventory: Any,
    warmup_days: int | None,
    rng: np.random.Generator | None,
    seed: int | None,
) -> tuple[RunPlan, Sampler, np.ndarray]:
    """Validate a run's inputs: its plan, its source of draws and the starting net stock [units]."""
    plan = make_plan(policy, twin_lane(lane), demand, days=days, replications=replications,
                     warmup_days=warmup_days)
    history = None
    mean = std = 0.0
    if demand.history is not None:
        history = check_history(demand.history)
    else:
        if demand.mean is None or demand.std is None:
            raise ValueError("demand_mean and demand_std are required unless demand_history is given")
        mean = check_number("demand_mean", demand.mean)
        std = check_number("demand_std", demand.std)
    if rng is not None and seed is not None:
        raise ValueError("pass either rng or seed, not both")
    if rng is None:
        rng = np.random.default_rng(seed)
    elif not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    sampler = Sampler(
        rng=rng, demand_mean=mean, demand_std=std, history=history, lead_table=lead_time_table(plan)
    )
    return plan, sampler, start_inventory(plan, initial_inventory)


def simulate_policy(
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
    """Simulate one lane under an (r, Q) or order-up-to plan (Monte Carlo).

    Parameters
    ----------
    policy : domain.Policy
        Continuous-review (r, nQ) checked daily, or order-up-to S every R days.
    lane : TwinLane or domain.LaneMasterData
        Lead time [days], internal and partner capacity [units/day], return
        rate [fraction] and money [EUR]; master data is taken as it is, with
        unlimited partner capacity.
    demand : TwinDemand
        Daily demand [units/day]: normal censored at 0, or bootstrapped from a
        history; optionally with weekday factors.
    days : int
        Measured horizon [days] (after ``warmup_days``).
    replications : int
        Number of independent replications.
    initial_inventory : float or array_like, optional
        Starting net inventory [units], one number or one per replication;
        default r + Q, or S.  The pipeline starts empty.
    warmup_days : int, optional
        Days simulated before measuring; default max lead time + R.
    rng : numpy.random.Generator, optional
        Source of randomness; or give ``seed`` instead.  Same seed -> same result.
    seed : int, optional
        Seed for ``numpy.random.default_rng`` when ``rng`` is not given.

    Returns
    -------
    SimulationResult
        Fill rate, cycle service level (with standard errors) and per-replication
        stockout days, overflow, cost and profit distributions [EUR/horizon].

    Raises
    ------
    ValueError
        Naming the parameter that is out of range.

    Examples
    --------
    Deterministic demand and lead time with cover for exactly R + L days never
    runs out:

    >>> res = simulate_policy(Policy.up_to(600), TwinLane(lead_time_mean=5),
    ...                       TwinDemand.normal(100, 0), replications=10, days=50, seed=1)
    >>> res.fill_rate, res.cycle_service_level
    (1.0, 1.0)
    """
    plan, sampler, start = prepare(
        policy, lane, demand, days=days, replications=replications,
        initial_inventory=initial_inventory, warmup_days=warmup_days, rng=rng, seed=seed,
    )
    conditions = RunConditions(demand_factor=plan.demand_factor_by_day(),
                               capacity=plan.capacity_by_day())
    (totals,) = run(plan, sampler, start, [conditions])
    return to_result(plan, totals)

"""Cached Monte Carlo runs of the lane's plan (one result per scenario and setting).

The plan (reorder point, EOQ, demand statistics) comes from
``views.state.lane_plan``; the simulation replays it day by day.  Results are
kept per server process so that reruns (moving an unrelated widget, switching
tabs) never recompute a simulation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import simulation
from domain import DAYS_PER_YEAR, Scenario
from views import state

SIMULATION_DAYS = int(DAYS_PER_YEAR)  # one planning year, so money figures are EUR/year
SIMULATION_SEED = 20_240_601  # fixed: the same scenario always shows the same numbers
BOOTSTRAP_WINDOW_DAYS = 365  # bootstrap demand from the most recent year of history
SIM_CACHE_ENTRIES = 16
STRESS_START_DAY = 30  # shock starts after a month of normal operation [day]
STRESS_DAYS = 14  # length of the shock window [days]
DEMAND_SHOCK_FACTOR = 2.0  # demand doubles during the shock
OUTAGE_FACTOR = 0.0  # internal capacity during an outage (fraction of normal)


def _plan_kwargs(scenario: Scenario, bootstrap: bool) -> dict[str, Any]:
    plan = state.lane_plan(scenario.lane, scenario.params, scenario.service_level,
                           scenario.horizon_days)
    history = None
    if bootstrap:
        history = np.asarray(plan.history.to_numpy()[-BOOTSTRAP_WINDOW_DAYS:], dtype=float)
    kwargs: dict[str, Any] = {
        **simulation.lane_simulation_kwargs(scenario.params),
        "demand_mean": None if bootstrap else plan.stats.demand_mean,
        "demand_std": None if bootstrap else plan.stats.demand_std,
        "demand_history": history,
        "reorder_point": plan.reorder_point,
        "order_quantity": plan.order_quantity,
        "policy": "rQ",
        "review_period": 1,
        "order_up_to": None,
        "days": SIMULATION_DAYS,
        "partner_capacity": float("inf"),
        "initial_inventory": None,
        "warmup_days": None,
        "rng": None,
        "seed": SIMULATION_SEED,
    }
    return kwargs


@st.cache_resource(show_spinner=False, max_entries=SIM_CACHE_ENTRIES)
def simulate(scenario: Scenario, replications: int, bootstrap: bool) -> simulation.SimulationResult:
    """Monte Carlo run of the scenario's (r, Q) plan over one year."""
    kwargs = _plan_kwargs(scenario, bootstrap)
    kwargs["replications"] = int(replications)
    return simulation.simulate_policy(**kwargs)


@st.cache_resource(show_spinner=False, max_entries=SIM_CACHE_ENTRIES)
def stress(
    scenario: Scenario, shock: str, replications: int, bootstrap: bool, partner_capacity: float
) -> simulation.StressTestResult:
    """Demand shock (x2) or capacity outage (internal capacity 0) for 14 days."""
    kwargs = _plan_kwargs(scenario, bootstrap)
    kwargs["replications"] = int(replications)
    kwargs["partner_capacity"] = float(partner_capacity)
    factor = DEMAND_SHOCK_FACTOR if shock == "demand" else OUTAGE_FACTOR
    return simulation.stress_test(
        shock=shock, shock_start_day=STRESS_START_DAY, shock_days=STRESS_DAYS,
        shock_factor=factor, **kwargs,
    )

"""Cached Monte Carlo runs of the lane's plan (one result per scenario and setting).

The plan (reorder point, EOQ, demand statistics) is the scenario's
``views.state.lane_plan``, handed in as ``_plan`` (not hashed: the scenario
decides it, and every write clears these caches); the simulation replays it
day by day.  Results are kept per server process so that reruns (moving an
unrelated widget, switching tabs) never recompute a simulation.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import simulation
from domain import DAYS_PER_YEAR, Scenario
from planning import LanePlan, reconciliation

SIMULATION_DAYS = int(DAYS_PER_YEAR)  # one planning year, so money figures are EUR/year
SIMULATION_SEED = 20_240_601  # fixed: the same scenario always shows the same numbers
SIM_CACHE_ENTRIES = 16
STRESS_START_DAY = 30  # shock starts after a month of normal operation [day]
STRESS_DAYS = 14  # length of the shock window [days]
DEMAND_SHOCK_FACTOR = 2.0  # demand doubles during the shock
OUTAGE_FACTOR = 0.0  # internal capacity during an outage (fraction of normal)


def _twin(plan: LanePlan, bootstrap: bool) -> reconciliation.TwinInputs:
    """The twin's inputs for exactly the plan's policy, capacity and demand model."""
    return replace(reconciliation.twin_inputs(plan, bootstrap=bootstrap), days=SIMULATION_DAYS)


@st.cache_resource(show_spinner=False, max_entries=SIM_CACHE_ENTRIES)
def reconcile(scenario: Scenario, _plan: LanePlan) -> reconciliation.Reconciliation:
    """Plan vs last 365 days vs simulation for the scenario's plan (cached per scenario)."""
    return reconciliation.reconcile(_plan)


@st.cache_resource(show_spinner=False, max_entries=SIM_CACHE_ENTRIES)
def simulate(
    scenario: Scenario, _plan: LanePlan, replications: int, bootstrap: bool
) -> simulation.SimulationResult:
    """Monte Carlo run of the scenario's (r, Q) plan over one year."""
    twin = _twin(_plan, bootstrap)
    return simulation.simulate_policy(twin.policy, twin.lane, twin.demand, days=twin.days,
                                      replications=int(replications), seed=SIMULATION_SEED)


@st.cache_resource(show_spinner=False, max_entries=SIM_CACHE_ENTRIES)
def stress(
    scenario: Scenario, _plan: LanePlan, shock: str, replications: int, bootstrap: bool,
    partner_capacity: float,
) -> simulation.StressTestResult:
    """Demand shock (x2) or capacity outage (internal capacity 0) for 14 days."""
    twin = _twin(_plan, bootstrap)
    lane = replace(twin.lane, partner_capacity=float(partner_capacity))
    factor = DEMAND_SHOCK_FACTOR if shock == "demand" else OUTAGE_FACTOR
    return simulation.stress_test(
        twin.policy, lane, twin.demand, shock=shock, shock_start_day=STRESS_START_DAY,
        shock_days=STRESS_DAYS, shock_factor=factor, days=twin.days,
        replications=int(replications), seed=SIMULATION_SEED,
    )

"""A real workspace for assistant tests: the seeded demo lanes plus a Unicode lane and
synthetic lanes, each planned by ``planning.plan_lane`` with its own history and master
data, the network by ``planning.plan_network`` (as the app does, without a database)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd

import planning
import seed_data
from assistant.workspace import Workspace

SEED_END = dt.date(2024, 12, 31)
UNICODE_LANE = "Zürich–Milano"
SYNTHETIC_LANES = 20


@cache
def demand_and_masters() -> tuple[pd.DataFrame, dict]:
    frame, masters = seed_data.generate_scenarios(seed=seed_data.DEFAULT_SEED, end=SEED_END)
    by_code = {m.code: m for m in masters}
    unicode_rows = frame[frame["lane"] == "BER-MUC"].assign(lane=UNICODE_LANE)
    by_code[UNICODE_LANE] = by_code["BER-MUC"].with_overrides(
        code=UNICODE_LANE, name="Zürich–Milano seasonal")
    synthetic = list(seed_data.iter_synthetic(seed=7, end=SEED_END, days=400,
                                              lanes=SYNTHETIC_LANES))
    by_code.update({m.code: m for m in seed_data.synthetic_masters(7, SYNTHETIC_LANES)})
    demand = pd.concat([frame, unicode_rows, *synthetic], ignore_index=True)
    return demand, by_code


@cache
def network() -> planning.NetworkPlan:
    demand, masters = demand_and_masters()
    return planning.plan_network(demand, masters)


def replan(params, service_level):
    """The app's what-if path (views.state.lane_plan) without Streamlit's cache."""
    demand, _ = demand_and_masters()
    return planning.plan_lane(demand[demand["lane"] == params.code], params,
                              service_level=service_level, as_of=pd.Timestamp(SEED_END))


def workspace(selected: str = "BER-MUC", **overrides) -> Workspace:
    """Workspace with ``selected`` chosen in the "sidebar" (optionally with what-if overrides)."""
    _, masters = demand_and_masters()
    params = masters[selected].with_overrides(**overrides) if overrides else masters[selected]
    return Workspace(selected=replan(params, None), network=network(), masters=masters,
                     replan=replan)

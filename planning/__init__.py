"""Planning layer: one lane's history + parameters -> every figure the dashboard shows.

Pure functions, no Streamlit, SQL or I/O.  All figures carry their unit in
their field's comment; the planning calendar is **per day** (demand per
day, lead time in days) with yearly money figures obtained by multiplying daily
figures by ``DAYS_PER_YEAR`` (365).

Definitions (see docs/METHODS.md, section "Planning layer"):

* **Demand statistics** ``demand_mean``/``demand_std`` [units/day] are taken over
  the last ``STATS_WINDOW_DAYS`` days of history.  Histories recorded per week
  or per month are converted to per-day figures explicitly (mean scales with
  time, standard deviation with the square root of time).  Days without a
  record count as zero volume.
* **Workload** [units/day] = outbound demand x (1 + return rate): every return
  is handled again (reverse logistics adds work, it does not replenish stock).
* **Required capacity** [units/day] is a *flow*: the daily handling throughput
  that covers the workload on a fraction gamma (the lane's capacity coverage
  level) of days, ``C_req = mu_w + z(gamma) * sigma_w`` on the busiest
  weekday.  A stock (safety stock, cycle stock) is never added to this flow.
* **Target service level** alpha is a *cycle* service level (probability of
  no stockout in a replenishment cycle).  Its profit-optimal value is the
  critical ratio ``p / (p + h * Q / D)`` of the (r, Q) cost model: the same
  number is the minimum of the cost-convexity curve and the sweet spot row of
  the profit landscape.

Layout: :mod:`~planning.history` (a lane's history and statistics),
:mod:`~planning.kernel` (every figure, vectorised over lanes),
:mod:`~planning.curves` (cost curve, profit landscape), :mod:`~planning.lane`
(:func:`plan_lane`), :mod:`~planning.notes`, :mod:`~planning.replay`,
:mod:`~planning.network` (:func:`plan_network`, the watchtower) and
:mod:`~planning.reconciliation` (plan vs last year vs the Monte Carlo twin).
"""

from __future__ import annotations

from domain import CostCurve, PlanningError
from planning.curves import ProfitLandscape, cost_curve, profit_landscape
from planning.history import (
    BASELINE_WINDOW_DAYS,
    RECENT_WINDOW_DAYS,
    STALE_PERIODS,
    STATS_WINDOW_DAYS,
    STATUS_LOW,
    STATUS_NO_DATA,
    STATUS_NORMAL,
    STATUS_SURGE,
    DemandStatistics,
    LaneHistory,
    demand_matrix,
    lane_history,
    velocity_status,
    weekday_profile,
)
from planning.kernel import (
    MAX_SERVICE_LEVEL,
    MIN_SERVICE_LEVEL,
    KernelFigures,
    KernelInputs,
    kernel,
    kernel_inputs,
    normal_is_poor,
)
from planning.lane import (
    DEFAULT_HORIZON_DAYS,
    ForecastView,
    LanePlan,
    UnitEconomics,
    plan_lane,
    unit_economics,
)
from planning.network import NETWORK_COLUMNS, NetworkPlan, network_from_table, plan_network
from planning.replay import replay_overflow

__all__ = [
    "BASELINE_WINDOW_DAYS",
    "DEFAULT_HORIZON_DAYS",
    "MAX_SERVICE_LEVEL",
    "MIN_SERVICE_LEVEL",
    "NETWORK_COLUMNS",
    "RECENT_WINDOW_DAYS",
    "STALE_PERIODS",
    "STATS_WINDOW_DAYS",
    "STATUS_LOW",
    "STATUS_NORMAL",
    "STATUS_NO_DATA",
    "STATUS_SURGE",
    "CostCurve",
    "DemandStatistics",
    "ForecastView",
    "KernelFigures",
    "KernelInputs",
    "LaneHistory",
    "LanePlan",
    "NetworkPlan",
    "PlanningError",
    "ProfitLandscape",
    "UnitEconomics",
    "cost_curve",
    "demand_matrix",
    "kernel",
    "kernel_inputs",
    "lane_history",
    "network_from_table",
    "normal_is_poor",
    "plan_lane",
    "plan_network",
    "profit_landscape",
    "replay_overflow",
    "unit_economics",
    "velocity_status",
    "weekday_profile",
]

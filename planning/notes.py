"""Caveats worth showing next to a lane's plan, one sentence each."""

from __future__ import annotations

from domain import LaneMasterData
from planning.history import DemandStatistics, LaneHistory
from planning.kernel import MAX_SERVICE_LEVEL, MIN_SERVICE_LEVEL, KernelFigures


def plan_notes(
    k: KernelFigures, stats: DemandStatistics, params: LaneMasterData, lane: LaneHistory
) -> tuple[str, ...]:
    notes: list[str] = []
    if lane.period != "day":
        notes.append(
            f"History is recorded per {lane.period}; statistics were converted to per-day figures "
            "(mean x 1/period length, standard deviation x 1/sqrt(period length))."
        )
    if lane.stale_since is not None:
        notes.append(
            f"No data since {lane.stale_since:%Y-%m-%d}: the plan uses the lane's own history up to "
            "that day; days after it are not counted as zero demand."
        )
    raw = float(k.optimal_service_level_raw[0])
    if raw < MIN_SERVICE_LEVEL:
        notes.append(
            f"The critical ratio is {raw:.1%}: the SLA penalty is too low for any buffer to pay; "
            f"planned at the floor of {MIN_SERVICE_LEVEL:.0%}."
        )
    elif raw > MAX_SERVICE_LEVEL:
        notes.append(f"The critical ratio is {raw:.2%}; planned at the ceiling of {MAX_SERVICE_LEVEL:.1%}.")
    if lane.pattern in ("intermittent", "lumpy"):
        notes.append(
            f"Demand is {lane.pattern}: the normal approximation behind the safety stock is rough; "
            "check the Monte Carlo twin in the risk tab."
        )
    if params.holding_cost <= 0:
        notes.append("Holding cost is 0: no EOQ exists; one month of demand per order is assumed.")
    if stats.observations < 30:
        notes.append(f"Only {stats.observations} periods of history: statistics are uncertain.")
    return tuple(notes)

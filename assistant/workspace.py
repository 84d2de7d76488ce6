"""What the assistant can plan: the selected lane's plan, every lane's master data and a
re-planner (the dashboard's what-if path), plus the network.

The UI builds a :class:`Workspace` whose ``replan`` is ``views.state.lane_plan``
(cached ``planning.plan_lane`` with the lane's history and the network's last
day), so every figure the assistant quotes for a lane and a scenario is the
figure the dashboard shows for the same lane and scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain import MASTER_DATA_FIELDS, LaneMasterData, LspError, UnknownLaneError

Replan = Callable[[LaneMasterData, "float | None"], Any]



@dataclass
class Workspace:
    """Selected lane plan + network + a way to plan any lane under any parameters.

    selected : planning.LanePlan of the lane chosen in the sidebar (with the
        sidebar's what-if parameters and service level), or None.
    network : planning.NetworkPlan or None.
    masters : lane code -> stored master data (lanes without an entry get defaults).
    replan : ``replan(params, service_level)`` -> LanePlan of lane ``params.code``;
        ``service_level`` None means the profit-optimal critical ratio.
    lanes : every lane code (default: network table + masters + selected).
    """

    selected: Any | None
    network: Any | None = None
    masters: Mapping[str, LaneMasterData] = field(default_factory=dict)
    replan: Replan | None = None
    lanes: tuple[str, ...] = ()
    _cache: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.lanes:
            codes: list[str] = []
            if self.network is not None and len(self.network.table):
                codes.extend(str(c) for c in self.network.table["lane"])
            codes.extend(str(c) for c in self.masters)
            if self.selected is not None:
                codes.append(str(self.selected.lane))
            self.lanes = tuple(dict.fromkeys(codes))

    @property
    def names(self) -> dict[str, str]:
        """Lane code -> lane name (for matching names in questions)."""
        out = {code: (m.name or code) for code, m in self.masters.items()}
        if self.selected is not None:
            out[self.selected.lane] = self.selected.params.name or self.selected.lane
        return out

    def master(self, code: str) -> LaneMasterData:
        """Stored master data of ``code`` (defaults when none are stored)."""
        if code not in self.lanes:
            raise UnknownLaneError(f"lane {code!r} does not exist")
        return self.masters.get(code) or LaneMasterData(code=code, name=code)

    def scenario_service_level(self, plan: Any) -> float | None:
        """The service level a re-plan of ``plan`` keeps (None = profit-optimal)."""
        return None if plan.service_level_is_optimal else float(plan.service_level)

    def plan(self, code: str) -> Any:
        """The lane's plan: the sidebar scenario for the selected lane, stored data otherwise."""
        if self.selected is not None and code == self.selected.lane:
            return self.selected
        return self.plan_with(self.master(code), None)

    def plan_with(self, params: LaneMasterData, service_level: float | None) -> Any:
        """Re-plan lane ``params.code`` with these parameters (the what-if engine)."""
        if self.replan is None:
            raise LspError("re-planning is not available here")
        key = (params, None if service_level is None else round(float(service_level), 6))
        if key not in self._cache:
            self._cache[key] = self.replan(params, service_level)
        return self._cache[key]


def money_at_stake(plan: Any) -> float:
    """Partner surcharge + reservation fees + spot premium + expected SLA penalties [EUR/year].

    The plan's own ``money_at_stake_per_year`` (the watchtower's impact column).
    """
    return float(plan.money_at_stake_per_year)


def check_change(name: str, value: float) -> str | None:
    """Why ``value`` is not a valid what-if value for field ``name`` (None if it is)."""
    if name == "service_level":
        if not 0.5 <= value <= 0.999:
            return "service level must be between 50 % and 99.9 %"
        return None
    low, high, unit = MASTER_DATA_FIELDS[name]
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and {high:g}"
        shown = f"{100 * value:g} %" if unit == "fraction" else f"{value:g} {unit}"
        return f"{name.replace('_', ' ')} {shown} is outside the allowed range (>= {low:g}{upper})"
    return None


def plan_from_history(plan: Any) -> Replan:
    """A re-planner for one lane from its own plan's daily history (no database at hand).

    Used when the caller passes a bare plan; the UI passes the cached
    ``views.state.lane_plan`` instead.
    """
    import planning

    horizon = max(1, len(plan.forecast.dates))

    def replan(params: LaneMasterData, service_level: float | None) -> Any:
        if params.code != plan.lane:
            raise UnknownLaneError(f"lane {params.code!r} is not loaded here")
        return planning.plan_lane(plan.history, params, service_level=service_level,
                                  horizon_days=horizon)

    return replan

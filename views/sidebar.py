"""Sidebar: lane selector and what-if parameters -> one frozen ``domain.Scenario``.

Each parameter widget is keyed by field, lane and a reset generation
(:func:`param_key`) and takes its initial ``value=`` from the lane's stored
master data.  Nothing is ever written into a widget's session-state key, so a
run interrupted half-way (a click during the first load) cannot leave the
widgets with half-initialised values.  Choosing another lane creates that
lane's widgets from its master data; "Reset to lane defaults" starts a new
generation of widgets, again from the stored values.  Percentages are shown
in % and converted to fractions here.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from config import Settings
from domain import MASTER_DATA_FIELDS, LaneMasterData, LspError, Scenario
from planning import PlanningError
from safe_text import md
from views import state

LANE_KEY = "sb_lane"
USE_OPTIMAL_KEY = "sb_use_optimal"
SERVICE_LEVEL_KEY = "sb_service_level_pct"
HORIZON_KEY = "sb_horizon_days"
_GENERATION_KEY = "_sb_generation"  # bumped by "Reset to lane defaults"

PERCENT = 100.0
SERVICE_LEVEL_MIN_PCT = 50.0
SERVICE_LEVEL_MAX_PCT = 99.9
SERVICE_LEVEL_DEFAULT_PCT = 95.0
HORIZON_CHOICES = (30, 60, 90, 120, 180)  # days
HORIZON_DEFAULT = 90


@dataclass(frozen=True)
class ParamField:
    """One what-if widget: master-data field, label, display scale and step."""

    name: str
    label: str
    help: str
    step: float
    scale: float = 1.0  # display value = stored value x scale (100 for %)
    fmt: str = "%.2f"

    @property
    def bounds(self) -> tuple[float, float | None]:
        low, high, _unit = MASTER_DATA_FIELDS[self.name]
        return low * self.scale, None if high is None else high * self.scale


GROUPS: dict[str, tuple[ParamField, ...]] = {
    "Lead time & returns": (
        ParamField("lead_time_mean", "Lead time mean L [days]",
                   "Mean replenishment lead time, in days.", 0.5, fmt="%.1f"),
        ParamField("lead_time_std", "Lead time σ_L [days]",
                   "Standard deviation of the lead time, in days. Enters the safety stock "
                   "through σ_LTD = √(L·σ_D² + D²·σ_L²).", 0.1, fmt="%.1f"),
        ParamField("return_rate", "Return rate [%]",
                   "Share of outbound volume that comes back and is handled again: "
                   "workload = demand × (1 + return rate).", 1.0, scale=PERCENT, fmt="%.1f"),
    ),
    "Capacity & partners": (
        ParamField("internal_capacity", "Internal capacity C_max [units/day]",
                   "Units per day the lane can handle in-house; the rest overflows to partners.",
                   10.0, fmt="%.0f"),
        ParamField("partner_surcharge", "Partner surcharge S [EUR/unit]",
                   "Extra cost per unit handled by a partner, on top of the handling cost H.",
                   0.5),
    ),
    "Costs & revenue": (
        ParamField("holding_cost", "Holding cost h [EUR/unit/year]",
                   "Cost of keeping one unit in stock for one year.", 0.5),
        ParamField("penalty_cost", "SLA penalty p [EUR/unit short]",
                   "Penalty per unit that cannot be delivered on time (backordered).", 0.5),
        ParamField("order_cost", "Order cost K [EUR/order]",
                   "Fixed cost per replenishment order.", 10.0),
        ParamField("handling_cost", "Handling cost H [EUR/unit]",
                   "Internal handling cost per unit moved (returns included).", 0.1),
        ParamField("revenue_per_unit", "Revenue [EUR/unit]",
                   "Revenue earned per unit delivered.", 0.5),
    ),
}
FIELDS: tuple[ParamField, ...] = tuple(f for group in GROUPS.values() for f in group)


def param_key(name: str, lane: str) -> str:
    """Session-state key of the what-if widget for field ``name`` of ``lane``."""
    return f"sb_{name}@{lane}#{st.session_state.get(_GENERATION_KEY, 0)}"


def reset_to_lane_defaults() -> None:
    """Button callback: fresh widgets, initialised from the stored master data."""
    st.session_state[_GENERATION_KEY] = st.session_state.get(_GENERATION_KEY, 0) + 1
    lane = st.session_state.get(LANE_KEY)
    if lane is not None:
        state.flash("info", f"What-if parameters reset to the stored master data of {md(lane)}.")


def select_lane(lane: str) -> None:
    """Make ``lane`` the selected lane (call before the sidebar renders, e.g. a callback)."""
    st.session_state[LANE_KEY] = lane


def _optimal_pct(lane: str, params: LaneMasterData) -> float:
    """The lane's profit-optimal alpha* in % (one decimal, within the slider's range)."""
    horizon = int(st.session_state.get(HORIZON_KEY, HORIZON_DEFAULT))
    try:
        alpha = state.lane_plan(lane, params, None, horizon).optimal_service_level
    except (LspError, PlanningError):
        return SERVICE_LEVEL_DEFAULT_PCT
    return min(max(round(alpha * PERCENT, 1), SERVICE_LEVEL_MIN_PCT), SERVICE_LEVEL_MAX_PCT)


def _params_from_widgets(master: LaneMasterData) -> LaneMasterData:
    """Master data with the what-if widgets' values (stored values where none drawn yet)."""
    overrides = {}
    for f in FIELDS:
        shown = st.session_state.get(param_key(f.name, master.code))
        overrides[f.name] = getattr(master, f.name) if shown is None else float(shown) / f.scale
    return master.with_overrides(**overrides)


def render(lanes: list[str], settings: Settings, *, database_label: str) -> Scenario:
    """Draw the sidebar and return the planner's scenario."""
    sb = st.sidebar
    sb.header("🚛 LSP Capacity Twin")
    if st.session_state.get(LANE_KEY) not in lanes:
        st.session_state[LANE_KEY] = lanes[0]
    lane = sb.selectbox(
        "Service lane", lanes, key=LANE_KEY,
        help="Pick the lane to plan. You can also open a lane from the Network watchtower.",
    )
    master = state.lane_master(lane)

    sb.subheader("Service level")
    use_optimal = sb.checkbox(
        "Use profit-optimal service level", value=True, key=USE_OPTIMAL_KEY,
        help="α* = p / (p + h·Q/D), the critical ratio: the service level that minimises "
             "holding + SLA penalty cost per year.",
    )
    service_level: float | None = None
    if use_optimal:
        sb.caption("Target α = α* (critical ratio), shown on the Risk & resilience tab.")
    else:
        if SERVICE_LEVEL_KEY not in st.session_state:
            # Start the slider at the lane's optimum, so unticking changes nothing yet.
            st.session_state[SERVICE_LEVEL_KEY] = _optimal_pct(lane, _params_from_widgets(master))
        pct = sb.slider(
            "Target cycle service level α [%]", SERVICE_LEVEL_MIN_PCT, SERVICE_LEVEL_MAX_PCT,
            step=0.1, key=SERVICE_LEVEL_KEY, format="%.1f %%",
            help="Probability of no stockout in a replenishment cycle.",
        )
        service_level = float(pct) / PERCENT
    st.session_state.setdefault(HORIZON_KEY, HORIZON_DEFAULT)
    horizon = sb.select_slider(
        "Forecast horizon [days]", HORIZON_CHOICES, key=HORIZON_KEY,
        help="How many days ahead demand, workload and capacity breaches are forecast.",
    )

    sb.subheader("What-if parameters")
    for title, group in GROUPS.items():
        with sb.expander(title, expanded=title == "Capacity & partners"):
            for field in group:
                low, high = field.bounds
                st.number_input(
                    field.label, min_value=low, max_value=high, step=field.step,
                    value=float(getattr(master, field.name)) * field.scale,
                    format=field.fmt, key=param_key(field.name, lane), help=field.help,
                )
    params = _params_from_widgets(master)
    changed = [f.label.split(" [")[0] for f in FIELDS if getattr(params, f.name) != getattr(master, f.name)]
    if changed:
        sb.caption("✏️ What-if differs from the stored master data: " + ", ".join(changed))
    else:
        sb.caption("Parameters = the lane's stored master data.")
    sb.button(
        "↺ Reset to lane defaults", on_click=reset_to_lane_defaults, width="stretch",
        help="Load the stored master data of this lane back into every what-if field.",
    )
    _footer(settings, database_label)
    return Scenario(lane=lane, params=params, service_level=service_level, horizon_days=int(horizon))


def _footer(settings: Settings, database_label: str) -> None:
    assistant = "online" if settings.gemini_api_key else "offline (no API key)"
    mode = "public, read-only" if settings.read_only else settings.app_mode
    st.sidebar.divider()
    st.sidebar.caption(f"🗄️ Database: {database_label}  \n🔒 Mode: {mode}  \n🤖 Assistant: {assistant}")

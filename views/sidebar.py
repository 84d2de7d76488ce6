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
from sqlalchemy.engine import Engine

from domain import MASTER_DATA_FIELDS, LaneMasterData, LspError, Scenario
from domain.saved_scenario import SavedScenario
from domain.units import PERCENT
from importing.safe_text import md
from services.config import Settings
from views import nav, state

LANE_KEY = "sb_lane"
USE_OPTIMAL_KEY = "sb_use_optimal"
SERVICE_LEVEL_KEY = "sb_service_level_pct"
HORIZON_KEY = "sb_horizon_days"
_GENERATION_KEY = "_sb_generation"  # bumped by "Reset to lane defaults" and by loading a scenario
MASTER_FORM_LANE_KEY = "data_master_lane"  # the Data tab's master-data lane selector
LOADED_KEY = "_sb_loaded_scenario"  # (generation, SavedScenario) the widgets started from

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
    "Capacity plan & contract": (
        ParamField("capacity_coverage_level", "Capacity coverage level γ [%]",
                   "Share of days on which internal plus reserved partner capacity should cover "
                   "the workload; sizes the partner capacity to reserve (independent of α).",
                   0.5, scale=PERCENT, fmt="%.1f"),
        ParamField("review_period_days", "Review period R [days]",
                   "How often stock is reviewed: 0 = continuous, 1 = once a day, "
                   "2..90 = every R days, order up to S.", 1.0, fmt="%.0f"),
        ParamField("reservation_fee", "Reservation fee f [EUR per reserved unit per day]",
                   "Fee per unit of partner capacity reserved per day, used or not; 0 = no contract.",
                   0.05),
        ParamField("spot_premium", "Spot premium [EUR/unit]",
                   "Extra cost per unit sent to partners beyond the reservation (spot market), on "
                   "top of handling + surcharge; 0 = no contract.", 0.5),
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


def _generation() -> int:
    return int(st.session_state.get(_GENERATION_KEY, 0))


def reset_to_lane_defaults() -> None:
    """Button callback: fresh widgets, initialised from the stored master data."""
    st.session_state[_GENERATION_KEY] = _generation() + 1
    st.session_state.pop(LOADED_KEY, None)
    lane = st.session_state.get(LANE_KEY)
    if lane is not None:
        state.flash("info", f"What-if parameters reset to the stored master data of {md(lane)}.")


def select_lane(lane: str) -> None:
    """Make ``lane`` the selected lane (call before the sidebar renders, e.g. a callback)."""
    st.session_state[LANE_KEY] = lane


def uses_default_master_data(master: LaneMasterData) -> bool:
    """True when every planning value of ``master`` is the built-in default (e.g. a lane
    created by an import without master data)."""
    defaults = LaneMasterData(code=master.code, name=master.name)
    return master == defaults


def open_master_data() -> None:
    """Button callback: open the Data tab's master-data form for the selected lane."""
    st.session_state[nav.TAB_KEY] = nav.DATA
    st.session_state.pop(MASTER_FORM_LANE_KEY, None)  # the form starts at the sidebar's lane


def load_scenario(saved: SavedScenario) -> None:
    """Put a saved what-if into the sidebar (call before the sidebar renders, e.g. a callback).

    Like "Reset to lane defaults" this starts a new generation of widgets; they
    take their initial values from the scenario instead of the master data.
    """
    generation = _generation() + 1
    st.session_state[_GENERATION_KEY] = generation
    st.session_state[LOADED_KEY] = (generation, saved)
    st.session_state[LANE_KEY] = saved.lane
    st.session_state[USE_OPTIMAL_KEY] = saved.service_level is None
    if saved.service_level is not None:
        pct = round(float(saved.service_level) * PERCENT, 1)
        st.session_state[SERVICE_LEVEL_KEY] = min(max(pct, SERVICE_LEVEL_MIN_PCT), SERVICE_LEVEL_MAX_PCT)
    st.session_state[HORIZON_KEY] = min(HORIZON_CHOICES, key=lambda h: abs(h - saved.horizon_days))


def loaded_scenario(lane: str) -> SavedScenario | None:
    """The saved scenario whose values the sidebar's widgets of ``lane`` started from, if any."""
    loaded = st.session_state.get(LOADED_KEY)
    if not loaded:
        return None
    generation, saved = loaded
    return saved if generation == _generation() and saved.lane == lane else None


def _base_params(master: LaneMasterData) -> LaneMasterData:
    """Initial values of the what-if widgets: a loaded scenario's, else the master data."""
    saved = loaded_scenario(master.code)
    return saved.params if saved is not None else master


def _optimal_pct(engine: Engine, lane: str, params: LaneMasterData) -> float:
    """The lane's profit-optimal alpha* in % (one decimal, within the slider's range)."""
    horizon = int(st.session_state.get(HORIZON_KEY, HORIZON_DEFAULT))
    try:
        alpha = state.lane_plan(engine, lane, params, None, horizon).optimal_service_level
    except LspError:
        return SERVICE_LEVEL_DEFAULT_PCT
    return min(max(round(alpha * PERCENT, 1), SERVICE_LEVEL_MIN_PCT), SERVICE_LEVEL_MAX_PCT)


def _params_from_widgets(master: LaneMasterData) -> LaneMasterData:
    """Master data with the what-if widgets' values (initial values where none drawn yet)."""
    base = _base_params(master)
    overrides = {}
    for f in FIELDS:
        shown = st.session_state.get(param_key(f.name, master.code))
        overrides[f.name] = getattr(base, f.name) if shown is None else float(shown) / f.scale
    # Fields without a widget (weekday capacity) come from the loaded scenario too.
    return base.with_overrides(**overrides)


def render(lanes: list[str], engine: Engine) -> Scenario:
    """Draw the lane selector and the what-if widgets; return the planner's scenario.

    The saved-scenario panel and :func:`footer` follow (drawn by ``app.py``).
    """
    sb = st.sidebar
    sb.header(":material/local_shipping: LSP Capacity Twin")
    if st.session_state.get(LANE_KEY) not in lanes:
        st.session_state[LANE_KEY] = lanes[0]
    lane = sb.selectbox(
        "Service lane", lanes, key=LANE_KEY,
        help="Pick the lane to plan. You can also open a lane from the Network watchtower.",
    )
    master = state.lane_master(engine, lane)
    if uses_default_master_data(master):
        sb.warning(
            f"**{md(lane)}** has no master data of its own: it is planned with the defaults "
            f"(C_max {master.internal_capacity:g} units/day, lead time L {master.lead_time_mean:g} "
            f"days, penalty p {master.penalty_cost:g} EUR/unit, …).", icon=":material/warning:")
        sb.button("Set its master data", icon=":material/edit_note:", key="sb_open_master",
                  on_click=open_master_data, width="stretch")

    sb.subheader("Service level")
    st.session_state.setdefault(USE_OPTIMAL_KEY, True)  # no value=: a loaded scenario sets it
    use_optimal = sb.checkbox(
        "Use profit-optimal service level", key=USE_OPTIMAL_KEY,
        help="α* = p / (p + h·T), the critical ratio with T the replenishment cycle in years "
             "(Q/D, or R/365 for periodic review): the service level that maximises the "
             "expected profit (capacity costs do not depend on α).",
    )
    service_level: float | None = None
    if use_optimal:
        sb.caption("Target α = α* (critical ratio), shown on the Risk & resilience tab.")
    else:
        if SERVICE_LEVEL_KEY not in st.session_state:
            # Start the slider at the lane's optimum, so unticking changes nothing yet.
            st.session_state[SERVICE_LEVEL_KEY] = _optimal_pct(engine, lane, _params_from_widgets(master))
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
    base = _base_params(master)
    for title, group in GROUPS.items():
        with sb.expander(title, expanded=title == "Capacity & partners"):
            for field in group:
                low, high = field.bounds
                st.number_input(
                    field.label, min_value=low, max_value=high, step=field.step,
                    value=float(getattr(base, field.name)) * field.scale,
                    format=field.fmt, key=param_key(field.name, lane), help=field.help,
                )
    params = _params_from_widgets(master)
    changed = [f.label.split(" [")[0] for f in FIELDS if getattr(params, f.name) != getattr(master, f.name)]
    if changed:
        sb.caption(":material/edit: What-if differs from the stored master data: " + ", ".join(changed))
    else:
        sb.caption("Parameters = the lane's stored master data.")
    sb.button(
        "Reset to lane defaults", icon=":material/restart_alt:", on_click=reset_to_lane_defaults,
        width="stretch",
        help="Load the stored master data of this lane back into every what-if field.",
    )
    return Scenario(lane=lane, params=params, service_level=service_level,
                    horizon_days=int(horizon))


def footer(settings: Settings, database_label: str) -> None:
    """Where the data lives, the access mode and whether the assistant is online."""
    assistant = "online" if settings.gemini_api_key else "offline (no API key)"
    mode = "public, read-only" if settings.read_only else settings.app_mode
    st.sidebar.divider()
    st.sidebar.caption(
        f":material/database: Database: {database_label}  \n:material/lock: Mode: {mode}  \n"
        f":material/smart_toy: Assistant: {assistant}")

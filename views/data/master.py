"""Lane master data: edit and save a lane's planning parameters, delete a lane."""

from __future__ import annotations

from typing import Any

import streamlit as st

import services
from domain import MASTER_DATA_FIELDS, LspError
from domain.units import PERCENT
from importing.safe_text import md
from services import WriteContext
from views import state
from views.data.common import show_error

# Planner-facing names of the master data fields (units come from MASTER_DATA_FIELDS).
MASTER_LABELS: dict[str, tuple[str, str]] = {
    "internal_capacity": ("Internal capacity C_max", "Volume the own warehouse can handle per day."),
    "holding_cost": ("Holding cost h", "Cost of keeping one unit in stock for a year."),
    "penalty_cost": ("SLA penalty p", "Penalty per unit short (backordered)."),
    "partner_surcharge": (
        "Partner surcharge S",
        "Extra cost per unit handled by a partner warehouse, on top of the internal handling cost.",
    ),
    "order_cost": ("Order cost K", "Fixed cost of one replenishment order."),
    "handling_cost": ("Handling cost H", "Internal cost of moving one unit."),
    "revenue_per_unit": ("Revenue per unit", "Revenue earned per unit delivered."),
    "return_rate": (
        "Return rate",
        "Share of outbound volume that comes back and is handled again.",
    ),
    "lead_time_mean": ("Lead time mean L", "Mean replenishment lead time."),
    "lead_time_std": ("Lead time std. dev. sigma_L", "Standard deviation of the lead time."),
    "review_period_days": ("Review period R", "0 = continuous review, 1 = daily, 2..90 = every R days."),
    "capacity_coverage_level": (
        "Capacity coverage level γ",
        "Share of days internal plus reserved partner capacity should cover the workload.",
    ),
    "reservation_fee": ("Reservation fee f", "Fee per reserved partner unit per day; 0 = no contract."),
    "spot_premium": ("Spot premium", "Extra cost per unit beyond the reservation; 0 = no contract."),
}


def render(ctx: WriteContext, lane: str, lanes: list[str]) -> None:
    """Master data form of a lane (the selected one by default)."""
    st.subheader("Lane master data")
    choices = lanes if lane in lanes or not lane else [lane, *lanes]
    if not choices:
        st.info("Import demand first; master data belongs to a lane.")
        return
    code = st.selectbox(
        "Lane", choices, index=choices.index(lane) if lane in choices else 0,
        key="data_master_lane",
    )
    st.caption(
        "Stored planning parameters of the lane. The sidebar's what-if changes are not "
        "saved here; press **Save master data** to store these values."
    )
    with st.form(f"data_master_form_{code}"):
        values = _fields(ctx, code)
        if st.form_submit_button("Save master data", type="primary", key="data_master_save"):
            try:
                services.save_lane_master(ctx, code, values)
            except LspError as exc:
                st.error(f"Not saved: {md(exc)}")
            else:
                state.flash("success", f"Saved master data of lane {md(code)}.")
                st.rerun()


def _fields(ctx: WriteContext, code: str) -> dict[str, Any]:
    """The form's inputs, pre-filled with the stored values; fractions are entered in %."""
    stored = state.lane_master(ctx.engine, code)
    name = st.text_input("Name", value=stored.name, key=f"data_master_{code}_name")
    values: dict[str, Any] = {"name": name}
    columns = st.columns(2)
    for i, (field, (low, high, unit)) in enumerate(MASTER_DATA_FIELDS.items()):
        label, help_text = MASTER_LABELS.get(field, (field, ""))
        # Fractions are entered in % here as in the sidebar: one unit per quantity.
        scale, unit = (PERCENT, "%") if unit == "fraction" else (1.0, unit)
        bound = f"{low * scale:g} to {high * scale:g}" if high is not None else f">= {low:g}"
        values[field] = columns[i % 2].number_input(
            f"{label} [{unit}]",
            min_value=float(low) * scale,
            max_value=None if high is None else float(high) * scale,
            value=float(getattr(stored, field)) * scale,
            step=0.5,
            format="%.1f",
            help=f"{help_text} Valid range: {bound} {unit}.",
            key=f"data_master_{code}_{field}",
        ) / scale
    current = stored.weekday_capacity
    values["weekday_capacity"] = st.text_input(
        "Internal capacity by weekday, Mon..Sun [units/day]",
        value="" if current is None else ", ".join(f"{c:g}" for c in current),
        placeholder="empty = the same capacity every day",
        help="Seven numbers, e.g. 320, 320, 320, 320, 320, 160, 0 for a lane without a "
             "Sunday shift. Used by the overflow, the first breach date and the twin.",
        key=f"data_master_{code}_weekday_capacity",
    )
    return values


def delete_lane_panel(ctx: WriteContext, lane: str, lanes: list[str]) -> None:
    """Delete a lane (records, master data, saved scenarios) after typing its code."""
    if not lanes:
        return
    with st.expander("Delete a lane"):
        code = st.selectbox(
            "Lane to delete", lanes, index=lanes.index(lane) if lane in lanes else 0,
            key="data_delete_lane",
        )
        st.warning(f"Deletes every demand record, the master data and the saved scenarios "
                   f"of {md(code)}.")
        typed = st.text_input(f"Type the lane code {md(code)} to confirm",
                              key="data_delete_lane_typed")
        if st.button(f"Delete lane {md(code)}", key="data_delete_lane_button"):
            try:
                services.delete_lane(ctx, code, confirmation=typed)
            except LspError as exc:
                show_error(exc)
            else:
                state.flash("success", f"Deleted lane {md(code)}.")
                st.rerun()

"""The Data tab's read-only part: what is stored, and the CSV/Excel downloads."""

from __future__ import annotations

from functools import partial

import streamlit as st
from sqlalchemy.engine import Engine

import db
from importing.safe_text import md
from views import exports, state


def overview(engine: Engine) -> list[str]:
    """Metrics and a per-lane table of the stored history; returns the lane codes."""
    lanes = state.list_lanes(engine)
    demand = state.load_demand(engine, None)
    if demand.empty:
        st.info("The database holds no demand records yet. Import a CSV file below.")
        return lanes
    summary = (
        demand.groupby("lane")
        .agg(records=("demand", "size"), first=("date", "min"), last=("date", "max"),
             mean=("demand", "mean"))
        .reset_index()
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("Lanes", f"{len(summary):,}")
    c2.metric("Demand records", f"{len(demand):,}", help="One record = demand of one lane on one day.")
    first, last = demand["date"].min(), demand["date"].max()
    c3.metric(
        "History [days]",
        f"{(last - first).days + 1:,}",
        help=f"From {first:%Y-%m-%d} to {last:%Y-%m-%d} (first to last day of any lane).",
    )
    with st.expander(f"Records per lane ({len(summary)} lanes)"):
        st.dataframe(
            summary,
            hide_index=True,
            width="stretch",
            column_config={
                "lane": "Lane",
                "records": st.column_config.NumberColumn("Records [days]"),
                "first": st.column_config.DateColumn("First day"),
                "last": st.column_config.DateColumn("Last day"),
                "mean": st.column_config.NumberColumn("Mean demand [units/day]", format="%.1f"),
            },
        )
    return lanes


def export_panel(lane: str, lanes: list[str], engine: Engine) -> None:
    """CSV and Excel downloads of the selected lane and of every lane."""
    st.subheader("Export")
    left, right = st.columns(2)
    left.download_button(
        f"Download lane {md(lane)} (CSV)",
        data=partial(db.export_csv, lane, engine=engine),
        file_name=f"demand_{exports.file_slug(lane)}.csv",
        mime="text/csv",
        key="data_export_lane",
        on_click="ignore",
        disabled=lane not in lanes,
        icon=":material/download:",
    )
    right.download_button(
        "Download all lanes (CSV)",
        data=partial(db.export_csv, None, engine=engine),
        file_name="demand_all_lanes.csv",
        mime="text/csv",
        key="data_export_all",
        on_click="ignore",
        disabled=not lanes,
        icon=":material/download:",
    )
    exports.history_buttons(lane, lanes, engine)
    st.caption("Columns: date, lane, demand [units/day] - the same format the import reads.")

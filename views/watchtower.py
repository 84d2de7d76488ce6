"""Tab 1, Network watchtower: every lane, its status and what is at stake.

The table is a plain ``st.dataframe`` with column formats (no per-row
widgets), so 1,000 lanes render fast.  Selecting a row opens that lane: the
selection is applied by :func:`apply_selection` at the top of the next run,
before the sidebar draws its lane selector.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

import planning
import services
from domain.units import PERCENT
from importing.safe_text import md
from planning import NETWORK_COLUMNS, NetworkPlan
from presentation import charts
from presentation import formatting as fmt
from services.config import Settings
from views import admin, methods, nav, sidebar, state

TABLE_KEY = "wt_table"
STATUS_FILTER_KEY = "wt_status"
PATTERN_FILTER_KEY = "wt_pattern"
SEARCH_KEY = "wt_search"
_VISIBLE_KEY = "_wt_visible_lanes"  # lanes in table order, as the planner last saw them
_APPLIED_KEY = "_wt_applied_selection"

STATUS_ICONS = {  # shapes in every text font (emoji draw blank boxes without an emoji font)
    planning.STATUS_NORMAL: "●",
    planning.STATUS_SURGE: "▲",
    planning.STATUS_LOW: "▼",
    planning.STATUS_NO_DATA: "○",
}
TABLE_HEIGHT_PX = 560  # ~15 rows visible; the rest scrolls inside the table


def _selected_rows() -> tuple[int, ...]:
    selection = st.session_state.get(TABLE_KEY)
    if not selection:
        return ()
    try:
        return tuple(selection["selection"]["rows"])
    except (KeyError, TypeError):
        return ()


def apply_selection() -> str | None:
    """Open the lane chosen in the watchtower table (call before the sidebar).

    Returns the lane that was opened, or None.  A selection is applied once,
    so the planner can still switch lanes in the sidebar afterwards.
    """
    for key in (STATUS_FILTER_KEY, PATTERN_FILTER_KEY, SEARCH_KEY):
        # Re-assigning keeps the filters when the watchtower tab is not drawn (lazy tabs).
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    rows = _selected_rows()
    if rows == st.session_state.get(_APPLIED_KEY, ()):
        return None
    st.session_state[_APPLIED_KEY] = rows
    visible = st.session_state.get(_VISIBLE_KEY, [])
    if not rows or rows[0] >= len(visible):
        return None
    lane = visible[rows[0]]
    sidebar.select_lane(lane)
    st.session_state[nav.TAB_KEY] = nav.LANE_OPS
    state.flash(
        "success",
        f"Opened lane **{md(lane)}** from the watchtower: this tab and the tabs Risk & resilience, "
        "Horizontal cooperation and Finance now show it.",
    )
    return lane


def _display_table(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "status": [
                f"{STATUS_ICONS.get(s, '○')} No data since {pd.Timestamp(d):%Y-%m-%d}"
                if s == planning.STATUS_NO_DATA else f"{STATUS_ICONS.get(s, '○')} {s}"
                for s, d in zip(table["status"], table["last_date"], strict=True)
            ],
            "lane": table["lane"],
            # whole euros: the "localized" format then shows thousands separators only
            "impact_per_year": table["impact_per_year"].round(0),
            "utilisation": table["utilisation"] * PERCENT,
            "overflow_volume": table["expected_overflow_per_year"].round(0),
            "overflow_last_year": table["overflow_last_year"].round(0),
            "resilience": table["resilience"],
            "recent_mean": table["recent_mean"],
            "baseline_mean": table["baseline_mean"],
        }
    )
    return out.reset_index(drop=True)


COLUMN_CONFIG = {
    # short headers with the unit, the full definition in each column's help: the table
    # fits a 1,280 px page without sideways scrolling
    "status": st.column_config.TextColumn("Status", help=NETWORK_COLUMNS["status"]),
    "lane": st.column_config.TextColumn("Lane", help=NETWORK_COLUMNS["lane"]),
    "impact_per_year": st.column_config.NumberColumn(
        "At stake [EUR/year]", format="localized", help=NETWORK_COLUMNS["impact_per_year"]),
    "baseline_mean": st.column_config.NumberColumn(
        "Level [units/day]", format="%.1f", width="small",
        help=NETWORK_COLUMNS["baseline_mean"] + "; the status compares the last 7 days with it."),
    "recent_mean": st.column_config.NumberColumn(
        f"Last {planning.RECENT_WINDOW_DAYS} d [units/day]", format="%.1f", width="small",
        help=NETWORK_COLUMNS["recent_mean"]),
    "utilisation": st.column_config.NumberColumn(
        "Util. [%]", format="%.0f %%", width="small", help=NETWORK_COLUMNS["utilisation"]),
    "overflow_volume": st.column_config.NumberColumn(
        "Exp. overflow [units/year]", format="localized", width="small",
        help=NETWORK_COLUMNS["expected_overflow_per_year"]),
    "overflow_last_year": st.column_config.NumberColumn(
        "Last 365 d [units]", format="localized", width="small", help=NETWORK_COLUMNS["overflow_last_year"]),
    "resilience": st.column_config.ProgressColumn(
        "Resilience", format="%.0f", min_value=0, max_value=100, width="small",
        help=NETWORK_COLUMNS["resilience"] + " (0-100)"),
}


def _totals(network: NetworkPlan) -> None:
    n_lanes = len(network.table)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Expected overflow to partners", fmt.num(network.total_expected_overflow_per_year, "units/year"),
        help="Σ over lanes of the expected workload above internal capacity, E[(W − C)⁺] per day "
             f"× 365. The last 365 days, replayed at today's capacity: "
             f"{network.total_overflow_last_year:,.0f} units.",
    )
    c2.metric(
        "Money at stake", fmt.eur(network.total_money_at_stake_per_year, "year"),
        help="Σ partner surcharge on the expected overflow + reservation fees + spot premium + "
             "expected SLA penalties: what the ranking below sorts by.",
    )
    c3.metric(
        "Lanes overflowing", f"{len(network.lanes_overflowing)} of {n_lanes}",
        help="Lanes expected to send at least 1 unit/year to partners.",
    )
    c4.metric(
        "Network dependency", fmt.pct(network.network_dependency_ratio),
        help="Σ expected partner volume / Σ expected workload.",
    )
    c5, c6, c7, c8 = st.columns(4)
    counts = network.status_counts
    c5.metric(f"{STATUS_ICONS[planning.STATUS_SURGE]} Surge alerts",
              fmt.count(counts.get(planning.STATUS_SURGE, 0), "lane"),
              help="Last 7 days ≥ 1.5 × the lane's own level (84 days before).")
    c6.metric(f"{STATUS_ICONS[planning.STATUS_LOW]} Low velocity",
              fmt.count(counts.get(planning.STATUS_LOW, 0), "lane"),
              help="Last 7 days ≤ 0.5 × the lane's own level.")
    c7.metric("Expected SLA penalties", fmt.eur(network.total_penalty_cost_per_year, "year"),
              help="Σ p × expected units short per year, each lane at its α*.")
    c8.metric("Partner capacity to reserve",
              fmt.num(network.total_partner_capacity_to_reserve, "units/day"),
              help="Σ over lanes of the partner capacity that makes internal + reserved capacity "
                   "cover the workload on each lane's capacity coverage level of days.")


def _plan_source(settings: Settings, engine: Engine) -> None:
    """Say where the figures come from (stored run or live) and offer a re-plan to admins."""
    status = state.plan_run_status(engine)
    if status is None:
        text = "Planned live from the demand history (no planning run stored yet)."
    else:
        made = f"planning run #{status.run_id} of {status.created_at:%Y-%m-%d %H:%M} UTC"
        text = (f":material/database: From the stored {made} ({status.lanes_total:,} lanes); "
                "data unchanged since." if status.current else
                f":material/warning: Planned live: the stored {made} is out of date "
                f"({', '.join(status.reasons_stale)} since).")
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(text)
    if not admin.write_access(settings).allowed:
        return
    if right.button("Re-plan now", key="wt_plan_run",
                    help="Plan the lanes whose demand or master data changed since the last run "
                         "and store the run (same as `python -m services.plan_runs plan-run`)."):
        with st.spinner("Planning changed lanes…"):
            result = services.replan(admin.write_context(settings, engine))
        state.flash("success", result.summary())
        st.rerun()


def render(network: NetworkPlan, settings: Settings, engine: Engine) -> None:
    """Draw the watchtower for ``network`` (all lanes at their own α*)."""
    as_of = f" — data up to {network.as_of:%Y-%m-%d}" if network.as_of is not None else ""
    st.subheader(f"Network watchtower{as_of}")
    _plan_source(settings, engine)
    _totals(network)

    table = network.table
    f1, f2, f3 = st.columns([2, 2, 3])
    statuses = f1.multiselect(
        "Status", [planning.STATUS_SURGE, planning.STATUS_LOW, planning.STATUS_NORMAL],
        key=STATUS_FILTER_KEY, placeholder="all statuses",
    )
    patterns = f2.multiselect(
        "Demand pattern", sorted(table["pattern"].dropna().unique()), key=PATTERN_FILTER_KEY,
        placeholder="all patterns",
    )
    search = f3.text_input("Search lane", key=SEARCH_KEY, placeholder="e.g. BER or MUC")
    mask = pd.Series(True, index=table.index)
    if statuses:
        mask &= table["status"].isin(statuses)
    if patterns:
        mask &= table["pattern"].isin(patterns)
    if search.strip():
        mask &= table["lane"].astype(str).str.contains(search.strip(), case=False, regex=False)
    shown = table[mask]

    visible = shown["lane"].tolist()
    if visible != st.session_state.get(_VISIBLE_KEY):
        # The rows moved: a selection left over from the old table must not open a lane.
        st.session_state[_APPLIED_KEY] = _selected_rows()
        st.session_state[_VISIBLE_KEY] = visible
    st.caption(
        f"{len(shown)} of {len(table)} lanes, ranked by money at stake (partner surcharge, fees "
        "and premium + expected SLA "
        "penalties, EUR/year). **Click a row to open the lane** in the lane tabs."
    )
    st.dataframe(
        _display_table(shown), key=TABLE_KEY, on_select="rerun", selection_mode="single-row",
        hide_index=True, column_config=COLUMN_CONFIG, height=fmt.table_height(len(shown), TABLE_HEIGHT_PX),
    )
    if len(shown):
        st.plotly_chart(charts.network_utilisation(shown), key="wt_util_chart")
    methods.render("watchtower")

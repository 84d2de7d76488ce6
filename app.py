"""LSP Capacity Twin: the Streamlit entry script.  It only composes views.

Run with ``streamlit run app.py``.  The sidebar returns one frozen
``domain.Scenario``; each tab renders it.  Tabs are lazy (only the open tab
runs), heavy work is cached in ``views.state``/``views.cached_sim``.
"""

from __future__ import annotations

import streamlit as st

from services import access
import db
from services import plan_runs
from services.config import ConfigError, Settings, get_settings
from domain import LspError, Scenario
from planning import PlanningError
from safe_text import md
from views import (
    admin,
    assistant,
    cooperation_tab,
    data_tab,
    exports,
    finance,
    lane_ops,
    links,
    nav,
    report_tab,
    risk,
    scenarios,
    sidebar,
    state,
    watchtower,
)

st.set_page_config(page_title="LSP Capacity Twin", page_icon=":material/local_shipping:",
                   layout="wide")
# Metric values carry their unit ("12,000 EUR/year"); Streamlit's default size cuts them
# off in four-column rows on a laptop screen.
# Wide layout keeps 5rem of padding on each side; 2rem gives the tab bar and the wide
# watchtower table ~100 px more on a 1,280 px laptop screen.
METRIC_VALUE_CSS = (
    "<style>[data-testid='stMetricValue']{font-size:1.55rem;}"
    "[data-testid='stMainBlockContainer']{padding-left:2rem;padding-right:2rem;}</style>"
)


def _empty_state(settings: Settings) -> None:
    st.title(":material/local_shipping: LSP Capacity Twin")
    st.info(
        "The database holds no demand history yet. Load the demo network (BER-MUC seasonal, "
        "HAM-ROT over capacity, FRA-PAR with a demand shock, an intermittent lane and synthetic "
        "lanes) to explore the dashboard, then import your own CSV in the Data tab."
    )
    gate = admin.write_access(settings)
    if gate.needs_password:
        admin.render_admin_login(settings, key_prefix="empty")
    if st.button("Load demo data", icon=":material/inventory_2:", type="primary",
                 disabled=not gate.allowed,
                 help=None if gate.allowed else f"Writes are locked: {gate.reason}."):
        admin.require_write(settings, access.ACTION_IMPORT)
        with st.spinner("Writing demo lanes…"):
            db.seed_demo()
            plan_runs.run_planning()  # the watchtower opens from the stored run
        state.clear_caches()
        state.flash("success", "Demo data loaded: pick a lane in the sidebar or open one from "
                               "the watchtower.")
        st.rerun()


def _lane_plan(scenario: Scenario):
    return state.lane_plan(scenario.lane, scenario.params, scenario.service_level,
                           scenario.horizon_days)


def _tabs(scenario: Scenario, settings: Settings) -> None:
    tabs = dict(zip(nav.TABS, st.tabs(nav.TABS, key=nav.TAB_KEY, on_change="rerun"), strict=True))
    # Only the open tab runs (lazy tabs); ``.open`` is None when state is not tracked.
    open_tabs = [label for label, tab in tabs.items() if tab.open is not False]
    for label in open_tabs:
        with tabs[label]:
            if label == nav.WATCHTOWER:
                watchtower.render(state.network_plan())
                exports.network_button(state.network_plan())
            elif label == nav.LANE_OPS:
                lane_ops.render(scenario, _lane_plan(scenario))
            elif label == nav.RISK:
                risk.render(scenario, _lane_plan(scenario))
            elif label == nav.COOPERATION:
                cooperation_tab.render(scenario, _lane_plan(scenario), state.network_plan())
            elif label == nav.FINANCE:
                finance.render(scenario, _lane_plan(scenario))
                st.divider()
                scenarios.compare(scenario)
            elif label == nav.DATA:
                data_tab.render(scenario, settings)
            elif label == nav.ANALYST:
                _analyst(scenario, settings)


def _analyst(scenario: Scenario, settings: Settings) -> None:
    plan, network = _lane_plan(scenario), state.network_plan()
    # Fragments: preparing the report or asking a question reruns only that panel.
    st.fragment(report_tab.render)(plan, network, settings)
    st.fragment(assistant.render)(plan, network, settings)


def main() -> None:
    st.html(METRIC_VALUE_CSS)
    try:
        settings = get_settings()
        db.ping()
        # A write by another process or replica shows up on this rerun.
        state.sync_data_version()
    except (ConfigError, LspError) as exc:
        st.error(f"The database cannot be reached, so the dashboard cannot load: {md(str(exc))}",
                 icon=":material/error:")
        st.caption("Check DATABASE_URL / LSP_SQLITE_PATH (see .env.example) and reload the page.")
        return
    try:
        if settings.seed_demo_if_empty:
            state.seed_demo_if_empty()
        lanes = state.list_lanes()
        if lanes:
            links.apply(lanes)  # a shared link or back/forward: open the view it names
        watchtower.apply_selection()
        state.show_flashes()
        if not lanes:
            _empty_state(settings)
            return
        scenario = sidebar.render(lanes)
        with st.sidebar:
            scenarios.sidebar_panel(scenario, settings)
        sidebar.footer(settings, database_label=db.database_label())
        links.follow(scenario.lane)
        _tabs(scenario, settings)
    except (LspError, PlanningError) as exc:
        # Our own errors (database down mid-session, access denied, a lane that cannot
        # be planned) become a banner; anything else is a bug and keeps its traceback.
        st.error(md(str(exc)), icon=":material/error:")


main()

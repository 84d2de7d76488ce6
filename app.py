"""LSP Capacity Twin: the Streamlit entry script and composition root.

Run with ``streamlit run app.py``.  It reads the settings once, builds the
database engine from them and hands both down: the sidebar returns one
frozen ``domain.Scenario``; each tab renders it.  Tabs are lazy (only the
open tab runs), heavy work is cached in ``views.state``/``views.cached_sim``,
and every write goes through :mod:`services`.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

import db
import services
from domain import LspError, Scenario
from importing.safe_text import md
from services.config import Settings, get_settings
from views import (
    admin,
    assistant,
    cooperation_tab,
    data,
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


def _empty_state(settings: Settings, engine: Engine) -> None:
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
        with st.spinner("Writing demo lanes…"):
            services.seed_demo(admin.write_context(settings, engine))
        state.flash("success", "Demo data loaded: pick a lane in the sidebar or open one from "
                               "the watchtower.")
        st.rerun()


def _tabs(scenario: Scenario, settings: Settings, engine: Engine) -> None:
    tabs = dict(zip(nav.TABS, st.tabs(nav.TABS, key=nav.TAB_KEY, on_change="rerun"), strict=True))
    # Only the open tab runs (lazy tabs); ``.open`` is None when state is not tracked.
    open_tabs = [label for label, tab in tabs.items() if tab.open is not False]
    for label in open_tabs:
        with tabs[label]:
            if label == nav.WATCHTOWER:
                watchtower.render(state.network_plan(engine), settings, engine)
                exports.network_button(state.network_plan(engine))
            elif label == nav.LANE_OPS:
                lane_ops.render(scenario, state.scenario_plan(engine, scenario))
            elif label == nav.RISK:
                risk.render(scenario, state.scenario_plan(engine, scenario))
            elif label == nav.COOPERATION:
                cooperation_tab.render(scenario, state.scenario_plan(engine, scenario),
                                       state.network_plan(engine))
            elif label == nav.FINANCE:
                finance.render(scenario, state.scenario_plan(engine, scenario))
                st.divider()
                scenarios.compare(scenario, engine)
            elif label == nav.DATA:
                data.render(scenario, settings, engine)
            elif label == nav.ANALYST:
                _analyst(scenario, settings, engine)


def _analyst(scenario: Scenario, settings: Settings, engine: Engine) -> None:
    plan, network = state.scenario_plan(engine, scenario), state.network_plan(engine)
    # Fragments: preparing the report or asking a question reruns only that panel.
    st.fragment(report_tab.render)(plan, network, settings, engine)
    st.fragment(assistant.render)(plan, network, settings, engine)


def main() -> None:
    st.html(METRIC_VALUE_CSS)
    try:
        settings = get_settings()
        engine = db.get_engine(settings.engine_url)
        db.ping(engine=engine)
        # A write by another process or replica shows up on this rerun.
        state.sync_data_version(engine)
    except LspError as exc:  # ConfigError and the database errors are LspErrors
        st.error(f"The database cannot be reached, so the dashboard cannot load: {md(str(exc))}",
                 icon=":material/error:")
        st.caption("Check DATABASE_URL / LSP_SQLITE_PATH (see .env.example) and reload the page.")
        return
    try:
        if settings.seed_demo_if_empty:
            state.seed_demo_if_empty(engine)
        lanes = state.list_lanes(engine)
        if lanes:
            links.apply(lanes, engine)  # a shared link or back/forward: open the view it names
        watchtower.apply_selection()
        state.show_flashes()
        if not lanes:
            _empty_state(settings, engine)
            return
        scenario = sidebar.render(lanes, engine)
        with st.sidebar:
            scenarios.sidebar_panel(scenario, settings, engine)
        sidebar.footer(settings, database_label=db.database_label(engine))
        links.follow(scenario.lane)
        _tabs(scenario, settings, engine)
    except LspError as exc:
        # Our own errors (database down mid-session, access denied, a lane that cannot
        # be planned) become a banner; anything else is a bug and keeps its traceback.
        st.error(md(str(exc)), icon=":material/error:")


main()

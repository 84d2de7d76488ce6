"""Deep links: the lane, the open tab and the loaded scenario live in the URL.

``/?lane=HAM-ROT&tab=risk&scenario=Peak`` opens that view.  Two steps per run:

* :func:`apply` (before the sidebar draws) opens what the URL names when the
  URL changed from outside this session's own writes: a pasted or shared
  link, or the browser's back/forward buttons (Streamlit reruns the script on
  ``popstate`` with the URL's query string);
* :func:`follow` (after the sidebar) writes the current view into the URL, so
  the address bar always shows a link to what is on screen.  Streamlit pushes
  a browser-history entry for each change, which is what back/forward walk.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from sqlalchemy.engine import Engine

from domain import LspError
from importing.safe_text import md
from views import nav, scenarios, sidebar, state

LANE_PARAM = "lane"
TAB_PARAM = "tab"
SCENARIO_PARAM = "scenario"
PARAMS = (LANE_PARAM, TAB_PARAM, SCENARIO_PARAM)
TAB_SLUGS: dict[str, str] = {
    "watchtower": nav.WATCHTOWER,
    "lane": nav.LANE_OPS,
    "risk": nav.RISK,
    "cooperation": nav.COOPERATION,
    "finance": nav.FINANCE,
    "data": nav.DATA,
    "analyst": nav.ANALYST,
}
SLUG_OF_TAB = {label: slug for slug, label in TAB_SLUGS.items()}
_SEEN_KEY = "_links_seen"  # the URL parameters this session last applied or wrote


def _url() -> dict[str, str]:
    return {k: st.query_params[k] for k in PARAMS if st.query_params.get(k)}


def apply(lanes: list[str], engine: Engine) -> None:
    """Open the lane, tab and scenario the URL names, if the URL changed from outside."""
    url = _url()
    if url == st.session_state.get(_SEEN_KEY):
        return
    st.session_state[_SEEN_KEY] = url
    lane = url.get(LANE_PARAM)
    if lane is not None:
        if lane in lanes:
            sidebar.select_lane(lane)
        else:
            state.flash("warning", f"The link names lane **{md(lane)}**, which is not in the database; "
                                   "showing another lane instead.")
            lane = None
    tab = url.get(TAB_PARAM)
    if tab is not None:
        label = TAB_SLUGS.get(tab.strip().lower())
        if label is None:
            state.flash("warning", f"The link names tab **{tab}**, which does not exist; valid tabs: "
                                   + ", ".join(TAB_SLUGS) + ".")
        else:
            st.session_state[nav.TAB_KEY] = label
    name = url.get(SCENARIO_PARAM)
    if name is not None:
        target = lane or st.session_state.get(sidebar.LANE_KEY) or lanes[0]
        try:
            scenarios.open_scenario(engine, target, name)
        except LspError as exc:
            state.flash("warning", f"The link's scenario could not be opened: {exc}")


def current_tab() -> str:
    """Label of the open tab (the first tab before the tab bar was ever drawn)."""
    label = st.session_state.get(nav.TAB_KEY)
    return label if label in SLUG_OF_TAB else nav.TABS[0]


def follow(lane: str) -> None:
    """Write the current lane, tab and loaded scenario into the URL (only what changed)."""
    want = {LANE_PARAM: lane, TAB_PARAM: SLUG_OF_TAB[current_tab()]}
    name = scenarios.active_name(lane)
    if name is not None:
        want[SCENARIO_PARAM] = name
    have = _url()
    for key in PARAMS:
        if key in want and have.get(key) != want[key]:
            st.query_params[key] = want[key]
        elif key not in want and key in st.query_params:
            del st.query_params[key]
    st.session_state[_SEEN_KEY] = want


def link(lane: str, tab: str, scenario: str | None = None) -> str:
    """Relative link to a view, e.g. ``?lane=HAM-ROT&tab=risk`` (for pages and reports)."""
    params = {LANE_PARAM: lane, TAB_PARAM: tab}
    if scenario:
        params[SCENARIO_PARAM] = scenario
    return "?" + urlencode(params)

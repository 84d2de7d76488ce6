"""Analyst tab: the PDF executive report -- choose the lanes, download in one click.

Lanes: the top N by money at stake (default), all lanes, or a selection.  The
selected lane is reported with the sidebar's scenario (what-if parameters and
service level), every other lane with its stored master data at its
profit-optimal service level, exactly as the watchtower plans it.  The plans
are computed (and cached) in the script run; the PDF itself is built only when
the download button is clicked (``st.download_button`` with a callable), so
the tab stays fast.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

import ai_brain
import report
from domain import LspError
from importing.safe_text import md
from views import state

MODE_KEY = "report_mode"
TOP_N_KEY = "report_top_n"
CHOSEN_KEY = "report_lanes"
MAX_LANES = 100  # lane pages per report; a larger network is reported by its top lanes
DEFAULT_TOP_N = 10
MODES = {
    report.SELECT_TOP: "Top N by money at stake",
    report.SELECT_ALL: "All lanes",
    report.SELECT_CHOSEN: "Selection",
}


def file_name(stamp: datetime, lanes: int) -> str:
    """Download name, e.g. ``lsp-report-12-lanes-20250102-0930.pdf``."""
    return f"lsp-report-{lanes}-lane{'s' if lanes != 1 else ''}-{stamp:%Y%m%d-%H%M}.pdf"


def _plans(codes: list[str], selected: Any, engine: Engine) -> tuple[list[Any], list[str]]:
    plans, problems = [], []
    masters = state.all_lane_master(engine)
    horizon = len(selected.forecast.dates)
    for code in codes:
        if code == selected.lane:
            plans.append(selected)
            continue
        try:
            params = masters.get(code) or state.lane_master(engine, code)
            plans.append(state.lane_plan(engine, code, params, None, horizon))
        except (LspError, ValueError) as exc:
            problems.append(f"{code}: {exc}")
    return plans, problems


def render(plan: Any, network: Any, settings: Any, engine: Engine) -> None:
    """Lane choice and the one-click PDF download."""
    st.subheader("Executive report (PDF)")
    lanes = [str(c) for c in network.table["lane"]] if len(network.table) else [plan.lane]
    c1, c2 = st.columns([1, 2])
    mode = c1.radio("Lanes in the report", list(MODES), format_func=MODES.get, key=MODE_KEY,
                    horizontal=False)
    if mode == report.SELECT_TOP:
        top_n = c2.number_input("N (lanes with the most money at stake)", min_value=1,
                                max_value=min(len(lanes), MAX_LANES),
                                value=min(DEFAULT_TOP_N, len(lanes)), step=1, key=TOP_N_KEY)
        codes = report.select_lanes(network, report.SELECT_TOP, top_n=int(top_n))
        how = f"top {int(top_n)} by money at stake"
    elif mode == report.SELECT_ALL:
        codes = lanes[:MAX_LANES]
        how = "all lanes" if len(lanes) <= MAX_LANES else f"top {MAX_LANES} of {len(lanes)} lanes"
        if len(lanes) > MAX_LANES:
            c2.info(f"{len(lanes):,} lanes: the report holds the {MAX_LANES} with the most money "
                    "at stake; use a selection for others.")
    else:
        chosen = c2.multiselect("Lanes", lanes, default=[plan.lane] if plan.lane in lanes else [],
                                key=CHOSEN_KEY, max_selections=MAX_LANES)
        codes = report.select_lanes(network, report.SELECT_CHOSEN, chosen=chosen)
        how = "selected by the planner"
    if not codes:
        st.info("Choose at least one lane.")
        return
    plans, problems = _plans(codes, plan, engine)
    for problem in problems:
        st.warning(f"Left out of the report: {problem}", icon=":material/warning:")
    analysis_by = ai_brain.mode_label(settings)
    st.caption(
        f"{len(plans)} lane page{'s' if len(plans) != 1 else ''} ({how}) after a one-page "
        f"executive summary. {md(plan.lane)} uses the sidebar's scenario; other lanes their stored "
        f"master data. Network commentary: {analysis_by}."
    )
    stamp = datetime.now()
    online = analysis_by != ai_brain.OFFLINE_LABEL

    def build() -> bytes:
        # runs on Streamlit's download thread when clicked: no st.* calls in here
        analyses = {}
        if online:
            result = ai_brain.analyse_network(network, settings=settings)
            if result.ok:
                analyses[ai_brain.NETWORK_KEY] = result.text
        return report.build_report(plans, network, generated_at=datetime.now(),
                                   analyses=analyses, selection=how)

    st.download_button(
        "Download PDF report", icon=":material/download:", data=build, file_name=file_name(stamp, len(plans)),
        mime="application/pdf", key="report_download", type="primary",
        help="Builds the report when clicked (about half a second per lane).",
    )

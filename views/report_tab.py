"""Analyst tab: the PDF executive report for the selected lane plus the network.

Building the report (assistant analysis + charts) takes seconds, so it is done
lazily: "Prepare report" builds it once and keeps the bytes in
``st.session_state`` together with a fingerprint of the scenario; the
"Download PDF report" button then serves them.  A changed scenario (other
lane, what-if parameters, service level, new data) invalidates the prepared
file.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import streamlit as st

import ai_brain
import report
from safe_text import md

REPORT_KEY = "report_pdf"


def _fingerprint(plan: Any, network: Any) -> tuple:
    return (
        plan.lane, plan.params, plan.service_level, len(plan.forecast.dates),
        float(plan.stats.demand_mean), float(plan.safety_stock),
        str(network.as_of), len(network.table), float(network.total_overflow_volume),
    )


def _file_name(lane: str, stamp: datetime) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", lane).strip("_") or "lane"
    return f"lsp-report-{safe}-{stamp:%Y%m%d-%H%M}.pdf"


def render(plan: Any, network: Any, settings: Any) -> None:
    """Prepare-then-download button for the PDF of ``plan`` and ``network``."""
    st.subheader("Executive report (PDF)")
    lanes = len(network.table)
    st.caption(
        f"Lane {md(plan.lane)} (parameters, key figures, charts, analysis) and the network "
        f"({min(lanes, report.WATCHTOWER_ROWS)} of {lanes} lanes in the watchtower table). "
        f"Analysis by: {ai_brain.mode_label(settings)}."
    )
    fingerprint = _fingerprint(plan, network)
    prepared = st.session_state.get(REPORT_KEY)
    if prepared is None or prepared["fingerprint"] != fingerprint:
        if not st.button("📄 Prepare report", key="report_prepare",
                         help="Writes the analysis and renders the charts (a few seconds)."):
            return
        with st.spinner("Writing the analysis and rendering the charts…"):
            stamp = datetime.now()
            lane_result = ai_brain.analyse(plan, None, settings=settings)
            network_result = ai_brain.analyse_network(network, settings=settings)
            pdf = report.build_report(
                [plan], network, generated_at=stamp,
                analyses={plan.lane: lane_result.text, ai_brain.NETWORK_KEY: network_result.text},
            )
        notes = [r.error for r in (lane_result, network_result) if r.error]
        prepared = {"fingerprint": fingerprint, "pdf": pdf, "stamp": stamp, "notes": notes}
        st.session_state[REPORT_KEY] = prepared
    for note in prepared["notes"]:
        st.warning(f"Gemini could not write the analysis ({note}); the report contains the "
                   "offline analysis.", icon="⚠️")
    st.download_button(
        "⬇️ Download PDF report", data=prepared["pdf"],
        file_name=_file_name(plan.lane, prepared["stamp"]), mime="application/pdf",
        key="report_download", type="primary",
    )
    st.caption(f"Prepared {prepared['stamp']:%Y-%m-%d %H:%M}, "
               f"{len(prepared['pdf']) / 1024:,.0f} KB.")

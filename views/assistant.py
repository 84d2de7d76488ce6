"""Analyst tab: chat with the planning assistant about the selected lane and the network.

History is kept **per browser session and per lane**: ``st.session_state``
key :data:`HISTORY_KEY` maps a lane code to its list of messages
(``{"role", "content", "mode", "note"}``).  Switching lanes shows that lane's
conversation; the context sent with each question is always the current plan
of that lane plus the network summary, never raw rows or settings.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import ai_brain
from safe_text import md, neutralise_links

HISTORY_KEY = "assistant_history"
INPUT_KEY = "assistant_input"


def _history(lane: str) -> list[dict[str, str]]:
    return st.session_state.setdefault(HISTORY_KEY, {}).setdefault(lane, [])


def _show(message: dict[str, str]) -> None:
    with st.chat_message(message["role"]):
        # Typed questions are shown as typed; answers keep their formatting, never a link.
        content = message["content"]
        shown = md(content) if message["role"] == "user" else neutralise_links(content)
        st.markdown(ai_brain.safe_markdown(shown))
        if message.get("mode"):
            st.caption(f"Answered by: {message['mode']}")
        if message.get("note"):
            st.warning(message["note"], icon="⚠️")


def render(plan: Any, network: Any, settings: Any) -> None:
    """Chat panel for ``plan`` (a planning.LanePlan) with ``network`` as extra context."""
    st.subheader(f"Analyst assistant: {md(plan.lane)}")
    label = ai_brain.mode_label(settings)
    if label == ai_brain.OFFLINE_LABEL:
        st.caption(f"Mode: **{label}** (deterministic analysis of the computed figures). "
                   "Set GEMINI_API_KEY to chat with Gemini.")
    else:
        st.caption(f"Mode: **{label}**. Answers are grounded in this lane's plan and the "
                   "network summary and cite the figures they use; if Gemini fails, the offline "
                   "analyst answers instead.")
    history = _history(plan.lane)
    left, right = st.columns([1, 1])
    analyse = left.button("📝 Analyse this lane", key="assistant_analyse",
                          help="Volatility and trend, capacity risk, partner dependency, "
                               "resilience and the recommended service level.")
    if right.button("🗑️ Clear conversation", key="assistant_clear", disabled=not history):
        history.clear()
        st.rerun()
    for message in history:
        _show(message)
    question = st.chat_input(f"Ask about {plan.lane} or the network…", key=INPUT_KEY)
    if analyse:
        question = ai_brain.ANALYSIS_QUESTION
    if not question:
        return
    asked = {"role": "user", "content": question}
    _show(asked)
    with st.spinner(f"{label} is thinking…"):
        result = ai_brain.answer(question, plan, network, settings=settings, history=history)
    note = (f"Gemini could not answer: {result.error} Showing the offline analysis instead."
            if result.error else "")
    reply = {"role": "assistant", "content": result.text, "mode": result.mode_label,
             "note": note}
    history.extend([asked, reply])
    _show(reply)

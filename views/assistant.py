"""Analyst tab: chat with the planning assistant about any lane and the network.

History is kept **per browser session and per selected lane** in
``st.session_state[HISTORY_KEY]`` (lane code -> list of messages ``{"role",
"content", "mode", "note"}``).  The conversation is drawn first, the input is
pinned to the bottom of the page (Streamlit's bottom container), and a new
question and its answer are written into the conversation above the input,
with a spinner while the assistant works.

The assistant gets a :class:`ai_brain.Workspace`: the sidebar's plan of the
selected lane, every lane's master data, the network, and the dashboard's own
cached re-planner (``views.state.lane_plan``), so a lane named in a question or
a what-if is planned exactly as the dashboard plans it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

import ai_brain
from domain import LaneMasterData
from importing.safe_text import md, neutralise_links
from views import state

HISTORY_KEY = "assistant_history"
INPUT_KEY = "assistant_input"
CLEAR_KEY = "assistant_clear"
ANALYSE_KEY = "assistant_analyse"
PENDING_KEY = "_assistant_pending"  # question queued by a button callback
EXAMPLES = (
    "Why is this lane risky?",
    "What should I do about capacity?",
    "What if capacity were 400?",
    "What is EOQ?",
    "Summarise the network",
)


def _history(lane: str) -> list[dict[str, str]]:
    return st.session_state.setdefault(HISTORY_KEY, {}).setdefault(lane, [])


def workspace(plan: Any, network: Any, engine: Engine) -> ai_brain.Workspace:
    """The assistant's view of the data: sidebar plan, masters, network, cached re-planner."""
    horizon = len(plan.forecast.dates)

    def replan(params: LaneMasterData, service_level: float | None) -> Any:
        return state.lane_plan(engine, params.code, params, service_level, horizon)

    return ai_brain.Workspace(selected=plan, network=network,
                              masters=state.all_lane_master(engine), replan=replan,
                              lanes=tuple(state.list_lanes(engine)))


def _show(message: dict[str, str]) -> None:
    with st.chat_message(message["role"]):
        # Typed questions are shown as typed; answers keep their formatting, never a link.
        content = message["content"]
        shown = md(content) if message["role"] == "user" else neutralise_links(content)
        st.markdown(ai_brain.safe_markdown(shown))
        if message["role"] == "assistant":
            if message.get("mode"):
                st.caption(f"Answered by: {message['mode']}")
            if message.get("note"):
                st.warning(message["note"], icon=":material/warning:")
            with st.expander("Copy this answer"):
                st.code(message["content"], language="markdown", wrap_lines=True)


def _clear(lane: str) -> None:
    _history(lane).clear()


def _input(placeholder: str) -> str | None:
    """The chat input, pinned to the bottom of the page when Streamlit offers that."""
    bottom = getattr(st, "_bottom", None)  # the page's fixed bottom container
    if bottom is not None:
        with bottom:
            return st.chat_input(placeholder, key=INPUT_KEY)
    return st.chat_input(placeholder, key=INPUT_KEY)


def render(plan: Any, network: Any, settings: Any, engine: Engine) -> None:
    """Chat panel: ``plan`` is the selected lane's planning.LanePlan, ``network`` the watchtower."""
    st.subheader("Analyst assistant")
    label = ai_brain.mode_label(settings)
    if label == ai_brain.OFFLINE_LABEL:
        st.caption(f"Mode: **{label}**: deterministic answers computed from the plans "
                   "(set GEMINI_API_KEY to chat with Gemini). Ask about any lane by its code or "
                   f"name; without one, answers are about the selected lane **{md(plan.lane)}**.")
    else:
        st.caption(f"Mode: **{label}** with planning tools: every figure comes from the "
                   "dashboard's planning engine; if Gemini fails, the offline analyst answers. "
                   f"Without a lane in the question, answers are about **{plan.lane}**.")
    history = _history(plan.lane)
    if not history:
        st.caption("Try: " + " · ".join(f"“{q}”" for q in EXAMPLES))
    conversation = st.container()
    with conversation:
        for message in history:
            _show(message)
    question = _input(f"Ask about {plan.lane}, another lane or the network…")
    question = question or st.session_state.pop(PENDING_KEY, None)
    if question:
        _answer(question, plan, network, settings, engine, label, history, conversation)
    # drawn after the answer, so "Clear" is enabled as soon as there is something to clear
    left, right = st.columns([1, 1])
    left.button("📝 Analyse this lane", key=ANALYSE_KEY, on_click=_queue,
                args=(ai_brain.ANALYSIS_QUESTION,),
                help="Volatility and trend, capacity risk, partner dependency, "
                     "resilience and the recommended service level.")
    right.button("Clear conversation", icon=":material/delete:", key=CLEAR_KEY, disabled=not history,
                 on_click=_clear, args=(plan.lane,))


def _queue(question: str) -> None:
    st.session_state[PENDING_KEY] = question


def _answer(question: str, plan: Any, network: Any, settings: Any, engine: Engine, label: str,
            history: list[dict[str, str]], conversation: Any) -> None:
    asked = {"role": "user", "content": question}
    with conversation:
        _show(asked)
        with st.spinner(f"{label} is working…"):
            result = ai_brain.answer(question, plan, network, settings=settings,
                                     history=history, workspace=workspace(plan, network, engine))
        note = (f"Gemini could not answer: {result.error} Showing the offline analysis instead."
                if result.error else "")
        reply = {"role": "assistant", "content": result.text, "mode": result.mode_label,
                 "note": note}
        history.extend([asked, reply])
        _show(reply)

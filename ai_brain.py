"""Planning assistant (façade): Gemini when a key is configured, an offline analyst otherwise.

The implementation lives in the :mod:`assistant` package; this module keeps the
public names the app, the report and the tests use.

* :mod:`assistant.questions` reads the question: lanes named (codes, names,
  partial codes, any Unicode), intent, terms, what-if numbers.
* :mod:`assistant.analyst` answers offline: explain / diagnose / recommend
  (actions ranked by EUR/year, each re-planned) / what-if / compare / network /
  "I can't answer that from this data".
* :mod:`assistant.workspace` plans any lane through the dashboard's what-if path.
* :mod:`assistant.gemini` and :mod:`assistant.tools`: grounded prompt, bounded
  calls with retries, function calling into the same planning tools.
* :mod:`assistant.figures` / :mod:`assistant.sections`: the figures with units
  and the standard analysis sections (also printed by the PDF report).

Both modes work from *computed* figures (``planning.LanePlan`` /
``planning.NetworkPlan``), never raw rows or settings; the API key only goes to
the SDK client.  Every online failure falls back to the offline answer with a
note (:attr:`AssistantResult.error`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant import questions
from assistant.actions import rank_actions
from assistant.analyst import answer_offline, diagnose, network_answer
from assistant.figures import (
    CV_HIGH,
    CV_LOW,
    DEPENDENCY_HIGH,
    MAD_TO_Z,
    RESILIENCE_STRONG,
    RESILIENCE_WEAK,
    SHOCK_Z,
    TOP_NETWORK_LANES,
    Figure,
    Shocks,
    demand_trend,
    detect_shocks,
    lane_figures,
    lane_ref,
    network_figures,
    network_rows,
    parameter_figures,
    reconciliation_rows,
    review_cycle_label,
)
from assistant.gemini import (
    ANALYSIS_QUESTION,
    BACKOFF_BASE_SECONDS,
    DEADLINE_SECONDS,
    HISTORY_TURNS,
    MAX_ATTEMPTS,
    MIN_REQUEST_SECONDS,
    MODE_GEMINI,
    MODE_OFFLINE,
    NETWORK_KEY,
    NETWORK_QUESTION,
    OFFLINE_LABEL,
    RETRYABLE_CODES,
    SYSTEM_INSTRUCTION,
    TEMPERATURE,
    TIMEOUT_ERRORS,
    TRANSPORT_ERRORS,
    AssistantError,
    AssistantResult,
    ask_gemini,
    build_context,
    build_prompt,
    context_data,
    make_client,
    mode_label,
)
from assistant.sections import LANE_SECTIONS, SECTION_KEYWORDS, SECTION_TITLES, offline_analysis
from assistant.tables import comparison_table
from assistant.tools import call_tool, declarations
from assistant.workspace import Workspace, money_at_stake, plan_from_history
from domain import LspError
from presentation.formatting import fmt_date, fmt_number, fmt_pct, fmt_qty, method_label

__all__ = [
    "ANALYSIS_QUESTION", "BACKOFF_BASE_SECONDS", "CV_HIGH", "CV_LOW", "DEADLINE_SECONDS",
    "DEPENDENCY_HIGH", "HISTORY_TURNS", "LANE_SECTIONS", "MAD_TO_Z", "MAX_ATTEMPTS",
    "MIN_REQUEST_SECONDS", "MODE_GEMINI", "MODE_OFFLINE", "NETWORK_KEY", "NETWORK_QUESTION",
    "OFFLINE_LABEL", "RESILIENCE_STRONG", "RESILIENCE_WEAK", "RETRYABLE_CODES",
    "SECTION_KEYWORDS", "SECTION_TITLES", "SHOCK_Z", "SYSTEM_INSTRUCTION", "TEMPERATURE",
    "TIMEOUT_ERRORS", "TOP_NETWORK_LANES", "TRANSPORT_ERRORS", "AssistantError",
    "AssistantResult", "Figure", "Shocks", "Workspace", "analyse", "analyse_network", "answer",
    "ask_gemini", "build_context", "build_prompt", "comparison_table", "context_data",
    "demand_trend", "detect_shocks", "diagnose", "fmt_date", "fmt_number", "fmt_pct", "fmt_qty",
    "lane_figures", "lane_ref", "make_client", "method_label", "mode_label", "money_at_stake",
    "network_figures", "network_rows", "offline_analysis", "offline_answer",
    "parameter_figures", "rank_actions", "reconciliation_rows", "review_cycle_label",
    "safe_markdown", "workspace_for",
]


def workspace_for(plan: Any | None, network: Any | None) -> Workspace:
    """A workspace around a bare plan: only that lane can be re-planned (what-if, actions)."""
    if plan is None:
        return Workspace(selected=None, network=network)
    return Workspace(selected=plan, network=network, masters={plan.lane: plan.params},
                     replan=plan_from_history(plan))


def offline_answer(
    question: str, plan: Any | None, network: Any | None, *, workspace: Workspace | None = None
) -> str:
    """The offline analyst's answer (see :func:`assistant.analyst.answer_offline`)."""
    return answer_offline(question, workspace or workspace_for(plan, network))


def _offline(question: str, plan: Any | None, ws: Workspace) -> str:
    if question == ANALYSIS_QUESTION:  # the standard analysis (button, PDF): every section
        return offline_analysis(plan, None)
    if question == NETWORK_QUESTION:
        return network_answer(ws)
    return answer_offline(question, ws)


def answer(
    question: str,
    plan: Any | None,
    network: Any | None,
    *,
    settings: Any | None = None,
    history: Sequence[Mapping[str, str]] = (),
    client: Any | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    workspace: Workspace | None = None,
) -> AssistantResult:
    """Answer ``question`` about ``plan``/``network``: Gemini when a key is set, else offline.

    ``workspace`` (the app passes one) lets both modes plan every lane the
    question names and re-plan what-ifs through the dashboard's cached path;
    without it only ``plan``'s own lane can be re-planned.  ``settings``
    defaults to ``config.get_settings()``; only its key and model name are used,
    and neither ever enters the prompt.  On any online failure the offline
    answer is returned with ``ok=False`` and ``error`` set.
    """
    if settings is None:
        from services import config

        settings = config.get_settings()
    ws = workspace or workspace_for(plan, network)
    key = getattr(settings, "gemini_api_key", None)
    offline = _offline(question, plan, ws)
    if not key:
        return AssistantResult(offline, MODE_OFFLINE, OFFLINE_LABEL)
    model = settings.gemini_model
    # the configured budget, never above the 30 s that keeps the page responsive
    deadline = min(float(getattr(settings, "gemini_timeout_s", DEADLINE_SECONDS)), DEADLINE_SECONDS)
    parsed = questions.parse_question(question, ws.lanes, ws.names)
    mentioned = []
    for code in parsed.lanes[:TOP_NETWORK_LANES]:
        try:
            mentioned.append(ws.plan(code))
        except (LspError, ValueError):
            continue  # the offline answer and the tools say why this lane cannot be planned
    try:
        if client is None:
            client = make_client(key, timeout_seconds=deadline)
        prompt = build_prompt(question, plan, network, history, mentioned=mentioned,
                              lanes=ws.lanes)
        text = ask_gemini(
            prompt, model=model, client=client, sleep=sleep, clock=clock, secret=key,
            deadline_seconds=deadline, tools=declarations(),
            run_tool=lambda name, args: call_tool(ws, name, args),
        )
    except AssistantError as exc:  # the message is already scrubbed of the key
        logging.getLogger("lsp.assistant").warning("gemini failed model=%s error=%s", model, exc)
        return AssistantResult(offline, MODE_OFFLINE, OFFLINE_LABEL, ok=False, error=str(exc))
    return AssistantResult(text, MODE_GEMINI, f"Gemini ({model})")


def analyse(
    plan: Any | None, network: Any | None, *, settings: Any | None = None,
    client: Any | None = None, sleep: Callable[[float], None] = time.sleep,
) -> AssistantResult:
    """The standard executive analysis of a lane (used by the PDF report)."""
    return answer(ANALYSIS_QUESTION, plan, network, settings=settings, client=client, sleep=sleep)


def analyse_network(
    network: Any, *, settings: Any | None = None, client: Any | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AssistantResult:
    """The standard executive analysis of the network (used by the PDF report)."""
    return answer(NETWORK_QUESTION, None, network, settings=settings, client=client, sleep=sleep)


def safe_markdown(text: str) -> str:
    """Neutralise Markdown images (no remote fetches from model or lane text) for display."""
    return text.replace("![", "!\\[")


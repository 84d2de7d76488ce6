"""The offline analyst: answers the question asked, about the lanes asked.

:func:`answer_offline` parses the question (:mod:`assistant.questions`), plans
every lane it names through the :class:`~assistant.workspace.Workspace`
(the dashboard's what-if path), and writes one of:

* explain a term: formula and this lane's numbers (:mod:`assistant.explain`);
* diagnose: why the lane is risky / overflowing, drivers ranked by EUR/year;
* recommend: actions ranked by their effect on expected profit [EUR/year], each
  computed by re-planning the lane with the change (:func:`rank_actions`);
* what-if: the lane re-planned with the numbers in the question, before/after;
* compare: two or more lanes side by side;
* network summary and top risks;
* an honest "I can't answer that from this data" plus what the data does say.

Every figure is formatted by :mod:`formatting` and comes from a
``planning.LanePlan`` -- no arithmetic on figures except differences of two
plans (what-if, actions) and the capacity to add, rounded up.  Overflow is the
plan's *expected* flow (sum of E[(W - C)+], units/year and its daily mean), never
a quantile; the coverage quantile only sizes the partner capacity to reserve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assistant import questions as q
from assistant.actions import PLANNING_ERRORS, profit_delta, rank_actions
from assistant.explain import explain
from assistant.figures import lane_ref, reservation_priced
from assistant.sections import LANE_SECTIONS, network_section, offline_analysis
from assistant.tables import before_after_table, comparison_table, format_score
from assistant.workspace import Workspace, check_change, money_at_stake
from domain import DAYS_PER_YEAR, LspError
from presentation.formatting import fmt_date, fmt_number, fmt_pct, fmt_qty

TOP_RISKS = 5  # lanes listed as top risks in a network answer
ACTIONS_SHOWN = 4
NEXT_WEEK_DAYS = 7
UNKNOWN_LISTED = 8  # lanes named when a question's lane does not exist




# --- diagnose -----------------------------------------------------------------------


def diagnose(plan: Any) -> str:
    """Why the lane is risky or overflowing: findings with figures, biggest money first."""
    p = plan
    findings: list[tuple[float, str]] = []
    surcharge = p.surcharge_cost_per_day * DAYS_PER_YEAR
    if p.expected_overflow_per_year >= 1.0:
        findings.append((surcharge + p.reservation_cost_per_year, (
            f"**Capacity short:** {fmt_qty(p.expected_overflow_per_year, 'units/year')} of "
            f"workload are expected above internal capacity "
            f"{fmt_qty(p.internal_capacity, 'units/day')} and go to partners "
            f"({fmt_qty(p.overflow_volume, 'units/day')} on average; the last 365 days, replayed "
            f"at today's capacity, sent {fmt_qty(p.overflow_last_year, 'units')}); utilisation "
            f"{fmt_pct(p.utilisation)}, {fmt_pct(p.dependency_ratio)} dependency, costing "
            f"{fmt_qty(surcharge, 'EUR/year')} in surcharge"
            + (f" and {fmt_qty(p.reservation_cost_per_year, 'EUR/year')} in reservation fees "
               "and spot premium" if p.reservation_cost_per_year > 0 else "")
            + f". Partner capacity to reserve for γ = {fmt_pct(p.capacity_coverage_level)} of "
            f"days: {fmt_qty(p.partner_capacity_to_reserve, 'units/day')}.")))
    fc = p.forecast
    if fc.first_breach_date is not None:
        findings.append((surcharge * 0.5, (
            f"**Forecast breach:** the mean forecast workload exceeds internal capacity from "
            f"{fmt_date(fc.first_breach_date)}.")))
    elif fc.first_breach_date_upper is not None:
        findings.append((0.0, (
            f"**Possible breach:** the upper forecast bound exceeds internal capacity from "
            f"{fmt_date(fc.first_breach_date_upper)}.")))
    if p.penalty_cost_per_year > 0:
        findings.append((p.penalty_cost_per_year, (
            f"**SLA penalties:** {fmt_qty(p.expected_shortage_per_year, 'units/year')} expected "
            f"short at fill rate {fmt_pct(p.fill_rate, decimals=2)} cost "
            f"{fmt_qty(p.penalty_cost_per_year, 'EUR/year')}.")))
    res = p.resilience
    if float(res.score) < 75:
        weak = "buffer coverage" if float(res.coverage) < float(res.independence) else \
            "independence from partners"
        findings.append((0.0, (
            f"**Resilience {format_score(float(res.score))}:** buffer coverage "
            f"{fmt_pct(float(res.coverage))} of a tail risk of {fmt_qty(float(res.tail_risk), 'units')}"
            f" (safety stock {fmt_qty(p.safety_stock, 'units')}), independence "
            f"{fmt_pct(float(res.independence))}; weakest lever: {weak}.")))
    cv = p.stats.demand_std / p.stats.demand_mean if p.stats.demand_mean > 0 else float("nan")
    if cv >= 0.5 or p.status != "Normal":
        findings.append((0.0, (
            f"**Demand:** {p.pattern} pattern, coefficient of variation "
            f"{fmt_number(cv, decimals=2)}; status {p.status} (last 7 days "
            f"{fmt_qty(p.recent_mean, 'units/day')} vs own level "
            f"{fmt_qty(p.baseline_mean, 'units/day')}).")))
    if p.review_period_days == 1 and p.daily_review_service_level < p.service_level - 0.01:
        findings.append((0.0, (
            f"**Daily review undershoot:** stock is checked once a day, so the continuous-review "
            f"textbook reorder point {fmt_qty(p.textbook_reorder_point, 'units')} would deliver "
            f"only {fmt_pct(p.daily_review_service_level)}; the plan's reorder point "
            f"{fmt_qty(p.reorder_point, 'units')} includes the undershoot and reaches "
            f"{fmt_pct(p.cycle_service_level)}.")))
    if not findings:
        return (f"{lane_ref(p.lane)} shows no risk driver: utilisation {fmt_pct(p.utilisation)}, "
                f"no expected overflow, resilience {format_score(float(res.score))}, money at stake "
                f"{fmt_qty(money_at_stake(p), 'EUR/year')}.")
    findings.sort(key=lambda f: f[0], reverse=True)
    lines = [f"Money at stake on {lane_ref(p.lane)}: {fmt_qty(money_at_stake(p), 'EUR/year')} "
             f"(partner surcharge + reservation fees + spot premium + expected SLA penalties). "
             f"Drivers, largest first:"]
    lines += [f"- {text}" for _, text in findings]
    return "\n".join(lines)


# --- recommend ----------------------------------------------------------------------


def recommend(plan: Any, ws: Workspace) -> str:
    """Actions ranked by their effect on expected profit [EUR/year], each re-planned."""
    try:
        actions = rank_actions(plan, ws)
    except LspError as exc:
        return f"No re-planning is available here ({exc})."
    useful = [a for a in actions if a.effect_per_year > 0.5]
    if not useful:
        return (f"No tested change improves {lane_ref(plan.lane)}'s expected profit "
                f"({fmt_qty(plan.expected_profit_per_year, 'EUR/year')}): the lane runs at its "
                "profit-optimal service level without expected overflow.")
    lines = [f"Actions for {lane_ref(plan.lane)}, ranked by effect on expected profit "
             f"(now {fmt_qty(plan.expected_profit_per_year, 'EUR/year')}); each is the lane "
             "re-planned with the change:"]
    for i, a in enumerate(useful[:ACTIONS_SHOWN], start=1):
        lines.append(
            f"{i}. **{a.title}: +{fmt_qty(a.effect_per_year, 'EUR/year')}** ({a.detail}). "
            f"Afterwards: expected overflow "
            f"{fmt_qty(a.after.expected_overflow_per_year, 'units/year')}, safety stock "
            f"{fmt_qty(a.after.safety_stock, 'units')}, money at stake "
            f"{fmt_qty(money_at_stake(a.after), 'EUR/year')}."
        )
    if plan.partner_capacity_to_reserve > 0:
        line = (f"- Meanwhile reserve {fmt_qty(plan.partner_capacity_to_reserve, 'units/day')} of "
                f"partner capacity: internal + reserved then cover the workload on "
                f"{fmt_pct(plan.capacity_coverage_level)} of days (expected partner volume "
                f"{fmt_qty(plan.overflow_volume, 'units/day')}).")
        if reservation_priced(plan.params):
            line += (f" At the contract's fee and spot premium the cost-optimal reservation is "
                     f"{fmt_qty(plan.cost_optimal_reservation, 'units/day')}.")
        lines.append(line)
    return "\n".join(lines)


# --- what-if --------------------------------------------------------------------------


def apply_changes(plan: Any, question: q.Question) -> tuple[Any, float | None, list[str], list[str]]:
    """(params, service level, descriptions, problems) of the question's changes on ``plan``."""
    params = plan.params
    level = None if plan.service_level_is_optimal else float(plan.service_level)
    changes = dict(question.changes)
    for key, delta in question.relative_changes.items():
        name = key.rstrip("%")
        current = float(plan.service_level) if name == "service_level" else float(getattr(params, name))
        changes[name] = current * (1 + delta / 100.0) if key.endswith("%") else current + delta
    done, problems, overrides = [], [], {}
    for name, value in changes.items():
        problem = check_change(name, value)
        if problem:
            problems.append(problem)
            continue
        if name == "service_level":
            level = value
            done.append(f"service level {fmt_pct(plan.service_level)} → {fmt_pct(value)}")
        else:
            unit = q.CHANGE_WORDS[name][1]
            old = getattr(params, name)
            shown = fmt_pct if unit == "fraction" else (lambda v, u=unit: fmt_qty(v, u))
            done.append(f"{name.replace('_', ' ')} {shown(old)} → {shown(value)}")
            overrides[name] = value
    return params.with_overrides(**overrides), level, done, problems


def what_if(plan: Any, question: q.Question, ws: Workspace) -> str:
    """The lane re-planned with the question's numbers, before/after with the change."""
    if not question.changes and not question.relative_changes:
        fields = ", ".join(sorted({w[0][0] for w in q.CHANGE_WORDS.values()}))
        return ("Give the change with a number, e.g. \"what if capacity were 400?\" or \"what if "
                f"the service level were 98 %?\". Parameters I can change: {fields}.")
    params, level, done, problems = apply_changes(plan, question)
    lines = []
    if problems:
        lines.append("Not applied: " + "; ".join(problems) + ".")
    if not done:
        return "\n".join(lines)
    try:
        after = ws.plan_with(params, level)
    except PLANNING_ERRORS as exc:
        return "\n".join([*lines, f"The lane cannot be re-planned with that change ({exc})."])
    delta = profit_delta(plan, after)
    lines.insert(0, f"What-if for {lane_ref(plan.lane)}: " + "; ".join(done) + ". Re-planned:")
    lines.append("")
    lines.append(before_after_table(plan, after))
    sign = "+" if delta >= 0 else ""
    lines.append("")
    lines.append(f"Effect on expected profit: **{sign}{fmt_qty(delta, 'EUR/year')}** "
                 f"({fmt_qty(plan.expected_profit_per_year, 'EUR/year')} → "
                 f"{fmt_qty(after.expected_profit_per_year, 'EUR/year')}); costs of the change "
                 "itself (e.g. building capacity) are not in the data.")
    return "\n".join(lines)


# --- network and "can't answer" --------------------------------------------------------


def network_answer(ws: Workspace) -> str:
    """Network totals and the top risks by money at stake."""
    net = ws.network
    if net is None or not len(net.table):
        return "No network data is loaded yet."
    lines = [network_section(net), "", f"Top {min(TOP_RISKS, len(net.table))} risks by money at stake "
             "(partner surcharge + reservation fees + spot premium + expected SLA penalties):"]
    for _, row in net.table.head(TOP_RISKS).iterrows():
        lines.append(
            f"- {lane_ref(row['lane'])}: {fmt_qty(row['impact_per_year'], 'EUR/year')}; "
            f"{row['status']}, utilisation {fmt_pct(row['utilisation'])}, expected overflow "
            f"{fmt_qty(row['expected_overflow_per_year'], 'units/year')} (last 365 days "
            f"{fmt_qty(row['overflow_last_year'], 'units')}), partner capacity to reserve "
            f"{fmt_qty(row['partner_capacity_to_reserve'], 'units/day')}, resilience "
            f"{format_score(float(row['resilience']))}")
    return "\n".join(lines)


def next_days_overflow(plan: Any, days: int = NEXT_WEEK_DAYS) -> float:
    """Expected units to partners over the next ``days`` forecast days [units].

    Sum of the plan's per-day E[(W_t - C_t)+] (forecast mean and spread against
    each day's weekday capacity), the figure the cooperation tab shows for its horizon.
    """
    return float(np.sum(np.asarray(plan.forecast.expected_overflow[:days], dtype=float)))


def cannot_answer(plan: Any | None, question: q.Question) -> str:
    """Say plainly what the data cannot tell, then what it can."""
    text = question.text.lower()
    lines = ["I can't answer that from this data: it holds daily demand volumes per lane and "
             "each lane's master data (capacity, costs, lead times, return rate), but no fleet, "
             "truck loads, staff, weather or prices."]
    if plan is None:
        return "\n".join(lines)
    lines.append(f"Here is what I can tell you about {lane_ref(plan.lane)}:")
    fc = plan.forecast
    if any(w in text for w in ("truck", "lorr", "vehicle", "fleet", "container", "next week")):
        week = next_days_overflow(plan)
        lines.append(
            f"- Partner volume: {fmt_qty(plan.overflow_volume, 'units/day')} expected on average "
            f"({fmt_qty(plan.expected_overflow_per_year, 'units/year')}); partner capacity to "
            f"reserve so internal + reserved cover {fmt_pct(plan.capacity_coverage_level)} of "
            f"days: {fmt_qty(plan.partner_capacity_to_reserve, 'units/day')} (internal "
            f"{fmt_qty(plan.internal_capacity, 'units/day')}).")
        lines.append(
            f"- Next {NEXT_WEEK_DAYS} days: forecast workload "
            f"{fmt_qty(float(np.mean(fc.workload_mean[:NEXT_WEEK_DAYS])), 'units/day')} on "
            f"average; {fmt_qty(week, 'units')} expected to go to partners in total.")
        lines.append("- To turn units into trucks, divide by your units per truck load, which "
                     "the data does not hold.")
    else:
        lines.append(
            f"- {fmt_qty(plan.stats.demand_mean, 'units/day')} mean demand, internal capacity "
            f"{fmt_qty(plan.internal_capacity, 'units/day')}, expected overflow "
            f"{fmt_qty(plan.expected_overflow_per_year, 'units/year')}, partner capacity to "
            f"reserve {fmt_qty(plan.partner_capacity_to_reserve, 'units/day')}, money at stake "
            f"{fmt_qty(money_at_stake(plan), 'EUR/year')}.")
    lines.append("Ask me to explain a term (EOQ, safety stock, fill rate, critical ratio, "
                 "resilience, MASE, overflow), why a lane is risky, what to do about it, a "
                 "what-if with numbers, a comparison of lanes, or the network summary.")
    return "\n".join(lines)


# --- composition -------------------------------------------------------------------------


def _lanes_line(question: q.Question, codes: Sequence[str], ws: Workspace) -> str:
    if question.lanes:
        named = ", ".join(lane_ref(c) for c in codes)
        line = f"**{'Lanes' if len(codes) > 1 else 'Lane'} {named}** (named in your question)."
        for part, matched in question.ambiguous.items():
            line += (f" \"{part}\" matches {', '.join(lane_ref(c) for c in matched)}; "
                     "answering for each.")
        return line
    return (f"**Lane {lane_ref(codes[0])}**: no lane named in your question, so this is about "
            "the lane selected in the sidebar.")


def _unknown_line(question: q.Question, ws: Workspace) -> str:
    parts = []
    for code in question.unknown_lanes:
        close = question.suggestions.get(code) or ()
        hint = f" Did you mean {', '.join(lane_ref(c) for c in close)}?" if close else ""
        if not close:
            listed = ", ".join(lane_ref(c) for c in ws.lanes[:UNKNOWN_LISTED])
            more = " …" if len(ws.lanes) > UNKNOWN_LISTED else ""
            hint = f" Lanes include {listed}{more}."
        parts.append(f"Lane {lane_ref(code)} does not exist in the data "
                     f"({len(ws.lanes)} lanes loaded).{hint}")
    return " ".join(parts)


def _single(plan: Any, question: q.Question, ws: Workspace) -> str:
    intent = question.intent
    if intent == q.EXPLAIN:
        return explain(question.terms, plan) or offline_analysis(plan, None)
    if intent == q.RECOMMEND:
        return recommend(plan, ws)
    if intent == q.DIAGNOSE:
        return diagnose(plan)
    if intent == q.WHAT_IF:
        return what_if(plan, question, ws)
    if intent == q.TOPIC and question.topics:
        return _sections(plan, question.topics)
    return _sections(plan, LANE_SECTIONS)


def _sections(plan: Any, topics: Sequence[str]) -> str:
    text = offline_analysis(plan, None, sections=[t for t in topics if t in LANE_SECTIONS])
    # the lane header is already written by the caller
    return "\n".join(line for line in text.splitlines() if not line.startswith("**Lane "))


def answer_offline(question_text: str, ws: Workspace) -> str:
    """The offline analyst's Markdown answer to ``question_text``."""
    question = q.parse_question(question_text, ws.lanes, ws.names)
    head: list[str] = []
    if question.unknown_lanes:
        head.append(_unknown_line(question, ws))
    codes = list(question.lanes)
    if not codes and question.unknown_lanes:
        return "\n\n".join(head)
    if question.intent == q.NETWORK and not codes:
        return "\n\n".join([*head, network_answer(ws)])
    if not codes:
        if ws.selected is None:
            return "\n\n".join([*head, "No lane is selected yet: load demand data first."])
        codes = [ws.selected.lane]
    plans, failed = [], []
    for code in codes:
        try:
            plans.append(ws.plan(code))
        except PLANNING_ERRORS as exc:
            failed.append(f"Lane {lane_ref(code)} cannot be planned: {exc}.")
    head.append(_lanes_line(question, codes, ws))
    head.extend(failed)
    if not plans:
        return "\n\n".join(head)
    if question.intent in (q.UNSUPPORTED, q.UNKNOWN):
        return "\n\n".join([*head, cannot_answer(plans[0], question)])
    if len(plans) == 1:
        return "\n\n".join([*head, _single(plans[0], question, ws)])
    body = [comparison_table(plans)]
    ranked = sorted(plans, key=money_at_stake, reverse=True)
    body.append(f"Most money at stake: {lane_ref(ranked[0].lane)} "
                f"({fmt_qty(money_at_stake(ranked[0]), 'EUR/year')}); lowest resilience: "
                f"{lane_ref(min(plans, key=lambda p: float(p.resilience.score)).lane)}.")
    per_lane = question
    if question.intent == q.COMPARE and q.asks_why(question.text):
        per_lane = replace(question, intent=q.DIAGNOSE)  # "compare ... risk": drivers per lane
    if per_lane.intent not in (q.COMPARE, q.OVERVIEW, q.TOPIC, q.NETWORK):
        for plan in plans:
            body.append(f"**{lane_ref(plan.lane)}**\n\n{_single(plan, per_lane, ws)}")
    return "\n\n".join([*head, *body])

"""Candidate actions for a lane, each priced by re-planning the lane with the change.

An action's effect is the difference in expected profit [EUR/year] between the
lane re-planned with the change and the lane as planned (the dashboard's
what-if path, :class:`~assistant.workspace.Workspace`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from assistant.figures import reservation_priced, review_cycle_label
from assistant.workspace import Workspace
from domain import LspError
from presentation.formatting import fmt_pct, fmt_qty

CAPACITY_STEP = 10.0  # capacity proposals are rounded up to this [units/day]
LEAD_TIME_STD_FACTOR = 0.5  # "halve the lead-time variability"
LEAD_TIME_CUT_DAYS = 1.0
SURCHARGE_CUT = 1.0  # EUR/unit negotiated off the partner surcharge
PLANNING_ERRORS = (LspError, ValueError)  # our errors, and ValueError from the math functions' range checks




# --- actions ranked by EUR/year ---------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A change to the lane and its effect, computed by re-planning.

    effect_per_year : change of expected profit [EUR/year] (positive = better).
    """

    title: str
    effect_per_year: float
    detail: str
    after: Any


def profit_delta(before: Any, after: Any) -> float:
    return float(after.expected_profit_per_year) - float(before.expected_profit_per_year)


Change = tuple[str, dict[str, Any], "float | None", str]


def _capacity_change(plan: Any, add: float) -> dict[str, Any]:
    """Master-data overrides that add ``add`` units/day to every weekday's internal capacity."""
    p = plan.params
    out: dict[str, Any] = {"internal_capacity": p.internal_capacity + add}
    if p.weekday_capacity is not None:
        out["weekday_capacity"] = tuple(c + add for c in p.weekday_capacity)
    return out


def candidate_changes(plan: Any) -> list[Change]:
    """(title, master-data overrides, service level, why) to try on ``plan``'s lane."""
    p = plan.params
    keep = None if plan.service_level_is_optimal else float(plan.service_level)
    out: list[Change] = []
    if plan.partner_capacity_to_reserve > 0:
        # cover the coverage quantile in-house: add K_gamma (rounded up), not C_req - C_max at alpha
        add = math.ceil(plan.partner_capacity_to_reserve / CAPACITY_STEP) * CAPACITY_STEP
        out.append((
            f"Add {fmt_qty(add, 'units/day')} of internal capacity (now "
            f"{fmt_qty(plan.internal_capacity, 'units/day')})",
            _capacity_change(plan, add), keep,
            f"the partner capacity to reserve at γ = {fmt_pct(plan.capacity_coverage_level)}, "
            f"rounded up: handles in-house most of the "
            f"{fmt_qty(plan.expected_overflow_per_year, 'units/year')} now expected at partners; "
            "the cost of the extra capacity is not in the data",
        ))
    if plan.expected_overflow_per_year > 0 and p.partner_surcharge >= SURCHARGE_CUT:
        out.append((
            f"Negotiate the partner surcharge down by {fmt_qty(SURCHARGE_CUT, 'EUR/unit')} "
            f"(to {fmt_qty(p.partner_surcharge - SURCHARGE_CUT, 'EUR/unit')})",
            {"partner_surcharge": p.partner_surcharge - SURCHARGE_CUT}, keep,
            f"applies to each of the {fmt_qty(plan.expected_overflow_per_year, 'units/year')} "
            "expected at partners",
        ))
    if reservation_priced(p):
        # capacity newsvendor: reserving K* is reserving at coverage level 1 - fee / premium
        gamma = min(max(1.0 - p.reservation_fee / p.spot_premium, 0.5), 0.999)
        if abs(gamma - p.capacity_coverage_level) > 1e-3:
            out.append((
                f"Reserve the cost-optimal {fmt_qty(plan.cost_optimal_reservation, 'units/day')} "
                f"of partner capacity instead of "
                f"{fmt_qty(plan.partner_capacity_to_reserve, 'units/day')} (coverage level γ "
                f"{fmt_pct(p.capacity_coverage_level)} → {fmt_pct(gamma)})",
                {"capacity_coverage_level": gamma}, keep,
                "capacity newsvendor: P(W > C + K) = reservation fee / spot premium",
            ))
    if not plan.service_level_is_optimal:
        out.append((
            f"Set the service level to the profit-optimal {fmt_pct(plan.optimal_service_level)} "
            f"(now {fmt_pct(plan.service_level)})", {}, None,
            "the critical ratio minimises holding + ordering + SLA penalty cost",
        ))
    if p.lead_time_std > 0:
        new = p.lead_time_std * LEAD_TIME_STD_FACTOR
        out.append((
            f"Halve the lead-time variability σ_L from {fmt_qty(p.lead_time_std, 'days')} to "
            f"{fmt_qty(new, 'days')}", {"lead_time_std": new}, keep,
            "less protection demand spread needs less safety stock for the same service level",
        ))
    if p.lead_time_mean > LEAD_TIME_CUT_DAYS:
        new = p.lead_time_mean - LEAD_TIME_CUT_DAYS
        out.append((
            f"Shorten the lead time L from {fmt_qty(p.lead_time_mean, 'days')} to "
            f"{fmt_qty(new, 'days')}", {"lead_time_mean": new}, keep,
            "less demand to cover during replenishment",
        ))
    review = 1 if plan.review_period_days != 1 else 0
    out.append((
        f"Change the review cycle from {review_cycle_label(plan.review_period_days)} to "
        f"{review_cycle_label(review)}", {"review_period_days": review}, keep,
        "a shorter protection period (no review interval, less undershoot) needs less stock; "
        "the cost of reviewing more often is not in the data",
    ))
    return out


def rank_actions(plan: Any, ws: Workspace) -> list[Action]:
    """Candidate actions, each re-planned, ranked by their effect [EUR/year] (best first)."""
    actions = []
    for title, overrides, level, why in candidate_changes(plan):
        try:
            after = ws.plan_with(plan.params.with_overrides(**overrides), level)
        except PLANNING_ERRORS:
            continue
        effect = profit_delta(plan, after)
        detail = why
        if "internal_capacity" in overrides:
            added = overrides["internal_capacity"] - plan.params.internal_capacity
            if added > 0:
                detail += (f"; worth it if one unit/day of internal capacity costs less "
                           f"than {fmt_qty(effect / added, 'EUR/year')} (break-even)")
        actions.append(Action(title, effect, detail, after))
    return sorted(actions, key=lambda a: a.effect_per_year, reverse=True)

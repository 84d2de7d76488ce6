"""The offline analyst's standard sections: volatility, capacity, partners, resilience,
service level and network, written deterministically from the computed figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.figures import (
    CV_HIGH,
    CV_LOW,
    DEPENDENCY_HIGH,
    RESILIENCE_STRONG,
    RESILIENCE_WEAK,
    SHOCKS_LISTED,
    TREND_FLAT_PCT_PER_MONTH,
    cost_at,
    demand_trend,
    detect_shocks,
    lane_ref,
    network_rows,
    reorder_point_label,
    reservation_priced,
    review_cycle_label,
)
from domain import DAYS_PER_YEAR
from presentation.formatting import fmt_count, fmt_date, fmt_number, fmt_pct, fmt_qty, method_label

# --- offline analyst ----------------------------------------------------------------

SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "volatility": ("volatil", "trend", "spike", "shock", "season", "demand", "forecast",
                   "pattern", "variab", "peak", "surge"),
    "capacity": ("capacity", "breach", "utilis", "utiliz", "bottleneck", "overload", "when"),
    "partners": ("partner", "overflow", "depend", "cooperat", "surcharge", "outsourc"),
    "resilience": ("resilien", "risk", "robust", "fragil", "tail"),
    "service": ("service", "safety", "stock", "reorder", "fill", "sla", "penalt", "optimal",
                "recommend", "cost", "eoq", "order"),
    "network": ("network", "all lanes", "watchtower", "which lane", "portfolio", "overall"),
}


def _volatility(plan: Any) -> str:
    stats = plan.stats
    mean, std = stats.demand_mean, stats.demand_std
    cv = std / mean if mean > 0 else float("inf")
    level = "low" if cv < CV_LOW else "moderate" if cv < CV_HIGH else "high"
    trend = demand_trend(plan.history)
    pct = 100.0 * trend / mean if mean > 0 else 0.0
    if abs(pct) < TREND_FLAT_PCT_PER_MONTH:
        trend_text = f"flat ({fmt_qty(trend, 'units/day per month')})"
    else:
        direction = "rising" if trend > 0 else "falling"
        trend_text = (f"{direction} by {fmt_qty(abs(trend), 'units/day per month')} "
                      f"({fmt_number(abs(pct), decimals=1)} % of the mean per month)")
    text = (
        f"Demand averages {fmt_qty(mean, 'units/day')} with a standard deviation of "
        f"{fmt_qty(std, 'units/day')} (coefficient of variation {fmt_number(cv, decimals=2)}: "
        f"{level} volatility; pattern {plan.pattern}). Trend over the last year: {trend_text}. "
        f"Status {plan.status}: last 7 days {fmt_qty(plan.recent_mean, 'units/day')} vs. an own "
        f"level of {fmt_qty(plan.baseline_mean, 'units/day')}."
    )
    shocks = detect_shocks(plan.history)
    if shocks.spikes or shocks.drops:
        listed = "; ".join(
            f"{fmt_date(day)}: {fmt_qty(volume, 'units/day')} vs. typical "
            f"{fmt_qty(typical, 'units/day')}" for day, volume, typical in shocks.largest
        )
        text += (f" Demand shocks in the last year: {fmt_count(shocks.spikes, 'spike day')} and "
                 f"{fmt_count(shocks.drops, 'drop day')} (largest: {listed}). Shocks inflate the standard "
                 f"deviation and with it the safety stock.")
    else:
        text += " No demand shocks (spikes or drops) stand out in the last year."
    fc = plan.forecast
    if len(fc.mean):
        text += (f" Forecast ({method_label(fc.method)}): {fmt_qty(float(np.mean(fc.mean)), 'units/day')} on "
                 f"average over the next {len(fc.dates)} days.")
    return text


def _capacity(plan: Any) -> str:
    fc = plan.forecast
    text = (
        f"Mean workload incl. returns over the last year is "
        f"{fmt_qty(plan.stats.workload_mean, 'units/day')} against an internal capacity of "
        f"{fmt_qty(plan.internal_capacity, 'units/day')}: utilisation (mean workload / internal "
        f"capacity) {fmt_pct(plan.utilisation)}. On a share γ = "
        f"{fmt_pct(plan.capacity_coverage_level)} of days (capacity coverage level) the workload "
        f"stays below {fmt_qty(plan.required_capacity, 'units/day')}. The forecast workload "
        f"averages {fmt_qty(plan.forecast_workload_mean, 'units/day')} over the next "
        f"{len(fc.dates)} days, with {fmt_qty(fc.expected_overflow_total, 'units')} expected "
        f"above capacity."
    )
    horizon = f"{len(fc.dates)}-day horizon"
    if fc.first_breach_date is not None:
        text += (f" The mean forecast workload first exceeds internal capacity on "
                 f"{fmt_date(fc.first_breach_date)}.")
    elif fc.first_breach_date_upper is not None:
        text += (f" The mean forecast stays within capacity over the {horizon}, but the upper "
                 f"forecast bound breaches it first on {fmt_date(fc.first_breach_date_upper)}.")
    else:
        text += f" No capacity breach is forecast within the {horizon}, even at the upper bound."
    if plan.utilisation > 1.0:
        text += " Capacity risk: high; the lane cannot serve its target in-house."
    elif fc.first_breach_date_upper is not None:
        text += " Capacity risk: moderate; keep partner capacity on call."
    else:
        text += " Capacity risk: low."
    return text


def _partners(plan: Any) -> str:
    if plan.expected_overflow_per_year < 1.0 and plan.partner_capacity_to_reserve <= 0:
        return (f"No partner dependency: the workload fits into the internal capacity on "
                f"{fmt_pct(plan.capacity_coverage_level)} of days and the expected overflow is "
                f"{fmt_qty(plan.expected_overflow_per_year, 'units/year')} (partner dependency "
                f"{fmt_pct(plan.dependency_ratio)}; last 365 days replayed: "
                f"{fmt_qty(plan.overflow_last_year, 'units')}).")
    level = "high" if plan.dependency_ratio > DEPENDENCY_HIGH else "limited"
    text = (
        f"Partner dependency is {level}: "
        f"{fmt_qty(plan.expected_overflow_per_year, 'units/year')} expected overflow to partner "
        f"warehouses ({fmt_qty(plan.overflow_volume, 'units/day')} on average), "
        f"{fmt_pct(plan.dependency_ratio)} of the expected workload; the last 365 days, "
        f"replayed at today's capacity, sent {fmt_qty(plan.overflow_last_year, 'units')}. "
        f"Partner handling + surcharge cost "
        f"{fmt_qty(plan.partner_cost_per_day * DAYS_PER_YEAR, 'EUR/year')}, of which "
        f"{fmt_qty(plan.surcharge_cost_per_day * DAYS_PER_YEAR, 'EUR/year')} surcharge "
        f"({fmt_qty(plan.params.partner_surcharge, 'EUR/unit')}). Partner capacity to reserve "
        f"so internal + reserved capacity cover the workload on "
        f"{fmt_pct(plan.capacity_coverage_level)} of days: "
        f"{fmt_qty(plan.partner_capacity_to_reserve, 'units/day')}."
    )
    if reservation_priced(plan.params):
        text += (f" Cost-optimal reservation at the contract's fee and spot premium: "
                 f"{fmt_qty(plan.cost_optimal_reservation, 'units/day')}.")
    text += (f" Reservation fees + spot premium "
             f"{fmt_qty(plan.reservation_cost_per_year, 'EUR/year')}; cooperation cost in total "
             f"{fmt_qty(plan.cooperation_cost_per_year, 'EUR/year')}; money at stake "
             f"{fmt_qty(plan.money_at_stake_per_year, 'EUR/year')}.")
    return text


def _resilience(plan: Any) -> str:
    res = plan.resilience
    score = float(res.score)
    level = ("robust" if score >= RESILIENCE_STRONG
             else "fragile" if score < RESILIENCE_WEAK else "adequate")
    text = (
        f"Resilience index {fmt_number(score, decimals=0)} / 100 ({level}). The safety stock of "
        f"{fmt_qty(plan.safety_stock, 'units')} covers {fmt_pct(float(res.coverage))} of the "
        f"lane's own tail risk (99 % lead-time demand excursion "
        f"{fmt_qty(float(res.tail_risk), 'units')}); independence from partners "
        f"{fmt_pct(float(res.independence))}."
    )
    if float(res.coverage) < float(res.independence):
        text += " Weakest lever: buffer coverage; the history's tail is wider than the buffer."
    elif float(res.independence) < 1.0:
        text += " Weakest lever: independence; part of the volume relies on partners."
    return text


def _service(plan: Any) -> str:
    opt = plan.optimal_service_level
    text = (
        f"Recommended cycle service level: {fmt_pct(opt)}, the critical ratio "
        f"p / (p + h·T) with SLA penalty p = {fmt_qty(plan.underage_cost, 'EUR/unit short')} "
        f"and h·T = {fmt_qty(plan.overage_cost, 'EUR/unit per cycle')} (T = one review "
        f"cycle); it maximises the expected profit "
        f"({fmt_qty(plan.expected_profit_per_year, 'EUR/year')}) and minimises the total "
        f"inventory cost (holding + ordering + SLA penalties) at "
        f"{fmt_qty(plan.cost_curve.optimum_total, 'EUR/year')}."
    )
    if plan.service_level_is_optimal:
        text += " The plan uses this level."
    else:
        gap = cost_at(plan, plan.service_level) - plan.cost_curve.optimum_total
        text += (f" The plan uses {fmt_pct(plan.service_level)} instead, which costs "
                 f"about {fmt_qty(max(gap, 0.0), 'EUR/year')} more.")
    text += (
        f" At the target, {review_cycle_label(plan.review_period_days)}: safety stock "
        f"{fmt_qty(plan.safety_stock, 'units')}, {reorder_point_label(plan.review_period_days)} "
        f"{fmt_qty(plan.reorder_point, 'units')} (cycle service level achieved "
        f"{fmt_pct(plan.cycle_service_level)}), order quantity "
        f"{fmt_qty(plan.order_quantity, 'units/order')}, fill rate "
        f"{fmt_pct(plan.fill_rate, decimals=2)}, expected SLA penalties "
        f"{fmt_qty(plan.penalty_cost_per_year, 'EUR/year')}, total inventory cost "
        f"{fmt_qty(plan.inventory_cost_per_year, 'EUR/year')}."
    )
    if plan.review_period_days == 1 and abs(plan.textbook_reorder_point - plan.reorder_point) >= 1:
        text += (
            f" The continuous-review textbook reorder point "
            f"{fmt_qty(plan.textbook_reorder_point, 'units')} is only a comparison: checked once "
            f"a day it would deliver {fmt_pct(plan.daily_review_service_level)} (undershoot)."
        )
    return text


def network_section(network: Any) -> str:
    n = len(network.table)
    text = (
        f"Network of {n} lanes as of {fmt_date(network.as_of)}: expected overflow to partners "
        f"{fmt_qty(network.total_expected_overflow_per_year, 'units/year')} "
        f"({fmt_qty(network.total_overflow_volume, 'units/day')} on average; the last 365 days, "
        f"replayed at today's capacity: {fmt_qty(network.total_overflow_last_year, 'units')}) "
        f"on {len(network.lanes_overflowing)} lanes, "
        f"{fmt_pct(network.network_dependency_ratio)} network dependency; partner capacity to "
        f"reserve {fmt_qty(network.total_partner_capacity_to_reserve, 'units/day')} against "
        f"{fmt_qty(network.total_internal_capacity, 'units/day')} internal; money at stake "
        f"{fmt_qty(network.total_money_at_stake_per_year, 'EUR/year')} (surcharge "
        f"{fmt_qty(network.total_surcharge_cost_per_year, 'EUR/year')}, expected SLA penalties "
        f"{fmt_qty(network.total_penalty_cost_per_year, 'EUR/year')}); expected profit "
        f"{fmt_qty(network.total_expected_profit_per_year, 'EUR/year')}."
    )
    rows = network_rows(network, limit=SHOCKS_LISTED)
    if rows:
        top = "; ".join(f"{lane_ref(r['lane'])} {r['money_at_stake']} ({r['status']}, expected "
                        f"overflow {r['expected_overflow']})" for r in rows)
        text += f" Most money at stake: {top}."
    alerts = {k: v for k, v in network.status_counts.items() if k != "Normal" and v}
    if alerts:
        text += " Alerts: " + ", ".join(f"{v} x {k}" for k, v in sorted(alerts.items())) + "."
    return text


SECTION_TITLES = {
    "volatility": "Volatility and trend",
    "capacity": "Capacity risk",
    "partners": "Partner dependency",
    "resilience": "Resilience",
    "service": "Recommended service level",
    "network": "Network",
}
LANE_SECTIONS = ("volatility", "capacity", "partners", "resilience", "service")
_WRITERS: dict[str, Callable[[Any], str]] = {
    "volatility": _volatility, "capacity": _capacity, "partners": _partners,
    "resilience": _resilience, "service": _service,
}


def offline_analysis(
    plan: Any | None, network: Any | None = None, *, sections: Sequence[str] | None = None,
) -> str:
    """Deterministic Markdown analysis of the plan (and network) from the computed figures."""
    wanted = tuple(sections) if sections else (*LANE_SECTIONS, "network")
    lines: list[str] = []
    if plan is not None and any(s in LANE_SECTIONS for s in wanted):
        lines.append(f"**Lane {lane_ref(plan.lane)}** (data {fmt_date(plan.history.index.min())} "
                     f"to {fmt_date(plan.history.index.max())})")
        for name in LANE_SECTIONS:
            if name in wanted:
                lines.append(f"- **{SECTION_TITLES[name]}.** {_WRITERS[name](plan)}")
        lines.extend(f"- Note: {note}" for note in plan.notes)
    if network is not None and "network" in wanted and len(network.table):
        lines.append(f"- **{SECTION_TITLES['network']}.** {network_section(network)}")
    if not lines:
        return "No plan is available yet: load demand data for a lane first."
    return "\n".join(lines)


def offline_answer(question: str, plan: Any | None, network: Any | None) -> str:
    """Pick the analysis sections whose keywords the question mentions (all when none match)."""
    q = (question or "").lower()
    picked = [name for name, words in SECTION_KEYWORDS.items() if any(w in q for w in words)]
    return offline_analysis(plan, network, sections=picked or None)

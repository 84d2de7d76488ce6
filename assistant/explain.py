"""Explain a planning term: its definition, formula with source, and this lane's numbers.

Each writer takes a ``planning.LanePlan`` and only formats its fields (no new math).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.stats import norm

from assistant.figures import lane_ref, reorder_point_label, reservation_priced, review_cycle_label
from domain import DAYS_PER_YEAR
from presentation.formatting import fmt_number, fmt_pct, fmt_qty, method_label


def _score(v: float) -> str:
    return f"{fmt_number(v, decimals=0)} / 100"


def _explain_eoq(p: Any) -> str:
    k, h = p.params.order_cost, p.params.holding_cost
    return (
        f"**EOQ (economic order quantity)** is the order size that balances ordering and "
        f"holding cost: Q* = √(2·D·K / h) (Harris 1913), with annual demand D, order cost K "
        f"and holding cost h. For {lane_ref(p.lane)}: D = {fmt_qty(p.annual_demand, 'units/year')}, "
        f"K = {fmt_qty(k, 'EUR/order')}, h = {fmt_qty(h, 'EUR/unit/year')} → "
        f"Q* = {fmt_qty(p.order_quantity, 'units/order')}, i.e. "
        f"{fmt_number(p.orders_per_year, decimals=1)} orders/year costing "
        f"{fmt_qty(p.ordering_cost_per_year, 'EUR/year')} in ordering and "
        f"{fmt_qty(p.holding_cost_per_year, 'EUR/year')} in holding (buffer + cycle stock)."
    )


def _explain_safety_stock(p: Any) -> str:
    prm = p.params
    return (
        f"**Safety stock** is the expected net stock when a replenishment arrives: SS = r − E[X], "
        f"X = demand over the protection period of the lane's review cycle "
        f"({review_cycle_label(p.review_period_days)}: lead time, plus the daily undershoot or the "
        f"review period). For {lane_ref(p.lane)}: α = {fmt_pct(p.service_level)} (z = "
        f"{fmt_number(p.z, decimals=2)}), L = {fmt_qty(prm.lead_time_mean, 'days')}, σ_L = "
        f"{fmt_qty(prm.lead_time_std, 'days')}, D = {fmt_qty(p.stats.demand_mean, 'units/day')}, "
        f"σ_D = {fmt_qty(p.stats.demand_std, 'units/day')} → E[X] = "
        f"{fmt_qty(p.protection_demand_mean, 'units')}, σ_X = "
        f"{fmt_qty(p.protection_demand_std, 'units')}, {reorder_point_label(p.review_period_days)} "
        f"= {fmt_qty(p.reorder_point, 'units')} and SS = {fmt_qty(p.safety_stock, 'units')}. "
        f"The continuous-review textbook SS = z·σ_LTD with σ_LTD = √(L·σ_D² + D²·σ_L²) = "
        f"{fmt_qty(p.lead_time_demand_std, 'units')} (Silver, Pyke & Thomas 2017, ch. 6) is only "
        f"a comparison."
    )


def _explain_fill_rate(p: Any) -> str:
    return (
        f"**Fill rate vs cycle service level.** The cycle service level α is the probability "
        f"of no stockout in a replenishment cycle; the fill rate β is the share of demand "
        f"served from stock: β = 1 − ESC / (demand per cycle), ESC = E[(X − r)⁺] the expected "
        f"units short per cycle, X the demand over the protection period of the lane's review "
        f"cycle ({review_cycle_label(p.review_period_days)}, undershoot included). β is usually "
        f"higher than α because a stockout cycle still serves most units. For "
        f"{lane_ref(p.lane)}: target α = {fmt_pct(p.service_level)}, achieved on the review "
        f"cycle {fmt_pct(p.cycle_service_level)}, ESC = "
        f"{fmt_qty(p.expected_shortage_per_cycle, 'units')} per cycle, "
        f"{fmt_number(p.orders_per_year, decimals=1)} cycles/year → β = "
        f"{fmt_pct(p.fill_rate, decimals=2)} ({fmt_qty(p.expected_shortage_per_year, 'units/year')}"
        f" short, SLA penalties {fmt_qty(p.penalty_cost_per_year, 'EUR/year')})."
    )


def _explain_critical_ratio(p: Any) -> str:
    cycle = ("T = Q/D" if p.review_period_days < 2
             else f"T = R/365 with R = {p.review_period_days} days")
    return (
        f"**Critical ratio**: the profit-optimal cycle service level α* = p / (p + h·T), with "
        f"underage cost Cu = SLA penalty p [EUR/unit short] and overage cost Co = h·T, the cost "
        f"of holding one unit of buffer for one replenishment cycle ({cycle} [years]); it "
        f"maximises the expected profit exactly because capacity costs do not depend on α "
        f"(Hadley & Whitin 1963, §4.7). For {lane_ref(p.lane)}: Cu = "
        f"{fmt_qty(p.underage_cost, 'EUR/unit short')}, Co = "
        f"{fmt_qty(p.overage_cost, 'EUR/unit per cycle')} → α* = "
        f"{fmt_pct(p.optimal_service_level)}, the minimum of the total inventory cost curve "
        f"(holding + ordering + SLA penalties) at "
        f"{fmt_qty(p.cost_curve.optimum_total, 'EUR/year')}. The plan uses "
        f"{fmt_pct(p.service_level)}."
    )


def _explain_resilience(p: Any) -> str:
    r = p.resilience
    w = r.weights[0]
    return (
        f"**Resilience index** (0–100) = 100·(w·coverage + (1 − w)·independence), w = "
        f"{fmt_number(w, decimals=2)}; coverage = min(1, SS / tail risk), where the tail risk is "
        f"the lane's own 99 % lead-time demand excursion from its history; independence = "
        f"1 − partner dependency. For {lane_ref(p.lane)}: SS = {fmt_qty(p.safety_stock, 'units')}, "
        f"tail risk {fmt_qty(float(r.tail_risk), 'units')} → coverage "
        f"{fmt_pct(float(r.coverage))}; independence {fmt_pct(float(r.independence))} → index "
        f"{_score(float(r.score))}."
    )


def _explain_dependency(p: Any) -> str:
    return (
        f"**Partner dependency** δ = expected partner volume / expected workload: the share of "
        f"the lane's handling that partners carry. For {lane_ref(p.lane)}: "
        f"{fmt_qty(p.expected_overflow_per_year, 'units/year')} expected overflow / "
        f"{fmt_qty(p.expected_workload_per_year, 'units/year')} expected workload = "
        f"{fmt_pct(p.dependency_ratio)}."
    )


def _overflow_formula(p: Any) -> str:
    if p.overflow_model == "empirical":
        return ("E[overflow] = 365/7 · Σ_{d = Mon..Sun} mean over the lane's last 365 days of "
                "(W_i − C_d)⁺ [units/year] (daily demand too skewed for the normal: the lane's "
                "own days)")
    return ("E[overflow] = 365/7 · Σ_{d = Mon..Sun} E[(W − C_d)⁺] [units/year], "
            "E[(W − C)⁺] = σ_W·G((C − μ_W)/σ_W) [units/day] with G the standard normal loss "
            "function (Silver, Pyke & Thomas 2017, eq. 6.11)")


def _explain_overflow(p: Any) -> str:
    rr = p.params.return_rate
    fc = p.forecast
    return (
        f"**Overflow** is the workload above internal capacity, sent to partner warehouses: an "
        f"expected flow, {_overflow_formula(p)}, with workload W = demand × (1 + return rate) "
        f"and C_d the internal capacity of weekday d. For {lane_ref(p.lane)}: return rate "
        f"{fmt_pct(rr)}, μ_W = {fmt_qty(p.stats.workload_mean, 'units/day')}, σ_W = "
        f"{fmt_qty(p.stats.workload_std, 'units/day')}, internal capacity "
        f"{fmt_qty(p.internal_capacity, 'units/day')} → expected overflow "
        f"{fmt_qty(p.expected_overflow_per_year, 'units/year')} "
        f"({fmt_qty(p.overflow_volume, 'units/day')} on average), costing "
        f"{fmt_qty(p.surcharge_cost_per_day * DAYS_PER_YEAR, 'EUR/year')} in partner surcharge "
        f"({fmt_qty(p.params.partner_surcharge, 'EUR/unit')} on top of handling). The lane's own "
        f"last 365 days, replayed at today's capacity (Σ (D_t(1 + r) − C_t)⁺), sent "
        f"{fmt_qty(p.overflow_last_year, 'units')}; the next {len(fc.dates)} forecast days "
        f"expect {fmt_qty(fc.expected_overflow_total, 'units')}."
    )


def _explain_required_capacity(p: Any) -> str:
    return (
        f"**Required capacity (coverage quantile)** C_γ = μ_W + z(γ)·σ_W [units/day]: the daily "
        f"workload that is not exceeded on a share γ of days, γ = the lane's capacity coverage "
        f"level (its own master-data setting, not the inventory service level α). It sizes the "
        f"**partner capacity to reserve** K_γ = max(0, C_γ − C_d) [units/day] (largest over "
        f"weekdays): a capacity to hold ready, not a daily volume. For {lane_ref(p.lane)}: "
        f"γ = {fmt_pct(p.capacity_coverage_level)} (z = "
        f"{fmt_number(float(norm.ppf(p.capacity_coverage_level)), decimals=2)}), μ_W = "
        f"{fmt_qty(p.stats.workload_mean, 'units/day')}, σ_W = "
        f"{fmt_qty(p.stats.workload_std, 'units/day')} → C_γ = "
        f"{fmt_qty(p.required_capacity, 'units/day')} vs internal "
        f"{fmt_qty(p.internal_capacity, 'units/day')} → K_γ = "
        f"{fmt_qty(p.partner_capacity_to_reserve, 'units/day')}. The volume actually expected "
        f"at partners is the expected overflow, {fmt_qty(p.overflow_volume, 'units/day')}."
    )


def _explain_reservation(p: Any) -> str:
    prm = p.params
    text = (
        f"**Reservation** books partner capacity ahead so that overflow has a place to go. "
        f"Sized on the capacity coverage level γ: K_γ = max(0, μ_W + z(γ)·σ_W − C) [units/day]; "
        f"for {lane_ref(p.lane)} at γ = {fmt_pct(p.capacity_coverage_level)}: "
        f"{fmt_qty(p.partner_capacity_to_reserve, 'units/day')}. "
    )
    if reservation_priced(prm):
        ratio = prm.reservation_fee / prm.spot_premium
        text += (
            f"With a reservation fee f = {fmt_qty(prm.reservation_fee, 'EUR/unit/day', decimals=2)} per "
            f"reserved unit and day and a spot premium s = {fmt_qty(prm.spot_premium, 'EUR/unit')}"
            f", the capacity newsvendor gives the cost-optimal reservation K* with "
            f"P(W > C + K*) = f / s = {fmt_pct(ratio)} (Arrow, Harris & Marschak 1951): "
            f"K* = {fmt_qty(p.cost_optimal_reservation, 'units/day')}. "
        )
    else:
        text += ("The master data hold no priced reservation contract (reservation fee and a "
                 "spot premium above it), so no cost-optimal reservation is computed. ")
    return text + (f"Reservation fees + spot premium: "
                   f"{fmt_qty(p.reservation_cost_per_year, 'EUR/year')}.")


def _explain_mase(p: Any) -> str:
    fc = p.forecast
    scores = sorted((v, k) for k, v in fc.backtest_mase.items() if np.isfinite(v))
    listed = ", ".join(f"{method_label(k)} {fmt_number(v, decimals=2)}" for v, k in scores)
    return (
        "**MASE** (mean absolute scaled error, Hyndman & Koehler 2006) = mean |error| of a "
        "method on the backtest holdout / mean |error| of the naive forecast in-sample; below "
        "1 beats the naive forecast. The lowest backtest MASE picks the method. For "
        f"{lane_ref(p.lane)}: {listed or 'no backtest (history too short)'}; chosen: "
        f"{method_label(fc.method)}."
    )


def _explain_reorder_point(p: Any) -> str:
    name = reorder_point_label(p.review_period_days)
    if p.review_period_days >= 2:
        how = (f"every R = {p.review_period_days} days order up to S, with P(X ≤ S) = α and X "
               f"the demand over R + L (Silver, Pyke & Thomas 2017, eqs. 8.5–8.8)")
    elif p.review_period_days == 1:
        how = ("stock is checked once a day, so when an order goes out the inventory position is "
               "already below r by the undershoot U; r solves P(X ≤ r) = α with X = lead-time "
               "demand + U (Hadley & Whitin 1963, §5.2)")
    else:
        how = "continuous review: r solves P(X ≤ r) = α with X the lead-time demand"
    return (
        f"**{name[0].upper() + name[1:]}** for the lane's review cycle: {how}. For "
        f"{lane_ref(p.lane)}: E[X] = {fmt_qty(p.protection_demand_mean, 'units')}, σ_X = "
        f"{fmt_qty(p.protection_demand_std, 'units')}, α = {fmt_pct(p.service_level)} → "
        f"{fmt_qty(p.reorder_point, 'units')} (safety stock {fmt_qty(p.safety_stock, 'units')}), "
        f"achieving α = {fmt_pct(p.cycle_service_level)}. For comparison only: the "
        f"continuous-review textbook r = D·L + z·σ_LTD = "
        f"{fmt_qty(p.textbook_reorder_point, 'units')}, which reviewed once a day would deliver "
        f"α = {fmt_pct(p.daily_review_service_level)}."
    )


EXPLAINERS: dict[str, Callable[[Any], str]] = {
    "eoq": _explain_eoq, "safety_stock": _explain_safety_stock, "fill_rate": _explain_fill_rate,
    "cycle_service_level": _explain_fill_rate, "critical_ratio": _explain_critical_ratio,
    "resilience": _explain_resilience, "dependency": _explain_dependency, "mase": _explain_mase,
    "overflow": _explain_overflow, "reservation": _explain_reservation,
    "reorder_point": _explain_reorder_point, "required_capacity": _explain_required_capacity,
}


def explain(terms: Sequence[str], plan: Any) -> str:
    """Each term's definition, formula and this lane's numbers (one paragraph per writer)."""
    seen, parts = set(), []
    for term in terms:
        writer = EXPLAINERS.get(term)
        if writer and writer not in seen:
            seen.add(writer)
            parts.append(writer(plan))
    return "\n\n".join(parts)

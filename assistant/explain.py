"""Explain a planning term: its definition, formula with source, and this lane's numbers.

Each writer takes a ``planning.LanePlan`` and only formats its fields (no new math).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.figures import lane_ref
from domain import DAYS_PER_YEAR
from formatting import fmt_number, fmt_pct, fmt_qty, method_label


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
        f"**Safety stock** is the buffer above expected lead-time demand: SS = z(α)·σ_LTD with "
        f"σ_LTD = √(L·σ_D² + D²·σ_L²) (Silver, Pyke & Thomas 2017, ch. 6). For "
        f"{lane_ref(p.lane)}: α = {fmt_pct(p.service_level)} → z = {fmt_number(p.z, decimals=2)}; "
        f"L = {fmt_qty(prm.lead_time_mean, 'days')}, σ_L = {fmt_qty(prm.lead_time_std, 'days')}, "
        f"D = {fmt_qty(p.stats.demand_mean, 'units/day')}, σ_D = "
        f"{fmt_qty(p.stats.demand_std, 'units/day')} → σ_LTD = "
        f"{fmt_qty(p.lead_time_demand_std, 'units')} and SS = {fmt_qty(p.safety_stock, 'units')}."
    )


def _explain_fill_rate(p: Any) -> str:
    return (
        f"**Fill rate vs cycle service level.** The cycle service level α is the probability "
        f"of no stockout in a replenishment cycle; the fill rate β is the share of demand "
        f"served from stock: β = 1 − E[shortage per cycle] / Q, with E[shortage] = "
        f"σ_LTD·G(z) (standard normal loss function). β is usually higher than α because a "
        f"stockout cycle still serves most units. For {lane_ref(p.lane)}: α = "
        f"{fmt_pct(p.service_level)}, expected shortage "
        f"{fmt_qty(p.expected_shortage_per_cycle, 'units')} per cycle, Q = "
        f"{fmt_qty(p.order_quantity, 'units/order')} → β = {fmt_pct(p.fill_rate, decimals=2)} "
        f"({fmt_qty(p.expected_shortage_per_year, 'units/year')} short)."
    )


def _explain_critical_ratio(p: Any) -> str:
    return (
        f"**Critical ratio** (newsvendor logic on the (r, Q) cost model): the profit-optimal "
        f"cycle service level α* = Cu / (Cu + Co), with underage cost Cu = SLA penalty p per "
        f"unit short and overage cost Co = h·Q / D per unit of buffer per cycle. For "
        f"{lane_ref(p.lane)}: Cu = {fmt_qty(p.underage_cost, 'EUR/unit short')}, Co = "
        f"{fmt_qty(p.overage_cost, 'EUR/unit per cycle')} → α* = "
        f"{fmt_pct(p.optimal_service_level)}, the minimum of the annual cost curve at "
        f"{fmt_qty(p.cost_curve.optimum_total, 'EUR/year')}. The plan uses "
        f"{fmt_pct(p.service_level)}."
    )


def _explain_resilience(p: Any) -> str:
    r = p.resilience
    w = r.weights[0] if getattr(r, "weights", None) else 0.5
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
        f"**Partner dependency** δ = overflow / required capacity: the share of the daily "
        f"handling need that partners carry. For {lane_ref(p.lane)}: overflow "
        f"{fmt_qty(p.overflow_volume, 'units/day')} / required "
        f"{fmt_qty(p.required_capacity, 'units/day')} = {fmt_pct(p.dependency_ratio)}."
    )


def _explain_overflow(p: Any) -> str:
    rr = p.params.return_rate
    return (
        f"**Overflow** O = max(0, C_req − C_max): the daily volume internal capacity cannot "
        f"handle, which goes to partner warehouses. C_req = μ_W + z(α)·σ_W with workload W = "
        f"demand × (1 + return rate). For {lane_ref(p.lane)}: return rate {fmt_pct(rr)}, "
        f"μ_W = {fmt_qty(p.stats.workload_mean, 'units/day')}, σ_W = "
        f"{fmt_qty(p.stats.workload_std, 'units/day')}, z = {fmt_number(p.z, decimals=2)} → "
        f"C_req = {fmt_qty(p.required_capacity, 'units/day')} vs C_max = "
        f"{fmt_qty(p.internal_capacity, 'units/day')} → O = "
        f"{fmt_qty(p.overflow_volume, 'units/day')}, costing "
        f"{fmt_qty(p.surcharge_cost_per_day * DAYS_PER_YEAR, 'EUR/year')} in partner surcharge "
        f"({fmt_qty(p.params.partner_surcharge, 'EUR/unit')} on top of handling)."
    )


def _explain_reservation(p: Any) -> str:
    reserve = getattr(p, "partner_capacity_to_reserve", None)
    text = (
        "**Reservation** means booking partner capacity ahead so that overflow has a place "
        "to go; it is sized on the daily overflow O = max(0, C_req − C_max). "
    )
    if reserve is not None:
        return text + (f"For {lane_ref(p.lane)} the plan reserves "
                       f"{fmt_qty(float(reserve), 'units/day')} of partner capacity.")
    return text + (f"For {lane_ref(p.lane)} that is {fmt_qty(p.overflow_volume, 'units/day')} "
                   f"(required {fmt_qty(p.required_capacity, 'units/day')} vs internal "
                   f"{fmt_qty(p.internal_capacity, 'units/day')}).")


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
    return (
        f"**Reorder point** r = μ_LTD + SS: order when stock falls to r. For {lane_ref(p.lane)}: "
        f"μ_LTD = {fmt_qty(p.lead_time_demand_mean, 'units')} + SS "
        f"{fmt_qty(p.safety_stock, 'units')} = {fmt_qty(p.reorder_point, 'units')}."
    )


def _explain_required_capacity(p: Any) -> str:
    return _explain_overflow(p)


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

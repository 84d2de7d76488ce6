"""Markdown tables of the assistant: lanes side by side, and a lane before/after a change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.figures import lane_ref
from assistant.workspace import money_at_stake
from domain import DAYS_PER_YEAR
from presentation.formatting import fmt_number, fmt_pct, fmt_qty

# --- one row of a comparison / before-after table -------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Any], float]
    show: Callable[[float], str]
    better: int = 0  # +1 higher is better, -1 lower is better, 0 neutral


def _qty(unit: str) -> Callable[[float], str]:
    return lambda v: fmt_qty(v, unit)


def _pct(decimals: int = 1) -> Callable[[float], str]:
    return lambda v: fmt_pct(v, decimals=decimals)


def format_score(v: float) -> str:
    return f"{fmt_number(v, decimals=0)} / 100"


COMPARE_ROWS: tuple[Row, ...] = (
    Row("mean demand", lambda p: p.stats.demand_mean, _qty("units/day")),
    Row("internal capacity", lambda p: p.internal_capacity, _qty("units/day"), +1),
    Row("utilisation (mean workload / capacity)", lambda p: p.utilisation, _pct(), -1),
    Row("expected overflow to partners", lambda p: p.expected_overflow_per_year,
        _qty("units/year"), -1),
    Row("expected overflow per day", lambda p: p.overflow_volume, _qty("units/day"), -1),
    Row("overflow last 365 days (replay)", lambda p: p.overflow_last_year, _qty("units"), -1),
    Row("partner capacity to reserve (at γ)", lambda p: p.partner_capacity_to_reserve,
        _qty("units/day"), -1),
    Row("partner dependency", lambda p: p.dependency_ratio, _pct(), -1),
    Row("target service level", lambda p: p.service_level, _pct()),
    Row("safety stock", lambda p: p.safety_stock, _qty("units")),
    Row("reorder point", lambda p: p.reorder_point, _qty("units")),
    Row("fill rate", lambda p: p.fill_rate, _pct(2), +1),
    Row("resilience index", lambda p: float(p.resilience.score), format_score, +1),
    Row("expected SLA penalties", lambda p: p.penalty_cost_per_year, _qty("EUR/year"), -1),
    Row("partner surcharge", lambda p: p.surcharge_cost_per_day * DAYS_PER_YEAR,
        _qty("EUR/year"), -1),
    Row("reservation fees + spot premium", lambda p: p.reservation_cost_per_year,
        _qty("EUR/year"), -1),
    Row("money at stake (surcharge + fees + premium + penalties)", money_at_stake,
        _qty("EUR/year"), -1),
    Row("expected profit", lambda p: p.expected_profit_per_year, _qty("EUR/year"), +1),
)
WHAT_IF_ROWS = tuple(r for r in COMPARE_ROWS
                     if r.label not in ("mean demand", "overflow last 365 days (replay)"))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def clean(cell: str) -> str:
        return str(cell).replace("|", "/").replace("\n", " ")

    lines = ["| " + " | ".join(clean(h) for h in headers) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
    lines += ["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def comparison_table(plans: Sequence[Any]) -> str:
    """Lanes side by side (Markdown table), every figure with its unit."""
    header = ["figure", *(lane_ref(p.lane) for p in plans)]
    body = [[r.label, *(r.show(r.value(p)) for p in plans)] for r in COMPARE_ROWS]
    body.insert(0, ["status / pattern", *(f"{p.status}, {p.pattern}" for p in plans)])
    return _table(header, body)


def before_after_table(before: Any, after: Any) -> str:
    """The figures of two plans of the same lane with their change."""
    body = []
    for r in WHAT_IF_ROWS:
        a, b = r.value(before), r.value(after)
        delta = b - a
        if r.show(a) == r.show(b):
            change = "unchanged"
        elif "%" in r.show(a):
            change = f"{'+' if delta > 0 else ''}{fmt_number(100 * delta, decimals=1)} pp"
        else:
            change = ("+" if delta > 0 else "") + r.show(delta)
        body.append([r.label, r.show(a), r.show(b), change])
    return _table(["figure", "now", "what-if", "change"], body)

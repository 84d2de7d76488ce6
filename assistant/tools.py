"""Planning tools Gemini may call (function calling): the same functions the offline
analyst and the dashboard use, so the model's numbers come from our math.

Each tool takes JSON arguments, plans through the :class:`Workspace` and returns
JSON-able figures formatted with units.  Errors come back as ``{"error": ...}``
so the model can say what went wrong instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from assistant.actions import PLANNING_ERRORS, profit_delta, rank_actions
from assistant.figures import lane_figures, network_rows, reconciliation_rows
from assistant.tables import COMPARE_ROWS
from assistant.workspace import Workspace, check_change
from domain import MASTER_DATA_FIELDS
from presentation.formatting import fmt_qty

MAX_COMPARE = 6
MAX_TOP = 20
RECONCILE_REPLICATIONS = 1_000  # the Risk tab's reconciliation (views/cached_sim.reconcile)

# what-if arguments: tool argument -> (master-data field, scale to the stored unit)
OVERRIDE_ARGS: dict[str, tuple[str, float]] = {
    "internal_capacity": ("internal_capacity", 1.0),
    "lead_time_mean": ("lead_time_mean", 1.0),
    "lead_time_std": ("lead_time_std", 1.0),
    "partner_surcharge": ("partner_surcharge", 1.0),
    "review_period_days": ("review_period_days", 1.0),
    "capacity_coverage_level_pct": ("capacity_coverage_level", 0.01),
    "reservation_fee": ("reservation_fee", 1.0),
    "spot_premium": ("spot_premium", 1.0),
    "holding_cost": ("holding_cost", 1.0),
    "penalty_cost": ("penalty_cost", 1.0),
    "order_cost": ("order_cost", 1.0),
    "return_rate_pct": ("return_rate", 0.01),
}


def _summary(plan: Any) -> dict[str, str]:
    return {r.label: r.show(r.value(plan)) for r in COMPARE_ROWS}


def tool_plan_lane(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """Plan one lane, optionally with what-if overrides; before/after when changed."""
    lane = str(args.get("lane") or (ws.selected.lane if ws.selected is not None else ""))
    if lane not in ws.lanes:
        return {"error": f"lane {lane!r} does not exist", "lanes": list(ws.lanes[:50])}
    try:
        base = ws.plan(lane)
        overrides: dict[str, float] = {}
        problems: list[str] = []
        for arg, (name, scale) in OVERRIDE_ARGS.items():
            if args.get(arg) is not None:
                value = float(args[arg]) * scale
                if name == "review_period_days":
                    value = int(round(value))
                problem = check_change(name, value)
                if problem:
                    problems.append(problem)
                else:
                    overrides[name] = value
        level = ws.scenario_service_level(base)
        if args.get("service_level_pct") is not None:
            value = float(args["service_level_pct"]) / 100.0
            problem = check_change("service_level", value)
            if problem:
                problems.append(problem)
            else:
                level = value
        if problems:
            return {"error": "; ".join(problems)}
        changed = bool(overrides) or level != ws.scenario_service_level(base)
        if not changed:
            return {"lane": lane, "figures": {f.label: f.text for f in lane_figures(base)}}
        after = ws.plan_with(base.params.with_overrides(**overrides), level)
    except PLANNING_ERRORS as exc:
        return {"error": str(exc)}
    return {
        "lane": lane, "changes": {k: v for k, v in args.items() if k != "lane"},
        "before": _summary(base), "after": _summary(after),
        "change_of_expected_profit": fmt_qty(profit_delta(base, after), "EUR/year"),
    }


def tool_compare_lanes(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """Key figures of several lanes side by side."""
    lanes = [str(c) for c in (args.get("lanes") or [])][:MAX_COMPARE]
    out: dict[str, Any] = {}
    for lane in lanes:
        if lane not in ws.lanes:
            out[lane] = {"error": "lane does not exist"}
            continue
        try:
            out[lane] = _summary(ws.plan(lane))
        except PLANNING_ERRORS as exc:
            out[lane] = {"error": str(exc)}
    return {"lanes": out}


def tool_list_top_risks(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """Lanes with the most money at stake (watchtower order)."""
    if ws.network is None:
        return {"error": "no network data"}
    n = max(1, min(int(args.get("n") or 5), MAX_TOP))
    return {"top_lanes_by_money_at_stake": network_rows(ws.network, limit=n),
            "lanes_total": len(ws.network.table)}


def tool_recommend_actions(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """Actions for a lane ranked by their effect on expected profit, each re-planned."""
    lane = str(args.get("lane") or "")
    if lane not in ws.lanes:
        return {"error": f"lane {lane!r} does not exist"}
    try:
        actions = rank_actions(ws.plan(lane), ws)
    except PLANNING_ERRORS as exc:
        return {"error": str(exc)}
    return {"lane": lane, "actions": [
        {"action": a.title, "effect_on_expected_profit": fmt_qty(a.effect_per_year, "EUR/year"),
         "note": a.detail} for a in actions]}


def tool_simulate_lane(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """Plan vs last 365 days vs Monte Carlo twin: the Risk tab's reconciliation table."""
    from planning import reconciliation

    lane = str(args.get("lane") or "")
    if lane not in ws.lanes:
        return {"error": f"lane {lane!r} does not exist"}
    try:
        rec = reconciliation.reconcile(ws.plan(lane), replications=RECONCILE_REPLICATIONS,
                                       seed=reconciliation.RECONCILE_SEED)
    except PLANNING_ERRORS as exc:
        return {"error": str(exc)}
    return {
        "lane": lane, "simulated_years": rec.replications, "horizon": "365 days per year",
        "rows": reconciliation_rows(rec),
        "explanations": list(rec.explanations),
    }


TOOLS: dict[str, Callable[[Workspace, Mapping[str, Any]], dict[str, Any]]] = {
    "plan_lane": tool_plan_lane,
    "simulate_lane": tool_simulate_lane,
    "compare_lanes": tool_compare_lanes,
    "list_top_risks": tool_list_top_risks,
    "recommend_actions": tool_recommend_actions,
}


def _number(description: str) -> dict[str, Any]:
    return {"type": "number", "description": description}


def declarations() -> list[dict[str, Any]]:
    """JSON-schema declarations of :data:`TOOLS` (name, description, parameters)."""
    units = {name: unit for name, (_lo, _hi, unit) in MASTER_DATA_FIELDS.items()}
    plan_props: dict[str, Any] = {"lane": {"type": "string", "description": "lane code"}}
    for arg, (name, _scale) in OVERRIDE_ARGS.items():
        unit = "%" if arg.endswith("_pct") else units[name]
        plan_props[arg] = _number(f"what-if value of {name.replace('_', ' ')} [{unit}]")
    plan_props["service_level_pct"] = _number("what-if target cycle service level [%], 50-99.9")
    return [
        {"name": "plan_lane",
         "description": "Plan a lane with the dashboard's planning engine. Without overrides: "
                        "all figures with units. With overrides (what-if): before, after and "
                        "the change of expected profit [EUR/year].",
         "parameters": {"type": "object", "properties": plan_props, "required": ["lane"]}},
        {"name": "compare_lanes",
         "description": "Key figures of several lanes side by side, each with its unit: "
                        "expected overflow to partners [units/year and units/day], overflow of "
                        "the last 365 days replayed [units], partner capacity to reserve at the "
                        "capacity coverage level [units/day], service, resilience, money at "
                        "stake [EUR/year].",
         "parameters": {"type": "object", "properties": {
             "lanes": {"type": "array", "items": {"type": "string"},
                       "description": "lane codes"}}, "required": ["lanes"]}},
        {"name": "list_top_risks",
         "description": "Lanes with the most money at stake (partner surcharge + reservation "
                        "fees + spot premium + expected SLA penalties, EUR/year), highest "
                        "first, with expected overflow [units/year], last 365 days replayed "
                        "[units] and partner capacity to reserve [units/day].",
         "parameters": {"type": "object", "properties": {
             "n": {"type": "integer", "description": "how many lanes (1-20)"}}}},
        {"name": "simulate_lane",
         "description": "Plan vs last 365 days vs Monte Carlo twin (1,000 simulated years "
                        "driven by exactly the plan's policy and capacity, as the Risk tab): "
                        "overflow to partners [units/year], partner cost, fill rate, cycle "
                        "service level, stockout days, SLA penalties, expected profit "
                        "[EUR/year], with standard errors and why plan and twin differ.",
         "parameters": {"type": "object", "properties": {
             "lane": {"type": "string", "description": "lane code"}}, "required": ["lane"]}},
        {"name": "recommend_actions",
         "description": "Concrete actions for a lane (internal capacity, partner reservation, "
                        "surcharge, service level, lead time, review cycle) ranked by their "
                        "effect on expected profit [EUR/year], each computed by re-planning "
                        "the lane.",
         "parameters": {"type": "object", "properties": {
             "lane": {"type": "string", "description": "lane code"}}, "required": ["lane"]}},
    ]


def call_tool(ws: Workspace, name: str, args: Mapping[str, Any] | None) -> dict[str, Any]:
    """Run tool ``name`` with ``args``; unknown tools and bad arguments return an error."""
    tool = TOOLS.get(str(name))
    if tool is None:
        return {"error": f"unknown tool {name!r}; tools: {sorted(TOOLS)}"}
    try:
        return tool(ws, dict(args or {}))
    except (TypeError, ValueError) as exc:
        return {"error": f"bad arguments for {name}: {exc}"}

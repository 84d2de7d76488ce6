"""The pages of the PDF report: the executive summary (with the network chart) and one page per lane."""


from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fpdf.enums import XPos, YPos

import ai_brain
from planning import reconciliation
from presentation.formatting import (
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_qty,
    method_label,
    reconciliation_cell,
    table_cell,
)
from report import charts as report_charts
from report.layout import (
    CHART_STRETCH_MAX,
    FONT,
    GAP_MM,
    HALF_MM,
    LANE_ACTIONS,
    LANE_CHART_MM,
    LANE_DRIVERS,
    MARGIN_MM,
    PAGE_WIDTH_MM,
    SUMMARY_ACTIONS,
    TITLE,
    WATCHTOWER_ROWS,
    ReportPdf,
    draw_heading,
    draw_pairs_table,
    draw_table,
    write_markdown,
    write_paragraph,
)

LANE_KEY_FIGURES = (
    ("demand_mean", "mean demand"), ("demand_std", "demand std. deviation"),
    ("forecast_mean", "forecast mean"),
    ("internal_capacity", "internal capacity"), ("utilisation", "utilisation"),
    ("first_breach_date", "first breach (mean)"),
    ("expected_overflow_per_year", "expected overflow"),
    ("overflow_volume", "expected overflow/day"),
    ("overflow_last_year", "last 365 days, replayed"),
    ("partner_capacity_to_reserve", "capacity to reserve"),
    ("dependency_ratio", "partner dependency"),
    ("cost_optimal_reservation", "cost-optimal reservation"),
    ("service_level", "target service level"),
    ("optimal_service_level", "profit-optimal level"),
    ("reorder_point", None), ("safety_stock", "safety stock"), ("fill_rate", "fill rate"),
    ("order_quantity", None), ("penalty_cost_per_year", "SLA penalties"),
    ("inventory_cost_per_year", "total inventory cost"),
    ("cooperation_cost_per_year", "cooperation cost"), ("money_at_stake", "money at stake"),
    ("resilience", "resilience index"), ("expected_profit_per_year", "expected profit"),
)


# --- pages --------------------------------------------------------------------------


def data_range(plans: Sequence[Any], network: Any) -> str:
    starts = [p.history.index.min() for p in plans if len(p.history)]
    ends = [p.history.index.max() for p in plans if len(p.history)]
    parts = []
    if starts:
        parts.append(f"lane history {fmt_date(min(starts))} to {fmt_date(max(ends))}")
    if network is not None and network.as_of is not None:
        parts.append(f"network data as of {fmt_date(network.as_of)}")
    return "; ".join(parts) or "no data"


def summary_page(pdf: ReportPdf, plans: Sequence[Any], network: Any, stamp: str,
                  actions: Mapping[str, Sequence[Any]], selection: str,
                  analysis: str | None) -> None:
    """Page 1: totals, the watchtower (top risks), actions; the network chart if it fits."""
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write_paragraph(pdf, f"Generated {stamp}. Data: {data_range(plans, network)}.", muted=True)
    has_network = network is not None and len(network.table)
    lanes_total = len(network.table) if has_network else len(plans)
    status = ""
    if has_network:
        status = " (" + ", ".join(f"{v} {k}" for k, v in network.status_counts.items() if v) + ")"
    write_paragraph(pdf, f"Network: {lanes_total} lanes{status}. This report: {len(plans)} lane pages "
                    f"({selection}). Overflow is the expected workload above internal capacity, "
                    "E[(W \u2212 C)\u207a] summed over days; money in EUR/year; service levels are "
                    "cycle service levels; money at stake = partner surcharge + reservation fees + "
                    "spot premium + expected SLA penalties.", muted=True)
    draw_heading(pdf, "Executive summary", 13)
    if has_network:
        figures = {f.key: f for f in ai_brain.network_figures(network)}
        keys = ("total_expected_overflow_per_year", "total_overflow_volume",
                "total_overflow_last_year", "total_partner_capacity_to_reserve",
                "total_internal_capacity", "network_dependency_ratio",
                "total_money_at_stake_per_year", "total_surcharge_cost_per_year",
                "total_penalty_cost_per_year", "total_cooperation_cost_per_year",
                "total_expected_profit_per_year", "lanes_overflowing")
        short = {"network_dependency_ratio": "partner dependency",
                 "total_overflow_volume": "overflow per day",
                 "total_overflow_last_year": "last 365 days",
                 "total_expected_overflow_per_year": "expected overflow",
                 "total_partner_capacity_to_reserve": "capacity to reserve",
                 "total_penalty_cost_per_year": "SLA penalties"}
        pairs = [(short.get(k, figures[k].label.replace("total ", "")), figures[k].text)
                 for k in keys if k in figures]
        draw_pairs_table(pdf, pairs, label_share=0.46)
        table = network.table
        shown = table.head(WATCHTOWER_ROWS)
        draw_heading(pdf, f"Top risks: the watchtower by money at stake ({len(shown)} of "
                      f"{len(table)} lanes)", 10)
        rows = [(str(r["lane"]), str(r["status"]), table_cell(r["utilisation"], "%"),
                 table_cell(r["expected_overflow_per_year"], "units/year"),
                 table_cell(r["overflow_last_year"], "units"),
                 table_cell(r["partner_capacity_to_reserve"], "units/day"),
                 table_cell(r["dependency_ratio"], "%"), table_cell(r["resilience"], "units"),
                 table_cell(r["impact_per_year"], "EUR/year"))
                for _, r in shown.iterrows()]
        draw_table(pdf, ("Lane", "Status", "Utilisation [%]", "Exp. overflow [units/year]",
                     "Last 365 days [units]", "Reserve [units/day]", "Dependency [%]",
                     "Resilience [0-100]", "At stake [EUR/year]"), rows,
                   (28, 19, 17, 21, 20, 19, 20, 17, 21), align=("LEFT", "LEFT") + ("RIGHT",) * 7,
                   size=6.8)
    ranked = sorted(((lane, a) for lane, acts in actions.items() for a in acts[:1]
                     if a.effect_per_year > 0.5), key=lambda x: x[1].effect_per_year,
                    reverse=True)[:SUMMARY_ACTIONS]
    draw_heading(pdf, "Recommended actions (best per lane, by effect on expected profit)", 10)
    if ranked:
        draw_table(pdf, ("Lane", "Action", "Effect [EUR/year]"),
                   [(lane, a.title, "+" + table_cell(a.effect_per_year, "EUR/year")) for lane, a in ranked],
                   (32, 122, 28), align=("LEFT", "LEFT", "RIGHT"))
        write_paragraph(pdf, "Each effect is the lane re-planned with the change (the dashboard's what-if "
                        "engine). Costs of the change itself, e.g. building capacity, are not in the "
                        "data: weigh them against the effect.", size=7.5, muted=True)
    else:
        write_paragraph(pdf, "No tested change improves expected profit on the report's lanes.")
    if has_network:
        network_chart_if_room(pdf, network)
    if analysis:
        draw_heading(pdf, "Analysis: network", 10)
        write_markdown(pdf, analysis, size=8)


def network_chart_if_room(pdf: ReportPdf, network: Any) -> None:
    """The utilisation chart in the space left on the page (fewer bars if needed), or none."""
    room = pdf.h - pdf.b_margin - pdf.get_y() - 2.0
    mm_per_in = PAGE_WIDTH_MM / report_charts.NETWORK_WIDTH_IN
    for lanes in range(min(len(network.table), report_charts.NETWORK_LANES_SHOWN), 4, -1):
        natural_in = report_charts.network_chart_height_in(lanes)
        if natural_in * mm_per_in <= room:
            # a small network gets taller bars instead of an empty page bottom
            height_in = min(room / mm_per_in, natural_in * CHART_STRETCH_MAX)
            pdf.ln(1)
            pdf.image(report_charts.network_utilisation_png(network, limit=lanes,
                                                            height_in=height_in),
                      x=MARGIN_MM, w=PAGE_WIDTH_MM, h=height_in * mm_per_in,
                      alt_text="Network utilisation")
            return


def lane_page(pdf: ReportPdf, plan: Any, actions: Sequence[Any], analysis: str | None,
               rec: reconciliation.Reconciliation | None) -> None:
    pdf.add_page()
    title = f"Lane {plan.lane}"
    if plan.params.name and plan.params.name != plan.lane:
        title += f" \u2013 {plan.params.name}"
    draw_heading(pdf, title, 13)
    fc = plan.forecast
    how = "profit-optimal critical ratio" if plan.service_level_is_optimal else "set by the planner"
    write_paragraph(pdf, f"Data {fmt_date(plan.history.index.min())} to {fmt_date(plan.history.index.max())}"
                    f" ({len(plan.history):,} days). Service level {fmt_pct(plan.service_level)} "
                    f"({how}); stock {ai_brain.review_cycle_label(plan.review_period_days)}; forecast "
                    f"{len(fc.dates)} days by {method_label(fc.method)}; status {plan.status}, "
                    f"{plan.pattern} demand.", size=7.5, muted=True)
    params = " \u00b7 ".join(f"{f.label} {f.text}" for f in ai_brain.parameter_figures(plan.params))
    write_paragraph(pdf, f"Parameters: {params}.", size=7.5, muted=True)
    pdf.ln(1)
    figures = {f.key: f for f in ai_brain.lane_figures(plan)}
    draw_pairs_table(pdf, [(label or figures[key].label, figures[key].text)
                       for key, label in LANE_KEY_FIGURES if key in figures])
    y = pdf.get_y()
    pdf.image(report_charts.demand_forecast_png(plan), x=MARGIN_MM, y=y, w=HALF_MM,
              h=LANE_CHART_MM, alt_text=f"Demand and forecast {plan.lane}")
    pdf.image(report_charts.cost_curve_png(plan), x=MARGIN_MM + HALF_MM + GAP_MM,
              y=y, w=HALF_MM, h=LANE_CHART_MM, alt_text=f"Cost convexity {plan.lane}")
    pdf.set_y(y + LANE_CHART_MM + 1.5)
    draw_heading(pdf, "Reconciliation: plan vs last 365 days vs simulation", 10)
    if rec is None:
        write_paragraph(pdf, "Simulation not run for this report.", size=7.5, muted=True)
    else:
        rows = [(f"{r.figure} [{'%' if r.unit == 'fraction' else r.unit}]",
                 *(reconciliation_cell(v, r.unit) for v in (r.plan, r.history, r.simulation)),
                 (fmt_number(100.0 * r.simulation_se, decimals=2) + " pp" if r.unit == "fraction"
                  else fmt_number(r.simulation_se, decimals=1)),
                 "agree" if r.agrees else "differ")
                for r in rec.rows]
        draw_table(pdf, ("Figure", "Plan", "Last 365 days", f"Simulation ({rec.replications:,} "
                     "years)", "\u00b1 SE", "Plan vs sim."), rows, (62, 26, 26, 30, 20, 18))
        write_paragraph(pdf, "Plan: the analytic figures. Last 365 days: the plan's policy and capacity "
                        "replayed day by day on the lane's actual history. Simulation: the Monte Carlo "
                        "twin driven by exactly the plan's policy and capacity (the Risk tab's run). "
                        "\u2013 = no figure.", size=7, muted=True)
        for sentence in rec.explanations:
            write_paragraph(pdf, sentence, size=7)
    if analysis:
        draw_heading(pdf, f"Analysis: {plan.lane}", 10)
        write_markdown(pdf, analysis, size=8)
        return
    useful = [a for a in actions if a.effect_per_year > 0.5][:LANE_ACTIONS]
    draw_heading(pdf, "Actions ranked by effect on expected profit", 10)
    if useful:
        for i, a in enumerate(useful, start=1):
            write_paragraph(pdf, f"{i}. {a.title}: +{fmt_qty(a.effect_per_year, 'EUR/year')} "
                            f"({a.detail}).", size=8)
    else:
        write_paragraph(pdf, "No tested change improves expected profit: the lane runs at its "
                        "profit-optimal service level without expected overflow.", size=8)
    drivers = [line for line in ai_brain.diagnose(plan).splitlines() if line.startswith("- ")]
    if drivers:
        draw_heading(pdf, "Risk drivers", 10)
        write_markdown(pdf, "\n".join(drivers[:LANE_DRIVERS]), size=8)



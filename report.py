"""PDF executive report (fpdf2): executive summary, network, one page per lane.

:func:`build_report` is callable from plain Python (no Streamlit) and returns
the PDF as bytes.  Content:

1. **Executive summary** (one page): network totals (expected overflow per
   year, the last 365 days replayed, partner capacity to reserve, money at
   stake, expected profit), the top risks by money at stake (partner
   surcharge + reservation fees + spot premium + expected SLA penalties,
   EUR/year; the watchtower's first rows), the recommended actions of the report's lanes
   ranked by their effect on expected profit [EUR/year], each computed by
   re-planning the lane with the change (``ai_brain.rank_actions``, the
   assistant's what-if engine), and the utilisation chart in the room left.
2. **One page per lane**: scenario and parameters, key figures, the demand
   and cost charts (same colours and axes as the dashboard, :mod:`chart_style`),
   the reconciliation plan vs last 365 days vs Monte Carlo simulation
   (``reconciliation.reconcile`` with the Risk tab's replications and seed, so
   the same numbers) with its explanations, and the lane's actions and risk
   drivers.

Every number is formatted by :mod:`formatting` (thousands separators, the same
decimals per unit everywhere); method names are the planner's words
(``formatting.method_label``).  Lanes are chosen with :func:`select_lanes` (all,
top N by money at stake, or a selection).  Text uses DejaVu Sans shipped inside
matplotlib, so Unicode lane names print without system fonts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

import ai_brain
import report_charts
from formatting import decimals_for, fmt_date, fmt_number, fmt_pct, fmt_qty, method_label
from planning import reconciliation

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

TITLE = "LSP Capacity Twin \u2013 executive report"
WATCHTOWER_ROWS = 20  # lanes of the watchtower table printed before "N of M"
TOP_RISKS = 10  # lanes in the executive summary's risk table
SUMMARY_ACTIONS = 10  # actions in the executive summary
LANE_ACTIONS = 3  # actions on a lane page
LANE_DRIVERS = 3  # risk drivers on a lane page
MARGIN_MM = 14.0
LINE_MM = 4.3  # body text line height [mm]
PAGE_WIDTH_MM = 210.0 - 2 * MARGIN_MM
GAP_MM = 4.0
CHART_STRETCH_MAX = 1.8  # the network chart may grow this much to fill page 1
HALF_MM = (PAGE_WIDTH_MM - GAP_MM) / 2
LANE_CHART_MM = HALF_MM * report_charts.HEIGHT_IN / report_charts.WIDTH_IN
HEADING_FILL = (226, 232, 240)
MUTED = (90, 98, 110)
BLACK = (0, 0, 0)

# the reconciliation = the Risk tab's (views/cached_sim.reconcile): the same replications
# and seed -> the same figures as the dashboard
RECONCILE_REPLICATIONS = reconciliation.DEFAULT_REPLICATIONS
RECONCILE_SEED = reconciliation.RECONCILE_SEED

SELECT_ALL = "all"
SELECT_TOP = "top"
SELECT_CHOSEN = "selection"

# Key figures on a lane page: (key of ai_brain.lane_figures, short label)
# (None: the figure's own label, e.g. "reorder point r" / "order-up-to level S")
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
_MARKERS = ("--", "__", "~~")  # fpdf2 markdown markers we never mean


def num(value: float, unit: str) -> str:
    """A table cell: the number with the unit's decimals (the unit is in the header)."""
    if unit == "%":
        return fmt_number(100.0 * value, decimals=1) if _finite(value) else "n/a"
    return fmt_number(value, decimals=decimals_for(unit)) if _finite(value) else "n/a"


def _cell(value: float | None, unit: str) -> str:
    """A reconciliation cell as the Risk tab prints it (fractions in % with two decimals)."""
    if value is None or not _finite(value):
        return "\u2013"
    if unit == "fraction":
        return fmt_number(100.0 * value, decimals=2)
    return fmt_number(value, decimals=1 if unit == "days/year" else 0)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# --- lane selection ----------------------------------------------------------------


def select_lanes(
    network: Any, mode: str = SELECT_TOP, *, top_n: int = 10, chosen: Sequence[str] = ()
) -> list[str]:
    """Lane codes for the report: all (by money at stake), the top N, or a selection.

    The watchtower table is sorted by money at stake (``impact_per_year``), so
    "top N" are its first N rows; a selection keeps the watchtower order.
    """
    if mode not in (SELECT_ALL, SELECT_TOP, SELECT_CHOSEN):
        raise ValueError(f"mode must be one of all/top/selection, got {mode!r}")
    ordered = [str(c) for c in network.table["lane"]] if network is not None else []
    if mode == SELECT_ALL:
        return ordered
    if mode == SELECT_TOP:
        if top_n < 1:
            raise ValueError(f"top_n must be >= 1, got {top_n}")
        return ordered[:top_n]
    wanted = {str(c) for c in chosen}
    return [c for c in ordered if c in wanted] + [c for c in chosen if c not in ordered]


# --- reconciliation -----------------------------------------------------------------


def lane_reconciliation(plan: Any) -> reconciliation.Reconciliation:
    """Plan vs last 365 days vs Monte Carlo twin: exactly the Risk tab's table and sentences."""
    return reconciliation.reconcile(plan, replications=RECONCILE_REPLICATIONS,
                                    seed=RECONCILE_SEED)


# --- pdf primitives -----------------------------------------------------------------


class _Report(FPDF):
    generated: str = ""

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{TITLE}  |  {self.generated}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*BLACK)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"Page {self.page_no()} / {{nb}}", align="C")
        self.set_text_color(*BLACK)


def _new_pdf(generated: str) -> _Report:
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.generated = generated
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.set_title(TITLE)
    pdf.set_creator("LSP Capacity Twin")
    return pdf


def _heading(pdf: FPDF, text: str, size: float = 11.0) -> None:
    if pdf.get_y() + 20 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(1.2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.48, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)
    pdf.set_font(FONT, "", 8.5)


def _para(pdf: FPDF, text: str, *, size: float = 8.5, muted: bool = False) -> None:
    pdf.set_font(FONT, "", size)
    if muted:
        pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, LINE_MM, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*BLACK)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` [mm] (cells never wrap)."""
    text = str(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026"


def _table(pdf: FPDF, headings: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float], *, align: Sequence[str] | None = None,
           size: float = 7.2) -> None:
    """A table drawn with plain cells (fast): bold shaded heading row, hairlines between rows.

    Headings may wrap onto two lines ("Overflow [units/day]"); body cells never wrap.
    """
    aligns = [("L" if a.upper().startswith("L") else "R")
              for a in (align or ("LEFT",) + ("RIGHT",) * (len(widths) - 1))]
    pad = 0.8
    pdf.set_font(FONT, "B", size)
    lines = [[""], [""]]
    two = any(pdf.get_string_width(h) > w - 2 * pad for h, w in zip(headings, widths, strict=True))
    if two:
        lines = [[], []]
        for h, w in zip(headings, widths, strict=True):
            words = h.split(" ")
            first = ""
            while words and pdf.get_string_width((first + " " + words[0]).strip()) <= w - 2 * pad:
                first = (first + " " + words.pop(0)).strip()
            if not words:  # fits on one line: keep it next to the body
                lines[0].append("")
                lines[1].append(first)
            else:
                lines[0].append(first)
                lines[1].append(" ".join(words))
    row_h = LINE_MM - 0.6
    if pdf.get_y() + row_h * (3 + min(len(rows), 3)) > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_fill_color(*HEADING_FILL)
    for line_no in ((0, 1) if two else (1,)):
        for i, w in enumerate(widths):
            text = lines[line_no][i] if two else headings[i]
            pdf.cell(w, row_h, _fit(pdf, text, w - 2 * pad), align=aligns[i], fill=True)
        pdf.ln(row_h)
    pdf.set_font(FONT, "", size)
    pdf.set_draw_color(200, 205, 212)
    for row in rows:
        if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
            pdf.add_page()
        for i, w in enumerate(widths):
            pdf.cell(w, row_h, _fit(pdf, row[i], w - 2 * pad), align=aligns[i])
        pdf.ln(row_h)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(1.5)


def _pairs_table(pdf: FPDF, pairs: Sequence[tuple[str, str]], *, columns: int = 3,
                 size: float = 7.2, label_share: float = 0.52) -> None:
    """Label/value pairs, ``columns`` pairs per row, no heading row."""
    label_w = PAGE_WIDTH_MM / columns * label_share
    value_w = PAGE_WIDTH_MM / columns - label_w
    row_h = LINE_MM - 0.6
    pdf.set_font(FONT, "", size)
    pdf.set_draw_color(200, 205, 212)
    for start in range(0, len(pairs), columns):
        for label, value in pairs[start:start + columns]:
            pdf.set_text_color(*MUTED)
            pdf.cell(label_w, row_h, _fit(pdf, label, label_w - 1.0))
            pdf.set_text_color(*BLACK)
            pdf.cell(value_w - 2.0, row_h, _fit(pdf, value, value_w - 3.0), align="R")
            pdf.cell(2.0, row_h, "")
        pdf.ln(row_h)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + PAGE_WIDTH_MM, pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(1.5)


def _clean_inline(text: str) -> str:
    """Markdown line -> fpdf2 markdown: keep **bold**, drop code ticks, escape other markers."""
    text = text.replace("`", "")
    text = re.sub(r"\\([\\`*_\-~\[\]()#+.!])", r"\1", text)  # undo Markdown escapes
    for marker in _MARKERS:
        text = text.replace(marker, "\\" + marker)
    if text.count("**") % 2:
        text = text.replace("**", "")
    return text


def _markdown(pdf: FPDF, text: str, *, size: float = 8.5) -> None:
    """Render the assistant's Markdown (headings, bullets, bold) as PDF text."""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            pdf.ln(1.2)
            continue
        if line.lstrip().startswith("|"):
            line = " ".join(c.strip() for c in line.strip("| ").split("|"))
            if set(line) <= set("-: "):
                continue
        heading = re.match(r"^\s*#{1,6}\s+(.*)$", line)
        bullet = re.match(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$", line)
        pdf.set_font(FONT, "", size)
        if heading:
            pdf.set_font(FONT, "B", size + 0.5)
            pdf.multi_cell(0, LINE_MM, heading.group(1).replace("**", "").replace("`", ""),
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif bullet:
            indent = 4.0 + 3.0 * min(len(bullet.group(1)) // 2, 3)
            pdf.set_x(MARGIN_MM + indent - 3.0)
            pdf.cell(3.0, LINE_MM, "\u2022")
            pdf.multi_cell(0, LINE_MM, _clean_inline(bullet.group(2)), markdown=True, align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(0, LINE_MM, _clean_inline(line.strip()), markdown=True, align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", size)


# --- pages --------------------------------------------------------------------------


def _data_range(plans: Sequence[Any], network: Any) -> str:
    starts = [p.history.index.min() for p in plans if len(p.history)]
    ends = [p.history.index.max() for p in plans if len(p.history)]
    parts = []
    if starts:
        parts.append(f"lane history {fmt_date(min(starts))} to {fmt_date(max(ends))}")
    if network is not None and network.as_of is not None:
        parts.append(f"network data as of {fmt_date(network.as_of)}")
    return "; ".join(parts) or "no data"


def _summary_page(pdf: _Report, plans: Sequence[Any], network: Any, stamp: str,
                  actions: Mapping[str, Sequence[Any]], selection: str,
                  analysis: str | None) -> None:
    """Page 1: totals, the watchtower (top risks), actions; the network chart if it fits."""
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _para(pdf, f"Generated {stamp}. Data: {_data_range(plans, network)}.", muted=True)
    has_network = network is not None and len(network.table)
    lanes_total = len(network.table) if has_network else len(plans)
    status = ""
    if has_network:
        status = " (" + ", ".join(f"{v} {k}" for k, v in network.status_counts.items() if v) + ")"
    _para(pdf, f"Network: {lanes_total} lanes{status}. This report: {len(plans)} lane pages "
               f"({selection}). Overflow is the expected workload above internal capacity, "
               "E[(W \u2212 C)\u207a] summed over days; money in EUR/year; service levels are "
               "cycle service levels; money at stake = partner surcharge + reservation fees + "
               "spot premium + expected SLA penalties.", muted=True)
    _heading(pdf, "Executive summary", 13)
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
        _pairs_table(pdf, pairs, label_share=0.46)
        table = network.table
        shown = table.head(WATCHTOWER_ROWS)
        _heading(pdf, f"Top risks: the watchtower by money at stake ({len(shown)} of "
                      f"{len(table)} lanes)", 10)
        rows = [(str(r["lane"]), str(r["status"]), num(r["utilisation"], "%"),
                 num(r["expected_overflow_per_year"], "units/year"),
                 num(r["overflow_last_year"], "units"),
                 num(r["partner_capacity_to_reserve"], "units/day"),
                 num(r["dependency_ratio"], "%"), num(r["resilience"], "units"),
                 num(r["impact_per_year"], "EUR/year"))
                for _, r in shown.iterrows()]
        _table(pdf, ("Lane", "Status", "Utilisation [%]", "Exp. overflow [units/year]",
                     "Last 365 days [units]", "Reserve [units/day]", "Dependency [%]",
                     "Resilience [0-100]", "At stake [EUR/year]"), rows,
               (28, 19, 17, 21, 20, 19, 20, 17, 21), align=("LEFT", "LEFT") + ("RIGHT",) * 7,
               size=6.8)
    ranked = sorted(((lane, a) for lane, acts in actions.items() for a in acts[:1]
                     if a.effect_per_year > 0.5), key=lambda x: x[1].effect_per_year,
                    reverse=True)[:SUMMARY_ACTIONS]
    _heading(pdf, "Recommended actions (best per lane, by effect on expected profit)", 10)
    if ranked:
        _table(pdf, ("Lane", "Action", "Effect [EUR/year]"),
               [(lane, a.title, "+" + num(a.effect_per_year, "EUR/year")) for lane, a in ranked],
               (32, 122, 28), align=("LEFT", "LEFT", "RIGHT"))
        _para(pdf, "Each effect is the lane re-planned with the change (the dashboard's what-if "
                   "engine). Costs of the change itself, e.g. building capacity, are not in the "
                   "data: weigh them against the effect.", size=7.5, muted=True)
    else:
        _para(pdf, "No tested change improves expected profit on the report's lanes.")
    if has_network:
        _network_chart_if_room(pdf, network)
    if analysis:
        _heading(pdf, "Analysis: network", 10)
        _markdown(pdf, analysis, size=8)


def _network_chart_if_room(pdf: _Report, network: Any) -> None:
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


def _lane_page(pdf: _Report, plan: Any, actions: Sequence[Any], analysis: str | None,
               rec: reconciliation.Reconciliation | None) -> None:
    pdf.add_page()
    title = f"Lane {plan.lane}"
    if plan.params.name and plan.params.name != plan.lane:
        title += f" \u2013 {plan.params.name}"
    _heading(pdf, title, 13)
    fc = plan.forecast
    how = "profit-optimal critical ratio" if plan.service_level_is_optimal else "set by the planner"
    _para(pdf, f"Data {fmt_date(plan.history.index.min())} to {fmt_date(plan.history.index.max())}"
               f" ({len(plan.history):,} days). Service level {fmt_pct(plan.service_level)} "
               f"({how}); stock {ai_brain.review_cycle_label(plan.review_period_days)}; forecast "
               f"{len(fc.dates)} days by {method_label(fc.method)}; status {plan.status}, "
               f"{plan.pattern} demand.", size=7.5, muted=True)
    params = " \u00b7 ".join(f"{f.label} {f.text}" for f in ai_brain.parameter_figures(plan.params))
    _para(pdf, f"Parameters: {params}.", size=7.5, muted=True)
    pdf.ln(1)
    figures = {f.key: f for f in ai_brain.lane_figures(plan)}
    _pairs_table(pdf, [(label or figures[key].label, figures[key].text)
                       for key, label in LANE_KEY_FIGURES if key in figures])
    y = pdf.get_y()
    pdf.image(report_charts.demand_forecast_png(plan), x=MARGIN_MM, y=y, w=HALF_MM,
              h=LANE_CHART_MM, alt_text=f"Demand and forecast {plan.lane}")
    pdf.image(report_charts.cost_curve_png(plan), x=MARGIN_MM + HALF_MM + GAP_MM,
              y=y, w=HALF_MM, h=LANE_CHART_MM, alt_text=f"Cost convexity {plan.lane}")
    pdf.set_y(y + LANE_CHART_MM + 1.5)
    _heading(pdf, "Reconciliation: plan vs last 365 days vs simulation", 10)
    if rec is None:
        _para(pdf, "Simulation not run for this report.", size=7.5, muted=True)
    else:
        rows = [(f"{r.figure} [{'%' if r.unit == 'fraction' else r.unit}]",
                 _cell(r.plan, r.unit), _cell(r.history, r.unit), _cell(r.simulation, r.unit),
                 (fmt_number(100.0 * r.simulation_se, decimals=2) + " pp" if r.unit == "fraction"
                  else fmt_number(r.simulation_se, decimals=1)),
                 "agree" if r.agrees else "differ")
                for r in rec.rows]
        _table(pdf, ("Figure", "Plan", "Last 365 days", f"Simulation ({rec.replications:,} "
                     "years)", "\u00b1 SE", "Plan vs sim."), rows, (62, 26, 26, 30, 20, 18))
        _para(pdf, "Plan: the analytic figures. Last 365 days: the plan's policy and capacity "
                   "replayed day by day on the lane's actual history. Simulation: the Monte Carlo "
                   "twin driven by exactly the plan's policy and capacity (the Risk tab's run). "
                   "\u2013 = no figure.", size=7, muted=True)
        for sentence in rec.explanations:
            _para(pdf, sentence, size=7)
    if analysis:
        _heading(pdf, f"Analysis: {plan.lane}", 10)
        _markdown(pdf, analysis, size=8)
        return
    useful = [a for a in actions if a.effect_per_year > 0.5][:LANE_ACTIONS]
    _heading(pdf, "Actions ranked by effect on expected profit", 10)
    if useful:
        for i, a in enumerate(useful, start=1):
            _para(pdf, f"{i}. {a.title}: +{fmt_qty(a.effect_per_year, 'EUR/year')} "
                       f"({a.detail}).", size=8)
    else:
        _para(pdf, "No tested change improves expected profit: the lane runs at its "
                   "profit-optimal service level without expected overflow.", size=8)
    drivers = [line for line in ai_brain.diagnose(plan).splitlines() if line.startswith("- ")]
    if drivers:
        _heading(pdf, "Risk drivers", 10)
        _markdown(pdf, "\n".join(drivers[:LANE_DRIVERS]), size=8)


# --- entry point --------------------------------------------------------------------


def build_report(
    plans: Sequence[Any],
    network: Any,
    *,
    analyses: Mapping[str, str] | None = None,
    generated_at: datetime | None = None,
    workspace: Any | None = None,
    selection: str = "lanes chosen by the planner",
    simulate: bool = True,
) -> bytes:
    """Build the executive PDF and return its bytes.

    Parameters
    ----------
    plans : sequence of planning.LanePlan
        Lanes with a page each, in this order (e.g. from :func:`select_lanes`).
    network : planning.NetworkPlan
        Summarised on the first two pages.
    analyses : mapping lane code -> Markdown text, optional
        Written analyses (e.g. Gemini's); key ``ai_brain.NETWORK_KEY`` holds the
        network's.  A lane with an analysis prints it instead of the actions and
        drivers on its page.
    generated_at : datetime, optional
        Timestamp printed on the report (default: now).
    workspace : ai_brain.Workspace, optional
        How actions re-plan lanes (the app passes its cached what-if path);
        default: each lane re-planned from its own plan's history.
    selection : str
        How the lanes were chosen, printed on the first page.
    simulate : bool
        Print the reconciliation (``reconciliation.reconcile``, the Risk tab's
        replications and seed) on each lane page.
    """
    analyses = dict(analyses or {})
    stamp = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    pdf = _new_pdf(f"generated {stamp}")
    actions = {}
    for plan in plans:
        ws = workspace or ai_brain.workspace_for(plan, network)
        actions[plan.lane] = ai_brain.rank_actions(plan, ws)
    _summary_page(pdf, plans, network, stamp, actions, selection,
                  analyses.get(ai_brain.NETWORK_KEY))
    for plan in plans:
        rec = lane_reconciliation(plan) if simulate else None
        _lane_page(pdf, plan, actions[plan.lane], analyses.get(plan.lane), rec)
    return bytes(pdf.output())

"""PDF executive report (fpdf2): network watchtower plus one section per lane.

:func:`build_report` is callable from plain Python (no Streamlit) and returns
the PDF as bytes.  Content:

* Network page: date of the report and of the data, key totals with units, a
  utilisation chart, the watchtower table (top :data:`WATCHTOWER_ROWS` lanes by
  impact, stating "N of M lanes shown") and the network analysis.
* Per lane: scenario and data range, the parameters used, the key figures with
  units, the demand/forecast chart with the capacity line, the cost-convexity
  curve with the optimum marked, and the assistant's analysis.

Figures are formatted by the same helpers the assistant uses
(``ai_brain.lane_figures`` etc.), so the PDF and the chat quote identical
numbers.  Text uses DejaVu Sans shipped inside matplotlib, so Unicode lane
names (``Zürich–Milano``) print without any system font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

import ai_brain
import forecast
import report_charts
from ai_brain import fmt_date, fmt_number, fmt_pct

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

TITLE = "LSP Capacity Twin \u2013 executive report"
WATCHTOWER_ROWS = 20  # lanes of the watchtower table printed (by impact) before "N of M"
MARGIN_MM = 15.0
LINE_MM = 4.6  # body text line height [mm]
CHART_WIDTH_MM = 180.0
CHART_HEIGHT_MM = CHART_WIDTH_MM * report_charts.HEIGHT_IN / report_charts.WIDTH_IN
CHARTS_BLOCK_MM = 12.0 + 2 * (CHART_HEIGHT_MM + 2.0)  # heading + two charts [mm]
HEADING_FILL = (226, 232, 240)
MUTED = (90, 98, 110)
BLACK = (0, 0, 0)
FIGURE_COLUMNS = 2  # label/value pairs per row of a figure table

# Figures printed in the lane's key-figure table, in this order (keys of ai_brain.lane_figures).
KEY_FIGURES = (
    "demand_mean", "demand_std", "cv", "pattern", "status", "trend", "shocks", "forecast_mean",
    "forecast_method", "service_level", "optimal_service_level", "z", "safety_stock",
    "reorder_point", "order_quantity", "fill_rate", "required_capacity", "internal_capacity",
    "utilisation", "first_breach_date", "first_breach_date_upper", "overflow_volume",
    "dependency_ratio", "surcharge_cost_per_day", "cooperation_cost_per_year",
    "penalty_cost_per_year", "inventory_cost_per_year", "resilience", "resilience_tail_risk",
    "expected_profit_per_year", "unit_margin",
)

_MARKERS = ("--", "__", "~~")  # fpdf2 markdown markers we never mean


class _Report(FPDF):
    generated: str = ""

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{TITLE}  |  {self.generated}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*BLACK)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="C")
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


def _heading(pdf: FPDF, text: str, size: float = 12.0) -> None:
    _ensure_space(pdf, 18)
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font(FONT, "", 9)


def _para(pdf: FPDF, text: str, *, size: float = 9.0, muted: bool = False) -> None:
    pdf.set_font(FONT, "", size)
    if muted:
        pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, LINE_MM, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*BLACK)


def _ensure_space(pdf: FPDF, height_mm: float) -> None:
    if pdf.get_y() + height_mm > pdf.h - pdf.b_margin:
        pdf.add_page()


def _figure_table(pdf: FPDF, figures: Sequence[ai_brain.Figure]) -> None:
    """Label/value pairs, FIGURE_COLUMNS pairs per row."""
    pdf.set_font(FONT, "", 8)
    widths = (54, 36) * FIGURE_COLUMNS
    with pdf.table(
        col_widths=widths, width=CHART_WIDTH_MM, first_row_as_headings=False,
        text_align=("LEFT", "RIGHT") * FIGURE_COLUMNS, line_height=4.2,
        borders_layout="HORIZONTAL_LINES", padding=(0.6, 1.2),
    ) as table:
        for start in range(0, len(figures), FIGURE_COLUMNS):
            row = table.row()
            chunk = list(figures[start:start + FIGURE_COLUMNS])
            chunk += [ai_brain.Figure("", "", "")] * (FIGURE_COLUMNS - len(chunk))
            for fig in chunk:
                row.cell(fig.label)
                row.cell(fig.text)
    pdf.ln(2)


def _image(pdf: FPDF, png: bytes, *, height_mm: float = CHART_HEIGHT_MM, title: str) -> None:
    _ensure_space(pdf, height_mm + 2)
    pdf.image(io.BytesIO(png), x=MARGIN_MM, w=CHART_WIDTH_MM, h=height_mm, alt_text=title)
    pdf.ln(2)


def _clean_inline(text: str) -> str:
    """Markdown line -> fpdf2 markdown: keep **bold**, drop code ticks, escape other markers."""
    text = text.replace("`", "")
    text = re.sub(r"\\([\\`*_\-~\[\]()#+.!])", r"\1", text)  # undo Markdown escapes
    for marker in _MARKERS:
        text = text.replace(marker, "\\" + marker)
    if text.count("**") % 2:
        text = text.replace("**", "")
    return text


def _markdown(pdf: FPDF, text: str) -> None:
    """Render the assistant's Markdown (headings, bullets, bold) as PDF text."""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            pdf.ln(1.5)
            continue
        heading = re.match(r"^\s*#{1,6}\s+(.*)$", line)
        bullet = re.match(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$", line)
        pdf.set_font(FONT, "", 9)
        if heading:
            pdf.set_font(FONT, "B", 9.5)
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
    pdf.set_font(FONT, "", 9)


def _watchtower(pdf: FPDF, network: Any) -> None:
    table = network.table
    total = len(table)
    shown = table.head(WATCHTOWER_ROWS)
    _heading(pdf, "Watchtower: lanes by impact", 11)
    _para(pdf, f"{len(shown)} of {total} lanes shown, sorted by impact (EUR/year at stake: "
               "partner surcharge + expected SLA penalties).", size=8, muted=True)
    headings = ("Lane", "Status", "Utilisation [%]", "Overflow [units/day]",
                "Partner dependency [%]", "Service level [%]", "Safety stock [units]",
                "Resilience index [0-100]", "Impact [EUR/year]")
    widths = (30, 19, 17, 19, 20, 17, 18, 19, 21)
    pdf.set_font(FONT, "", 7.2)
    with pdf.table(
        col_widths=widths, width=sum(widths), line_height=3.8,
        text_align=("LEFT", "LEFT") + ("RIGHT",) * 7, padding=(0.6, 0.8),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        borders_layout="HORIZONTAL_LINES", repeat_headings=1,
    ) as out:
        head = out.row()
        for text in headings:
            head.cell(text)
        for _, row in shown.iterrows():
            cells = (
                str(row["lane"]), str(row["status"]),
                fmt_number(100.0 * row["utilisation"]),
                fmt_number(row["overflow_volume"]),
                fmt_number(100.0 * row["dependency_ratio"]),
                fmt_number(100.0 * row["service_level"], decimals=2),
                fmt_number(row["safety_stock"]),
                fmt_number(row["resilience"], decimals=0),
                fmt_number(row["impact_per_year"]),
            )
            r = out.row()
            for text in cells:
                r.cell(text)
    pdf.ln(2)


def _data_range(plans: Sequence[Any], network: Any) -> str:
    starts = [p.history.index.min() for p in plans if len(p.history)]
    ends = [p.history.index.max() for p in plans if len(p.history)]
    parts = []
    if starts:
        parts.append(f"lane history {fmt_date(min(starts))} to {fmt_date(max(ends))}")
    if network is not None and network.as_of is not None:
        parts.append(f"network data as of {fmt_date(network.as_of)}")
    return "; ".join(parts) or "no data"


def _network_section(pdf: _Report, network: Any, analysis: str | None) -> None:
    _heading(pdf, "Network", 13)
    _figure_table(pdf, ai_brain.network_figures(network))
    if len(network.table):
        _image(pdf, report_charts.network_utilisation_png(network),
               height_mm=_network_chart_height(network), title="Network utilisation")
        _watchtower(pdf, network)
    if analysis:
        _heading(pdf, "Analysis: network", 11)
        _markdown(pdf, analysis)


def _network_chart_height(network: Any) -> float:
    lanes = min(len(network.table), report_charts.NETWORK_LANES_SHOWN)
    height_in = report_charts.network_chart_height_in(lanes)
    return CHART_WIDTH_MM * height_in / report_charts.WIDTH_IN


def _lane_section(pdf: _Report, plan: Any, analysis: str) -> None:
    pdf.add_page()
    title = f"Lane {plan.lane}"
    if plan.params.name and plan.params.name != plan.lane:
        title += f" \u2013 {plan.params.name}"
    _heading(pdf, title, 14)
    fc = plan.forecast
    level = fmt_pct(plan.service_level, decimals=2)
    how = "profit-optimal critical ratio" if plan.service_level_is_optimal else "set by the planner"
    _para(pdf, f"Data {fmt_date(plan.history.index.min())} to {fmt_date(plan.history.index.max())}"
               f" ({len(plan.history)} days). Scenario: target cycle service level {level} "
               f"({how}); forecast horizon {len(fc.dates)} days, "
               f"{forecast.method_label(fc.method)}.", muted=True)
    _heading(pdf, "Parameters used", 11)
    _figure_table(pdf, ai_brain.parameter_figures(plan.params))
    _heading(pdf, "Key figures", 11)
    figures = {fig.key: fig for fig in ai_brain.lane_figures(plan)}
    _figure_table(pdf, [figures[key] for key in KEY_FIGURES if key in figures])
    _heading(pdf, f"Analysis: {plan.lane}", 11)
    _markdown(pdf, analysis)
    # both charts together on one page, so they can be compared
    _ensure_space(pdf, CHARTS_BLOCK_MM)
    _heading(pdf, f"Charts: {plan.lane}", 11)
    _image(pdf, report_charts.demand_forecast_png(plan), title=f"Demand and forecast {plan.lane}")
    _image(pdf, report_charts.cost_curve_png(plan), title=f"Cost convexity {plan.lane}")


def build_report(
    plans: Sequence[Any],
    network: Any,
    *,
    analyses: Mapping[str, str] | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """Build the executive PDF and return its bytes.

    Parameters
    ----------
    plans : sequence of planning.LanePlan
        Lanes with a full section (e.g. the selected lane).
    network : planning.NetworkPlan
        The watchtower summarised on the first page.
    analyses : mapping lane code -> Markdown text, optional
        The assistant's analyses; key ``ai_brain.NETWORK_KEY`` (``""``) holds the
        network's.  Missing entries are written by the offline analyst.
    generated_at : datetime, optional
        Timestamp printed on the report (default: now).
    """
    analyses = dict(analyses or {})
    stamp = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    pdf = _new_pdf(f"generated {stamp}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 9, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    lanes = ", ".join(str(p.lane) for p in plans) or "none"
    _para(pdf, f"Generated {stamp}. Data: {_data_range(plans, network)}.", muted=True)
    _para(pdf, f"Lanes with a detailed section: {lanes}. Units: volumes per day unless stated; "
               "money in EUR per year unless stated; service levels are cycle service levels.",
          muted=True)
    pdf.ln(2)
    network_text = analyses.get(ai_brain.NETWORK_KEY)
    if network_text is None and network is not None:
        network_text = ai_brain.offline_analysis(None, network, sections=("network",))
    if network is not None:
        _network_section(pdf, network, network_text)
    for plan in plans:
        text = analyses.get(plan.lane) or ai_brain.offline_analysis(
            plan, None, sections=ai_brain.LANE_SECTIONS)
        _lane_section(pdf, plan, text)
    return bytes(pdf.output())

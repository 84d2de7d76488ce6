"""Page layout of the PDF report: fonts, margins, the page class and text/table primitives (fpdf2)."""


from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from report import charts as report_charts

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

MARKDOWN_MARKERS = ("--", "__", "~~")  # fpdf2 markdown markers we never mean


# --- pdf primitives -----------------------------------------------------------------


class ReportPdf(FPDF):
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


def new_pdf(generated: str) -> ReportPdf:
    pdf = ReportPdf(orientation="P", unit="mm", format="A4")
    pdf.generated = generated
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.set_title(TITLE)
    pdf.set_creator("LSP Capacity Twin")
    return pdf


def draw_heading(pdf: FPDF, text: str, size: float = 11.0) -> None:
    if pdf.get_y() + 20 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(1.2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.48, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)
    pdf.set_font(FONT, "", 8.5)


def write_paragraph(pdf: FPDF, text: str, *, size: float = 8.5, muted: bool = False) -> None:
    pdf.set_font(FONT, "", size)
    if muted:
        pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, LINE_MM, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*BLACK)


def fit_text(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` [mm] (cells never wrap)."""
    text = str(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026"


def draw_table(pdf: FPDF, headings: Sequence[str], rows: Sequence[Sequence[str]],
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
            pdf.cell(w, row_h, fit_text(pdf, text, w - 2 * pad), align=aligns[i], fill=True)
        pdf.ln(row_h)
    pdf.set_font(FONT, "", size)
    pdf.set_draw_color(200, 205, 212)
    for row in rows:
        if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
            pdf.add_page()
        for i, w in enumerate(widths):
            pdf.cell(w, row_h, fit_text(pdf, row[i], w - 2 * pad), align=aligns[i])
        pdf.ln(row_h)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(1.5)


def draw_pairs_table(pdf: FPDF, pairs: Sequence[tuple[str, str]], *, columns: int = 3,
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
            pdf.cell(label_w, row_h, fit_text(pdf, label, label_w - 1.0))
            pdf.set_text_color(*BLACK)
            pdf.cell(value_w - 2.0, row_h, fit_text(pdf, value, value_w - 3.0), align="R")
            pdf.cell(2.0, row_h, "")
        pdf.ln(row_h)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + PAGE_WIDTH_MM, pdf.get_y())
    pdf.set_draw_color(*BLACK)
    pdf.ln(1.5)


def clean_inline(text: str) -> str:
    """Markdown line -> fpdf2 markdown: keep **bold**, drop code ticks, escape other markers."""
    text = text.replace("`", "")
    text = re.sub(r"\\([\\`*_\-~\[\]()#+.!])", r"\1", text)  # undo Markdown escapes
    for marker in MARKDOWN_MARKERS:
        text = text.replace(marker, "\\" + marker)
    if text.count("**") % 2:
        text = text.replace("**", "")
    return text


def write_markdown(pdf: FPDF, text: str, *, size: float = 8.5) -> None:
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
            pdf.multi_cell(0, LINE_MM, clean_inline(bullet.group(2)), markdown=True, align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(0, LINE_MM, clean_inline(line.strip()), markdown=True, align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", size)



"""PDF executive report for 20 lanes, read back with pypdf: one summary page plus one page
per lane, the plans' figures formatted by the shared formatter, no internal identifiers,
no half-empty pages, Unicode lane names, lane selection."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from assistant_support import UNICODE_LANE, demand_and_masters, network, replan
from pypdf import PdfReader

import ai_brain
import forecasting
import report
from planning import reconciliation
from presentation import formatting
from presentation.formatting import fmt_pct, fmt_qty, method_label

GENERATED = dt.datetime(2025, 1, 2, 9, 30)
LANES = 20
PAGE_HEIGHT_PT = 842.0  # A4
FOOTER_PT = 45.0  # page numbers live below this


def _text(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.fixture(scope="module")
def plans():
    codes = report.select_lanes(network(), report.SELECT_TOP, top_n=LANES)
    masters = demand_and_masters()[1]
    return [replan(masters[c], None) for c in codes]


@pytest.fixture(scope="module")
def pdf(plans) -> PdfReader:
    data = report.build_report(plans, network(), generated_at=GENERATED,
                               selection="top 20 by money at stake")
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def test_one_summary_page_and_one_page_per_lane(pdf, plans) -> None:
    assert len(pdf.pages) == 1 + len(plans)
    for page, plan in zip(pdf.pages[1:], plans, strict=True):
        assert _text(page).startswith("LSP Capacity Twin") and f"Lane {plan.lane}" in _text(page)
    images = [len(page.images) for page in pdf.pages]
    assert images[0] == 1 and images[1:] == [2] * len(plans)  # network chart; demand + cost


def test_summary_has_totals_top_risks_and_ranked_actions(pdf, plans) -> None:
    net = network()
    first = _text(pdf.pages[0])
    assert "Generated 2025-01-02 09:30" in first and "2024-12-31" in first
    assert fmt_qty(net.total_overflow_volume, "units/day") in first
    assert fmt_qty(net.total_expected_overflow_per_year, "units/year") in first
    assert fmt_qty(net.total_overflow_last_year, "units") in first
    assert fmt_qty(net.total_partner_capacity_to_reserve, "units/day") in first
    assert fmt_qty(net.total_money_at_stake_per_year, "EUR/year") in first
    assert fmt_qty(net.total_expected_profit_per_year, "EUR/year") in first
    assert "Exp. overflow" in first and "Last 365" in first and "Reserve" in first
    assert f"20 of {len(net.table)} lanes" in first
    assert UNICODE_LANE in first
    effects = [float(m.replace(",", "")) for m in re.findall(r"\+([\d,]+)\b", first)]
    assert effects and effects == sorted(effects, reverse=True)
    best = ai_brain.rank_actions(plans[0], ai_brain.workspace_for(plans[0], net))[0]
    assert best.title in first


def test_lane_pages_print_the_plans_figures(pdf, plans) -> None:
    for page, plan in zip(pdf.pages[1:], plans, strict=True):
        text = _text(page)
        assert fmt_qty(plan.safety_stock, "units") in text
        assert fmt_qty(plan.overflow_volume, "units/day") in text
        assert fmt_qty(plan.expected_overflow_per_year, "units/year") in text
        assert fmt_qty(plan.overflow_last_year, "units") in text
        assert fmt_qty(plan.partner_capacity_to_reserve, "units/day") in text
        assert fmt_qty(plan.reorder_point, "units") in text
        assert fmt_qty(plan.inventory_cost_per_year, "EUR/year") in text
        assert fmt_pct(plan.service_level) in text
        assert fmt_pct(plan.fill_rate, decimals=2) in text
        assert fmt_qty(plan.cooperation_cost_per_year, "EUR/year") in text
        assert fmt_qty(ai_brain.money_at_stake(plan), "EUR/year") in text
        assert fmt_qty(plan.params.holding_cost, "EUR/unit/year") in text
        assert method_label(plan.forecast.method) in text
        assert "Reconciliation: plan vs last 365 days vs simulation" in text


def test_reconciliation_is_the_risk_tabs(pdf, plans) -> None:
    """The same call, replications and seed as views/cached_sim.reconcile -> the same numbers."""
    assert report.RECONCILE_REPLICATIONS == reconciliation.DEFAULT_REPLICATIONS
    assert report.RECONCILE_SEED == reconciliation.RECONCILE_SEED
    for page, plan in list(zip(pdf.pages[1:], plans, strict=True))[:4]:
        text = _text(page)
        rec = reconciliation.reconcile(plan)
        assert f"Simulation ({rec.replications:,}" in text  # the heading wraps before "years)"
        for row in rec.rows:
            cells = " ".join(formatting.reconciliation_cell(v, row.unit) for v in (row.plan, row.history,
                                                                 row.simulation))
            assert cells in text, (plan.lane, row.figure)
        for sentence in rec.explanations:
            assert " ".join(sentence.split()[:8]) in text


def test_no_internal_identifiers_and_numbers_are_formatted(pdf) -> None:
    text = " ".join(_text(p) for p in pdf.pages)
    for method in (*forecasting.METHODS, forecasting.FALLBACK_METHOD + "_"):
        assert method not in text.replace("mean demand", "")
    assert not re.search(r"[a-z]+_[a-z]+", text)  # no snake_case identifiers in print
    # every number of 4+ digits carries a thousands separator (years and dates excepted)
    bare = [n for n in re.findall(r"(?<![\d,.\-])\d{4,}(?![\d,\-])", text)
            if not re.fullmatch(r"20\d\d", n)]
    assert bare == []


def _text_heights(page) -> list[float]:
    """Baseline heights [pt from the bottom] of every text run on the page."""
    ys: list[float] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():
            ys.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return ys


def test_no_half_empty_pages(pdf) -> None:
    for number, page in enumerate(pdf.pages, start=1):
        ys = _text_heights(page)
        body = [y for y in ys if y > FOOTER_PT]
        assert min(body) < PAGE_HEIGHT_PT / 2, f"page {number} ends in its upper half"


def test_lane_selection_modes() -> None:
    net = network()
    everything = report.select_lanes(net, report.SELECT_ALL)
    assert everything == list(net.table["lane"])
    assert report.select_lanes(net, report.SELECT_TOP, top_n=3) == everything[:3]
    chosen = report.select_lanes(net, report.SELECT_CHOSEN, chosen=["FRA-PAR", UNICODE_LANE])
    assert chosen == [c for c in everything if c in ("FRA-PAR", UNICODE_LANE)]
    with pytest.raises(ValueError, match="top_n"):
        report.select_lanes(net, report.SELECT_TOP, top_n=0)


def test_given_analyses_are_printed_and_markdown_is_tamed(plans) -> None:
    hostile = ("# Heading\n- **bold** and **unbalanced\n1. numbered -- dashes __under__ "
               "~~strike~~ `code`\n\n![img](http://example.invalid/x.png)")
    data = report.build_report(plans[:1], network(), simulate=False, analyses={
        plans[0].lane: "Custom lane analysis: watch capacity.\n" + hostile,
        ai_brain.NETWORK_KEY: "Custom network analysis.",
    })
    text = " ".join(_text(p) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Custom lane analysis: watch capacity." in text
    assert "Custom network analysis." in text
    assert "numbered -- dashes __under__ ~~strike~~ code" in text


def test_network_only_report() -> None:
    reader = PdfReader(io.BytesIO(report.build_report([], network())))
    assert len(reader.pages) == 1
    assert "0 lane pages" in _text(reader.pages[0])


def test_cost_curve_matches_the_dashboards(plans) -> None:
    """Holding, SLA penalty, ordering and their sum "Total inventory cost", as charts.cost_curve."""
    from presentation import charts
    from report import charts as report_charts

    plan = plans[0]
    legend = report_charts.cost_curve_figure(plan).axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    dashboard = [t.name for t in charts.cost_curve(plan).data if t.mode == "lines"]
    assert labels[:4] == dashboard == ["Holding cost", "SLA penalty cost", "Ordering cost",
                                       "Total inventory cost"]
    total = plan.cost_curve.holding + plan.cost_curve.penalty + plan.cost_curve.ordering
    assert plan.cost_curve.total == pytest.approx(total)

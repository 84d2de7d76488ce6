"""PDF executive report: the figures printed match the plans; pages, images, Unicode.

The report is built once from real plans of the seeded demo lanes (plus a
copy of BER-MUC renamed ``Zürich–Milano`` and synthetic lanes, so the
watchtower has more lanes than it prints) and read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from pypdf import PdfReader

import ai_brain
import planning
import report
import seed_data
from ai_brain import fmt_pct, fmt_qty

SEED_END = dt.date(2024, 12, 31)
UNICODE_LANE = "Zürich–Milano"
SYNTHETIC_LANES = 22  # 4 scenario lanes + 1 Unicode lane + 22 = 27 > WATCHTOWER_ROWS
REPORT_LANES = (UNICODE_LANE, "HAM-ROT", "FRA-PAR")
GENERATED = dt.datetime(2025, 1, 2, 9, 30)


def _text(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.fixture(scope="module")
def seeded() -> tuple[list[planning.LanePlan], planning.NetworkPlan]:
    frame, masters = seed_data.generate_scenarios(seed=seed_data.DEFAULT_SEED, end=SEED_END)
    by_code = {m.code: m for m in masters}
    unicode_rows = frame[frame["lane"] == "BER-MUC"].assign(lane=UNICODE_LANE)
    by_code[UNICODE_LANE] = by_code["BER-MUC"].with_overrides(code=UNICODE_LANE,
                                                              name="Zürich–Milano seasonal")
    synthetic = list(seed_data.iter_synthetic(seed=7, end=SEED_END, days=400,
                                              lanes=SYNTHETIC_LANES))
    by_code.update({m.code: m for m in seed_data.synthetic_masters(7, SYNTHETIC_LANES)})
    demand = pd.concat([frame, unicode_rows, *synthetic], ignore_index=True)
    network = planning.plan_network(demand, by_code)
    plans = [planning.plan_lane(demand[demand["lane"] == code], by_code[code])
             for code in REPORT_LANES]
    return plans, network


@pytest.fixture(scope="module")
def pdf(seeded) -> PdfReader:
    plans, network = seeded
    data = report.build_report(plans, network, generated_at=GENERATED)
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def lane_pages(pdf: PdfReader, lane: str) -> list[str]:
    """Texts of the pages of one lane's section (from its heading to the next lane's)."""
    texts = [_text(p) for p in pdf.pages]
    starts = [i for i, t in enumerate(texts) for code in REPORT_LANES if f"Lane {code} " in t]
    first = next(i for i, t in enumerate(texts) if f"Lane {lane} " in t)
    later = [s for s in starts if s > first]
    return texts[first:(later[0] if later else len(texts))]


def test_first_page_has_network_date_data_range_and_watchtower(pdf, seeded) -> None:
    _, network = seeded
    first = _text(pdf.pages[0])
    assert "Generated 2025-01-02 09:30" in first
    assert "2024-12-31" in first and "Network" in first
    shown = min(report.WATCHTOWER_ROWS, len(network.table))
    assert len(network.table) > report.WATCHTOWER_ROWS
    assert f"{shown} of {len(network.table)} lanes shown" in first
    assert fmt_qty(network.total_overflow_volume, "units/day") in first


def test_lane_sections_print_the_plans_figures_with_units(pdf, seeded) -> None:
    plans, _ = seeded
    for plan in plans:
        text = " ".join(lane_pages(pdf, plan.lane))
        assert fmt_qty(plan.safety_stock, "units") in text
        assert fmt_qty(plan.overflow_volume, "units/day") in text
        assert fmt_qty(plan.required_capacity, "units/day") in text
        assert fmt_pct(plan.service_level, decimals=2) in text
        assert fmt_qty(plan.cooperation_cost_per_year, "EUR/year") in text
        assert fmt_qty(plan.params.holding_cost, "EUR/unit/year") in text  # parameters used
        assert "Data 2022-01-01" in text or "Data 2022-01-02" in text
        assert f"Analysis: {plan.lane}" in text


def test_overflow_lane_shows_its_overflow_and_partner_dependency(pdf, seeded) -> None:
    ham_rot = next(p for p in seeded[0] if p.lane == "HAM-ROT")
    assert ham_rot.overflow_volume > 0
    text = " ".join(lane_pages(pdf, "HAM-ROT"))
    assert "Partner dependency is high" in text or "Partner dependency is limited" in text
    assert fmt_pct(ham_rot.dependency_ratio) in text


def test_unicode_lane_name_prints(pdf) -> None:
    texts = " ".join(_text(p) for p in pdf.pages)
    assert f"Lane {UNICODE_LANE}" in texts
    assert UNICODE_LANE in _text(pdf.pages[0])  # in the watchtower table too


def test_pages_and_images(pdf, seeded) -> None:
    plans, _ = seeded
    images = [len(page.images) for page in pdf.pages]
    assert images[0] == 1  # the network utilisation chart
    assert sum(images) == 1 + 2 * len(plans)  # + demand/forecast and cost curve per lane
    for plan in plans:
        pages = lane_pages(pdf, plan.lane)
        assert 1 <= len(pages) <= 3
        assert f"Charts: {plan.lane}" in " ".join(pages)
    assert len(pdf.pages) <= 3 + 3 * len(plans)


def test_given_analyses_are_used_and_markdown_is_tamed(seeded) -> None:
    plans, network = seeded
    hostile = ("# Heading\n- **bold** and **unbalanced\n1. numbered -- dashes __under__ "
               "~~strike~~ `code`\n\n![img](http://example.invalid/x.png)")
    data = report.build_report(plans[:1], network, analyses={
        plans[0].lane: "Custom lane analysis: watch capacity.\n" + hostile,
        ai_brain.NETWORK_KEY: "Custom network analysis.",
    })
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(_text(p) for p in reader.pages)
    assert "Custom lane analysis: watch capacity." in text
    assert "Custom network analysis." in text
    assert "numbered -- dashes __under__ ~~strike~~ code" in text
    assert sum(len(p.images) for p in reader.pages) == 3


def test_network_only_report(seeded) -> None:
    _, network = seeded
    reader = PdfReader(io.BytesIO(report.build_report([], network)))
    assert len(reader.pages) >= 1
    assert "Lanes with a detailed section: none" in _text(reader.pages[0])

"""Dashboard tabs driven through Streamlit's AppTest against a seeded SQLite file.

Covers: watchtower lists every lane with a status; picking a lane (sidebar and
watchtower row); the service level moving every number the right way; reset
to lane defaults; every tab renders; the Monte Carlo twin and the stress test;
the empty database's demo button; the unreachable-database banner.  No run may
produce an exception element.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from app_support import app_engine, clear_app_caches, run, use_database
from streamlit.testing.v1 import AppTest

import db
from domain import LaneMasterData
from services import config
from views import nav, sidebar, watchtower


def capacity_input(at: AppTest):
    """The sidebar's internal-capacity widget (its key carries lane and reset generation)."""
    return next(w for w in at.number_input if (w.key or "").startswith("sb_internal_capacity@"))


ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 180
START = dt.date(2023, 1, 1)
HISTORY_DAYS = 430
# Lane -> (mean units/day, internal capacity units/day): HAM-ROT runs over capacity.
LANES = {"BER-MUC": (120.0, 400.0), "HAM-ROT": (300.0, 200.0), "FRA-PAR": (80.0, 300.0)}
HAM_ROT_CAPACITY = LANES["HAM-ROT"][1]


def _history_csv() -> bytes:
    rng = np.random.default_rng(7)
    rows = ["date,lane,demand"]
    for lane, (mean, _cap) in LANES.items():
        season = 1.0 + 0.2 * np.sin(np.arange(HISTORY_DAYS) * 2 * np.pi / 365.0)
        volumes = np.maximum(0, rng.normal(mean * season, mean * 0.2)).round()
        for d, v in enumerate(volumes):
            rows.append(f"{START + dt.timedelta(days=d):%Y-%m-%d},{lane},{v:.0f}")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with three lanes of ~14 months and their master data."""
    path = tmp_path_factory.mktemp("app_tabs") / "tabs.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        use_database(mp, path)
        report = db.import_csv(io.BytesIO(_history_csv()), engine=app_engine())
        assert report.ok, report.errors[:3]
        for lane, (_mean, capacity) in LANES.items():
            db.save_lane_master(LaneMasterData(code=lane, name=f"Lane {lane}",
                                               internal_capacity=capacity), engine=app_engine())
    config.get_settings.cache_clear()
    return path


@pytest.fixture
def app(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    use_database(monkeypatch, seeded_path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    yield at
    clear_app_caches()


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state[nav.TAB_KEY] = label
    return run(at)


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0]


def number(text: str) -> float:
    """First number in a metric text like '1,234 units' or '95.3 %'."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, text
    return float(match.group(0).replace(",", ""))


def plotly_count(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


# --------------------------------------------------------------------------- watchtower


def test_watchtower_lists_every_lane_with_a_status(app: AppTest) -> None:
    run(app)
    table = app.dataframe[0].value
    assert sorted(table["lane"]) == sorted(LANES)
    icons = set(watchtower.STATUS_ICONS.values())
    assert all(status.split(" ")[0] in icons for status in table["status"])
    # ranked by impact (EUR/year), highest first
    assert list(table["impact_per_year"]) == sorted(table["impact_per_year"], reverse=True)
    assert "1 of 3" in metric(app, "Lanes overflowing")  # HAM-ROT only
    assert "units/year" in metric(app, "Expected overflow to partners")
    assert "EUR/year" in metric(app, "Money at stake")


def test_watchtower_filters_narrow_the_table(app: AppTest) -> None:
    run(app)
    app.text_input(key=watchtower.SEARCH_KEY).input("ham")
    run(app)
    assert list(app.dataframe[0].value["lane"]) == ["HAM-ROT"]


def test_watchtower_row_selection_opens_the_lane(app: AppTest) -> None:
    run(app)
    lanes = list(app.dataframe[0].value["lane"])
    target = lanes[-1]
    app.session_state[watchtower.TABLE_KEY] = {"selection": {"rows": [len(lanes) - 1], "columns": []}}
    run(app)
    assert app.selectbox(key=sidebar.LANE_KEY).value == target
    assert app.session_state[nav.TAB_KEY] == nav.LANE_OPS
    assert any(target in s.value for s in app.success)


# --------------------------------------------------------------------------- sidebar


def test_lane_change_loads_the_lanes_master_data_and_reset_restores_it(app: AppTest) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    run(app)
    capacity = capacity_input(app)
    assert capacity.value == pytest.approx(HAM_ROT_CAPACITY)
    capacity.set_value(HAM_ROT_CAPACITY + 100)
    run(app)
    assert any("What-if differs" in c.value for c in app.sidebar.caption)
    reset = [b for b in app.sidebar.button if "Reset to lane defaults" in b.label][0]
    reset.click()
    run(app)
    assert capacity_input(app).value == pytest.approx(HAM_ROT_CAPACITY)
    app.selectbox(key=sidebar.LANE_KEY).select("BER-MUC")
    run(app)
    assert capacity_input(app).value == pytest.approx(LANES["BER-MUC"][1])


def test_service_level_up_raises_safety_stock_and_fill_rate(app: AppTest) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("BER-MUC")
    open_tab(app, nav.RISK)
    optimal_ss = number(metric(app, "Safety stock"))
    assert "units" in metric(app, "Safety stock")
    app.checkbox(key=sidebar.USE_OPTIMAL_KEY).uncheck()
    run(app)
    # unticking starts the slider at the lane's alpha*, so nothing jumps yet
    assert app.slider(key=sidebar.SERVICE_LEVEL_KEY).value == pytest.approx(
        number(metric(app, "Critical ratio α*")), abs=0.051)
    app.slider(key=sidebar.SERVICE_LEVEL_KEY).set_value(90.0)
    run(app)
    low = {k: number(metric(app, k)) for k in ("Safety stock", "Reorder point r", "Fill rate β",
                                               "Holding cost", "SLA penalty cost")}
    assert number(metric(app, "Target service level α")) == pytest.approx(90.0)
    app.slider(key=sidebar.SERVICE_LEVEL_KEY).set_value(99.0)
    run(app)
    high = {k: number(metric(app, k)) for k in low}
    assert high["Safety stock"] > low["Safety stock"]
    assert high["Reorder point r"] > low["Reorder point r"]
    assert high["Fill rate β"] > low["Fill rate β"]
    assert high["Holding cost"] > low["Holding cost"]
    assert high["SLA penalty cost"] < low["SLA penalty cost"]
    assert math.isfinite(optimal_ss)


# --------------------------------------------------------------------------- tabs


@pytest.mark.parametrize(
    ("label", "expected_metric", "min_charts"),
    [
        (nav.WATCHTOWER, "Network dependency", 1),
        (nav.LANE_OPS, "Mean demand", 1),
        (nav.RISK, "Critical ratio α*", 1),
        (nav.COOPERATION, "Dependency ratio", 1),
        (nav.FINANCE, "Margin per unit", 2),
    ],
)
def test_every_tab_renders_with_units(app: AppTest, label: str, expected_metric: str,
                                      min_charts: int) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    open_tab(app, label)
    metric(app, expected_metric)
    assert plotly_count(app) >= min_charts
    unitless = [m.label for m in app.metric
                if not re.search(r"units|EUR|%|days|/ 100|lanes| of |\bz\b|pattern|method|smooth|"
                                 r"erratic|intermittent|lumpy", f"{m.label} {m.value}")]
    assert not unitless, unitless


def test_lane_operations_shows_breach_and_backtest(app: AppTest) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    open_tab(app, nav.LANE_OPS)
    assert any("Capacity breached on" in e.value for e in app.error)
    mase = [d.value for d in app.dataframe if "MASE" in d.value.columns]
    assert mase and len(mase[0]) >= 1


def test_cooperation_shows_formula_with_numbers_and_network_table(app: AppTest) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    open_tab(app, nav.COOPERATION)
    assert any("G" in m.value and "units/year" in m.value for m in app.latex)
    assert any(m.label == "Last 365 days, replayed" for m in app.metric)
    tables = [d.value for d in app.dataframe]
    assert any("HAM-ROT" in list(t.get("lane", [])) for t in tables)


def test_data_and_analyst_tabs_render(app: AppTest) -> None:
    run(app)
    for label in (nav.DATA, nav.ANALYST):
        open_tab(app, label)


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_and_stress_test_run_from_the_risk_tab(app: AppTest) -> None:
    run(app)
    open_tab(app, nav.RISK)
    charts_before = plotly_count(app)
    app.button(key="risk_mc_run").click()
    run(app)
    value = metric(app, "Cycle service level: formula vs simulation")
    assert "±" in value and "%" in value
    assert "EUR/year" in metric(app, "Worst-case profit (VaR 95 %)")
    assert plotly_count(app) == charts_before + 2  # overflow and P&L histograms
    # A rerun (any widget) shows the cached result again without pressing the button.
    run(app)
    metric(app, "Expected profit")
    app.button(key="risk_stress_run").click()
    run(app)
    assert re.search(r"day|never", metric(app, "Time to survive (median)"))
    assert "EUR/year" in metric(app, "Profit change through the shock")


def test_risk_tab_shows_the_reconciliation_table(app: AppTest) -> None:
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    open_tab(app, nav.RISK)
    tables = [d.value for d in app.dataframe if "Plan vs simulation" in d.value.columns]
    assert tables, "the plan vs last 365 days vs simulation table is missing"
    figures = list(tables[0]["Figure"])
    for figure in ("Overflow to partners", "Fill rate", "SLA penalties", "Expected profit"):
        assert figure in figures
    # every disagreement is explained in a sentence on the page
    if (tables[0]["Plan vs simulation"] != "agree").any():
        assert app.info


def test_stress_test_partner_capacity_follows_the_lane(app: AppTest) -> None:
    """Regression: the partner capacity default was kept from the previously shown lane."""
    run(app)
    app.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    open_tab(app, nav.RISK)
    ham = app.number_input(key="risk_stress_partner_HAM-ROT").value
    app.selectbox(key=sidebar.LANE_KEY).select("FRA-PAR")
    run(app)
    fra = app.number_input(key="risk_stress_partner_FRA-PAR").value
    assert fra != ham
    assert fra <= 0.5 * 80.0 + 200.0  # FRA-PAR's own reserve + half its own capacity


# --------------------------------------------------------------------------- edge states


def test_empty_database_offers_demo_data_and_loads_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    use_database(monkeypatch, tmp_path / "empty.sqlite")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    run(at)
    buttons = [b for b in at.button if "Load demo data" in b.label]
    assert buttons and not buttons[0].disabled
    buttons[0].click()
    run(at)
    assert db.list_lanes(engine=app_engine())
    assert len(at.dataframe[0].value) == len(db.list_lanes(engine=app_engine()))
    assert any("Demo data loaded" in s.value for s in at.success)


def test_public_mode_empty_database_locks_the_demo_button(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    use_database(monkeypatch, tmp_path / "empty_public.sqlite", APP_MODE="public")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    run(at)
    buttons = [b for b in at.button if "Load demo data" in b.label]
    assert buttons and buttons[0].disabled


@pytest.mark.parametrize(
    "url",
    ["not-a-url", "postgresql://nobody:secret@127.0.0.1:1/nothing"],
)
def test_unreachable_database_shows_a_banner_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    use_database(monkeypatch, tmp_path / "unused.sqlite", DATABASE_URL=url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    run(at)
    assert at.error and "cannot" in at.error[0].value.lower()
    assert "secret" not in at.error[0].value

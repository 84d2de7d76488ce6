"""Charts are pure functions: a plan in, a plotly Figure with the expected traces out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import planning
from domain import LaneMasterData
from presentation import charts

DAYS = 400
CAPACITY = 110.0  # units/day, below the seasonal peak so the forecast breaches it


def _history(days: int = DAYS, mean: float = 100.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=days, freq="D")
    trend = mean * (1.0 + 0.4 * np.arange(days) / days)
    demand = np.maximum(0.0, rng.normal(trend, mean * 0.1)).round()
    return pd.DataFrame({"date": dates, "lane": "BER-MUC", "demand": demand})


@pytest.fixture(scope="module")
def plan() -> planning.LanePlan:
    params = LaneMasterData(code="BER-MUC", internal_capacity=CAPACITY)
    return planning.plan_lane(_history(), params, horizon_days=60)


@pytest.fixture(scope="module")
def plan_at_99(plan: planning.LanePlan) -> planning.LanePlan:
    return planning.plan_lane(_history(), plan.params, service_level=0.99, horizon_days=60)


def names(fig: go.Figure) -> list[str]:
    return [trace.name or "" for trace in fig.data]


def trace(fig: go.Figure, prefix: str):
    found = [t for t in fig.data if (t.name or "").startswith(prefix)]
    assert found, f"no trace starting with {prefix!r}: {names(fig)}"
    return found[0]


def test_lane_forecast_has_history_band_forecast_and_capacity_line(plan) -> None:
    fig = charts.lane_forecast(plan)
    assert isinstance(fig, go.Figure)
    for prefix in (charts.TRACE_HISTORY, charts.TRACE_ROLLING, charts.TRACE_INTERVAL,
                   charts.TRACE_FORECAST, charts.TRACE_WORKLOAD, charts.TRACE_CAPACITY):
        trace(fig, prefix)
    capacity = trace(fig, charts.TRACE_CAPACITY)
    assert set(capacity.y) == {CAPACITY}
    history = trace(fig, charts.TRACE_HISTORY)
    assert len(history.x) == min(charts.HISTORY_DAYS_SHOWN, len(plan.history))
    band = trace(fig, charts.TRACE_INTERVAL)
    assert band.fill == "toself" and len(band.x) == 2 * len(plan.forecast.dates)
    assert "units/day" in fig.layout.yaxis.title.text


def test_lane_forecast_marks_the_first_breach(plan) -> None:
    fig = charts.lane_forecast(plan)
    if plan.forecast.first_breach_date is None:
        assert charts.TRACE_BREACH not in names(fig)
    else:
        breach = trace(fig, charts.TRACE_BREACH)
        assert pd.Timestamp(breach.x[0]) == plan.forecast.first_breach_date


def test_cost_curve_marks_the_optimum_at_the_critical_ratio(plan) -> None:
    fig = charts.cost_curve(plan)
    for prefix in ("Holding cost", "SLA penalty cost", "Ordering cost", "Total inventory cost"):
        trace(fig, prefix)
    optimum = trace(fig, charts.TRACE_OPTIMUM)
    assert optimum.x[0] == pytest.approx(plan.cost_curve.optimum_service_level * 100)
    assert optimum.y[0] == pytest.approx(plan.cost_curve.optimum_total)
    assert charts.TRACE_TARGET not in names(fig)  # target = optimum: one marker only
    assert "EUR/year" in fig.layout.yaxis.title.text


def test_cost_curve_shows_a_target_that_differs_from_the_optimum(plan_at_99) -> None:
    fig = charts.cost_curve(plan_at_99)
    target = trace(fig, charts.TRACE_TARGET)
    assert target.x[0] == pytest.approx(99.0)
    # the optimum is the curve's minimum, so any other target costs at least as much
    assert target.y[0] >= plan_at_99.cost_curve.optimum_total - 1e-6


def test_profit_heatmap_marks_the_sweet_spot(plan) -> None:
    fig = charts.profit_heatmap(plan)
    heat = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert len(heat) == 1
    land = plan.profit_landscape
    assert np.asarray(heat[0].z).shape == land.profit.shape
    spot = trace(fig, charts.TRACE_SWEET_SPOT)
    assert spot.y[0] == pytest.approx(land.sweet_spot_service_level * 100)
    assert spot.x[0] == pytest.approx(land.sweet_spot_lead_time_std)
    i, j = np.unravel_index(np.argmax(land.profit), land.profit.shape)
    assert land.profit[i, j] == pytest.approx(land.sweet_spot_profit)


def test_unit_economics_waterfall_ends_at_the_margin(plan) -> None:
    fig = charts.unit_economics_waterfall(plan)
    (water,) = fig.data
    assert isinstance(water, go.Waterfall)
    econ = plan.unit_economics
    assert list(water.y)[0] == pytest.approx(econ.revenue)
    assert list(water.y)[-1] == pytest.approx(econ.margin)
    assert econ.revenue + sum(list(water.y)[1:-1]) == pytest.approx(econ.margin, abs=1e-6)


def test_capacity_split_stacks_to_the_expected_workload(plan) -> None:
    fig = charts.capacity_split(plan)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    # expected internal volume E[min(W, C)] + expected overflow E[(W - C)+] = E[W] per day
    assert sum(b.x[0] for b in bars) == pytest.approx(plan.stats.workload_mean)
    assert list(trace(fig, charts.TRACE_CAPACITY).x) == [CAPACITY, CAPACITY]


def test_histogram_draws_markers_and_drops_non_finite_values() -> None:
    values = np.array([1.0, 2.0, np.inf, np.nan, 3.0])
    fig = charts.histogram(values, title="P&L", x_title="EUR/year", markers={"VaR 95 %": 1.5})
    assert list(fig.data[0].x) == [1.0, 2.0, 3.0]
    assert [s.x0 for s in fig.layout.shapes] == [1.5]
    assert fig.layout.xaxis.title.text == "EUR/year"


def test_network_utilisation_flags_lanes_above_capacity() -> None:
    table = pd.DataFrame({"lane": ["A", "B"], "utilisation": [1.2, 0.5]})
    fig = charts.network_utilisation(table)
    assert list(fig.data[0].y) == pytest.approx([120.0, 50.0])
    assert list(fig.data[0].marker.color) == [charts.COLOR_CAPACITY, charts.COLOR_TOTAL]


def test_scenario_cost_curves_add_the_capacity_cost_and_mark_each_target() -> None:
    from types import SimpleNamespace

    curve = SimpleNamespace(service_levels=[0.5, 0.75, 0.99], total=[300.0, 200.0, 250.0])
    plans = {
        "A": SimpleNamespace(cost_curve=curve, cooperation_cost_per_year=1000.0, service_level=0.75),
        "B": SimpleNamespace(cost_curve=curve, cooperation_cost_per_year=400.0, service_level=0.5),
    }
    fig = charts.scenario_cost_curves(plans)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["A", "B"]
    assert list(lines[0].y) == pytest.approx([1300.0, 1200.0, 1250.0])
    assert list(lines[1].y) == pytest.approx([700.0, 600.0, 650.0])
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [(m.x[0], m.y[0]) for m in markers] == [(pytest.approx(75.0), pytest.approx(1200.0)),
                                                   (pytest.approx(50.0), pytest.approx(700.0))]
    assert lines[0].line.color != lines[1].line.color

"""Planning layer: one lane's figures, units, consistency with the watchtower."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cooperation
import inventory
import inventory_math
import planning
from domain import DAYS_PER_YEAR, LaneMasterData

DAYS = pd.date_range("2024-01-01", periods=730, freq="D")


def _history(values: np.ndarray, dates: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    return pd.DataFrame({"date": dates[: len(values)], "demand": values})


@pytest.fixture(scope="module")
def stable_lane() -> tuple[pd.DataFrame, LaneMasterData]:
    rng = np.random.default_rng(7)
    values = np.maximum(rng.normal(165.0, 12.0, len(DAYS)), 0.0).round()
    return _history(values), LaneMasterData(code="HAM-ROT", internal_capacity=150.0)


@pytest.fixture(scope="module")
def stable_plan(stable_lane) -> planning.LanePlan:
    history, params = stable_lane
    return planning.plan_lane(history, params)


def test_statistics_are_per_day_over_the_window(stable_lane, stable_plan):
    history, _ = stable_lane
    window = history["demand"].to_numpy()[-planning.STATS_WINDOW_DAYS :]
    assert stable_plan.stats.demand_mean == pytest.approx(window.mean())
    assert stable_plan.stats.demand_std == pytest.approx(window.std(ddof=1))
    assert stable_plan.stats.source_period == "day"


def test_buffer_matches_the_textbook_functions(stable_lane):
    """Fixed lead time: continuous review gives the textbook figures; daily review adds the undershoot."""
    history, params = stable_lane
    params = params.with_overrides(lead_time_std=0.0)
    stable_plan = planning.plan_lane(history, params)
    continuous = planning.plan_lane(history, params.with_overrides(review_period_days=0))
    p, s = continuous.params, continuous.stats
    expected = inventory_math.safety_stock(
        continuous.service_level, s.demand_mean, s.demand_std, p.lead_time_mean, p.lead_time_std
    )
    assert continuous.safety_stock == pytest.approx(expected)
    assert continuous.reorder_point == pytest.approx(s.demand_mean * p.lead_time_mean + expected)
    assert continuous.reorder_point == pytest.approx(continuous.textbook_reorder_point)
    assert stable_plan.order_quantity == pytest.approx(
        inventory_math.eoq(s.demand_mean * DAYS_PER_YEAR, p.order_cost, p.holding_cost)
    )
    kwargs = dict(demand_mean=s.demand_mean, demand_std=s.demand_std,
                  lead_time_mean=p.lead_time_mean, lead_time_std=p.lead_time_std)
    assert stable_plan.review_period_days == 1
    assert stable_plan.reorder_point == pytest.approx(
        inventory_math.daily_review_reorder_point(stable_plan.service_level, **kwargs))
    undershoot = inventory_math.daily_review_undershoot_mean(s.demand_mean, s.demand_std)
    assert stable_plan.safety_stock == pytest.approx(
        stable_plan.reorder_point - s.demand_mean * p.lead_time_mean - undershoot)


def test_default_target_is_the_critical_ratio_everywhere(stable_plan):
    """One optimal service level: critical ratio = cost-curve minimum = profit sweet-spot row."""
    expected = inventory_math.optimal_service_level(
        holding_cost=stable_plan.params.holding_cost,
        penalty_cost=stable_plan.params.penalty_cost,
        order_quantity=stable_plan.order_quantity,
        annual_demand=stable_plan.annual_demand,
    )
    assert stable_plan.optimal_service_level == pytest.approx(expected)
    assert stable_plan.service_level == pytest.approx(expected)
    curve = stable_plan.cost_curve
    assert curve.service_levels[np.argmin(curve.total)] == pytest.approx(expected)
    landscape = stable_plan.profit_landscape
    best_rows = landscape.service_levels[np.argmax(landscape.profit, axis=0)]
    assert best_rows == pytest.approx(np.full(best_rows.shape, expected))
    assert landscape.sweet_spot_service_level == pytest.approx(expected)


def test_cost_curve_is_u_shaped(stable_plan):
    total = stable_plan.cost_curve.total
    i = int(np.argmin(total))
    assert 0 < i < len(total) - 1
    assert np.all(np.diff(total[: i + 1]) <= 1e-9)
    assert np.all(np.diff(total[i:]) >= -1e-9)


def test_capacity_is_a_flow_and_money_is_on_expected_volumes(stable_plan):
    s, p = stable_plan.stats, stable_plan.params
    gamma = p.capacity_coverage_level
    quantile = cooperation.required_capacity(s.workload_mean, s.workload_std, gamma)
    assert stable_plan.required_capacity == pytest.approx(quantile)
    assert stable_plan.partner_capacity_to_reserve == pytest.approx(quantile - 150.0)
    overflow_day = cooperation.expected_overflow(s.workload_mean, s.workload_std, 150.0)
    assert stable_plan.overflow_volume == pytest.approx(overflow_day)
    assert stable_plan.expected_overflow_per_year == pytest.approx(overflow_day * DAYS_PER_YEAR)
    # the expected overflow is far below the quantile charged every day (the old error)
    assert stable_plan.overflow_volume < quantile - 150.0
    workload = s.workload_mean * DAYS_PER_YEAR
    assert stable_plan.dependency_ratio == pytest.approx(overflow_day * DAYS_PER_YEAR / workload)
    h, sur = p.handling_cost, p.partner_surcharge
    internal = workload - stable_plan.expected_overflow_per_year
    expected_cost = h * internal + (h + sur) * stable_plan.expected_overflow_per_year
    assert stable_plan.cooperation_cost_per_year == pytest.approx(expected_cost)
    assert stable_plan.cooperation_cost_per_day == pytest.approx(expected_cost / DAYS_PER_YEAR)


def test_returns_add_workload_not_stock(stable_lane):
    history, params = stable_lane
    without = planning.plan_lane(history, params.with_overrides(return_rate=0.0))
    with_returns = planning.plan_lane(history, params.with_overrides(return_rate=0.2))
    assert with_returns.required_capacity > without.required_capacity
    assert with_returns.stats.workload_mean == pytest.approx(1.2 * without.stats.demand_mean)
    assert with_returns.safety_stock == pytest.approx(without.safety_stock)


def test_higher_service_level_moves_numbers_the_right_way(stable_lane):
    history, params = stable_lane
    low = planning.plan_lane(history, params, service_level=0.90)
    high = planning.plan_lane(history, params, service_level=0.99)
    assert high.safety_stock > low.safety_stock
    assert high.fill_rate > low.fill_rate
    assert high.penalty_cost_per_year < low.penalty_cost_per_year
    # capacity is sized by its own coverage level, not by the inventory alpha
    assert high.required_capacity == pytest.approx(low.required_capacity)
    assert high.expected_overflow_per_year == pytest.approx(low.expected_overflow_per_year)
    assert not high.service_level_is_optimal


def test_weekly_history_is_converted_to_per_day(stable_lane):
    """Weekly totals: per-day mean = weekly mean / 7, per-day sigma = weekly sigma / sqrt(7)."""
    rng = np.random.default_rng(3)
    weeks = pd.date_range("2023-01-02", periods=156, freq="W-MON")
    weekly = rng.normal(700.0, 70.0, len(weeks)).round()
    plan = planning.plan_lane(_history(weekly, weeks), LaneMasterData(code="W"))
    window = weekly[-52:]
    assert plan.stats.source_period == "week"
    assert plan.stats.demand_mean == pytest.approx(window.mean() / 7.0)
    assert plan.stats.demand_std == pytest.approx(window.std(ddof=1) / np.sqrt(7.0))
    # the buffer is sized with per-day statistics and a lead time in days
    continuous = planning.plan_lane(_history(weekly, weeks),
                                    LaneMasterData(code="W", review_period_days=0, lead_time_std=0.0))
    assert continuous.safety_stock == pytest.approx(
        inventory_math.safety_stock(plan.service_level, plan.stats.demand_mean, plan.stats.demand_std,
                                    5.0, 0.0)
    )
    assert any("per week" in note for note in plan.notes)
    # with a random lead time the plan protects against the mixture the twin draws:
    # the reorder point reaches alpha exactly under that model
    mixture = inventory.protection_demand(
        np.array([plan.stats.demand_mean]), np.array([plan.stats.demand_std]), np.array([5.0]),
        np.array([1.5]), np.array([True]), np.array([0]))
    assert mixture.service(np.array([plan.reorder_point]))[0] == pytest.approx(plan.service_level)


def test_forecast_is_daily_non_negative_and_reports_breach():
    rising = np.linspace(100.0, 170.0, len(DAYS))
    params = LaneMasterData(code="UP", internal_capacity=175.0, return_rate=0.0)
    plan = planning.plan_lane(_history(rising), params, horizon_days=120)
    fc = plan.forecast
    assert len(fc.dates) == 120 and fc.dates[0] == DAYS[-1] + pd.Timedelta(days=1)
    assert np.all(fc.lower >= 0) and np.all(fc.lower <= fc.mean) and np.all(fc.mean <= fc.upper)
    assert fc.first_breach_date is not None
    assert fc.workload_mean[fc.dates.get_loc(fc.first_breach_date)] > 175.0


def test_zero_demand_lane_plans_without_errors():
    plan = planning.plan_lane(_history(np.zeros(100)), LaneMasterData(code="Z"))
    assert plan.safety_stock == 0.0
    assert plan.required_capacity == 0.0
    assert plan.fill_rate == 1.0
    assert plan.dependency_ratio == 0.0


def test_empty_or_invalid_history_is_a_clear_error():
    with pytest.raises(planning.PlanningError, match="no demand history"):
        planning.plan_lane(_history(np.array([])), LaneMasterData(code="E"))
    with pytest.raises(planning.PlanningError, match="service_level"):
        planning.plan_lane(_history(np.ones(30)), LaneMasterData(code="E"), service_level=1.2)


def test_velocity_status_uses_the_recent_window():
    base = np.full(120, 100.0)
    surge = base.copy()
    surge[-7:] = 160.0
    one_spike = base.copy()
    one_spike[-1] = 400.0  # one noisy day must not raise an alert on its own
    low = base.copy()
    low[-7:] = 40.0
    statuses = [
        planning.plan_lane(_history(v), LaneMasterData(code="S")).status
        for v in (base, surge, one_spike, low)
    ]
    assert statuses == ["Normal", "Surge Alert", "Normal", "Low Velocity"]


def test_network_rows_equal_lane_plans(stable_lane):
    rng = np.random.default_rng(11)
    shock = rng.normal(20.0, 4.0, len(DAYS)).clip(0).round()
    shock[rng.random(len(DAYS)) < 0.01] += 200.0
    history, ham = stable_lane
    lanes = {"HAM-ROT": history["demand"].to_numpy(), "FRA-PAR": shock}
    masters = {"HAM-ROT": ham, "FRA-PAR": LaneMasterData(code="FRA-PAR", lead_time_mean=3.0)}
    demand = pd.concat(
        [pd.DataFrame({"date": DAYS, "lane": lane, "demand": v}) for lane, v in lanes.items()],
        ignore_index=True,
    )
    network = planning.plan_network(demand, masters)
    assert list(network.table["lane"]) == ["HAM-ROT", "FRA-PAR"]  # ranked by impact
    assert network.lanes_overflowing[0] == "HAM-ROT"
    for lane, values in lanes.items():
        plan = planning.plan_lane(_history(values), masters[lane])
        row = network.table.set_index("lane").loc[lane]
        for column, value in [
            ("safety_stock", plan.safety_stock),
            ("required_capacity", plan.required_capacity),
            ("overflow_volume", plan.overflow_volume),
            ("resilience", plan.resilience.score),
            ("status", plan.status),
            ("pattern", plan.pattern),
        ]:
            assert row[column] == (value if isinstance(value, str) else pytest.approx(value)), column
    # the shock lane's own tail risk lowers its buffer coverage below the stable lane's
    table = network.table.set_index("lane")
    fra = planning.plan_lane(_history(shock), masters["FRA-PAR"])
    assert fra.resilience.coverage < 1.0
    assert table.loc["FRA-PAR", "resilience"] < 100.0
    assert network.total_overflow_volume == pytest.approx(table["overflow_volume"].sum())


def test_empty_network():
    network = planning.plan_network(pd.DataFrame(columns=["date", "lane", "demand"]), {})
    assert network.table.empty and network.as_of is None


def test_lane_that_went_quiet_is_flagged_not_zero_filled(stable_lane):
    history, params = stable_lane
    quiet = history.iloc[:-30]  # the lane's records stop a month before the others
    other = history.assign(lane="OTHER")
    demand = pd.concat([quiet.assign(lane="QUIET"), other], ignore_index=True)
    network = planning.plan_network(demand, {"QUIET": params.with_overrides(code="QUIET")})
    row = network.table.set_index("lane").loc["QUIET"]
    plan = planning.plan_lane(quiet, params.with_overrides(code="QUIET"), as_of=network.as_of)
    assert plan.status == row["status"] == planning.STATUS_NO_DATA
    assert plan.stale_since == quiet["date"].iloc[-1] == row["last_date"]
    window = quiet["demand"].to_numpy()[-planning.STATS_WINDOW_DAYS:]
    assert plan.stats.demand_mean == pytest.approx(window.mean()) == pytest.approx(row["demand_mean"])
    assert plan.safety_stock == pytest.approx(row["safety_stock"])
    assert plan.forecast.dates[0] == quiet["date"].iloc[-1] + pd.Timedelta(days=1)
    assert any("No data since" in note for note in plan.notes)


def test_unit_economics_add_up_to_the_expected_profit(stable_plan):
    econ = stable_plan.unit_economics
    parts = econ.handling + econ.holding + econ.partner_surcharge + econ.ordering + econ.penalty
    assert econ.margin == pytest.approx(econ.revenue - parts)
    assert econ.margin * stable_plan.annual_demand == pytest.approx(stable_plan.expected_profit_per_year)


def test_daily_review_figures(stable_lane):
    """Reviewed once a day the textbook r delivers less; the daily-review r restores alpha."""
    history, params = stable_lane
    stable_plan = planning.plan_lane(history, params.with_overrides(lead_time_std=0.0))
    s, p = stable_plan.stats, stable_plan.params
    kwargs = dict(demand_mean=s.demand_mean, demand_std=s.demand_std,
                  lead_time_mean=p.lead_time_mean, lead_time_std=p.lead_time_std)
    assert stable_plan.daily_review_service_level < stable_plan.service_level
    assert stable_plan.daily_review_reorder_point == pytest.approx(stable_plan.reorder_point)
    assert stable_plan.reorder_point > stable_plan.textbook_reorder_point
    assert inventory_math.daily_review_cycle_service_level(
        stable_plan.daily_review_reorder_point, **kwargs
    ) == pytest.approx(stable_plan.service_level, abs=1e-6)

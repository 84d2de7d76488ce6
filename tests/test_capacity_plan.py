"""Capacity as a time-phased flow: expected overflow, reservation, costs on volumes, weekdays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cooperation
import inventory_math
import planning
import simulation
from domain import DAYS_PER_YEAR, LaneMasterData, Policy

DAYS = pd.date_range("2023-01-02", periods=3 * 365, freq="D")  # starts on a Monday


def _history(values: np.ndarray, dates: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    return pd.DataFrame({"date": dates[: len(values)], "demand": values})


@pytest.fixture(scope="module")
def iid_lane() -> tuple[pd.DataFrame, LaneMasterData]:
    """An i.i.d. normal lane: mu = 100, sigma = 30 units/day, flat capacity 110, no returns."""
    # normal days; the 0.04 % below zero are cut at zero (demand is never negative)
    values = np.random.default_rng(2024).normal(100.0, 30.0, len(DAYS)).clip(0.0)
    params = LaneMasterData(code="IID", internal_capacity=110.0, return_rate=0.0)
    return _history(values), params


def test_expected_overflow_matches_the_loss_function_formula(iid_lane):
    history, params = iid_lane
    plan = planning.plan_lane(history, params)
    z = (110.0 - 100.0) / 30.0
    truth = DAYS_PER_YEAR * 30.0 * float(inventory_math.standard_normal_loss(z))
    assert truth == pytest.approx(2786, rel=0.002)  # the figure, 2,783.9 exactly
    # exactly the formula on the lane's own statistics (last 365 days)
    s = plan.stats
    assert plan.expected_overflow_per_year == pytest.approx(
        DAYS_PER_YEAR * float(cooperation.expected_overflow(s.workload_mean, s.workload_std, 110.0)))
    # a flow: far below charging the coverage quantile on every day
    assert plan.overflow_volume < plan.partner_capacity_to_reserve
    assert plan.dependency_ratio == pytest.approx(
        plan.expected_overflow_per_year / plan.expected_workload_per_year)


def test_expected_overflow_is_unbiased_across_lanes():
    """One lane's estimate carries the sampling error of 365 days (about 7 %, 1 sigma);
    averaged over 40 independent i.i.d. lanes it lands within 3 % of 365 sigma G((C - mu)/sigma)."""
    rng = np.random.default_rng(77)
    lanes = [f"L{i:02d}" for i in range(40)]
    demand = pd.concat([
        pd.DataFrame({"date": DAYS, "lane": lane, "demand": rng.normal(100.0, 30.0, len(DAYS)).clip(0)})
        for lane in lanes
    ])
    masters = {lane: LaneMasterData(code=lane, internal_capacity=110.0, return_rate=0.0) for lane in lanes}
    table = planning.plan_network(demand, masters).table
    truth = DAYS_PER_YEAR * 30.0 * float(inventory_math.standard_normal_loss(1.0 / 3.0))
    assert table["expected_overflow_per_year"].mean() == pytest.approx(truth, rel=0.03)


def test_replay_of_the_last_year_is_the_direct_sum(iid_lane):
    history, params = iid_lane
    plan = planning.plan_lane(history, params)
    last = history["demand"].to_numpy()[-365:]
    assert plan.overflow_last_year == pytest.approx(np.maximum(last - 110.0, 0.0).sum())


def test_expected_overflow_agrees_with_the_twin(iid_lane):
    history, params = iid_lane
    plan = planning.plan_lane(history, params)
    sim = simulation.simulate_policy(
        Policy.rq(plan.reorder_point, plan.order_quantity),
        simulation.TwinLane(lead_time_mean=5, internal_capacity=110.0),
        simulation.TwinDemand.normal(plan.stats.demand_mean, plan.stats.demand_std),
        replications=2000, days=365, seed=5,
    )
    mean = float(np.mean(sim.overflow_volume))
    se = float(np.std(sim.overflow_volume, ddof=1)) / np.sqrt(2000)
    assert abs(mean - plan.expected_overflow_per_year) < 3 * se + 1e-9


def test_partner_capacity_to_reserve_uses_its_own_coverage_level(iid_lane):
    history, params = iid_lane
    at_90 = planning.plan_lane(history, params.with_overrides(capacity_coverage_level=0.90))
    at_99 = planning.plan_lane(history, params.with_overrides(capacity_coverage_level=0.99))
    s = at_90.stats
    assert at_90.partner_capacity_to_reserve == pytest.approx(
        s.workload_mean + 1.2815516 * s.workload_std - 110.0, rel=1e-6)
    assert at_99.partner_capacity_to_reserve > at_90.partner_capacity_to_reserve
    # the inventory alpha and the money on expected volumes do not move with gamma
    assert at_99.expected_overflow_per_year == pytest.approx(at_90.expected_overflow_per_year)
    assert at_99.service_level == pytest.approx(at_90.service_level)


def test_cost_optimal_reservation_is_the_capacity_newsvendor(iid_lane):
    history, params = iid_lane
    plan = planning.plan_lane(history, params.with_overrides(reservation_fee=0.5, spot_premium=5.0))
    s = plan.stats
    # P(W > C + K*) = fee / premium = 10 %
    k_star = plan.cost_optimal_reservation
    assert 1.0 - float(pytest.importorskip("scipy.stats").norm.cdf(
        (110.0 + k_star - s.workload_mean) / s.workload_std)) == pytest.approx(0.10, abs=1e-9)
    # it is the minimum of fee x K + premium x E[(W - C - K)+]
    def daily_cost(k: float) -> float:
        return 0.5 * k + 5.0 * float(cooperation.expected_overflow(s.workload_mean, s.workload_std, 110.0 + k))
    assert daily_cost(k_star) <= min(daily_cost(k_star - 1.0), daily_cost(k_star + 1.0))
    assert plan.reservation_cost_per_year > 0


def test_internal_capacity_by_weekday_feeds_overflow_and_twin():
    rng = np.random.default_rng(9)
    values = rng.normal(100.0, 20.0, len(DAYS)).clip(0)
    no_sunday = LaneMasterData(code="WD", internal_capacity=120.0, return_rate=0.0,
                               weekday_capacity=(120.0,) * 6 + (0.0,))
    flat = no_sunday.with_overrides(weekday_capacity=None)
    plan = planning.plan_lane(_history(values), no_sunday)
    base = planning.plan_lane(_history(values), flat)
    # every Sunday's whole workload goes to partners
    assert plan.expected_overflow_per_year > base.expected_overflow_per_year + 50 * 95
    sundays = DAYS[-365:].weekday == 6
    last = values[-365:]
    replay = np.maximum(last - np.where(sundays, 0.0, 120.0), 0.0).sum()
    assert plan.overflow_last_year == pytest.approx(replay)
    sim = simulation.simulate_policy(
        Policy.rq(plan.reorder_point, plan.order_quantity),
        simulation.TwinLane(lead_time_mean=5, internal_capacity=no_sunday.capacity_by_weekday()),
        simulation.TwinDemand.normal(plan.stats.demand_mean, plan.stats.demand_std),
        replications=1000, days=364, seed=3,
    )
    per_year = float(np.mean(sim.overflow_volume)) * DAYS_PER_YEAR / 364
    se = float(np.std(sim.overflow_volume, ddof=1)) / np.sqrt(1000) * DAYS_PER_YEAR / 364
    assert abs(per_year - plan.expected_overflow_per_year) < 3 * se + 0.005 * per_year
    # the first breach follows the weekday capacity: the first Sunday of the horizon
    assert plan.forecast.first_breach_date is not None
    assert plan.forecast.first_breach_date.weekday() == 6


def test_costs_are_charged_on_volumes(iid_lane):
    history, params = iid_lane
    plan = planning.plan_lane(history, params)
    h, s = params.handling_cost, params.partner_surcharge
    internal = plan.expected_internal_per_year
    overflow = plan.expected_overflow_per_year
    assert internal + overflow == pytest.approx(plan.expected_workload_per_year)
    assert plan.internal_cost_per_day * DAYS_PER_YEAR == pytest.approx(h * internal)
    assert plan.partner_cost_per_day * DAYS_PER_YEAR == pytest.approx((h + s) * overflow)
    assert plan.surcharge_cost_per_day * DAYS_PER_YEAR == pytest.approx(s * overflow)


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(0.0, 1_000.0), std=st.floats(0.0, 500.0),
    capacity=st.floats(0.0, 2_000.0), extra=st.floats(0.0, 500.0),
)
def test_expected_overflow_properties(mean: float, std: float, capacity: float, extra: float):
    """Bounds and monotonicity: (mu - C)+ <= E[(W - C)+] <= E[W+]; less with more capacity."""
    here = float(cooperation.expected_overflow(mean, std, capacity))
    more = float(cooperation.expected_overflow(mean, std, capacity + extra))
    assert here >= max(mean - capacity, 0.0) - 1e-9  # Jensen
    assert more <= here + 1e-9
    assert here <= mean + std * 0.3989423 + 1e-6  # E[W+] <= mu + sigma phi(0)


@settings(max_examples=40, deadline=None)
@given(fee=st.floats(0.01, 4.0), premium=st.floats(4.5, 20.0), capacity=st.floats(0.0, 300.0))
def test_reservation_falls_with_its_fee(fee: float, premium: float, capacity: float):
    cheap = float(cooperation.cost_optimal_reservation(100, 30, capacity, reservation_fee=fee,
                                                       spot_premium=premium))
    dear = float(cooperation.cost_optimal_reservation(100, 30, capacity, reservation_fee=fee * 1.1,
                                                      spot_premium=premium))
    assert 0.0 <= dear <= cheap + 1e-9

"""Horizontal cooperation: overflow, cost breakdown, dependency, network aggregation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cooperation as co
from domain import DAYS_PER_YEAR


def test_seed_cost_formula_over_capacity():
    cost = co.cooperation_cost(180, 150, handling_cost=3.5, partner_surcharge=4.0)
    # C_max * H + (C_req - C_max) * (H + S) = 150 * 3.5 + 30 * 7.5
    assert cost.total == pytest.approx(150 * 3.5 + 30 * 7.5)
    assert cost.internal_cost == pytest.approx(525.0)
    assert cost.partner_cost == pytest.approx(225.0)
    assert cost.surcharge_cost == pytest.approx(120.0)
    assert cost.total_per_year == pytest.approx(750.0 * DAYS_PER_YEAR)
    assert cost.surcharge_per_year == pytest.approx(120.0 * 365)


def test_under_capacity_costs_only_internal_handling():
    cost = co.cooperation_cost(120, 150, handling_cost=3.5, partner_surcharge=4.0)
    assert cost.total == pytest.approx(120 * 3.5)
    assert cost.partner_cost == 0.0 and cost.surcharge_cost == 0.0


def test_cost_is_continuous_at_capacity():
    at = co.cooperation_cost(150, 150, 3.5, 4.0).total
    just_over = co.cooperation_cost(150 + 1e-9, 150, 3.5, 4.0).total
    assert just_over == pytest.approx(at, abs=1e-6)


def test_vectorised_over_lanes():
    req = np.array([0.0, 100.0, 200.0])
    np.testing.assert_allclose(co.overflow_volume(req, 150), [0, 0, 50])
    np.testing.assert_allclose(co.dependency_ratio(req, 150), [0, 0, 0.25])
    cost = co.cooperation_cost(req, np.array([150, 150, 150]), 2.0, 1.0)
    np.testing.assert_allclose(cost.total, [0, 200, 150 * 2 + 50 * 3])


def test_dependency_zero_when_nothing_required():
    assert co.dependency_ratio(0, 0) == 0.0
    assert co.dependency_ratio(10, 0) == 1.0


@settings(deadline=None)
@given(req=st.floats(min_value=0, max_value=1e6), cap=st.floats(min_value=0, max_value=1e6))
def test_dependency_in_unit_interval_and_volumes_add_up(req, cap):
    delta = co.dependency_ratio(req, cap)
    assert 0.0 <= delta <= 1.0
    over = co.overflow_volume(req, cap)
    assert over == pytest.approx(max(0.0, req - cap))
    assert min(req, cap) + over == pytest.approx(req)


def test_workload_and_required_capacity():
    assert co.workload(100, 0.05) == pytest.approx(105.0)
    # 95 % of days: mu + 1.645 sigma
    assert co.required_capacity(105, 21, 0.95) == pytest.approx(105 + 1.6448536269514722 * 21)
    assert co.required_capacity(105, 21, 0.5) == pytest.approx(105)
    # Never below zero, even for a low service level on a volatile, tiny lane.
    assert co.required_capacity(1, 50, 0.01) == 0.0


def test_invalid_inputs_name_parameter_and_range():
    with pytest.raises(ValueError, match=r"return_rate must be finite and in \[0, 1\)"):
        co.workload(100, 1.0)
    with pytest.raises(ValueError, match="internal_capacity"):
        co.overflow_volume(100, -1)
    with pytest.raises(ValueError, match="partner_surcharge"):
        co.cooperation_cost(100, 50, 3.5, float("nan"))
    with pytest.raises(ValueError, match="service_level"):
        co.required_capacity(100, 10, 1.0)


def _lanes_rows() -> dict[str, dict[str, float]]:
    return {
        "BER-MUC": {"required_capacity": 180, "internal_capacity": 150,
                    "handling_cost": 3.5, "partner_surcharge": 4.0},
        "HAM-ROT": {"required_capacity": 120, "internal_capacity": 150,
                    "handling_cost": 3.0, "partner_surcharge": 5.0},
        "KÖL-WAW": {"required_capacity": 100, "internal_capacity": 60,
                    "handling_cost": 2.0, "partner_surcharge": 6.0},
    }


def test_network_aggregation_row_form():
    net = co.network_cooperation(_lanes_rows())
    assert net.codes == ("BER-MUC", "HAM-ROT", "KÖL-WAW")
    assert net.overflowing == ("BER-MUC", "KÖL-WAW")
    assert net.partner_volume_per_day == pytest.approx(30 + 40)
    assert net.surcharge_per_day == pytest.approx(30 * 4 + 40 * 6)
    assert net.surcharge_per_year == pytest.approx((30 * 4 + 40 * 6) * DAYS_PER_YEAR)
    assert net.network_dependency == pytest.approx(70 / 400)
    expected_total = (150 * 3.5 + 30 * 7.5) + 120 * 3.0 + (60 * 2 + 40 * 8)
    assert net.total_cost_per_day == pytest.approx(expected_total)
    np.testing.assert_allclose(net.dependency, [30 / 180, 0, 0.4])


def test_network_aggregation_column_form_matches_row_form():
    rows = _lanes_rows()
    columns = {key: [lane[key] for lane in rows.values()] for key in co.LANE_FIELDS}
    columns["code"] = list(rows)
    by_rows, by_columns = co.network_cooperation(rows), co.network_cooperation(columns)
    assert by_columns.overflowing == by_rows.overflowing
    assert by_columns.total_cost_per_year == pytest.approx(by_rows.total_cost_per_year)
    unnamed = co.network_cooperation({k: v for k, v in columns.items() if k != "code"})
    assert unnamed.overflowing == ("lane_0", "lane_2")


def test_network_rejects_incomplete_lane():
    with pytest.raises(ValueError, match="must provide handling_cost"):
        co.network_cooperation({"A-B": {"required_capacity": 1, "internal_capacity": 1,
                                        "partner_surcharge": 1}})


def test_network_without_demand_has_zero_dependency():
    net = co.network_cooperation({"required_capacity": [0, 0], "internal_capacity": [5, 5],
                                  "handling_cost": 1, "partner_surcharge": 1})
    assert net.network_dependency == 0.0 and net.overflowing == ()

"""Daily review of an (r, Q) plan: the undershoot formula against simulation and its limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inventory_math as im
from domain import Policy
from simulation import TwinDemand, TwinLane, simulate_policy

MU, SIGMA = 100.0, 20.0
SE_TOLERANCE = 3.0


@pytest.mark.parametrize("lead, z", [(4, 1.0), (6, 2.0), (2, 1.5)])
def test_formula_matches_the_day_by_day_simulation_with_fixed_lead_time(lead, z):
    r = MU * lead + z * SIGMA * math.sqrt(lead)
    expected = im.daily_review_cycle_service_level(
        r, demand_mean=MU, demand_std=SIGMA, lead_time_mean=lead, lead_time_std=0
    )
    res = simulate_policy(Policy.rq(r, 1000.0), TwinLane(lead_time_mean=lead),
                          TwinDemand.normal(MU, SIGMA), replications=3000, seed=5)
    assert abs(res.cycle_service_level - expected) <= SE_TOLERANCE * res.cycle_service_level_se + 1e-3
    textbook = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))  # Phi(z)
    assert expected < textbook - 0.02  # the continuous-review formula is visibly optimistic


def test_reorder_point_reaches_the_target_when_simulated():
    r = im.daily_review_reorder_point(0.95, demand_mean=MU, demand_std=SIGMA,
                                      lead_time_mean=4, lead_time_std=0)
    res = simulate_policy(Policy.rq(float(r), 1000.0), TwinLane(lead_time_mean=4),
                          TwinDemand.normal(MU, SIGMA), replications=3000, seed=9)
    assert abs(res.cycle_service_level - 0.95) <= SE_TOLERANCE * res.cycle_service_level_se + 1e-3


def test_limits():
    # no demand: nothing can run short
    assert im.daily_review_cycle_service_level(0, demand_mean=0, demand_std=0,
                                               lead_time_mean=5, lead_time_std=0) == 1.0
    # deterministic demand of 10/day, L = 3: undershoot uniform on (0, 10), LTD = 30 exactly,
    # so r = 35 covers the lead time whenever U <= 5: alpha = 0.5
    assert im.daily_review_cycle_service_level(
        35, demand_mean=10, demand_std=0, lead_time_mean=3, lead_time_std=0
    ) == pytest.approx(0.5, abs=0.02)
    # a huge reorder point always covers
    assert im.daily_review_cycle_service_level(
        1e6, demand_mean=MU, demand_std=SIGMA, lead_time_mean=4, lead_time_std=1
    ) == pytest.approx(1.0)


def test_vectorised_over_lanes():
    alphas = np.array([0.8, 0.9, 0.99])
    r = im.daily_review_reorder_point(alphas, demand_mean=np.array([50.0, 100.0, 10.0]),
                                      demand_std=np.array([5.0, 30.0, 8.0]),
                                      lead_time_mean=np.array([2.0, 5.0, 7.0]), lead_time_std=1.0)
    back = im.daily_review_cycle_service_level(r, demand_mean=np.array([50.0, 100.0, 10.0]),
                                               demand_std=np.array([5.0, 30.0, 8.0]),
                                               lead_time_mean=np.array([2.0, 5.0, 7.0]),
                                               lead_time_std=1.0)
    np.testing.assert_allclose(back, alphas, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    alpha=st.floats(0.5, 0.999),
    mu=st.floats(1.0, 1000.0),
    cv=st.floats(0.0, 1.5),
    lead=st.floats(0.5, 30.0),
    lead_std=st.floats(0.0, 5.0),
)
def test_daily_review_needs_at_least_the_textbook_reorder_point(alpha, mu, cv, lead, lead_std):
    kwargs = dict(demand_mean=mu, demand_std=cv * mu, lead_time_mean=lead, lead_time_std=lead_std)
    textbook = im.reorder_point(alpha, mu, cv * mu, lead, lead_std)
    r = float(im.daily_review_reorder_point(alpha, **kwargs))
    assert r >= textbook - 1e-9
    assert im.daily_review_cycle_service_level(r, **kwargs) == pytest.approx(alpha, abs=1e-6)
    # more stock never lowers the service level
    assert im.daily_review_cycle_service_level(r + mu, **kwargs) >= alpha - 1e-9

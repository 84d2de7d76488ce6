"""Property tests (hypothesis) of the inventory math: monotonicity, bounds and limits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import inventory_math as im

# Hypothesis' per-example deadline is a wall-time assertion; we never assert on time.
# (A decorator, not a global profile, so other test files keep their own settings.)
no_deadline = settings(deadline=None, max_examples=100)

service_levels = st.floats(min_value=0.001, max_value=0.999)
upper_service_levels = st.floats(min_value=0.5, max_value=0.999)
demand_means = st.floats(min_value=0.0, max_value=1e5)
stds = st.floats(min_value=0.0, max_value=1e4)
lead_times = st.floats(min_value=0.0, max_value=365.0)
positive = st.floats(min_value=1e-3, max_value=1e5)
costs = st.floats(min_value=0.0, max_value=1e4)


@no_deadline
@given(a=service_levels, b=service_levels, d=demand_means, sd=stds, lt=lead_times, slt=stds)
def test_safety_stock_rises_with_service_level(a, b, d, sd, lt, slt):
    low, high = sorted((a, b))
    ss_low = im.safety_stock(low, d, sd, lt, slt)
    ss_high = im.safety_stock(high, d, sd, lt, slt)
    assert ss_high >= ss_low - 1e-9 * (1 + abs(ss_low))


@no_deadline
@given(alpha=upper_service_levels, d=demand_means, sd=stds, lt=lead_times, slt=stds,
       extra=st.floats(min_value=0.0, max_value=1e3))
def test_safety_stock_rises_with_each_sigma(alpha, d, sd, lt, slt, extra):
    # For alpha >= 0.5 (z >= 0) more uncertainty never shrinks the buffer;
    # below 0.5 the buffer is negative and moves the other way by design.
    base = im.safety_stock(alpha, d, sd, lt, slt)
    tol = 1e-9 * (1 + base)
    assert im.safety_stock(alpha, d, sd + extra, lt, slt) >= base - tol
    assert im.safety_stock(alpha, d, sd, lt, slt + extra) >= base - tol


@no_deadline
@given(alpha=service_levels, d=demand_means, lt=lead_times,
       scale=st.floats(min_value=1e-12, max_value=1e-6))
def test_safety_stock_vanishes_with_sigma(alpha, d, lt, scale):
    assert im.safety_stock(alpha, d, 0.0, lt, 0.0) == 0.0
    ss = im.safety_stock(alpha, d, scale, lt, scale)
    assert abs(ss) <= 4 * im.lead_time_demand_std(d, scale, lt, scale) + 1e-300


@no_deadline
@given(alpha=service_levels, sigma=st.floats(min_value=0.0, max_value=1e5), q=positive)
def test_fill_rate_in_unit_interval(alpha, sigma, q):
    beta = im.fill_rate(alpha, ltd_std=sigma, order_quantity=q)
    assert 0.0 <= beta <= 1.0


@no_deadline
@given(alpha=service_levels, sigma=positive, q1=positive, q2=positive)
def test_fill_rate_rises_with_order_quantity(alpha, sigma, q1, q2):
    small, large = sorted((q1, q2))
    assert im.fill_rate(alpha, sigma, large) >= im.fill_rate(alpha, sigma, small) - 1e-9


@no_deadline
@given(alpha=service_levels, q=positive, shrink=st.floats(min_value=1e-12, max_value=1e-9))
def test_fill_rate_tends_to_one_without_uncertainty(alpha, q, shrink):
    assert im.fill_rate(alpha, ltd_std=0.0, order_quantity=q) == 1.0
    assert im.fill_rate(alpha, ltd_std=shrink * q, order_quantity=q) >= 1 - 1e-7


@no_deadline
@given(alpha=service_levels, sigma=positive, q=positive)
def test_fill_rate_never_below_shortcut(alpha, sigma, q):
    from scipy.stats import norm

    shortcut = 1 - sigma * im.standard_normal_loss(norm.ppf(alpha)) / q
    assert im.fill_rate(alpha, sigma, q) >= shortcut - 1e-9


@no_deadline
@given(mu=demand_means, sd=stds, cu=costs, co=costs)
def test_newsvendor_quantity_never_negative(mu, sd, cu, co):
    if cu + co == 0:
        return
    assert im.newsvendor_quantity(mu, sd, cu, co) >= 0.0


@no_deadline
@given(cu=costs, co=costs)
def test_critical_ratio_in_unit_interval(cu, co):
    if cu + co == 0:
        return
    assert 0.0 <= im.critical_ratio(cu, co) <= 1.0


@no_deadline
@given(z=st.floats(min_value=-30, max_value=30))
def test_loss_function_positive_and_above_negative_part(z):
    g = im.standard_normal_loss(z)
    assert g >= 0.0
    assert g >= -z - 1e-12  # G(z) >= max(0, -z): Jensen's inequality


@no_deadline
@given(values=st.lists(st.floats(min_value=0.0, max_value=1e4), min_size=1, max_size=5),
       period=st.sampled_from(["day", "week", "month", "year"]))
def test_conversions_round_trip(values, period):
    arr = np.array(values)
    np.testing.assert_allclose(im.convert_mean(im.convert_mean(arr, "day", period), period, "day"),
                               arr, rtol=1e-12)
    np.testing.assert_allclose(im.convert_std(im.convert_std(arr, "day", period), period, "day"),
                               arr, rtol=1e-12)

"""Unit suite of the planning math: published textbook examples and edge cases.

Sources of the expected values:
* Snyder & Shen, Fundamentals of Supply Chain Theory (2nd ed., 2019), as
  reproduced in the documentation of the ``stockpyl`` library
  (newsvendor h=2, p=18, N(120, 10); Example 4.3 h=0.18, p=0.70, N(50, 8);
  Example 3.1 EOQ K=8, h=0.225, lambda=1300).
* Standard normal loss table G(z) (e.g. Silver, Pyke & Thomas 2017, appendix).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

import inventory_math as im
from domain import DAYS_PER_YEAR

# --------------------------------------------------------------------------- newsvendor


def test_newsvendor_snyder_shen_h2_p18():
    s = im.newsvendor_quantity(demand_mean=120, demand_std=10, underage_cost=18, overage_cost=2)
    cost = im.newsvendor_expected_cost(demand_std=10, underage_cost=18, overage_cost=2)
    assert s == pytest.approx(132.815515655446, abs=1e-9)
    assert cost == pytest.approx(35.09966638649737, abs=1e-9)
    # (h + p) * sigma * phi(z*) -- the closed form, spelled out.
    assert cost == pytest.approx(20 * 10 * norm.pdf(norm.ppf(0.9)))


def test_newsvendor_snyder_shen_example_4_3():
    s = im.newsvendor_quantity(demand_mean=50, demand_std=8, underage_cost=0.70, overage_cost=0.18)
    cost = im.newsvendor_expected_cost(demand_std=8, underage_cost=0.70, overage_cost=0.18)
    assert s == pytest.approx(56.603955927433887, abs=1e-9)
    assert cost == pytest.approx(1.9976051931766445, abs=1e-9)


def test_newsvendor_cost_equals_numerical_expectation_at_optimum():
    mu, sigma, cu, co = 120.0, 10.0, 18.0, 2.0
    s = im.newsvendor_quantity(demand_mean=mu, demand_std=sigma, underage_cost=cu, overage_cost=co)

    def integrand(d: float) -> float:
        return (co * max(s - d, 0.0) + cu * max(d - s, 0.0)) * norm.pdf(d, mu, sigma)

    numeric, _ = integrate.quad(integrand, mu - 12 * sigma, mu + 12 * sigma, points=[s], limit=200)
    closed = im.newsvendor_expected_cost(demand_std=sigma, underage_cost=cu, overage_cost=co)
    assert closed == pytest.approx(numeric, rel=1e-7)


def test_newsvendor_edge_cases():
    assert im.newsvendor_quantity(demand_mean=120, demand_std=10, underage_cost=0,
                                  overage_cost=2) == 0.0
    assert im.newsvendor_quantity(demand_mean=120, demand_std=10, underage_cost=5,
                                  overage_cost=0) == math.inf
    assert im.newsvendor_quantity(demand_mean=120, demand_std=0, underage_cost=5,
                                  overage_cost=0) == 120.0
    # Cheap underage on a low-mean lane: mu + sigma z < 0 is clipped to 0.
    assert im.newsvendor_quantity(demand_mean=1, demand_std=10, underage_cost=1,
                                  overage_cost=99) == 0.0
    assert im.newsvendor_expected_cost(demand_std=10, underage_cost=0, overage_cost=2) == 0.0


def test_critical_ratio_edges_and_errors():
    assert im.critical_ratio(underage_cost=0, overage_cost=3) == 0.0
    assert im.critical_ratio(underage_cost=3, overage_cost=0) == 1.0
    with pytest.raises(ValueError, match="underage_cost and overage_cost"):
        im.critical_ratio(underage_cost=0, overage_cost=0)
    with pytest.raises(ValueError, match=r"overage_cost must be finite and in \[0, inf\]"):
        im.critical_ratio(underage_cost=1, overage_cost=-1)
    np.testing.assert_allclose(im.critical_ratio([18, 1], [2, 1]), [0.9, 0.5])


# --------------------------------------------------------------------------- EOQ


def test_eoq_snyder_shen_example_3_1():
    q = im.eoq(annual_demand=1300, order_cost=8, holding_cost=0.225)
    assert q == pytest.approx(304.0467800264368, abs=1e-9)
    # Annual cost at the optimum, stockpyl: 68.41052550594829.
    assert 0.225 * q / 2 + 8 * 1300 / q == pytest.approx(68.41052550594829, abs=1e-9)


def test_eoq_rejects_zero_holding_cost():
    with pytest.raises(ValueError, match=r"holding_cost must be finite and in \(0, inf\]"):
        im.eoq(annual_demand=1300, order_cost=8, holding_cost=0)


# --------------------------------------------------------------------------- loss function


@pytest.mark.parametrize(
    ("z", "table"),
    [(0.0, 0.3989), (1.0, 0.0833), (1.645, 0.0209), (2.0, 0.0085), (-1.0, 1.0833)],
)
def test_standard_normal_loss_table(z, table):
    assert im.standard_normal_loss(z) == pytest.approx(table, abs=5e-5)


def test_standard_normal_loss_tails_are_accurate():
    z = 10.0
    # Asymptotic expansion G(z) ~ phi(z)/z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6).
    asymptotic = norm.pdf(z) / z**2 * (1 - 3 / z**2 + 15 / z**4 - 105 / z**6)
    assert im.standard_normal_loss(z) == pytest.approx(asymptotic, rel=1e-4)
    zs = np.array([0.3, 2.5, 7.0])
    np.testing.assert_allclose(im.standard_normal_loss(-zs) - im.standard_normal_loss(zs), zs)
    assert im.standard_normal_loss(-50.0) == pytest.approx(50.0)


# --------------------------------------------------------------------------- safety stock


def test_safety_stock_hand_calculation():
    # sigma_LTD = sqrt(9 * 20^2 + 100^2 * 2^2) = sqrt(3600 + 40000) = 208.806
    sigma = im.lead_time_demand_std(demand_mean=100, demand_std=20, lead_time_mean=9,
                                    lead_time_std=2)
    assert sigma == pytest.approx(math.sqrt(43600))
    ss = im.safety_stock(0.95, demand_mean=100, demand_std=20, lead_time_mean=9, lead_time_std=2)
    assert ss == pytest.approx(1.6448536269514722 * math.sqrt(43600))
    rop = im.reorder_point(0.95, demand_mean=100, demand_std=20, lead_time_mean=9, lead_time_std=2)
    assert rop == pytest.approx(900 + ss)


def test_safety_stock_service_level_edges():
    kwargs = {"demand_mean": 100, "demand_std": 20, "lead_time_mean": 9, "lead_time_std": 0}
    assert im.safety_stock(0.5, **kwargs) == pytest.approx(0.0, abs=1e-12)
    assert im.safety_stock(0.999, **kwargs) == pytest.approx(3.090232306167813 * 60)
    # Documented choice: alpha < 0.5 gives a negative buffer, symmetric to alpha > 0.5.
    assert im.safety_stock(0.2, **kwargs) == pytest.approx(-im.safety_stock(0.8, **kwargs))
    for bad in (0.0, 1.0, 1.5, float("nan")):
        with pytest.raises(ValueError, match=r"service_level must be finite and in \(0, 1\)"):
            im.safety_stock(bad, **kwargs)


def test_safety_stock_without_uncertainty_or_demand():
    assert im.safety_stock(0.99, demand_mean=100, demand_std=0, lead_time_mean=9,
                           lead_time_std=0) == 0.0
    # Zero mean demand: lead-time variability no longer matters, only sigma_D.
    ss = im.safety_stock(0.95, demand_mean=0, demand_std=20, lead_time_mean=9, lead_time_std=5)
    assert ss == pytest.approx(norm.ppf(0.95) * 60)


def test_invalid_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="demand_std"):
        im.safety_stock(0.9, demand_mean=100, demand_std=-1, lead_time_mean=9, lead_time_std=0)
    with pytest.raises(ValueError, match="lead_time_mean"):
        im.lead_time_demand_std(demand_mean=100, demand_std=1, lead_time_mean=[5, -1],
                                lead_time_std=0)
    with pytest.raises(ValueError, match="order_quantity"):
        im.fill_rate(0.9, ltd_std=10, order_quantity=0)
    with pytest.raises(ValueError, match="demand_mean must be a number"):
        im.lead_time_demand_std(demand_mean="lots", demand_std=1, lead_time_mean=1,
                                lead_time_std=0)


def test_broadcasting_over_arrays():
    ss = im.safety_stock(np.array([0.9, 0.95, 0.99]), demand_mean=100, demand_std=20,
                         lead_time_mean=np.array([[4.0], [9.0]]), lead_time_std=0)
    assert ss.shape == (2, 3)
    assert ss[1, 2] == pytest.approx(norm.ppf(0.99) * 60)


# --------------------------------------------------------------------------- unit conversion


def test_lead_time_in_weeks_is_converted_to_days():
    lead_days = im.convert_duration(2, "week", "day")
    assert lead_days == 14.0
    ss = im.safety_stock(0.95, demand_mean=100, demand_std=20, lead_time_mean=lead_days,
                         lead_time_std=im.convert_duration(0.5, "week", "day"))
    # Same buffer when everything is expressed per week instead of per day.
    ss_weekly = im.safety_stock(
        0.95,
        demand_mean=im.convert_mean(100, "day", "week"),
        demand_std=im.convert_std(20, "day", "week"),
        lead_time_mean=2,
        lead_time_std=0.5,
    )
    assert ss == pytest.approx(ss_weekly)


def test_daily_sigma_with_monthly_lead_time_understates_the_buffer():
    """The failure the issue warns about, with numbers.

    Lane: 100 +- 20 units/day, lead time 1 month +- 0.25 month, alpha = 95 %.
    Correct: convert the lead time to days (30.42 +- 7.60 days).
    Wrong: feed "1" and "0.25" (months) next to daily demand statistics.
    """
    demand_mean, demand_std, alpha = 100.0, 20.0, 0.95
    lead_days = im.convert_duration(1, "month", "day")
    lead_std_days = im.convert_duration(0.25, "month", "day")
    assert lead_days == pytest.approx(365 / 12)
    correct = im.safety_stock(alpha, demand_mean=demand_mean, demand_std=demand_std,
                              lead_time_mean=lead_days, lead_time_std=lead_std_days)
    wrong = im.safety_stock(alpha, demand_mean=demand_mean, demand_std=demand_std,
                            lead_time_mean=1, lead_time_std=0.25)
    expected = norm.ppf(alpha) * math.sqrt(lead_days * 20**2 + 100**2 * lead_std_days**2)
    assert correct == pytest.approx(expected)
    assert correct == pytest.approx(1263.86, abs=0.01)
    assert wrong == pytest.approx(52.66, abs=0.01)
    assert correct / wrong == pytest.approx(24.0, abs=0.1)
    # Demand-term alone (no lead-time variability) is off by sqrt(days per month) ~ 5.5.
    ratio = im.lead_time_demand_std(100, 20, lead_days, 0) / im.lead_time_demand_std(100, 20, 1, 0)
    assert ratio == pytest.approx(math.sqrt(365 / 12))


def test_period_conversions():
    assert im.convert_mean(10, "day", "week") == 70.0
    assert im.convert_mean(12.0, "year", "day") == pytest.approx(12.0 / DAYS_PER_YEAR)
    assert im.convert_std(20, "day", "month") == pytest.approx(20 * math.sqrt(365 / 12))
    assert im.convert_std(im.convert_std(20, "day", "week"), "week", "day") == pytest.approx(20)
    with pytest.raises(ValueError, match="from_period must be one of"):
        im.convert_mean(1, "fortnight", "day")


@pytest.mark.parametrize(
    ("dates", "period"),
    [
        (["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05", "2024-01-06"], "day"),
        (["2024-01-01", "2024-01-08", "2024-01-15", "2024-02-05"], "week"),
        (["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-07-31"], "month"),
        (["2023-01-01", "2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"], "quarter"),
        (["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-03"], "day"),
    ],
)
def test_detect_period(dates, period):
    assert im.detect_period(dates) == period


def test_detect_period_accepts_datetime_values_and_rejects_short_histories():
    dates = np.arange("2024-01-01", "2024-03-01", 7, dtype="datetime64[D]")
    assert im.detect_period(dates.astype("datetime64[ns]")) == "week"
    with pytest.raises(ValueError, match="at least 2 distinct dates"):
        im.detect_period(["2024-01-01", "2024-01-01"])
    with pytest.raises(ValueError, match="daily, weekly, monthly or quarterly"):
        im.detect_period(["2024-01-01", "2025-01-01"])


# --------------------------------------------------------------------------- fill rate


def test_fill_rate_exact_stays_in_range_where_shortcut_goes_negative():
    alpha, sigma, q = 0.5, 100.0, 10.0
    shortcut = 1 - sigma * im.standard_normal_loss(0.0) / q
    assert shortcut < 0
    beta = im.fill_rate(alpha, ltd_std=sigma, order_quantity=q)
    assert 0.0 <= beta <= 1.0
    # Tiny Q: the fill rate tends to the cycle service level (IP sits at r).
    assert im.fill_rate(alpha, ltd_std=sigma, order_quantity=1e-6) == pytest.approx(0.5, abs=1e-6)


def test_fill_rate_hand_value_and_no_uncertainty():
    expected = 1 - 100 * (im.standard_normal_loss(0.0) - im.standard_normal_loss(4.0)) / 400
    assert im.fill_rate(0.5, ltd_std=100, order_quantity=400) == pytest.approx(expected)
    assert im.fill_rate(0.3, ltd_std=0, order_quantity=400) == 1.0
    np.testing.assert_array_equal(im.fill_rate(0.3, ltd_std=[0, 0], order_quantity=5), [1.0, 1.0])


def test_fill_rate_matches_monte_carlo_of_continuous_review_rq():
    """Simulate (r, Q) with backorders, fixed lead time, normal daily demand.

    Fluid demand, continuous review: the inventory position is
    IP(t) = r + Q - (cumulative demand mod Q) and the net inventory one lead
    time later is NI(t + L) = IP(t) - D(t, t + L].  With unit-sized (fluid)
    demand the fill rate is the share of time with stock on hand, P(NI > 0).
    """
    rng = np.random.default_rng(20240611)
    days, lead, mean, std = 400_000, 4, 50.0, 10.0
    sigma_ltd = std * math.sqrt(lead)
    alpha, q = 0.8, 20.0  # Q / sigma_LTD = 1: the shortcut formula is visibly wrong here
    r = mean * lead + norm.ppf(alpha) * sigma_ltd
    demand = np.maximum(rng.normal(mean, std, days), 0.0)  # P(negative) ~ 3e-7
    cumulative = np.cumsum(demand)
    position = r + q - np.mod(cumulative, q)
    net = position[:-lead] - (cumulative[lead:] - cumulative[:-lead])
    in_stock = (net > 0).astype(float)
    batches = in_stock[: in_stock.size // 100 * 100].reshape(100, -1).mean(axis=1)
    estimate, std_error = batches.mean(), batches.std(ddof=1) / math.sqrt(batches.size)

    exact = im.fill_rate(alpha, ltd_std=sigma_ltd, order_quantity=q)
    shortcut = 1 - sigma_ltd * im.standard_normal_loss(norm.ppf(alpha)) / q
    assert abs(estimate - exact) < 4 * std_error + 1e-4
    assert abs(estimate - shortcut) > 10 * std_error


def test_service_level_for_fill_rate_round_trip():
    targets = np.array([0.9, 0.95, 0.99, 0.999])
    alphas = im.service_level_for_fill_rate(targets, ltd_std=100, order_quantity=250)
    np.testing.assert_allclose(im.fill_rate(alphas, ltd_std=100, order_quantity=250), targets,
                               atol=1e-9)
    assert np.all(np.diff(alphas) > 0)
    assert im.service_level_for_fill_rate(0.99, ltd_std=0, order_quantity=250) == 0.5


def test_expected_shortage_per_cycle():
    assert im.expected_shortage_per_cycle(0.5, ltd_std=100) == pytest.approx(39.894228, abs=1e-6)
    assert im.expected_shortage_per_cycle(0.95, ltd_std=0) == 0.0


# --------------------------------------------------------------------------- cost model

LANE = {
    "demand_mean": 100.0,  # units/day
    "demand_std": 20.0,  # units/day
    "lead_time_mean": 5.0,  # days
    "lead_time_std": 1.5,  # days
    "order_quantity": 1500.0,  # units/order
    "holding_cost": 12.0,  # EUR/unit/year
    "penalty_cost": 25.0,  # EUR/unit short
}


def test_cost_curve_minimum_is_the_optimal_service_level():
    grid = np.linspace(0.5, 0.99999, 200_001)
    curve = im.cost_convexity_curve(grid, **LANE)
    numeric = grid[np.argmin(curve.total)]
    analytic = im.optimal_service_level(
        holding_cost=LANE["holding_cost"],
        penalty_cost=LANE["penalty_cost"],
        order_quantity=LANE["order_quantity"],
        annual_demand=LANE["demand_mean"] * DAYS_PER_YEAR,
    )
    assert abs(numeric - analytic) <= grid[1] - grid[0]
    # It is the newsvendor ratio with C_u = p and C_o = h * Q / D_year.
    assert analytic == pytest.approx(25 / (25 + 12 * 1500 / 36500))
    np.testing.assert_allclose(curve.holding + curve.penalty, curve.total)


@pytest.mark.parametrize("penalty", [2.0, 10.0, 250.0])
def test_optimum_matches_across_penalties(penalty):
    lane = {**LANE, "penalty_cost": penalty}
    analytic = im.optimal_service_level(holding_cost=12.0, penalty_cost=penalty,
                                        order_quantity=1500.0, annual_demand=36500.0)
    result = _minimise_total(lane)
    assert result == pytest.approx(analytic, abs=1e-6)


def _minimise_total(lane: dict[str, float]) -> float:
    from scipy.optimize import minimize_scalar

    def total(z: float) -> float:
        return float(im.annual_inventory_cost(norm.cdf(z), **lane).total)

    found = minimize_scalar(total, bounds=(-5, 6), method="bounded",
                            options={"xatol": 1e-9})
    return float(norm.cdf(found.x))


def test_annual_cost_components():
    cost = im.annual_inventory_cost(0.95, **LANE)
    sigma = im.lead_time_demand_std(100, 20, 5, 1.5)
    ss = norm.ppf(0.95) * sigma
    esc = sigma * im.standard_normal_loss(norm.ppf(0.95))
    assert cost.cycle_holding == pytest.approx(12 * 1500 / 2)
    assert cost.buffer_holding == pytest.approx(12 * (ss + esc))
    assert cost.shortage_penalty == pytest.approx(25 * (36500 / 1500) * esc)
    assert cost.total == pytest.approx(cost.cycle_holding + cost.buffer_holding
                                       + cost.shortage_penalty)


def test_optimal_service_level_rejects_zero_demand():
    with pytest.raises(ValueError, match="annual_demand"):
        im.optimal_service_level(holding_cost=12, penalty_cost=25, order_quantity=10,
                                 annual_demand=0)

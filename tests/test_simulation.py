"""Monte Carlo digital twin (simulation.py): agreement with exact formulas,
the analytic-vs-simulated gaps the issue asks planners to see, edge cases.

Expected values are computed here with SciPy from first principles (or via
inventory_math where it has the formula), never from the simulation itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

import simulation
from simulation import SimulationResult, simulate_policy, simulate_policy_reference, stress_test

MU, SIGMA = 100.0, 20.0  # daily demand [units/day]; truncation at 0 is negligible (z = -5)
SE_TOLERANCE = 3.0  # simulated vs exact: within 3 standard errors


def loss(z: float) -> float:
    """Standard normal first-order loss G(z) = E[(Z - z)^+]."""
    return float(stats.norm.pdf(z) - z * stats.norm.sf(z))


def loss2(z: float) -> float:
    """Second-order loss G2(z) = integral of G from z to infinity."""
    return float(0.5 * ((z * z + 1.0) * stats.norm.sf(z) - z * stats.norm.pdf(z)))


def expected_backorders(level: float, days: float) -> float:
    """B_k(y) = E[(D_k - y)^+] for normal demand over k days [units]."""
    sd = SIGMA * math.sqrt(days)
    return sd * loss((level - MU * days) / sd)


def integrated_backorders(low: float, high: float, days: float) -> float:
    """Integral of B_k(y) dy from low to high [units^2]."""
    sd = SIGMA * math.sqrt(days)
    return sd**2 * (loss2((low - MU * days) / sd) - loss2((high - MU * days) / sd))


def stationary_start(reorder_point: float, order_quantity: float, replications: int) -> np.ndarray:
    """Inventory position uniform on (r, r + Q]: the stationary law of (r, nQ)."""
    return np.random.default_rng(2024).uniform(
        reorder_point, reorder_point + order_quantity, replications
    )


def within(simulated: float, se: float, exact: float) -> bool:
    return abs(simulated - exact) <= SE_TOLERANCE * se


# --------------------------------------------------------------------------- exact agreement


def test_order_up_to_matches_textbook_formulas_with_fixed_lead_time():
    # Periodic review R, fixed L: both textbook formulas are exact for normal
    # demand: alpha = Phi((S - mu(R+L)) / (sigma sqrt(R+L))) and
    # beta = 1 - [B_{R+L}(S) - B_L(S)] / (mu R).
    review, lead = 2, 4
    protection = review + lead
    order_up_to = MU * protection + 1.0 * SIGMA * math.sqrt(protection)
    res = simulate_policy(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=lead, lead_time_std=0.0,
        policy="order_up_to", review_period=review, order_up_to=order_up_to,
        replications=2000, days=365, seed=1,
    )
    alpha = stats.norm.cdf(1.0)
    beta = 1.0 - (
        expected_backorders(order_up_to, protection) - expected_backorders(order_up_to, lead)
    ) / (MU * review)
    assert within(res.cycle_service_level, res.cycle_service_level_se, alpha)
    assert within(res.fill_rate, res.fill_rate_se, beta)


def rq_exact_alpha(reorder_point: float, lead: float) -> float:
    """Daily-reviewed (r, Q), Q > any day's demand, IP stationary.

    An order is triggered when IP falls to r - U; the undershoot U has the
    equilibrium-excess density P(D > u) / mu, so alpha = E[Phi((r - U - mu L) / sigma_LTD)].
    """
    sd = SIGMA * math.sqrt(lead)

    def integrand(u: float) -> float:
        return stats.norm.cdf((reorder_point - u - MU * lead) / sd) * stats.norm.sf(u, MU, SIGMA) / MU

    return integrate.quad(integrand, 0.0, MU + 12 * SIGMA)[0]


def rq_exact_fill_rate(reorder_point: float, quantity: float, lead: float) -> float:
    """Daily-reviewed (r, nQ) with fixed L and IP uniform on (r, r + Q]:

    shortage of a day = B_{L+1}(IP) - B_L(IP) with IP the position L days earlier,
    so beta = 1 - (1/(mu Q)) * integral over (r, r+Q] of [B_{L+1} - B_L].
    """
    high = reorder_point + quantity
    shortage = integrated_backorders(reorder_point, high, lead + 1) - integrated_backorders(
        reorder_point, high, lead
    )
    return 1.0 - shortage / (MU * quantity)


def naive_rq(reorder_point: float, quantity: float, lead: float) -> tuple[float, float]:
    """Continuous-review textbook formulas: alpha = Phi(z), beta = 1 - sigma[G(z) - G(z+Q/sigma)]/Q."""
    sd = SIGMA * math.sqrt(lead)
    z = (reorder_point - MU * lead) / sd
    try:
        import inventory_math

        beta = float(inventory_math.fill_rate(stats.norm.cdf(z), ltd_std=sd, order_quantity=quantity))
    except (ImportError, AttributeError):
        beta = 1.0 - sd * (loss(z) - loss(z + quantity / sd)) / quantity
    return float(stats.norm.cdf(z)), beta


def test_rq_matches_exact_discrete_formulas_and_shows_undershoot_bias():
    # Daily review of an (r, Q) plan: IP at ordering is below r by the
    # undershoot (mean (mu^2 + sigma^2) / (2 mu) = 52 units here, more than a
    # sigma_LTD of 40), so the textbook alpha is far too optimistic.
    lead, quantity, reps = 4, 1000.0, 3000
    reorder_point = MU * lead + 1.0 * SIGMA * math.sqrt(lead)  # alpha = 84.1 % on paper
    res = simulate_policy(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=lead, reorder_point=reorder_point,
        order_quantity=quantity, replications=reps,
        initial_inventory=stationary_start(reorder_point, quantity, reps), seed=2,
    )
    assert within(res.cycle_service_level, res.cycle_service_level_se, rq_exact_alpha(reorder_point, lead))
    assert within(res.fill_rate, res.fill_rate_se, rq_exact_fill_rate(reorder_point, quantity, lead))
    naive_alpha, naive_beta = naive_rq(reorder_point, quantity, lead)
    assert naive_alpha == pytest.approx(0.8413, abs=1e-4)
    assert res.cycle_service_level == pytest.approx(0.415, abs=0.01)  # measured: 0.414
    assert naive_beta - res.fill_rate > 0.02  # 99.7 % on paper vs 97.3 % simulated


def test_small_order_quantity_naive_fill_rate_negative_but_simulation_positive():
    # Issue example: alpha = 93 %, Q = 1 unit, fixed 5-day lead time.  The
    # shortcut beta = 1 - sigma_LTD G(z) / Q gives -38 %; the plan delivers ~61 %.
    lead, quantity, reps = 5, 1.0, 2000
    sd = SIGMA * math.sqrt(lead)
    z = stats.norm.ppf(0.93)
    reorder_point = MU * lead + z * sd
    shortcut = 1.0 - sd * loss(z) / quantity
    res = simulate_policy(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=lead, reorder_point=reorder_point,
        order_quantity=quantity, replications=reps,
        initial_inventory=stationary_start(reorder_point, quantity, reps), seed=3,
    )
    assert shortcut < -0.3
    assert res.fill_rate == pytest.approx(0.607, abs=0.01)
    assert within(res.fill_rate, res.fill_rate_se, rq_exact_fill_rate(reorder_point, quantity, lead))


def test_crossing_orders_deliver_far_more_than_the_rss_target():
    # Issue example: daily order-up-to, independent lead times 5 +- 1.5 days
    # (orders overtake each other), S from the RSS formula for alpha = 95 %.
    # Crossing averages lead times over many outstanding orders, so the
    # pipeline varies much less than sqrt((R+L) sigma^2 + mu^2 sigma_L^2)
    # assumes: measured alpha ~ 99.2 %, beta ~ 99.7 %.
    lead, lead_sd, review = 5.0, 1.5, 1
    rss = math.sqrt((review + lead) * SIGMA**2 + MU**2 * lead_sd**2)
    order_up_to = MU * (review + lead) + stats.norm.ppf(0.95) * rss
    res = simulate_policy(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=lead, lead_time_std=lead_sd,
        policy="order_up_to", review_period=review, order_up_to=order_up_to,
        replications=1000, seed=4,
    )
    assert res.cycle_service_level > 0.985
    assert res.cycle_service_level - 0.95 > 20 * res.cycle_service_level_se
    assert res.fill_rate > 0.995


# --------------------------------------------------------------------------- cross-check


@pytest.mark.parametrize(
    "policy_kwargs",
    [
        {"policy": "rQ", "reorder_point": 420.0, "order_quantity": 250.0},
        {"policy": "rQ", "reorder_point": 300.0, "order_quantity": 30.0},  # n > 1 per order
        {"policy": "order_up_to", "order_up_to": 700.0, "review_period": 1},
        {"policy": "order_up_to", "order_up_to": 900.0, "review_period": 3, "initial_inventory": 1200.0},
    ],
)
def test_vectorised_core_equals_day_by_day_reference(policy_kwargs):
    common = dict(
        demand_mean=MU, demand_std=35.0, lead_time_mean=4.0, lead_time_std=1.5,
        days=60, replications=25, internal_capacity=105.0, partner_capacity=20.0,
        return_rate=0.05, holding_cost=12.0, penalty_cost=25.0, order_cost=250.0,
        handling_cost=3.5, partner_surcharge=4.0, revenue_per_unit=18.0, seed=5,
    )
    fast = simulate_policy(**common, **policy_kwargs)
    slow = simulate_policy_reference(**common, **policy_kwargs)
    for name in (
        "fill_rate_per_replication", "cycle_service_level_per_replication", "stockout_days",
        "backordered_units", "overflow_volume", "orders", "average_on_hand", "profit",
    ):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-9, atol=1e-7)


def test_bootstrap_from_history_equals_reference():
    history = np.array([80.0, 95.0, 100.0, 120.0, 0.0, 140.0])
    kwargs = dict(
        demand_history=history, lead_time_mean=3.0, lead_time_std=1.0, policy="rQ",
        reorder_point=330.0, order_quantity=400.0, days=40, replications=10, seed=6,
    )
    fast, slow = simulate_policy(**kwargs), simulate_policy_reference(**kwargs)
    np.testing.assert_allclose(fast.fill_rate_per_replication, slow.fill_rate_per_replication)
    long_run = simulate_policy(**{**kwargs, "days": 365, "replications": 200})
    assert long_run.backordered_units.sum() > 0.0


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_same_output_and_rng_injection():
    kwargs = dict(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=5.0, lead_time_std=1.5,
        policy="order_up_to", order_up_to=800.0, replications=200, days=100,
        internal_capacity=110.0, partner_surcharge=4.0, revenue_per_unit=18.0,
    )
    first = simulate_policy(**kwargs, seed=42)
    second = simulate_policy(**kwargs, rng=np.random.default_rng(42))
    other = simulate_policy(**kwargs, seed=43)
    for name in ("profit", "stockout_days", "overflow_volume", "fill_rate_per_replication"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.fill_rate == second.fill_rate
    assert not np.array_equal(first.profit, other.profit)


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    "policy_kwargs",
    [
        {"policy": "order_up_to", "order_up_to": 33.3 * 6, "review_period": 1},
        {"policy": "rQ", "reorder_point": 33.3 * 5, "order_quantity": 99.9},
    ],
)
def test_no_variability_means_no_stockouts(policy_kwargs):
    # sigma = 0 and exact cover for the protection interval: service is 1.0
    # (33.3 is not exact in binary: rounding must not create phantom stockouts)
    res = simulate_policy(
        demand_mean=33.3, demand_std=0.0, lead_time_mean=5.0, days=100, replications=3, seed=0,
        **policy_kwargs,
    )
    assert res.fill_rate == 1.0
    assert res.cycle_service_level == 1.0
    assert res.stockout_days.sum() == 0.0


def test_zero_demand():
    res = simulate_policy(
        demand_mean=0.0, demand_std=0.0, lead_time_mean=3.0, reorder_point=10.0,
        order_quantity=50.0, holding_cost=36.5, days=10, replications=4, seed=0,
    )
    assert res.fill_rate == 1.0
    assert res.cycle_service_level == 1.0
    assert res.orders.sum() == 0.0
    # 60 units on hand for 10 days at 0.1 EUR/unit/day
    np.testing.assert_allclose(res.profit, -60.0)


def test_capacity_never_binding_and_binding():
    kwargs = dict(
        demand_mean=MU, demand_std=0.0, lead_time_mean=2.0, policy="order_up_to",
        order_up_to=300.0, return_rate=0.1, partner_surcharge=4.0, days=30, replications=2,
        seed=0,
    )
    free = simulate_policy(**kwargs, internal_capacity=500.0)
    assert free.overflow_volume.sum() == 0.0 and free.overflow_cost.sum() == 0.0
    tight = simulate_policy(**kwargs, internal_capacity=100.0)  # workload 110/day
    np.testing.assert_allclose(tight.overflow_volume, 10.0 * 30)
    np.testing.assert_allclose(tight.overflow_cost, 4.0 * 10.0 * 30)


def test_profit_and_loss_by_hand():
    # Daily order-up-to S = 300, L = 2, demand exactly 100/day: end-of-day
    # on-hand settles at 100, one order per day.
    # P&L per day = 18*100 - 3.5*105 - 0.1*100 - 50 = 1372.5 EUR.
    res = simulate_policy(
        demand_mean=MU, demand_std=0.0, lead_time_mean=2.0, policy="order_up_to",
        order_up_to=300.0, return_rate=0.05, holding_cost=36.5, order_cost=50.0,
        handling_cost=3.5, revenue_per_unit=18.0, days=10, replications=2, seed=0,
    )
    np.testing.assert_allclose(res.average_on_hand, 100.0)
    np.testing.assert_allclose(res.profit, 13725.0)
    assert res.probability_of_loss == 0.0
    assert res.value_at_risk_95 == pytest.approx(-13725.0)
    assert res.expected_profit == pytest.approx(13725.0)


def test_loss_statistics_sign_convention():
    res = simulate_policy(
        demand_mean=MU, demand_std=40.0, lead_time_mean=3.0, lead_time_std=1.0,
        policy="order_up_to", order_up_to=420.0, penalty_cost=500.0, revenue_per_unit=1.0,
        days=60, replications=500, seed=8,
    )
    assert isinstance(res, SimulationResult)
    assert res.probability_of_loss == pytest.approx(np.mean(res.profit < 0))
    # VaR 95 % is the loss exceeded by 5 % of replications
    assert np.mean(-res.profit >= res.value_at_risk_95) == pytest.approx(0.05, abs=0.01)
    assert set(res.summary()) >= {"fill_rate", "expected_profit_eur", "value_at_risk_95_eur"}


# --------------------------------------------------------------------------- stress test


def test_demand_shock_time_to_survive_and_recover():
    out = stress_test(
        shock="demand", shock_start_day=20, shock_days=10, shock_factor=1.6,
        demand_mean=MU, demand_std=15.0, lead_time_mean=4.0, lead_time_std=1.0,
        policy="order_up_to", order_up_to=620.0, days=120, replications=300, seed=9,
    )
    assert out.probability_of_disruption > 0.9
    assert 0.0 <= out.median_time_to_survive_days < 10.0
    assert np.all(out.time_to_recover_days >= 0.0)
    assert out.shocked.fill_rate < out.baseline.fill_rate
    assert out.shocked.stockout_days.mean() > out.baseline.stockout_days.mean()


def test_capacity_outage_absorbed_by_partners_or_backlogged():
    common = dict(
        shock="capacity", shock_start_day=5, shock_days=7, shock_factor=0.0,
        demand_mean=MU, demand_std=10.0, lead_time_mean=2.0, policy="order_up_to",
        order_up_to=400.0, internal_capacity=120.0, partner_surcharge=4.0, days=60,
        replications=50, seed=10,
    )
    absorbed = stress_test(**common)
    assert np.all(np.isinf(absorbed.time_to_survive_days))  # partners take everything
    assert absorbed.extra_overflow_cost == pytest.approx(4.0 * 7 * MU, rel=0.1)
    limited = stress_test(**common, partner_capacity=60.0)
    assert np.all(limited.time_to_survive_days == 0.0)  # backlog from the first outage day
    assert np.all(np.isfinite(limited.time_to_recover_days))
    assert limited.median_time_to_recover_days > 0.0


def test_stress_test_fills_in_simulation_defaults():
    # Regression: only the lane and plan are given; policy, review_period,
    # warmup_days, partner_capacity, ... must take simulate_policy's defaults
    # (a TypeError was reported when they were left out).
    minimal = dict(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=3.0, reorder_point=400.0,
        order_quantity=500.0, days=60, replications=20, seed=13,
    )
    short = stress_test(shock_start_day=10, shock_days=5, **minimal)
    explicit = stress_test(
        shock_start_day=10, shock_days=5, **minimal, policy="rQ", review_period=1,
        warmup_days=None, lead_time_std=0.0, partner_capacity=math.inf, rng=None,
        initial_inventory=None, demand_history=None,
    )
    np.testing.assert_array_equal(short.time_to_survive_days, explicit.time_to_survive_days)
    np.testing.assert_array_equal(short.shocked.profit, explicit.shocked.profit)
    # and with every stress parameter left at its default too
    defaulted = stress_test(**minimal)
    assert defaulted.shock == "demand" and defaulted.shock_days > 0
    assert defaulted.baseline.replications == 20


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("bad", "name"),
    [
        ({"demand_std": -1.0}, "demand_std"),
        ({"lead_time_std": -0.5}, "lead_time_std"),
        ({"replications": 0}, "replications"),
        ({"days": 0}, "days"),
        ({"order_quantity": 0.0}, "order_quantity"),
        ({"return_rate": 1.0}, "return_rate"),
        ({"policy": "sS"}, "policy"),
        ({"holding_cost": float("nan")}, "holding_cost"),
        ({"demand_history": [1.0, -2.0]}, "demand_history"),
    ],
)
def test_invalid_inputs_name_the_parameter(bad, name):
    kwargs = dict(
        demand_mean=MU, demand_std=SIGMA, lead_time_mean=3.0, reorder_point=300.0,
        order_quantity=200.0, days=10, replications=2, seed=0,
    )
    with pytest.raises(ValueError, match=name):
        simulate_policy(**{**kwargs, **bad})


def test_stress_window_must_fit_horizon():
    with pytest.raises(ValueError, match="shock_start_day"):
        stress_test(
            shock_start_day=8, shock_days=5, demand_mean=MU, demand_std=0.0,
            lead_time_mean=1.0, policy="order_up_to", order_up_to=300.0, days=10,
            replications=2, seed=0,
        )


def test_lead_time_distribution_is_rounded_normal():
    plan = simulation._make_plan(
        lead_time_mean=5.0, lead_time_std=1.5, reorder_point=1.0, order_quantity=1.0,
        policy="rQ", review_period=1, order_up_to=None, days=1, replications=1,
        internal_capacity=math.inf, partner_capacity=math.inf, return_rate=0.0,
        holding_cost=0.0, penalty_cost=0.0, order_cost=0.0, handling_cost=0.0,
        partner_surcharge=0.0, revenue_per_unit=0.0, warmup_days=0,
    )
    table = simulation._lead_time_table(plan)
    draws = table[np.random.default_rng(0).integers(0, table.size, 200_000)]
    assert draws.mean() == pytest.approx(5.0, abs=0.01)
    assert draws.std() == pytest.approx(math.sqrt(1.5**2 + 1.0 / 12.0), abs=0.01)  # + rounding

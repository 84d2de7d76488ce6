"""Monte Carlo digital twin (the simulation package): agreement with exact formulas,
the analytic-vs-simulated gaps the issue asks planners to see, edge cases.

Expected values are computed here with SciPy from first principles (or via
inventory_math where it has the formula), never from the simulation itself.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import integrate, stats

from domain import Policy
from simulation import (
    SimulationResult,
    TwinDemand,
    TwinLane,
    simulate_policy,
    simulate_policy_reference,
    stress_test,
)
from simulation.inputs import make_plan
from simulation.sampling import lead_time_table

MU, SIGMA = 100.0, 20.0  # daily demand [units/day]; truncation at 0 is negligible (z = -5)
NORMAL = TwinDemand.normal(MU, SIGMA)
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
        Policy.up_to(order_up_to, review_period=review), TwinLane(lead_time_mean=lead),
        NORMAL, replications=2000, days=365, seed=1,
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
        Policy.rq(reorder_point, quantity), TwinLane(lead_time_mean=lead), NORMAL,
        replications=reps, initial_inventory=stationary_start(reorder_point, quantity, reps),
        seed=2,
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
        Policy.rq(reorder_point, quantity), TwinLane(lead_time_mean=lead), NORMAL,
        replications=reps, initial_inventory=stationary_start(reorder_point, quantity, reps),
        seed=3,
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
        Policy.up_to(order_up_to, review_period=review),
        TwinLane(lead_time_mean=lead, lead_time_std=lead_sd), NORMAL, replications=1000, seed=4,
    )
    assert res.cycle_service_level > 0.985
    assert res.cycle_service_level - 0.95 > 20 * res.cycle_service_level_se
    assert res.fill_rate > 0.995


# --------------------------------------------------------------------------- cross-check


@pytest.mark.parametrize(
    ("policy", "initial_inventory"),
    [
        (Policy.rq(420.0, 250.0), None),
        (Policy.rq(300.0, 30.0), None),  # n > 1 per order
        (Policy.up_to(700.0, review_period=1), None),
        (Policy.up_to(900.0, review_period=3), 1200.0),
    ],
)
def test_vectorised_core_equals_day_by_day_reference(policy, initial_inventory):
    lane = TwinLane(
        lead_time_mean=4.0, lead_time_std=1.5, internal_capacity=105.0, partner_capacity=20.0,
        return_rate=0.05, holding_cost=12.0, penalty_cost=25.0, order_cost=250.0,
        handling_cost=3.5, partner_surcharge=4.0, revenue_per_unit=18.0,
    )
    common = dict(days=60, replications=25, initial_inventory=initial_inventory, seed=5)
    demand = TwinDemand.normal(MU, 35.0)
    fast = simulate_policy(policy, lane, demand, **common)
    slow = simulate_policy_reference(policy, lane, demand, **common)
    for name in (
        "fill_rate_per_replication", "cycle_service_level_per_replication", "stockout_days",
        "backordered_units", "overflow_volume", "orders", "average_on_hand", "profit",
    ):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-9, atol=1e-7)


def test_bootstrap_from_history_equals_reference():
    history = np.array([80.0, 95.0, 100.0, 120.0, 0.0, 140.0])
    inputs = (Policy.rq(330.0, 400.0), TwinLane(lead_time_mean=3.0, lead_time_std=1.0),
              TwinDemand.bootstrap(history))
    kwargs = dict(days=40, replications=10, seed=6)
    fast, slow = simulate_policy(*inputs, **kwargs), simulate_policy_reference(*inputs, **kwargs)
    np.testing.assert_allclose(fast.fill_rate_per_replication, slow.fill_rate_per_replication)
    long_run = simulate_policy(*inputs, days=365, replications=200, seed=6)
    assert long_run.backordered_units.sum() > 0.0


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_same_output_and_rng_injection():
    inputs = (
        Policy.up_to(800.0),
        TwinLane(lead_time_mean=5.0, lead_time_std=1.5, internal_capacity=110.0,
                 partner_surcharge=4.0, revenue_per_unit=18.0),
        NORMAL,
    )
    kwargs = dict(replications=200, days=100)
    first = simulate_policy(*inputs, **kwargs, seed=42)
    second = simulate_policy(*inputs, **kwargs, rng=np.random.default_rng(42))
    other = simulate_policy(*inputs, **kwargs, seed=43)
    for name in ("profit", "stockout_days", "overflow_volume", "fill_rate_per_replication"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.fill_rate == second.fill_rate
    assert not np.array_equal(first.profit, other.profit)


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    "policy",
    [Policy.up_to(33.3 * 6, review_period=1), Policy.rq(33.3 * 5, 99.9)],
)
def test_no_variability_means_no_stockouts(policy):
    # sigma = 0 and exact cover for the protection interval: service is 1.0
    # (33.3 is not exact in binary: rounding must not create phantom stockouts)
    res = simulate_policy(policy, TwinLane(lead_time_mean=5.0), TwinDemand.normal(33.3, 0.0),
                          days=100, replications=3, seed=0)
    assert res.fill_rate == 1.0
    assert res.cycle_service_level == 1.0
    assert res.stockout_days.sum() == 0.0


def test_zero_demand():
    res = simulate_policy(
        Policy.rq(10.0, 50.0), TwinLane(lead_time_mean=3.0, holding_cost=36.5),
        TwinDemand.normal(0.0, 0.0), days=10, replications=4, seed=0,
    )
    assert res.fill_rate == 1.0
    assert res.cycle_service_level == 1.0
    assert res.orders.sum() == 0.0
    # 60 units on hand for 10 days at 0.1 EUR/unit/day
    np.testing.assert_allclose(res.profit, -60.0)


def test_capacity_never_binding_and_binding():
    lane = TwinLane(lead_time_mean=2.0, return_rate=0.1, partner_surcharge=4.0)
    kwargs = dict(days=30, replications=2, seed=0)
    deterministic = TwinDemand.normal(MU, 0.0)
    free = simulate_policy(Policy.up_to(300.0), replace(lane, internal_capacity=500.0),
                           deterministic, **kwargs)
    assert free.overflow_volume.sum() == 0.0 and free.overflow_cost.sum() == 0.0
    tight = simulate_policy(Policy.up_to(300.0), replace(lane, internal_capacity=100.0),
                            deterministic, **kwargs)  # workload 110/day
    np.testing.assert_allclose(tight.overflow_volume, 10.0 * 30)
    np.testing.assert_allclose(tight.overflow_cost, 4.0 * 10.0 * 30)


def test_profit_and_loss_by_hand():
    # Daily order-up-to S = 300, L = 2, demand exactly 100/day: end-of-day
    # on-hand settles at 100, one order per day.
    # P&L per day = 18*100 - 3.5*105 - 0.1*100 - 50 = 1372.5 EUR.
    res = simulate_policy(
        Policy.up_to(300.0),
        TwinLane(lead_time_mean=2.0, return_rate=0.05, holding_cost=36.5, order_cost=50.0,
                 handling_cost=3.5, revenue_per_unit=18.0),
        TwinDemand.normal(MU, 0.0), days=10, replications=2, seed=0,
    )
    np.testing.assert_allclose(res.average_on_hand, 100.0)
    np.testing.assert_allclose(res.profit, 13725.0)
    assert res.probability_of_loss == 0.0
    assert res.value_at_risk_95 == pytest.approx(-13725.0)
    assert res.expected_profit == pytest.approx(13725.0)


def test_loss_statistics_sign_convention():
    res = simulate_policy(
        Policy.up_to(420.0),
        TwinLane(lead_time_mean=3.0, lead_time_std=1.0, penalty_cost=500.0, revenue_per_unit=1.0),
        TwinDemand.normal(MU, 40.0), days=60, replications=500, seed=8,
    )
    assert isinstance(res, SimulationResult)
    assert res.probability_of_loss == pytest.approx(np.mean(res.profit < 0))
    # VaR 95 % is the loss exceeded by 5 % of replications
    assert np.mean(-res.profit >= res.value_at_risk_95) == pytest.approx(0.05, abs=0.01)
    assert set(res.summary()) >= {"fill_rate", "expected_profit_eur", "value_at_risk_95_eur"}


# --------------------------------------------------------------------------- stress test


def test_demand_shock_time_to_survive_and_recover():
    out = stress_test(
        Policy.up_to(620.0), TwinLane(lead_time_mean=4.0, lead_time_std=1.0),
        TwinDemand.normal(MU, 15.0), shock="demand", shock_start_day=20, shock_days=10,
        shock_factor=1.6, days=120, replications=300, seed=9,
    )
    assert out.probability_of_disruption > 0.9
    assert 0.0 <= out.median_time_to_survive_days < 10.0
    assert np.all(out.time_to_recover_days >= 0.0)
    assert out.shocked.fill_rate < out.baseline.fill_rate
    assert out.shocked.stockout_days.mean() > out.baseline.stockout_days.mean()


def test_capacity_outage_absorbed_by_partners_or_backlogged():
    lane = TwinLane(lead_time_mean=2.0, internal_capacity=120.0, partner_surcharge=4.0)
    common = dict(
        shock="capacity", shock_start_day=5, shock_days=7, shock_factor=0.0, days=60,
        replications=50, seed=10,
    )
    demand = TwinDemand.normal(MU, 10.0)
    absorbed = stress_test(Policy.up_to(400.0), lane, demand, **common)
    assert np.all(np.isinf(absorbed.time_to_survive_days))  # partners take everything
    assert absorbed.extra_overflow_cost == pytest.approx(4.0 * 7 * MU, rel=0.1)
    limited = stress_test(Policy.up_to(400.0), replace(lane, partner_capacity=60.0), demand,
                          **common)
    assert np.all(limited.time_to_survive_days == 0.0)  # backlog from the first outage day
    assert np.all(np.isfinite(limited.time_to_recover_days))
    assert limited.median_time_to_recover_days > 0.0


def test_stress_test_fills_in_simulation_defaults():
    # Regression: only the lane and plan are given; review_period, warmup_days,
    # partner_capacity, ... must take simulate_policy's defaults (a TypeError
    # was reported when they were left out).
    minimal = (Policy.rq(400.0, 500.0), TwinLane(lead_time_mean=3.0), NORMAL)
    run = dict(days=60, replications=20, seed=13)
    short = stress_test(*minimal, shock_start_day=10, shock_days=5, **run)
    explicit = stress_test(
        Policy(kind="rQ", reorder_point=400.0, order_quantity=500.0, review_period=1),
        TwinLane(lead_time_mean=3.0, lead_time_std=0.0, partner_capacity=math.inf),
        TwinDemand(mean=MU, std=SIGMA, history=None), shock_start_day=10, shock_days=5,
        **run, warmup_days=None, rng=None, initial_inventory=None,
    )
    np.testing.assert_array_equal(short.time_to_survive_days, explicit.time_to_survive_days)
    np.testing.assert_array_equal(short.shocked.profit, explicit.shocked.profit)
    # and with every stress parameter left at its default too
    defaulted = stress_test(*minimal, **run)
    assert defaulted.shock == "demand" and defaulted.shock_days > 0
    assert defaulted.baseline.replications == 20


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("bad", "name"),
    [
        ({"demand": {"std": -1.0}}, "demand_std"),
        ({"lane": {"lead_time_std": -0.5}}, "lead_time_std"),
        ({"run": {"replications": 0}}, "replications"),
        ({"run": {"days": 0}}, "days"),
        ({"policy": {"order_quantity": 0.0}}, "order_quantity"),
        ({"lane": {"return_rate": 1.0}}, "return_rate"),
        ({"policy": {"kind": "sS"}}, "policy"),
        ({"lane": {"holding_cost": float("nan")}}, "holding_cost"),
        ({"demand": {"history": [1.0, -2.0]}}, "demand_history"),
    ],
)
def test_invalid_inputs_name_the_parameter(bad, name):
    policy = replace(Policy.rq(300.0, 200.0), **bad.get("policy", {}))
    lane = replace(TwinLane(lead_time_mean=3.0), **bad.get("lane", {}))
    demand = replace(NORMAL, **bad.get("demand", {}))
    run = {"days": 10, "replications": 2, "seed": 0, **bad.get("run", {})}
    with pytest.raises(ValueError, match=name):
        simulate_policy(policy, lane, demand, **run)


def test_stress_window_must_fit_horizon():
    with pytest.raises(ValueError, match="shock_start_day"):
        stress_test(
            Policy.up_to(300.0), TwinLane(lead_time_mean=1.0), TwinDemand.normal(MU, 0.0),
            shock_start_day=8, shock_days=5, days=10, replications=2, seed=0,
        )


def test_lead_time_distribution_is_rounded_normal():
    plan = make_plan(Policy.rq(1.0, 1.0), TwinLane(lead_time_mean=5.0, lead_time_std=1.5),
                     NORMAL, days=1, replications=1, warmup_days=0)
    table = lead_time_table(plan)
    draws = table[np.random.default_rng(0).integers(0, table.size, 200_000)]
    assert draws.mean() == pytest.approx(5.0, abs=0.01)
    assert draws.std() == pytest.approx(math.sqrt(1.5**2 + 1.0 / 12.0), abs=0.01)  # + rounding

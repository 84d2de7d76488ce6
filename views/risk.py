"""Tab 3, Risk & resilience: service level, buffers, costs, resilience, Monte Carlo twin."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import charts
import simulation
from domain import Scenario
from planning import LanePlan
from safe_text import md
from views import cached_sim, fmt, methods

REPLICATION_CHOICES = (2_000, 10_000)
STRESS_REPLICATIONS = 2_000  # a stress test runs two simulations; 2,000 keep it near 1 s
MC_REQUEST_KEY = "_risk_mc_request"
STRESS_REQUEST_KEY = "_risk_stress_request"
GAP_THRESHOLD = 0.01  # explain analytic vs simulated gaps above 1 percentage point
SHOCK_LABELS = {
    "demand": f"Demand shock: demand × {cached_sim.DEMAND_SHOCK_FACTOR:g} for "
              f"{cached_sim.STRESS_DAYS} days",
    "capacity": f"Capacity outage: internal capacity 0 for {cached_sim.STRESS_DAYS} days",
}
DEFAULT_PARTNER_SHARE = 0.5  # partners take the planned overflow + half the internal capacity

MORE_THAN_FORMULA = (
    "**Simulation delivers more than the formula promises.** With random lead times, orders "
    "can overtake each other, so the stock in the pipeline varies less than the root-sum-of-"
    "squares formula √(L·σ_D² + D²·σ_L²) assumes; the normal approximation is conservative here."
)
LESS_THAN_FORMULA = (
    "**Simulation delivers less than the formula promises.** The plan is reviewed once a day, "
    "so the inventory position is already below the reorder point by part of a day's demand "
    "when an order goes out (undershoot), and daily demand that is skewed or censored at zero "
    "is not normal; the formula is optimistic for this lane."
)


def _service_metrics(plan: LanePlan) -> None:
    p, h = plan.params.penalty_cost, plan.params.holding_cost
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Target service level α", fmt.pct(plan.service_level),
        delta="profit-optimal" if plan.service_level_is_optimal else "set by you",
        delta_color="off", delta_arrow="off",
        help="Cycle service level: probability of no stockout in a replenishment cycle. "
             "Change it in the sidebar (untick 'Use profit-optimal service level').",
    )
    c2.metric(
        "Critical ratio α*", fmt.pct(plan.optimal_service_level),
        help=f"α* = Cu / (Cu + Co) = p / (p + h·Q/D) = {p:g} / ({p:g} + {h:g} × "
             f"{plan.order_quantity:,.0f} / {plan.annual_demand:,.0f}) — SLA penalty per unit "
             f"short vs holding cost of a unit for one cycle ({plan.overage_cost:.2f} EUR/unit).",
    )
    c3.metric("Safety factor z", f"{plan.z:.2f}", help="z = Φ⁻¹(α), standard normal quantile.")
    c4.metric(
        "Fill rate β", fmt.pct(plan.fill_rate, digits=2),
        help="Share of demand served from stock: β = 1 − σ_LTD·G(z) / Q "
             "(G = standard normal loss function).",
    )
    c5, c6, c7, c8 = st.columns(4)
    c5.metric(
        "Safety stock", fmt.num(plan.safety_stock, "units"),
        help=f"SS = z · σ_LTD = {plan.z:.2f} × {plan.lead_time_demand_std:,.1f} units, with "
             "σ_LTD = √(L·σ_D² + D²·σ_L²) (root sum of squares).",
    )
    c6.metric(
        "Reorder point r", fmt.num(plan.reorder_point, "units"),
        help=f"r = D·L + SS = {plan.lead_time_demand_mean:,.1f} + {plan.safety_stock:,.1f} units "
             "(inventory position that triggers an order).",
    )
    c7.metric(
        "Order quantity (EOQ)", fmt.num(plan.order_quantity, "units/order"),
        help=f"Q = √(2·D·K / h) with D = {plan.annual_demand:,.0f} units/year, "
             f"K = {plan.params.order_cost:g} EUR/order, h = {h:g} EUR/unit/year.",
    )
    c8.metric(
        "Lead-time demand σ_LTD", fmt.num(plan.lead_time_demand_std, "units", digits=1),
        help="√(L·σ_D² + D²·σ_L²): spread of the demand over one lead time.",
    )
    c9, c10, c11, c12 = st.columns(4)
    c9.metric(
        "SLA penalty cost", fmt.eur(plan.penalty_cost_per_year, "year"),
        help=f"p × expected units short per year = {p:g} EUR/unit × "
             f"{plan.expected_shortage_per_year:,.1f} units/year.",
    )
    c10.metric("Holding cost", fmt.eur(plan.holding_cost_per_year, "year"),
               help="h × (SS + Q/2): safety stock plus average cycle stock.")
    c11.metric("Ordering cost", fmt.eur(plan.ordering_cost_per_year, "year"),
               help=f"K × D/Q = {plan.orders_per_year:,.1f} orders/year.")
    c12.metric("Total inventory cost", fmt.eur(plan.inventory_cost_per_year, "year"),
               help="Holding + ordering + SLA penalties.")
    d1, d2, d3, _ = st.columns(4)
    d1.metric(
        "α if reviewed once a day", fmt.pct(plan.daily_review_service_level),
        help="The formulas above assume an order goes out the moment the inventory position "
             "touches r. Checked once a day, the position is already below r by part of a "
             "day's demand (undershoot): α = E[Φ((r − U − D·L) / σ_LTD)] with U distributed "
             "as the equilibrium excess of daily demand.",
    )
    d2.metric(
        "Reorder point for α, daily review", fmt.num(plan.daily_review_reorder_point, "units"),
        help="The reorder point that reaches the target α when stock is reviewed once a day.",
    )
    d3.metric(
        "Undershoot allowance",
        fmt.num(plan.daily_review_reorder_point - plan.reorder_point, "units"),
        help="Extra stock a once-a-day review needs on top of the textbook reorder point.",
    )


def _resilience(plan: LanePlan) -> None:
    res = plan.resilience
    w_cov, w_ind = res.weights
    st.markdown("**Resilience index**")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Resilience", f"{float(res.score):.0f} / 100",
        help=f"100 × ({w_cov:g} × coverage + {w_ind:g} × independence).",
    )
    c2.metric("Buffer coverage", fmt.pct(float(res.coverage), digits=0),
              help="min(1, safety stock / tail risk): how much of a bad lead time the buffer covers.")
    c3.metric("Independence", fmt.pct(float(res.independence), digits=0),
              help="1 − dependency ratio: share of required capacity handled in-house.")
    c4.metric("Tail risk", fmt.num(float(res.tail_risk), "units"),
              help="99 % quantile of lead-time demand minus its mean: the excursion the buffer "
                   "should cover.")


def gap_explanation(analytic: float, simulated: float) -> str | None:
    """Plain-language reason when simulation and formula differ by > 1 percentage point."""
    gap = simulated - analytic
    if abs(gap) <= GAP_THRESHOLD:
        return None
    return MORE_THAN_FORMULA if gap > 0 else LESS_THAN_FORMULA


def _monte_carlo(scenario: Scenario, plan: LanePlan) -> None:
    st.subheader("🎲 Monte Carlo digital twin")
    st.caption(
        f"Replays the (r, Q) plan (r = {plan.reorder_point:,.0f} units, Q = "
        f"{plan.order_quantity:,.0f} units/order) day by day for one year with random demand, "
        "random lead times (orders may overtake each other), returns and the capacity limit."
    )
    c1, c2, c3 = st.columns([2, 2, 2], vertical_alignment="bottom")
    replications = c1.selectbox(
        "Replications", REPLICATION_CHOICES, format_func=lambda n: f"{n:,}", key="risk_mc_reps",
        help="More replications → smaller standard errors (± SE shrinks with 1/√n), slower run.",
    )
    bootstrap = c2.toggle(
        "Bootstrap demand from history", key="risk_mc_bootstrap",
        help="Draw daily demand from the lane's last 365 days instead of a normal distribution.",
    )
    request = (scenario, int(replications), bool(bootstrap))
    if c3.button("▶ Run simulation", type="primary", key="risk_mc_run"):
        st.session_state[MC_REQUEST_KEY] = request
    if st.session_state.get(MC_REQUEST_KEY) != request:
        if MC_REQUEST_KEY in st.session_state:
            st.info("Parameters changed since the last run: press **Run simulation** again.")
        return
    with st.spinner(f"Simulating {replications:,} years of operation…"):
        result = cached_sim.simulate(scenario, int(replications), bool(bootstrap))
    _simulation_result(plan, result)


def _simulation_result(plan: LanePlan, result: simulation.SimulationResult) -> None:
    left, right = st.columns(2)
    left.metric(
        "Cycle service level: formula vs simulation",
        f"{fmt.pct(plan.service_level)} vs {fmt.pct(result.cycle_service_level)} "
        f"± {result.cycle_service_level_se * 100:.2f} pp",
        help="Share of replenishment cycles without a stockout just before the order arrives; "
             "± one standard error over replications [percentage points].",
    )
    right.metric(
        "Fill rate: formula vs simulation",
        f"{fmt.pct(plan.fill_rate, digits=2)} vs {fmt.pct(result.fill_rate, digits=2)} "
        f"± {result.fill_rate_se * 100:.2f} pp",
        help="Share of demand served from stock; ± one standard error [percentage points].",
    )
    reasons = {
        gap_explanation(plan.service_level, result.cycle_service_level),
        gap_explanation(plan.fill_rate, result.fill_rate),
    } - {None}
    for reason in sorted(reasons):
        st.info(reason)
    if reasons:
        st.caption(
            f"The daily-review formula (undershoot) predicts a cycle service level of "
            f"{fmt.pct(plan.daily_review_service_level)} for this plan; the rest of the gap comes "
            "from random lead times and non-normal daily demand."
        )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Expected profit", fmt.eur(result.expected_profit, "year"),
              help="Mean simulated P&L over one year: revenue − handling − surcharge − holding "
                   "− ordering − SLA penalties.")
    c2.metric("Probability of loss", fmt.pct(result.probability_of_loss),
              help="Share of simulated years with negative profit.")
    var = result.value_at_risk_95
    c3.metric("Worst-case profit (VaR 95 %)", fmt.eur(-var, "year"),
              help="Profit undercut in only 5 % of simulated years (5 % quantile). "
                   f"Value at risk VaR 95 % = −this = {fmt.eur(var, 'year')}: positive means a "
                   "loss of that size or worse happens in 1 year out of 20.")
    c4.metric("Stockout days", fmt.num(float(np.mean(result.stockout_days)), "days/year", digits=1),
              help="Mean number of days per year with any shortage.")
    h1, h2 = st.columns(2)
    h1.plotly_chart(
        charts.histogram(
            result.overflow_volume, title="Overflow to partners per simulated year",
            x_title="units/year", markers={"mean": float(np.mean(result.overflow_volume))},
        ),
        key="risk_overflow_hist",
    )
    pnl_markers = {"VaR 95 %": -var}
    if float(np.min(result.profit)) <= 0.0:
        pnl_markers["break-even"] = 0.0  # drawn only when losses occur, else it squashes the bars
    h2.plotly_chart(
        charts.histogram(
            result.profit, title="Profit & loss per simulated year", x_title="EUR/year",
            markers=pnl_markers,
        ),
        key="risk_pnl_hist",
    )


def _stress_test(scenario: Scenario, plan: LanePlan) -> None:
    st.markdown("**Stress test** (time to survive / time to recover)")
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    shock = c1.radio("Shock", list(SHOCK_LABELS), format_func=SHOCK_LABELS.get,
                     key="risk_stress_shock")
    partner_capacity = c2.number_input(
        "Partner capacity [units/day]", min_value=0.0,
        value=float(round(plan.overflow_volume + plan.internal_capacity * DEFAULT_PARTNER_SHARE)),
        step=10.0, key="risk_stress_partner",
        help="What partner warehouses can take per day; workload beyond internal + partner "
             "capacity waits (a disruption). Default: the planned overflow plus half the "
             "internal capacity as headroom.",
    )
    bootstrap = bool(st.session_state.get("risk_mc_bootstrap", False))
    request = (scenario, shock, float(partner_capacity), bootstrap)
    if c3.button("▶ Run stress test", key="risk_stress_run"):
        st.session_state[STRESS_REQUEST_KEY] = request
    if st.session_state.get(STRESS_REQUEST_KEY) != request:
        st.caption(
            f"The shock starts on day {cached_sim.STRESS_START_DAY} of a simulated year "
            f"({STRESS_REPLICATIONS:,} replications). A day is disrupted when orders are "
            "backordered or workload exceeds internal plus partner capacity."
        )
        return
    with st.spinner("Running baseline and shocked simulation…"):
        out = cached_sim.stress(scenario, shock, STRESS_REPLICATIONS, bootstrap,
                                float(partner_capacity))
    d1, d2, d3, d4 = st.columns(4)
    d1.metric("Probability of disruption", fmt.pct(out.probability_of_disruption),
              help="Share of replications with a disrupted day at or after the shock start.")
    d2.metric("Time to survive (median)",
              fmt.days(out.median_time_to_survive_days, infinite="never disrupted"),
              help="Days from the shock start until the first disrupted day (TTS, "
                   "Simchi-Levi et al. 2015).")
    d3.metric("Time to recover (median)",
              fmt.days(out.median_time_to_recover_days, infinite="not in horizon"),
              help="Days after the shock ends until that disruption is cleared (TTR).")
    d4.metric("Profit change through the shock", f"{-out.extra_loss:+,.0f} EUR/year",
              help="Mean shocked minus baseline profit over the simulated year (extra demand "
                   "can earn more than it costs); extra partner surcharge: "
                   f"{fmt.eur(out.extra_overflow_cost, 'year')}.")
    if math.isinf(out.median_time_to_survive_days):
        st.success("Most simulated years ride out this shock without a disruption.")


def render(scenario: Scenario, plan: LanePlan) -> None:
    """Draw the risk & resilience tab for ``scenario``."""
    st.subheader(f"Risk & resilience: {md(plan.lane)}")
    _service_metrics(plan)
    _resilience(plan)
    st.plotly_chart(charts.cost_curve(plan), key="risk_cost_curve")
    methods.render("risk")
    st.divider()
    _monte_carlo(scenario, plan)
    _stress_test(scenario, plan)

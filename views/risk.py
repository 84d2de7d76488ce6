"""Tab 3, Risk & resilience: service level, buffers, costs, resilience, Monte Carlo twin."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

import simulation
from domain import Scenario
from importing.safe_text import md
from planning import LanePlan, reconciliation
from presentation import charts
from presentation import formatting as fmt
from views import cached_sim, methods

REPLICATION_CHOICES = (2_000, 10_000)
REVIEW_LABELS = {0: "continuous review (r, Q)", 1: "reviewed once a day (r, Q)"}
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
        help=f"α* = p / (p + h·T) with T the cycle length in years (Q/D or R/365): "
             f"{p:g} / ({p:g} + {plan.overage_cost:.3f}). It maximises the expected profit "
             "exactly: capacity costs do not depend on α.",
    )
    c3.metric("Safety factor z", f"{plan.z:.2f}", help="z = Φ⁻¹(α), standard normal quantile.")
    c4.metric(
        "Fill rate β", fmt.pct(plan.fill_rate, digits=2),
        help="Share of demand served from stock on the lane's review cycle: β = 1 − ESC / "
             "(demand per cycle), ESC = expected units short per cycle.",
    )
    cycle = REVIEW_LABELS.get(plan.review_period_days, f"order up to S every {plan.review_period_days} days")
    c5, c6, c7, c8 = st.columns(4)
    c5.metric(
        "Safety stock", fmt.num(plan.safety_stock, "units"),
        help=f"Expected net stock when a replenishment arrives: r − E[X] = {plan.reorder_point:,.1f} − "
             f"{plan.protection_demand_mean:,.1f} units, X = demand over the protection period "
             f"({cycle}).",
    )
    c6.metric(
        "Order-up-to level S" if plan.review_period_days >= 2 else "Reorder point r",
        fmt.num(plan.reorder_point, "units"),
        help=f"The reorder point for this lane's review cycle ({cycle}); it reaches α = "
             f"{fmt.pct(plan.cycle_service_level)}. For comparison only: the continuous-review "
             f"textbook r = D·L + z·σ_LTD = {plan.textbook_reorder_point:,.0f} units, which reviewed "
             f"once a day would deliver α = {fmt.pct(plan.daily_review_service_level)}.",
    )
    c7.metric(
        "Order quantity" if plan.review_period_days < 2 else "Mean order",
        fmt.num(plan.order_quantity, "units/order"),
        help=(f"EOQ Q = √(2·D·K / h) with D = {plan.annual_demand:,.0f} units/year, "
              f"K = {plan.params.order_cost:g} EUR/order, h = {h:g} EUR/unit/year."
              if plan.review_period_days < 2 else
              f"D·R: one review every {plan.review_period_days} days orders what was used."),
    )
    c8.metric(
        "Protection demand σ", fmt.num(plan.protection_demand_std, "units", digits=1),
        help="Spread of the demand the stock must cover until the next replenishment can arrive "
             "(lead time, plus the review period or the daily undershoot).",
    )
    c9, c10, c11, c12 = st.columns(4)
    c9.metric(
        "SLA penalty cost", fmt.eur(plan.penalty_cost_per_year, "year"),
        help=f"p × expected units short per year = {p:g} EUR/unit × "
             f"{plan.expected_shortage_per_year:,.1f} units/year.",
    )
    c10.metric("Holding cost", fmt.eur(plan.holding_cost_per_year, "year"),
               help="h × (safety stock + expected backorders + half an order): average stock on hand.")
    c11.metric("Ordering cost", fmt.eur(plan.ordering_cost_per_year, "year"),
               help=f"K × {plan.orders_per_year:,.1f} orders/year.")
    c12.metric("Total inventory cost", fmt.eur(plan.inventory_cost_per_year, "year"),
               help="Holding + ordering + SLA penalties: the 'Total inventory cost' curve below, "
                    "minimal at α*.")
    st.caption(f"Review cycle: **{cycle}** (master data 'review period'). Service figures are "
               "computed for this cycle, undershoot included.")


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


@st.fragment  # its buttons rerun only this panel, not the whole page
def _monte_carlo(scenario: Scenario, plan: LanePlan) -> None:
    st.subheader(":material/casino: Monte Carlo digital twin")
    st.caption(
        f"Replays exactly the plan's policy (r or S = {plan.reorder_point:,.0f} units, "
        f"{REVIEW_LABELS.get(plan.review_period_days, f'every {plan.review_period_days} days')}) "
        "day by day for one year with random demand, random lead times (orders may overtake each "
        "other), returns and the capacity of each weekday."
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
        result = cached_sim.simulate(scenario, plan, int(replications), bool(bootstrap))
    _simulation_result(plan, result)


def _simulation_result(plan: LanePlan, result: simulation.SimulationResult) -> None:
    left, right = st.columns(2)
    left.metric(
        "Cycle service level: formula vs simulation",
        f"{fmt.pct(plan.cycle_service_level)} vs {fmt.pct(result.cycle_service_level)} "
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
    gaps = (abs(result.cycle_service_level - plan.cycle_service_level),
            abs(result.fill_rate - plan.fill_rate))
    if max(gaps) > GAP_THRESHOLD:
        # one mechanism names the reasons: the reconciliation's explanations, shown above
        st.caption(
            "Formula and simulation differ by more than 1 percentage point: the reasons are named "
            "under *Plan vs last 365 days vs simulation* above (with *Bootstrap demand from "
            "history* the twin also draws the lane's own days instead of the plan's demand model)."
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


@st.fragment  # its buttons rerun only this panel, not the whole page
def _stress_test(scenario: Scenario, plan: LanePlan) -> None:
    st.markdown("**Stress test** (time to survive / time to recover)")
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    shock = c1.radio("Shock", list(SHOCK_LABELS), format_func=SHOCK_LABELS.get,
                     key="risk_stress_shock")
    partner_capacity = c2.number_input(
        "Partner capacity [units/day]", min_value=0.0,
        value=float(round(plan.partner_capacity_to_reserve
                          + plan.internal_capacity * DEFAULT_PARTNER_SHARE)),
        step=10.0, key=f"risk_stress_partner_{plan.lane}",
        help="What partner warehouses can take per day; workload beyond internal + partner "
             "capacity waits (a disruption). Default: the partner capacity to reserve plus half "
             "the internal capacity as headroom.",
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
        out = cached_sim.stress(scenario, plan, shock, STRESS_REPLICATIONS, bootstrap,
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


@st.fragment  # its buttons rerun only this panel, not the whole page
def _reconciliation(scenario: Scenario, plan: LanePlan) -> None:
    st.subheader("Plan vs last 365 days vs simulation")
    st.caption(
        "Every money and service figure with its two witnesses: a day-by-day replay of the plan's "
        "policy and capacity on the lane's actual last 365 days, and the Monte Carlo twin driven by "
        f"exactly the plan's policy and capacity ({reconciliation.DEFAULT_REPLICATIONS:,} simulated "
        "years, ± one standard error)."
    )
    with st.spinner("Replaying the history and simulating…"):
        rec = cached_sim.reconcile(scenario, plan)
    st.dataframe(reconciliation_table(rec), hide_index=True, key="risk_reconciliation")
    for sentence in rec.explanations:
        st.info(sentence)


def reconciliation_table(rec: reconciliation.Reconciliation) -> pd.DataFrame:
    """The reconciliation as display rows: figures formatted with their unit."""
    def show(value: float | None, unit: str) -> str:
        if value is None or value != value:
            return "—"
        return fmt.pct(value, digits=2) if unit == "fraction" else f"{value:,.1f} {unit}" \
            if unit == "days/year" else f"{value:,.0f} {unit}"

    return pd.DataFrame([
        {
            "Figure": row.figure,
            "Plan": show(row.plan, row.unit),
            "Last 365 days": show(row.history, row.unit),
            "Simulation": show(row.simulation, row.unit),
            "± SE": ("" if row.unit == "fraction" and row.simulation_se == 0 else
                     f"{row.simulation_se * 100:.2f} pp" if row.unit == "fraction"
                     else f"{row.simulation_se:,.1f}"),
            "Plan vs simulation": "agree" if row.agrees else "differ (see below)",
        }
        for row in rec.rows
    ])


def render(scenario: Scenario, plan: LanePlan) -> None:
    """Draw the risk & resilience tab for ``scenario``."""
    st.subheader(f"Risk & resilience: {md(plan.lane)}")
    _service_metrics(plan)
    _resilience(plan)
    st.plotly_chart(charts.cost_curve(plan), key="risk_cost_curve")
    methods.render("risk")
    st.divider()
    _reconciliation(scenario, plan)
    st.divider()
    _monte_carlo(scenario, plan)
    _stress_test(scenario, plan)

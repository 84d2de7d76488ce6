"""Tab 4, Horizontal cooperation: overflow to partners and what it costs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain import DAYS_PER_YEAR, Scenario
from domain.units import PERCENT
from importing.safe_text import md
from planning import NETWORK_COLUMNS, LanePlan, NetworkPlan
from presentation import charts
from presentation import formatting as fmt
from views import methods


def formula_latex(plan: LanePlan) -> str:
    """Expected partner volume per year from the loss function, with the lane's numbers [units/year]."""
    mu, sd = plan.stats.workload_mean, plan.stats.workload_std
    head = (r"E[\text{overflow}] = \frac{365}{7}\sum_{d=\text{Mon}}^{\text{Sun}} \sigma_W\,"
            r"G\!\left(\frac{C_d - \mu_W}{\sigma_W}\right)")
    factors = [float(f) for f in plan.weekday_factors]
    weekly = max(factors) - min(factors) > 1e-9
    if weekly:  # the lane's weekday pattern: day d has mean f_d mu_W and spread f_d sigma_X (1 + r)
        head = (r"E[\text{overflow}] = \frac{365}{7}\sum_{d=\text{Mon}}^{\text{Sun}} f_d\sigma_W\,"
                r"G\!\left(\frac{C_d - f_d\mu_W}{f_d\sigma_W}\right)")
        sd = plan.demand_base_std * (1.0 + plan.params.return_rate)
    if plan.overflow_model == "empirical":
        head = (r"E[\text{overflow}] = \frac{365}{7}\sum_{d=\text{Mon}}^{\text{Sun}} "
                r"\overline{(f_d x_i (1 + r) - C_d)^+}")
    def tex(value: float, digits: int) -> str:  # thousands separator that LaTeX keeps tight
        return f"{value:,.{digits}f}".replace(",", "{,}")

    pattern = (rf",\ f_d \in [{min(factors):.2f}, {max(factors):.2f}]" if weekly else "")
    return head + (rf"\quad \mu_W = {tex(mu, 1)},\ \sigma_W = {tex(sd, 1)}\ \text{{units/day}}"
                   rf"{pattern} \Rightarrow {tex(plan.expected_overflow_per_year, 0)}\ "
                   r"\text{units/year}")


def _lane(plan: LanePlan) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Expected overflow to partners", fmt.num(plan.expected_overflow_per_year, "units/year"),
              help="Σ over days of E[(W − C)⁺]: expected workload above internal capacity "
                   f"({fmt.num(plan.overflow_volume, 'units/day', digits=1)} on average). "
                   "A flow, never the coverage quantile charged every day.")
    c2.metric("Last 365 days, replayed", fmt.num(plan.overflow_last_year, "units"),
              help="What the lane's own last 365 days would have sent to partners at today's "
                   "capacity: Σ (demand × (1 + return rate) − capacity of that weekday)⁺.")
    c3.metric("Partner capacity to reserve", fmt.num(plan.partner_capacity_to_reserve, "units/day"),
              help=f"So that internal + reserved capacity covers the workload on "
                   f"{fmt.pct(plan.capacity_coverage_level)} of days (capacity coverage level γ): "
                   f"max(0, μ_W + z(γ)·σ_W − C) = {fmt.num(plan.required_capacity, 'units/day', digits=1)}"
                   f" − capacity. A capacity to hold ready, not a daily volume.")
    c4.metric("Dependency ratio", fmt.pct(plan.dependency_ratio),
              help="Expected partner volume / expected workload.")
    d1, d2, d3, d4 = st.columns(4)
    d1.metric("Internal handling", fmt.eur(plan.internal_cost_per_day * DAYS_PER_YEAR, "year"),
              help=f"H × expected internal volume = {plan.params.handling_cost:.2f} EUR/unit × "
                   f"{plan.expected_internal_per_year:,.0f} units/year.")
    d2.metric("Partner handling + surcharge", fmt.eur(plan.partner_cost_per_day * DAYS_PER_YEAR, "year"),
              help=f"(H + S) × expected overflow = ({plan.params.handling_cost:.2f} + "
                   f"{plan.params.partner_surcharge:.2f}) EUR/unit × "
                   f"{plan.expected_overflow_per_year:,.0f} units/year.")
    d3.metric("Reservation fees + spot premium", fmt.eur(plan.reservation_cost_per_year, "year"),
              help="Fee × reserved capacity × 365 + spot premium × expected volume beyond the "
                   "reservation; 0 when the lane has no reservation contract in its master data.")
    d4.metric("Cooperation cost", fmt.eur(plan.cooperation_cost_per_year, "year"),
              help="Internal + partner handling + surcharge + reservation, per year.")
    st.markdown(
        "**Expected overflow**, from the normal loss function G per weekday:"
        if plan.overflow_model == "normal" else
        "**Expected overflow**, from the lane's own last 365 days (too skewed for the normal), "
        "each day against every weekday's capacity:"
    )
    st.latex(formula_latex(plan))
    fee, premium = plan.params.reservation_fee, plan.params.spot_premium
    if fee > 0 and premium > fee:
        st.info(
            f"Cost-optimal reservation: **{fmt.num(plan.cost_optimal_reservation, 'units/day')}** "
            f"(capacity newsvendor: P(W > C + K) = fee / premium = {fee:g} / {premium:g} = "
            f"{fmt.pct(fee / premium)})."
        )
    st.caption(
        f"Next {plan.forecast.dates.size} days at the forecast: "
        f"{fmt.num(plan.forecast.expected_overflow_total, 'units')} expected to partners "
        "(daily forecast mean and spread against each day's capacity)."
    )
    st.plotly_chart(charts.capacity_split(plan), key="coop_split_chart")


def _network(network: NetworkPlan) -> None:
    st.subheader("Network: lanes that overflow")
    c1, c2, c3 = st.columns(3)
    c1.metric("Network overflow", fmt.num(network.total_expected_overflow_per_year, "units/year"),
              help="Σ expected overflow over all lanes (last 365 days replayed: "
                   f"{network.total_overflow_last_year:,.0f} units).")
    c2.metric("Network surcharge", fmt.eur(network.total_surcharge_cost_per_year, "year"),
              help="Σ overflow × S × 365 over all lanes.")
    c3.metric("Network dependency", fmt.pct(network.network_dependency_ratio),
              help="Σ expected partner volume / Σ expected workload.")
    table = network.table
    over = table[table["expected_overflow_per_year"] >= 1.0]
    if over.empty:
        st.success("No lane in the network needs partner capacity at its profit-optimal service level.")
        return
    shown = pd.DataFrame(
        {
            "lane": over["lane"],
            "partner_capacity_to_reserve": over["partner_capacity_to_reserve"],
            "internal_capacity": over["internal_capacity"],
            "overflow_volume": over["expected_overflow_per_year"].round(0),
            "overflow_last_year": over["overflow_last_year"].round(0),
            "dependency_ratio": over["dependency_ratio"] * PERCENT,
            "surcharge_cost_per_year": over["surcharge_cost_per_year"].round(0),
            "cooperation_cost_per_year": over["cooperation_cost_per_year"].round(0),
        }
    ).sort_values("overflow_volume", ascending=False)
    st.dataframe(
        shown, hide_index=True, key="coop_network_table",
        column_config={
            "lane": st.column_config.TextColumn("Lane"),
            "partner_capacity_to_reserve": st.column_config.NumberColumn(
                "Reserve [units/day]", format="%.1f",
                help="Partner capacity to reserve at the lane's capacity coverage level, "
                     + NETWORK_COLUMNS["partner_capacity_to_reserve"]),
            "internal_capacity": st.column_config.NumberColumn(
                "C_max [units/day]", format="%.0f", help=NETWORK_COLUMNS["internal_capacity"]),
            "overflow_volume": st.column_config.NumberColumn(
                "Exp. overflow [units/year]", format="localized",
                help=NETWORK_COLUMNS["expected_overflow_per_year"]),
            "overflow_last_year": st.column_config.NumberColumn(
                "Last 365 days [units]", format="localized",
                help=NETWORK_COLUMNS["overflow_last_year"]),
            "dependency_ratio": st.column_config.NumberColumn(
                "Dependency [%]", format="%.1f %%", help=NETWORK_COLUMNS["dependency_ratio"]),
            "surcharge_cost_per_year": st.column_config.NumberColumn(
                "Surcharge [EUR/year]", format="localized",
                help=NETWORK_COLUMNS["surcharge_cost_per_year"]),
            "cooperation_cost_per_year": st.column_config.NumberColumn(
                "Cooperation cost [EUR/year]", format="localized",
                help="Internal handling + partner handling + surcharge + reservation, per year."),
        },
    )


def render(scenario: Scenario, plan: LanePlan, network: NetworkPlan) -> None:
    """Draw the cooperation tab: the selected lane's what-if, then the network."""
    st.subheader(f"Horizontal cooperation: {md(plan.lane)}")
    if scenario.service_level is not None:
        st.caption(f"Lane figures at your target α = {fmt.pct(scenario.service_level)}; "
                   "network figures at each lane's stored master data and α*.")
    _lane(plan)
    methods.render("cooperation")
    st.divider()
    _network(network)

"""Tab 4, Horizontal cooperation: overflow to partners and what it costs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
from domain import DAYS_PER_YEAR, Scenario
from planning import NETWORK_COLUMNS, LanePlan, NetworkPlan
from safe_text import md
from views import fmt, methods

PERCENT = 100.0


def formula_latex(plan: LanePlan) -> str:
    """The seed's cost formula with the lane's numbers plugged in [EUR/day]."""
    c_req, c_max = plan.required_capacity, plan.internal_capacity
    h, s = plan.params.handling_cost, plan.params.partner_surcharge
    total = plan.cooperation_cost_per_day
    if c_req > c_max:
        return (
            r"\text{Cost} = C_{max} \cdot H + (C_{req} - C_{max}) \cdot (H + S) = "
            rf"{c_max:,.0f} \cdot {h:.2f} + ({c_req:,.1f} - {c_max:,.0f}) \cdot "
            rf"({h:.2f} + {s:.2f}) = {total:,.0f}\ \text{{EUR/day}}"
        ).replace(",", "{,}")
    return (
        r"\text{Cost} = C_{req} \cdot H = "
        rf"{c_req:,.1f} \cdot {h:.2f} = {total:,.0f}\ \text{{EUR/day}}"
        r"\quad (C_{req} \le C_{max}\text{: no overflow})"
    ).replace(",", "{,}")


def _lane(plan: LanePlan) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Overflow to partners", fmt.num(plan.overflow_volume, "units/day", digits=1),
              help="max(0, C_req − C_max): required capacity above the internal capacity.")
    c2.metric("Dependency ratio", fmt.pct(plan.dependency_ratio),
              help="Overflow / required capacity: share of the lane's throughput partners handle.")
    c3.metric("Partner cost", fmt.eur(plan.partner_cost_per_day * DAYS_PER_YEAR, "year"),
              help="Overflow × (H + S) × 365: handling plus surcharge paid for partner volume.")
    c4.metric("Surcharge (friction cost)", fmt.eur(plan.surcharge_cost_per_day * DAYS_PER_YEAR, "year"),
              help="Overflow × S × 365: what cooperation costs on top of in-house handling.")
    st.markdown("**Outsourcing cost (seed formula)**, per day:")
    st.latex(formula_latex(plan))
    st.caption(
        f"C_req = required capacity {fmt.num(plan.required_capacity, 'units/day', digits=1)}, "
        f"C_max = internal capacity {fmt.num(plan.internal_capacity, 'units/day')}, "
        f"H = handling {plan.params.handling_cost:.2f} EUR/unit, S = surcharge "
        f"{plan.params.partner_surcharge:.2f} EUR/unit. Per year: "
        f"{fmt.eur(plan.cooperation_cost_per_year, 'year')} "
        f"(internal {fmt.eur(plan.internal_cost_per_day * DAYS_PER_YEAR, 'year')}, partner "
        f"{fmt.eur(plan.partner_cost_per_day * DAYS_PER_YEAR, 'year')})."
    )
    st.plotly_chart(charts.capacity_split(plan), key="coop_split_chart")


def _network(network: NetworkPlan) -> None:
    st.subheader("Network: lanes that overflow")
    c1, c2, c3 = st.columns(3)
    c1.metric("Network overflow", fmt.num(network.total_overflow_volume, "units/day", digits=1),
              help="Σ overflow over all lanes, each at its own α*.")
    c2.metric("Network surcharge", fmt.eur(network.total_surcharge_cost_per_year, "year"),
              help="Σ overflow × S × 365 over all lanes.")
    c3.metric("Network dependency", fmt.pct(network.network_dependency_ratio),
              help="Σ overflow / Σ required capacity.")
    table = network.table
    over = table[table["overflow_volume"] > 0]
    if over.empty:
        st.success("No lane in the network needs partner capacity at its profit-optimal service level.")
        return
    shown = pd.DataFrame(
        {
            "lane": over["lane"],
            "required_capacity": over["required_capacity"],
            "internal_capacity": over["internal_capacity"],
            "overflow_volume": over["overflow_volume"],
            "dependency_ratio": over["dependency_ratio"] * PERCENT,
            "surcharge_cost_per_year": over["surcharge_cost_per_year"].round(0),
            "cooperation_cost_per_year": over["cooperation_cost_per_year"].round(0),
        }
    ).sort_values("overflow_volume", ascending=False)
    st.dataframe(
        shown, hide_index=True, key="coop_network_table",
        column_config={
            "lane": st.column_config.TextColumn("Lane"),
            "required_capacity": st.column_config.NumberColumn(
                "C_req [units/day]", format="%.1f", help=NETWORK_COLUMNS["required_capacity"]),
            "internal_capacity": st.column_config.NumberColumn(
                "C_max [units/day]", format="%.0f", help=NETWORK_COLUMNS["internal_capacity"]),
            "overflow_volume": st.column_config.NumberColumn(
                "Overflow [units/day]", format="%.1f", help=NETWORK_COLUMNS["overflow_volume"]),
            "dependency_ratio": st.column_config.NumberColumn(
                "Dependency [%]", format="%.1f %%", help=NETWORK_COLUMNS["dependency_ratio"]),
            "surcharge_cost_per_year": st.column_config.NumberColumn(
                "Surcharge [EUR/year]", format="localized",
                help=NETWORK_COLUMNS["surcharge_cost_per_year"]),
            "cooperation_cost_per_year": st.column_config.NumberColumn(
                "Total handling cost [EUR/year]", format="localized",
                help="Internal handling + partner handling + surcharge, per year."),
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

"""Tab 5, Finance: profit landscape and unit economics of the selected lane."""

from __future__ import annotations

import streamlit as st

from domain import Scenario
from importing.safe_text import md
from planning import LanePlan
from presentation import charts
from presentation import formatting as fmt
from views import methods


def render(scenario: Scenario, plan: LanePlan) -> None:
    """Draw the finance tab for ``scenario``."""
    st.subheader(f"Finance: {md(plan.lane)}")
    land = plan.profit_landscape
    econ = plan.unit_economics
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Expected profit", fmt.eur(plan.expected_profit_per_year, "year"),
              help="Revenue − handling − holding − ordering − SLA penalties − partner surcharge, "
                   "at your target service level.")
    c2.metric("Sweet spot profit", fmt.eur(land.sweet_spot_profit, "year"),
              help=f"Best cell of the heatmap: α = {fmt.pct(land.sweet_spot_service_level)}, "
                   f"σ_L = {land.sweet_spot_lead_time_std:.1f} days.")
    c3.metric("Margin per unit", fmt.eur(econ.margin, "unit", digits=2),
              delta=f"{econ.margin_pct:.1f} % of revenue",
              delta_color="normal" if econ.margin >= 0 else "inverse", delta_arrow="off",
              help="Revenue per unit minus handling (incl. returns), holding, partner surcharge, "
                   "ordering and SLA penalty per unit delivered.")
    c4.metric("Profit-optimal α*", fmt.pct(land.optimum_service_level),
              help="Critical ratio of the lane at its current lead-time variability.")
    gap = land.sweet_spot_profit - plan.expected_profit_per_year
    if gap > 0 and land.sweet_spot_lead_time_std < plan.params.lead_time_std:
        st.info(
            f"Cutting lead-time variability from σ_L = {plan.params.lead_time_std:.1f} to "
            f"{land.sweet_spot_lead_time_std:.1f} days at α = "
            f"{fmt.pct(land.sweet_spot_service_level)} would add about "
            f"{fmt.eur(gap, 'year')}."
        )
    st.plotly_chart(charts.profit_heatmap(plan), key="fin_heatmap")
    st.plotly_chart(charts.unit_economics_waterfall(plan), key="fin_waterfall")
    methods.render("finance")

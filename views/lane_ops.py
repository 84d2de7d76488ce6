"""Tab 2, Lane operations: history, forecast, capacity and demand statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from domain import Scenario
from forecasting import method_label
from importing.safe_text import md
from planning import LanePlan
from presentation import charts
from presentation import formatting as fmt
from views import exports, methods

PATTERN_HELP = (
    "Syntetos-Boylan classification of the daily history by the average inter-demand "
    "interval (ADI, cut-off 1.32 days) and the squared coefficient of variation of the "
    "non-zero volumes (CV², cut-off 0.49): smooth, erratic, intermittent or lumpy."
)


def _breach_text(plan: LanePlan, horizon_days: int) -> tuple[str, str]:
    """(kind, message) about the first forecast day the capacity is breached."""
    fc = plan.forecast
    start = fc.dates[0] if len(fc.dates) else None
    if fc.first_breach_date is not None:
        in_days = (fc.first_breach_date - start).days + 1 if start is not None else 0
        return "error", (
            f"**Capacity breached on {fc.first_breach_date:%Y-%m-%d}** (forecast day {in_days}): "
            f"the mean forecast workload incl. returns exceeds that day's internal capacity of "
            f"{fmt.num(float(fc.capacity[fc.dates.get_loc(fc.first_breach_date)]), 'units/day')}."
        )
    if fc.first_breach_date_upper is not None:
        return "warning", (
            f"Mean forecast stays within capacity for the next {horizon_days} days, but the "
            f"upper prediction bound ({fc.interval_level * 100:.0f} % interval) first exceeds it "
            f"on **{fc.first_breach_date_upper:%Y-%m-%d}**."
        )
    return "success", (
        f"No capacity breach within the {horizon_days}-day horizon: the forecast workload incl. "
        f"returns stays below {fmt.num(plan.internal_capacity, 'units/day')}."
    )


def render(scenario: Scenario, plan: LanePlan) -> None:
    """Draw the lane operations tab for the sidebar's ``scenario``."""
    title = plan.lane if not plan.params.name or plan.params.name == plan.lane else (
        f"{plan.lane} — {plan.params.name}")
    st.subheader(f"Lane operations: {md(title)}")
    stats = plan.stats
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Mean demand", fmt.num(stats.demand_mean, "units/day", digits=1),
              help=f"Mean daily outbound volume, {stats.window_start:%Y-%m-%d} to "
                   f"{stats.window_end:%Y-%m-%d} (days without records count as 0).")
    c2.metric("Demand σ", fmt.num(stats.demand_std, "units/day", digits=1),
              help="Standard deviation of daily demand over the same window "
                   f"(history recorded per {stats.source_period}).")
    c3.metric("Demand pattern", plan.pattern, help=PATTERN_HELP)
    c4.metric("Forecast method", method_label(plan.forecast.method, short=True),
              help=f"{method_label(plan.forecast.method)}: chosen per lane by the lowest "
                   "backtest MASE (table below).")
    c5, c6, c7, c8 = st.columns(4)
    c5.metric("Forecast workload incl. returns", fmt.num(plan.forecast_workload_mean, "units/day", digits=1),
              help=f"Mean forecast workload over the next {scenario.horizon_days} days = forecast "
                   f"demand × (1 + return rate {fmt.pct(plan.params.return_rate)}). The mean demand "
                   "above is the last 365 days; the forecast carries trend and season.")
    c6.metric(f"Expected overflow, next {scenario.horizon_days} days",
              fmt.num(plan.forecast.expected_overflow_total, "units"),
              help="Σ over the forecast days of E[(W_t − C_t)⁺]: forecast workload and its spread "
                   "against each day's internal capacity (weekday pattern included). Per year at "
                   f"last year's level: {fmt.num(plan.expected_overflow_per_year, 'units/year')}.")
    c7.metric("Internal capacity", fmt.num(plan.internal_capacity, "units/day"),
              help="Mean over the week (capacity by weekday in the master data), from the "
                   "what-if parameters in the sidebar.")
    c8.metric("Utilisation", fmt.pct(plan.utilisation, digits=0),
              delta="overloaded" if plan.utilisation > 1 else "within capacity",
              delta_color="inverse" if plan.utilisation > 1 else "off", delta_arrow="off",
              help="Mean workload / mean internal capacity (flows, units/day ÷ units/day). Even "
                   "below 100 %, busy days overflow: see the expected overflow.")

    kind, message = _breach_text(plan, scenario.horizon_days)
    getattr(st, kind)(message)
    for note in plan.notes:
        st.info(note)
    st.plotly_chart(charts.lane_forecast(plan), key="ops_forecast_chart")

    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Forecast backtest** (lower MASE is better; < 1 beats the naive forecast)")
        # methods that need more history than the lane has carry no score: not listed
        mase = {m: v for m, v in plan.forecast.backtest_mase.items() if v == v}
        if mase:
            chosen = plan.forecast.method
            table = pd.DataFrame(
                {
                    "method": [method_label(m) for m in mase],
                    "MASE": pd.to_numeric(pd.Series(list(mase.values()), dtype=object),
                                          errors="coerce"),
                    "chosen": ["chosen" if m == chosen or chosen.endswith(m) else
                               "in the average" if m in getattr(plan.forecast, "combined", ())
                               else "" for m in mase],
                }
            ).sort_values("MASE", na_position="last")
            # A method without a backtest score shows a dash, not "None".
            table["MASE"] = [f"{v:.3f}" if np.isfinite(v) else "—" for v in table["MASE"]]
            st.dataframe(
                table, hide_index=True, key="ops_mase_table",
                column_config={
                    "MASE": st.column_config.TextColumn(
                        "MASE [–]",
                        help="Mean absolute error on the holdout / mean absolute in-sample "
                             "naive error (dimensionless); — = no backtest for this method."),
                    "chosen": st.column_config.TextColumn("Chosen"),
                },
            )
        else:
            st.caption("History too short for a backtest: the historical mean is used.")
    with right:
        fc = plan.forecast
        st.markdown(f"**Next {scenario.horizon_days} days**")
        st.metric("Forecast demand (mean)", fmt.num(float(fc.mean.mean()), "units/day", digits=1),
                  help="Mean of the daily forecast over the horizon.")
        st.metric(f"Prediction interval ({fc.interval_level * 100:.0f} %)",
                  f"{float(fc.lower.mean()):,.1f} – {float(fc.upper.mean()):,.1f} units/day",
                  help="Mean lower and upper bound over the horizon.")
    exports.plan_button(plan)
    methods.render("lane_ops")

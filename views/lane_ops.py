"""Tab 2, Lane operations: history, forecast, capacity and demand statistics."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
from domain import Scenario
from planning import LanePlan
from safe_text import md
from views import fmt, methods

METHOD_LABELS = {
    "linear_trend": "Linear trend",
    "seasonal_naive": "Seasonal naive",
    "seasonal_profile": "Seasonal profile",
    "ses": "Simple exponential smoothing",
    "croston_sba": "Croston (SBA)",
    "tsb": "TSB (intermittent)",
    "mean": "Historical mean (short history)",
}
PATTERN_HELP = (
    "Syntetos-Boylan classification of the daily history by the average inter-demand "
    "interval (ADI, cut-off 1.32 days) and the squared coefficient of variation of the "
    "non-zero volumes (CV², cut-off 0.49): smooth, erratic, intermittent or lumpy."
)


def method_label(method: str) -> str:
    """Readable name of a forecast method code (unknown codes pass through)."""
    parts = method.replace(":", " ").split()
    if not parts:
        return method
    label = METHOD_LABELS.get(parts[-1], parts[-1])
    qualifiers = " ".join(parts[:-1])
    return f"{label} ({qualifiers})" if qualifiers else label


def _breach_text(plan: LanePlan, horizon_days: int) -> tuple[str, str]:
    """(kind, message) about the first forecast day the capacity is breached."""
    fc = plan.forecast
    start = fc.dates[0] if len(fc.dates) else None
    if fc.first_breach_date is not None:
        in_days = (fc.first_breach_date - start).days + 1 if start is not None else 0
        return "error", (
            f"**Capacity breached on {fc.first_breach_date:%Y-%m-%d}** (forecast day {in_days}): "
            f"the mean forecast workload incl. returns exceeds the internal capacity of "
            f"{fmt.num(plan.internal_capacity, 'units/day')}."
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
    c4.metric("Forecast method", method_label(plan.forecast.method).split(" (")[0],
              help=f"{method_label(plan.forecast.method)}: chosen per lane by the lowest "
                   "backtest MASE (table below).")
    c5, c6, c7, c8 = st.columns(4)
    c5.metric("Throughput incl. returns", fmt.num(plan.forecast_workload_mean, "units/day", digits=1),
              help=f"Mean forecast workload over {scenario.horizon_days} days = demand × "
                   f"(1 + return rate {fmt.pct(plan.params.return_rate)}).")
    c6.metric("Required capacity", fmt.num(plan.required_capacity, "units/day", digits=1),
              help="C_req = μ_W + z(α)·σ_W: the daily handling flow that covers the workload on "
                   "a share α of days; μ_W and σ_W are the workload incl. returns over the last "
                   "365 days (the same figure as the watchtower).")
    c7.metric("Internal capacity", fmt.num(plan.internal_capacity, "units/day"),
              help="C_max from the what-if parameters in the sidebar.")
    c8.metric("Utilisation", fmt.pct(plan.utilisation, digits=0),
              delta="overflow" if plan.utilisation > 1 else "within capacity",
              delta_color="inverse" if plan.utilisation > 1 else "off", delta_arrow="off",
              help="Required capacity / internal capacity; above 100 % the excess goes to partners.")

    kind, message = _breach_text(plan, scenario.horizon_days)
    getattr(st, kind)(message)
    for note in plan.notes:
        st.info(note)
    st.plotly_chart(charts.lane_forecast(plan), key="ops_forecast_chart")

    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Forecast backtest** (lower MASE is better; < 1 beats the naive forecast)")
        mase = plan.forecast.backtest_mase
        if mase:
            chosen = plan.forecast.method
            table = pd.DataFrame(
                {
                    "method": [method_label(m) for m in mase],
                    "MASE": list(mase.values()),
                    "chosen": ["✔ chosen" if m == chosen or chosen.endswith(m) else "" for m in mase],
                }
            ).sort_values("MASE", na_position="last")
            st.dataframe(
                table, hide_index=True, key="ops_mase_table",
                column_config={"MASE": st.column_config.NumberColumn(
                    "MASE [–]", format="%.3f",
                    help="Mean absolute error on the holdout / mean absolute in-sample "
                         "naive error (dimensionless).")},
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
    methods.render("lane_ops")

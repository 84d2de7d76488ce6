"""Plotly figures for the dashboard, built as pure functions of result objects.

No Streamlit here: every function takes a planning or simulation result and
returns a ``plotly.graph_objects.Figure``, so charts can be unit-tested and
reused by the PDF report.  Axis titles carry units and periods; service
levels are shown in percent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain import DAYS_PER_YEAR
from domain.units import PERCENT
from importing.safe_text import plotly_text
from planning import LanePlan
from presentation import palette

HISTORY_DAYS_SHOWN = palette.HISTORY_DAYS_SHOWN  # one year keeps the forecast readable
ROLLING_WINDOW_DAYS = 7  # weekly rolling mean smooths day-of-week noise
HISTOGRAM_BINS = 50
CHART_HEIGHT = 420  # px
COMPACT_HEIGHT = 240  # px, one-bar charts
MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}

# Trace names (tests and the report look traces up by name).
TRACE_HISTORY = "Daily demand (history)"
TRACE_ROLLING = f"{ROLLING_WINDOW_DAYS}-day rolling mean"
TRACE_INTERVAL = "Prediction interval"
TRACE_FORECAST = "Forecast demand"
TRACE_WORKLOAD = "Forecast workload incl. returns"
TRACE_CAPACITY = "Internal capacity"
TRACE_BREACH = "First capacity breach"
TRACE_OPTIMUM = "Profit-optimal α*"
TRACE_TARGET = "Your target α"
TRACE_SWEET_SPOT = "Sweet spot"
TRACE_CURRENT = "Your scenario"

# one palette and one set of axis ranges with the PDF charts (presentation.palette)
from presentation.palette import (  # noqa: E402
    COLOR_CAPACITY,
    COLOR_DEMAND,
    COLOR_FORECAST,
    COLOR_HOLDING,
    COLOR_MARKER,
    COLOR_ORDERING,
    COLOR_PENALTY,
    COLOR_TOTAL,
    COLOR_WORKLOAD,
    FILL_INTERVAL,
    HEATMAP_SCALE,
    PLOTLY_TICKFORMAT,
    cost_curve_x_range,
    cost_curve_y_range,
    demand_y_range,
)


def _layout(fig: go.Figure, *, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=CHART_HEIGHT,
        margin=MARGIN,
        # Legend hangs below the x-axis title (anchored at its top), never on top of it.
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
        hovermode="x unified",
    )
    return fig


def lane_forecast(plan: LanePlan, *, history_days: int = HISTORY_DAYS_SHOWN) -> go.Figure:
    """History, forecast with prediction interval, workload and the capacity line.

    Parameters
    ----------
    plan : LanePlan
        The lane's plan (history and ``plan.forecast`` in units/day).
    history_days : int
        How many of the most recent history days to draw [days].
    """
    history = plan.history.iloc[-history_days:]
    rolling = history.rolling(ROLLING_WINDOW_DAYS, min_periods=1).mean()
    fc = plan.forecast
    level_pct = fc.interval_level * PERCENT
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history.index, y=history.to_numpy(), name=TRACE_HISTORY, mode="lines",
            line={"color": COLOR_DEMAND, "width": 1}, opacity=0.45,
            hovertemplate="%{y:,.0f} units/day",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=rolling.index, y=rolling.to_numpy(), name=TRACE_ROLLING, mode="lines",
            line={"color": COLOR_DEMAND, "width": 2}, hovertemplate="%{y:,.1f} units/day",
        )
    )
    # The band is one closed polygon (upper forward, lower backward) so it is one trace.
    band_x = list(fc.dates) + list(fc.dates[::-1])
    band_y = np.concatenate([np.asarray(fc.upper), np.asarray(fc.lower)[::-1]])
    fig.add_trace(
        go.Scatter(
            x=band_x, y=band_y, name=f"{TRACE_INTERVAL} ({level_pct:.0f} %)", fill="toself",
            fillcolor=FILL_INTERVAL, line={"width": 0}, hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=fc.dates, y=np.asarray(fc.mean), name=f"{TRACE_FORECAST} (mean)",
            mode="lines", line={"color": COLOR_FORECAST, "width": 2.5},
            hovertemplate="%{y:,.1f} units/day",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=fc.dates, y=np.asarray(fc.workload_mean), name=TRACE_WORKLOAD, mode="lines",
            line={"color": COLOR_WORKLOAD, "width": 2, "dash": "dot"},
            hovertemplate="%{y:,.1f} units/day",
        )
    )
    x_start = history.index[0] if len(history) else fc.dates[0]
    x_end = fc.dates[-1] if len(fc.dates) else history.index[-1]
    fig.add_trace(
        go.Scatter(
            x=[x_start, x_end], y=[plan.internal_capacity] * 2, name=TRACE_CAPACITY,
            mode="lines", line={"color": COLOR_CAPACITY, "width": 2, "dash": "dash"},
            hovertemplate="%{y:,.0f} units/day",
        )
    )
    if fc.first_breach_date is not None:
        fig.add_trace(
            go.Scatter(
                x=[fc.first_breach_date], y=[plan.internal_capacity], name=TRACE_BREACH,
                mode="markers", marker={"color": COLOR_CAPACITY, "size": 12, "symbol": "x"},
                hovertemplate="capacity breached on %{x|%Y-%m-%d}",
            )
        )
    _layout(
        fig, title=f"{plotly_text(plan.lane)}: demand history, forecast and internal capacity",
        x_title="date", y_title="units/day",
    )
    if history_days == HISTORY_DAYS_SHOWN:
        fig.update_yaxes(range=list(demand_y_range(plan, history_days)))
    return fig.update_yaxes(tickformat=PLOTLY_TICKFORMAT)


def cost_curve(plan: LanePlan) -> go.Figure:
    """U-shaped annual cost over the cycle service level, optimum and target marked."""
    curve = plan.cost_curve
    x = np.asarray(curve.service_levels) * PERCENT
    fig = go.Figure()
    for values, name, color in (
        (curve.holding, "Holding cost", COLOR_HOLDING),
        (curve.penalty, "SLA penalty cost", COLOR_PENALTY),
        (curve.ordering, "Ordering cost", COLOR_ORDERING),
        (curve.total, "Total inventory cost", COLOR_TOTAL),
    ):
        fig.add_trace(
            go.Scatter(
                x=x, y=np.asarray(values), name=name, mode="lines",
                line={"color": color, "width": 3 if name == "Total inventory cost" else 1.5},
                hovertemplate="%{y:,.0f} EUR/year",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[curve.optimum_service_level * PERCENT], y=[curve.optimum_total],
            name=TRACE_OPTIMUM, mode="markers+text",
            marker={"color": COLOR_MARKER, "size": 13, "symbol": "star"},
            text=[f"α* = {curve.optimum_service_level * PERCENT:.1f} %"],
            textposition="top center", hovertemplate="%{y:,.0f} EUR/year at α*",
        )
    )
    if not plan.service_level_is_optimal:
        target_cost = float(np.interp(plan.service_level, curve.service_levels, curve.total))
        fig.add_trace(
            go.Scatter(
                x=[plan.service_level * PERCENT], y=[target_cost], name=TRACE_TARGET,
                mode="markers", marker={"color": COLOR_FORECAST, "size": 12, "symbol": "diamond"},
                hovertemplate="%{y:,.0f} EUR/year at your target",
            )
        )
    _layout(
        fig, title="Cost convexity: holding vs SLA penalty",
        x_title="cycle service level α [%]", y_title="EUR/year",
    )
    fig.update_xaxes(range=list(cost_curve_x_range(plan)))
    return fig.update_yaxes(range=list(cost_curve_y_range(plan)), tickformat=PLOTLY_TICKFORMAT)


def profit_heatmap(plan: LanePlan) -> go.Figure:
    """Expected profit over service level x lead-time variability, sweet spot marked."""
    land = plan.profit_landscape
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=np.asarray(land.lead_time_stds), y=np.asarray(land.service_levels) * PERCENT,
            z=np.asarray(land.profit), colorscale=HEATMAP_SCALE, name="Expected profit",
            colorbar={"title": "EUR/year"},
            hovertemplate="σ_L %{x:.1f} days<br>α %{y:.1f} %<br>%{z:,.0f} EUR/year<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[land.sweet_spot_lead_time_std], y=[land.sweet_spot_service_level * PERCENT],
            name=TRACE_SWEET_SPOT, mode="markers",
            marker={"color": COLOR_MARKER, "size": 15, "symbol": "star",
                    "line": {"color": "white", "width": 1}},
            hovertemplate="sweet spot: %{y:.1f} %, σ_L %{x:.1f} days<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[plan.params.lead_time_std], y=[plan.service_level * PERCENT],
            name=TRACE_CURRENT, mode="markers",
            marker={"color": COLOR_MARKER, "size": 13, "symbol": "circle-open",
                    "line": {"width": 3}},
            hovertemplate="your scenario: %{y:.1f} %, σ_L %{x:.1f} days<extra></extra>",
        )
    )
    fig = _layout(
        fig, title="Profit landscape: service level × lead-time variability",
        x_title="lead-time standard deviation σ_L [days]", y_title="cycle service level α [%]",
    )
    fig.update_layout(hovermode="closest")
    return fig


def unit_economics_waterfall(plan: LanePlan) -> go.Figure:
    """Revenue per unit down to the margin per unit [EUR/unit delivered]."""
    econ = plan.unit_economics
    labels = ["Revenue", "Handling (incl. returns)", "Holding", "Partner surcharge",
              "Ordering", "SLA penalty", "Margin"]
    values = [econ.revenue, -econ.handling, -econ.holding, -econ.partner_surcharge,
              -econ.ordering, -econ.penalty, econ.margin]
    measures = ["absolute"] + ["relative"] * 5 + ["total"]
    fig = go.Figure(
        go.Waterfall(
            x=labels, y=values, measure=measures, name="EUR/unit",
            text=[f"{v:+.2f}" if m == "relative" else f"{v:.2f}" for v, m in zip(values, measures, strict=True)],
            textposition="outside",
            decreasing={"marker": {"color": COLOR_PENALTY}},
            increasing={"marker": {"color": COLOR_HOLDING}},
            totals={"marker": {"color": COLOR_TOTAL}},
            hovertemplate="%{x}: %{y:.2f} EUR/unit<extra></extra>",
        )
    )
    fig = _layout(fig, title="Unit economics per unit delivered", x_title="", y_title="EUR/unit")
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def capacity_split(plan: LanePlan) -> go.Figure:
    """Expected daily workload split into internal handling and partner overflow [units/day].

    One horizontal stacked bar of expected volumes (E[min(W, C)] and E[(W − C)⁺]
    per day); the internal capacity and the coverage-level quantile are vertical lines.
    """
    internal = plan.expected_internal_per_year / DAYS_PER_YEAR
    fig = go.Figure()
    fig.add_trace(go.Bar(y=[0], x=[internal], name="Handled internally (expected)", orientation="h",
                         marker_color=COLOR_TOTAL, width=0.6,
                         hovertemplate="handled internally: %{x:,.1f} units/day<extra></extra>"))
    fig.add_trace(go.Bar(y=[0], x=[plan.overflow_volume], name="To partners (expected)",
                         orientation="h", marker_color=COLOR_CAPACITY, width=0.6,
                         hovertemplate="overflow: %{x:,.1f} units/day<extra></extra>"))
    fig.add_trace(
        go.Scatter(x=[plan.internal_capacity] * 2, y=[-0.45, 0.45], name=TRACE_CAPACITY,
                   mode="lines", line={"color": COLOR_MARKER, "width": 3, "dash": "dash"},
                   hovertemplate="internal capacity: %{x:,.0f} units/day<extra></extra>")
    )
    fig.add_trace(
        go.Scatter(x=[plan.required_capacity] * 2, y=[-0.45, 0.45],
                   name=f"Workload on {plan.capacity_coverage_level:.0%} of days",
                   mode="lines", line={"color": COLOR_PENALTY, "width": 2, "dash": "dot"},
                   hovertemplate="coverage quantile: %{x:,.0f} units/day<extra></extra>")
    )
    fig = _layout(fig, title=f"{plotly_text(plan.lane)}: expected workload vs internal capacity",
                  x_title="units/day", y_title="")
    fig.update_layout(barmode="stack", hovermode="closest", height=COMPACT_HEIGHT,
                      legend={"y": -0.6})
    fig.update_yaxes(showticklabels=False, range=[-0.6, 0.6])
    return fig


def histogram(
    values: Sequence[float] | np.ndarray,
    *,
    title: str,
    x_title: str,
    markers: dict[str, float] | None = None,
    bins: int = HISTOGRAM_BINS,
) -> go.Figure:
    """Histogram of simulated outcomes with labelled vertical markers.

    Parameters
    ----------
    values : array
        One outcome per replication (e.g. profit [EUR/year]).
    title, x_title : str
        Chart title and x-axis title (with unit).
    markers : dict
        Label -> x position of vertical reference lines (e.g. VaR 95 %).
    """
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    fig = go.Figure(
        go.Histogram(x=data, nbinsx=bins, name="replications", marker_color=COLOR_DEMAND,
                     hovertemplate="%{x}<br>%{y} replications<extra></extra>")
    )
    for label, x in (markers or {}).items():
        fig.add_vline(x=x, line_dash="dash", line_color=COLOR_CAPACITY,
                      annotation_text=label, annotation_position="top")
    fig = _layout(fig, title=title, x_title=x_title, y_title="replications")
    fig.update_layout(hovermode="closest", showlegend=False, bargap=0.05)
    return fig


def network_utilisation(table: pd.DataFrame, *, top: int = 30) -> go.Figure:
    """Capacity utilisation of the lanes with the highest impact [%].

    Bars above 100 % (overflow to partners) and within capacity are two legend
    entries; the 100 % line is a legend entry too, so no label sits on a bar.
    """
    rows = table.head(top)
    lanes = [plotly_text(v) for v in rows["lane"].astype(str)]
    util = rows["utilisation"].to_numpy(dtype=float) * PERCENT
    colors = np.where(util > PERCENT, COLOR_CAPACITY, COLOR_TOTAL)
    fig = go.Figure(
        go.Bar(x=lanes, y=util, marker_color=colors, name="utilisation", showlegend=False,
               hovertemplate="%{x}: %{y:.0f} % of internal capacity<extra></extra>")
    )
    # Legend-only entries explaining the two bar colours.
    for color, label in ((COLOR_CAPACITY, "above internal capacity (overflow to partners)"),
                         (COLOR_TOTAL, "within internal capacity")):
        fig.add_trace(go.Bar(x=[None], y=[None], marker_color=color, name=label,
                             hoverinfo="skip"))
    if lanes:
        # A line trace, not add_hline: same look, a legend entry, and ~20 ms cheaper per rerun.
        fig.add_trace(go.Scatter(
            x=[lanes[0], lanes[-1]], y=[PERCENT, PERCENT], mode="lines",
            name="100 % = internal capacity", hoverinfo="skip",
            line={"color": COLOR_MARKER, "dash": "dash", "width": 1.5}))
    fig = _layout(fig, title=f"Capacity utilisation, top {len(rows)} lanes by money at stake",
                  x_title="lane", y_title="mean workload / internal capacity [%]")
    fig.update_layout(hovermode="closest", barmode="overlay")
    fig.update_xaxes(categoryorder="array", categoryarray=lanes)
    return fig


# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SCENARIO_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def scenario_cost_curves(plans: dict[str, LanePlan]) -> go.Figure:
    """Annual cost over α of each scenario, overlaid; each scenario's target α marked.

    ``plans`` maps scenario name -> plan (display order).  Cost [EUR/year] =
    the inventory cost curve (holding + ordering + SLA penalties, as in
    :func:`cost_curve`) + the scenario's capacity cost (internal handling,
    partner handling and surcharge, reservation fees and spot premium), which
    does not depend on α: capacity what-ifs shift a curve, cost what-ifs bend it.
    """
    fig = go.Figure()
    for k, (name, plan) in enumerate(plans.items()):
        color = SCENARIO_COLORS[k % len(SCENARIO_COLORS)]
        curve = plan.cost_curve
        levels = np.asarray(curve.service_levels)
        total = np.asarray(curve.total) + float(plan.cooperation_cost_per_year)
        fig.add_trace(go.Scatter(
            x=levels * PERCENT, y=total, name=name, mode="lines", legendgroup=name,
            line={"color": color, "width": 2.5, "dash": ("solid", "dash", "dot", "dashdot")[k % 4]},
            hovertemplate="%{y:,.0f} EUR/year",
        ))
        fig.add_trace(go.Scatter(
            x=[plan.service_level * PERCENT],
            y=[float(np.interp(plan.service_level, levels, total))],
            name=f"{name}: target α", mode="markers", legendgroup=name, showlegend=False,
            marker={"color": color, "size": 12, "symbol": "diamond",
                    "line": {"color": COLOR_MARKER, "width": 1}},
            hovertemplate=f"{name}: α = %{{x:.1f}} %, %{{y:,.0f}} EUR/year<extra></extra>",
        ))
    return _layout(
        fig, title="Inventory + capacity cost by scenario (diamond: the scenario's target α)",
        x_title="cycle service level α [%]", y_title="EUR/year",
    )

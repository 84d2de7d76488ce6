"""Static charts for the PDF report: matplotlib (Agg) rendered to PNG bytes in memory.

No browser and no pyplot global state: each chart builds its own
``matplotlib.figure.Figure`` with an Agg canvas, so this is safe inside the
Streamlit server's threads and in the Docker image.  The DejaVu Sans font
matplotlib ships with prints Unicode lane names (``Zürich–Milano``).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from forecast import method_label

HISTORY_DAYS_SHOWN = 180  # history before the forecast shown in the demand chart [days]
WIDTH_IN = 7.0  # chart width [inch]; the PDF scales it to the page width
HEIGHT_IN = 3.0  # chart height [inch]
TOP_IN = 0.3  # space for the title above the axes [inch]
LEGEND_BELOW_IN = 0.75  # space under the axes for tick labels and legend [inch]
COST_CURVE_SPAN = 0.2  # cost chart shows service levels from (optimum - 20 pp) to 100 %
DPI = 150  # sharp enough for print, small enough for a light PDF
NETWORK_LANES_SHOWN = 15
BAR_HEIGHT_IN = 0.16  # per lane in the utilisation chart [inch]
AXES_PADDING_IN = 0.8  # title and axis labels around the bars [inch]

COLOR_HISTORY = "#4a5568"
COLOR_FORECAST = "#2b6cb0"
COLOR_WORKLOAD = "#805ad5"
COLOR_CAPACITY = "#c53030"
COLOR_HOLDING = "#3182ce"
COLOR_PENALTY = "#dd6b20"
COLOR_TOTAL = "#1a202c"
COLOR_OPTIMUM = "#2f855a"
PERCENT = 100.0


def _new_figure(height_in: float = HEIGHT_IN, *, bottom_in: float = LEGEND_BELOW_IN) -> Figure:
    # fixed margins (cheaper than a layout engine); room for the legend under the axes
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.09, right=0.98, top=1 - TOP_IN / height_in,
                        bottom=bottom_in / height_in)
    return fig


def _legend_below(ax: Any, *, offset_in: float, height_in: float = HEIGHT_IN) -> None:
    axes_height_in = ax.get_position().height * height_in
    ax.legend(fontsize=6.5, loc="upper center", ncol=3, frameon=False,
              bbox_to_anchor=(0.5, -offset_in / axes_height_in))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def demand_forecast_png(plan: Any, *, history_days: int = HISTORY_DAYS_SHOWN) -> bytes:
    """Daily demand history, forecast with its interval, workload and the capacity line."""
    fig = _new_figure()
    ax = fig.add_subplot()
    history = plan.history.iloc[-history_days:]
    ax.plot(history.index, history.to_numpy(dtype=float), color=COLOR_HISTORY, lw=0.8,
            label="demand history")
    fc = plan.forecast
    if len(fc.dates):
        ax.fill_between(fc.dates, fc.lower, fc.upper, color=COLOR_FORECAST, alpha=0.18, lw=0,
                        label=f"{fc.interval_level * PERCENT:.0f} % interval")
        ax.plot(fc.dates, fc.mean, color=COLOR_FORECAST, lw=1.4, label=f"forecast ({method_label(fc.method, short=True)})")
        ax.plot(fc.dates, fc.workload_mean, color=COLOR_WORKLOAD, lw=1.0, ls="--",
                label="forecast workload incl. returns")
        if fc.first_breach_date is not None:
            ax.axvline(fc.first_breach_date, color=COLOR_CAPACITY, lw=0.8, ls=":")
            ax.annotate(f"first breach {fc.first_breach_date:%Y-%m-%d}",
                        (fc.first_breach_date, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -9), textcoords="offset points", fontsize=7,
                        color=COLOR_CAPACITY)
    ax.axhline(plan.internal_capacity, color=COLOR_CAPACITY, lw=1.2,
               label=f"internal capacity ({plan.internal_capacity:,.0f} units/day)")
    ax.set_ylabel("units/day")
    ax.set_title(f"Demand and forecast - {plan.lane}", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.25)
    _legend_below(ax, offset_in=0.25)
    ax.set_ylim(bottom=0, top=_top(history.to_numpy(dtype=float), fc.upper,
                                   [plan.internal_capacity]))
    return _png(fig)


def _top(*series: Any) -> float:
    # a little head-room above the largest value
    values = [np.nanmax(np.asarray(s, dtype=float)) for s in series if np.size(s)]
    return max(values + [1.0]) * 1.08


def cost_curve_png(plan: Any) -> bytes:
    """Annual holding, penalty and total cost over the service level, optimum marked."""
    curve = plan.cost_curve
    x = np.asarray(curve.service_levels, dtype=float) * PERCENT
    fig = _new_figure()
    ax = fig.add_subplot()
    ax.plot(x, curve.holding, color=COLOR_HOLDING, lw=1.0, label="holding")
    ax.plot(x, curve.penalty, color=COLOR_PENALTY, lw=1.0, label="SLA penalties")
    ax.plot(x, curve.total, color=COLOR_TOTAL, lw=1.6, label="total")
    opt_x = curve.optimum_service_level * PERCENT
    ax.scatter([opt_x], [curve.optimum_total], color=COLOR_OPTIMUM, zorder=5, s=28,
               label=f"optimum {opt_x:.2f} %: {curve.optimum_total:,.0f} EUR/year")
    ax.axvline(opt_x, color=COLOR_OPTIMUM, lw=0.8, ls=":")
    if not plan.service_level_is_optimal:
        target_x = plan.service_level * PERCENT
        ax.axvline(target_x, color=COLOR_CAPACITY, lw=0.8, ls="--",
                   label=f"target {target_x:.2f} %")
    ax.set_xlabel("cycle service level [%]", fontsize=7, labelpad=1)
    ax.set_ylabel("EUR/year")
    ax.set_title(f"Cost convexity - {plan.lane}", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.25)
    # zoom on the region around the optimum: the penalty side explodes towards 50 %
    low_x = min(curve.optimum_service_level, plan.service_level) - COST_CURVE_SPAN
    ax.set_xlim(max(float(x.min()), low_x * PERCENT), float(x.max()) + 0.2)
    shown = (x >= ax.get_xlim()[0]) & np.isfinite(curve.total)
    if shown.any():
        top = float(np.max(np.asarray(curve.total, dtype=float)[shown]))
        ax.set_ylim(0, min(top, 3.0 * max(curve.optimum_total, 1.0)) * 1.05)
    _legend_below(ax, offset_in=0.38)
    return _png(fig)


def network_chart_height_in(lanes: int) -> float:
    """Height of the utilisation chart for ``lanes`` bars [inch]."""
    return max(HEIGHT_IN, BAR_HEIGHT_IN * lanes + AXES_PADDING_IN)


def network_utilisation_png(network: Any, *, limit: int = NETWORK_LANES_SHOWN) -> bytes:
    """Utilisation (required / internal capacity) of the top lanes by impact."""
    table = network.table.head(limit)
    lanes = [str(v) for v in table["lane"]][::-1]
    util = (table["utilisation"].to_numpy(dtype=float) * PERCENT)[::-1]
    height = network_chart_height_in(len(lanes))
    fig = _new_figure(height, bottom_in=0.45)
    fig.subplots_adjust(left=0.16)
    ax = fig.add_subplot()
    colors = [COLOR_CAPACITY if u > PERCENT else COLOR_FORECAST for u in util]
    ax.barh(lanes, util, color=colors)
    ax.axvline(PERCENT, color=COLOR_TOTAL, lw=0.8, ls="--")
    ax.set_xlabel("utilisation: required / internal capacity [%]; dashed line: 100 % "
                  "(red bars need partner capacity)", fontsize=7)
    ax.set_title(f"Utilisation of the top {len(lanes)} lanes by impact", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.grid(axis="x", alpha=0.25)
    return _png(fig)

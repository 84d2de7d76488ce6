"""Static charts for the PDF report: matplotlib (Agg) rendered to images in memory.

The dashboard draws the same charts with Plotly (``charts.py``); both take their
colours, history window, axis ranges and trace names from :mod:`presentation.palette` and
``charts`` so a printed chart matches the screen.  (Rendering the Plotly figures
themselves would need kaleido and a browser in the image; matplotlib keeps the
report offline and fast.)

No pyplot global state: each chart builds its own ``Figure`` with an Agg canvas,
so this is safe inside the Streamlit server's threads.  The DejaVu Sans font
matplotlib ships prints Unicode lane names (``Zürich–Milano``).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from presentation import charts
from presentation.palette import (
    COLOR_CAPACITY,
    COLOR_DEMAND,
    COLOR_FORECAST,
    COLOR_HOLDING,
    COLOR_MARKER,
    COLOR_ORDERING,
    COLOR_PENALTY,
    COLOR_TOTAL,
    COLOR_WORKLOAD,
    HISTORY_DAYS_SHOWN,
    INTERVAL_ALPHA,
    PERCENT,
    cost_curve_x_range,
    cost_curve_y_range,
    demand_y_range,
    thousands,
)

WIDTH_IN = 4.6  # half-page chart width [inch]; two charts sit side by side in the PDF
HEIGHT_IN = 3.0  # chart height [inch]
DPI = 120  # sharp in print, light in the file
ROLLING_DAYS = charts.ROLLING_WINDOW_DAYS
NETWORK_LANES_SHOWN = 15
NETWORK_WIDTH_IN = 9.2  # full-width chart [inch]
BAR_HEIGHT_IN = 0.17  # per lane in the utilisation chart [inch]
AXES_PADDING_IN = 0.9  # title and axis labels around the bars [inch]
FONT_SMALL = 6.5
FONT_TITLE = 8.0


def _new_figure(width_in: float = WIDTH_IN, height_in: float = HEIGHT_IN, *,
                left: float = 0.12, bottom_in: float = 0.95) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=left, right=0.98, top=1 - 0.25 / height_in,
                        bottom=bottom_in / height_in)
    return fig


def _style(ax: Any, *, title: str, xlabel: str, ylabel: str, numeric_y: bool = True) -> None:
    """Title with the axes' units on top of the figure.

    Axis titles are folded into the chart title ("... [units/day] over date"):
    matplotlib positions axis labels and axes titles by measuring every tick
    label, which costs more than drawing the chart; a figure text costs nothing.
    """
    axes = [part for part in (f"y: {ylabel}" if ylabel else "",
                              f"x: {xlabel}" if xlabel else "") if part]
    box = ax.get_position()
    ax.figure.text(box.x0, box.y1 + 0.02, title, fontsize=FONT_TITLE, ha="left", va="bottom")
    if axes:
        ax.figure.text(box.x1, box.y1 + 0.02, "; ".join(axes), fontsize=FONT_SMALL, ha="right",
                       va="bottom", color="#444444")
    ax.tick_params(labelsize=FONT_SMALL)
    ax.grid(alpha=0.25)
    if numeric_y:
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))


def _legend_below(ax: Any, fig: Figure, ncol: int = 2) -> None:
    ax.legend(fontsize=FONT_SMALL - 0.5, loc="upper center", ncol=ncol, frameon=False,
              bbox_to_anchor=(0.5, -0.1), borderaxespad=0.0, handlelength=1.6,
              columnspacing=1.0, labelspacing=0.3)


def _png(fig: Figure) -> Any:
    """The rendered chart as an RGB ``PIL.Image`` (fpdf2 embeds it without a PNG round trip)."""
    from PIL import Image

    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # _new_figure attaches an Agg canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba()).convert("RGB")


def png_bytes(image: Any) -> bytes:
    """PNG file bytes of a chart image (for downloads and tests)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demand_forecast_png(plan: Any, *, history_days: int = HISTORY_DAYS_SHOWN) -> Any:
    """The dashboard's demand chart: history, 7-day mean, forecast with interval, capacity."""
    fig = _new_figure()
    ax = fig.add_subplot()
    history = plan.history.iloc[-history_days:]
    rolling = history.rolling(ROLLING_DAYS, min_periods=1).mean()
    ax.plot(history.index, history.to_numpy(dtype=float), color=COLOR_DEMAND, lw=0.5,
            alpha=0.45, label=charts.TRACE_HISTORY)
    ax.plot(rolling.index, rolling.to_numpy(dtype=float), color=COLOR_DEMAND, lw=1.1,
            label=charts.TRACE_ROLLING)
    fc = plan.forecast
    if len(fc.dates):
        ax.fill_between(fc.dates, fc.lower, fc.upper, color=COLOR_FORECAST, alpha=INTERVAL_ALPHA,
                        lw=0, label=f"{charts.TRACE_INTERVAL} ({fc.interval_level * PERCENT:.0f} %)")
        ax.plot(fc.dates, fc.mean, color=COLOR_FORECAST, lw=1.4, label=f"{charts.TRACE_FORECAST} (mean)")
        ax.plot(fc.dates, fc.workload_mean, color=COLOR_WORKLOAD, lw=1.0, ls=":",
                label=charts.TRACE_WORKLOAD)
        if fc.first_breach_date is not None:
            ax.plot([fc.first_breach_date], [plan.internal_capacity], marker="x", ls="",
                    color=COLOR_CAPACITY, ms=6, label=charts.TRACE_BREACH)
    ax.axhline(plan.internal_capacity, color=COLOR_CAPACITY, lw=1.1, ls="--",
               label=charts.TRACE_CAPACITY)
    ax.set_ylim(*demand_y_range(plan, history_days))
    ax.xaxis.set_major_locator(_month_locator())
    ax.xaxis.set_major_formatter(_month_formatter())
    _style(ax, title="Demand, forecast and capacity", xlabel="", ylabel="units/day")
    _legend_below(ax, fig)
    return _png(fig)


def _month_locator() -> Any:
    from matplotlib.dates import MonthLocator

    return MonthLocator(bymonth=(1, 4, 7, 10))


def _month_formatter() -> Any:
    from matplotlib.dates import DateFormatter

    return DateFormatter("%Y-%m")


def cost_curve_png(plan: Any) -> Any:
    """The dashboard's cost-convexity chart: holding, SLA penalty, ordering and the total
    inventory cost (their sum, minimal at alpha*); optimum and target marked."""
    return _png(cost_curve_figure(plan))


def cost_curve_figure(plan: Any) -> Figure:
    """The matplotlib figure behind :func:`cost_curve_png` (legend = charts.cost_curve's traces)."""
    curve = plan.cost_curve
    x = np.asarray(curve.service_levels, dtype=float) * PERCENT
    fig = _new_figure()
    ax = fig.add_subplot()
    ax.plot(x, curve.holding, color=COLOR_HOLDING, lw=1.0, label="Holding cost")
    ax.plot(x, curve.penalty, color=COLOR_PENALTY, lw=1.0, label="SLA penalty cost")
    ax.plot(x, curve.ordering, color=COLOR_ORDERING, lw=1.0, label="Ordering cost")
    ax.plot(x, curve.total, color=COLOR_TOTAL, lw=1.8, label="Total inventory cost")
    opt_x = curve.optimum_service_level * PERCENT
    ax.plot([opt_x], [curve.optimum_total], marker="*", ms=9, ls="", color=COLOR_MARKER,
            label=f"{charts.TRACE_OPTIMUM} {opt_x:.1f} %")
    if not plan.service_level_is_optimal:
        target_cost = float(np.interp(plan.service_level, curve.service_levels, curve.total))
        ax.plot([plan.service_level * PERCENT], [target_cost], marker="D", ms=5, ls="",
                color=COLOR_FORECAST, label=charts.TRACE_TARGET)
    ax.set_xlim(*cost_curve_x_range(plan))
    ax.set_ylim(*cost_curve_y_range(plan))
    _style(ax, title="Cost convexity", xlabel="cycle service level α [%]", ylabel="EUR/year")
    _legend_below(ax, fig)
    return fig


def network_chart_height_in(lanes: int) -> float:
    """Height of the utilisation chart for ``lanes`` bars [inch]."""
    return max(2.4, BAR_HEIGHT_IN * lanes + AXES_PADDING_IN)


def network_utilisation_png(network: Any, *, limit: int = NETWORK_LANES_SHOWN,
                            height_in: float | None = None) -> Any:
    """Utilisation (mean workload / internal capacity) of the top lanes by money at stake.

    ``height_in`` [inch] defaults to :func:`network_chart_height_in` of the lanes shown.
    """
    table = network.table.head(limit)
    lanes = [str(v) for v in table["lane"]][::-1]
    util = (table["utilisation"].to_numpy(dtype=float) * PERCENT)[::-1]
    height = height_in or network_chart_height_in(len(lanes))
    fig = _new_figure(NETWORK_WIDTH_IN, height, left=0.16, bottom_in=0.3)
    ax = fig.add_subplot()
    colors = [COLOR_CAPACITY if u > PERCENT else COLOR_TOTAL for u in util]
    ax.barh(lanes, util, color=colors)
    ax.axvline(PERCENT, color=COLOR_MARKER, lw=0.8, ls="--")
    _style(ax, title=f"Utilisation of the top {len(lanes)} lanes by money at stake: mean workload "
                     "/ internal capacity [%]; red bars exceed capacity on average", xlabel="",
           ylabel="", numeric_y=False)
    ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    ax.grid(axis="y", visible=False)
    return _png(fig)

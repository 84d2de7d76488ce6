"""One chart style for the dashboard (Plotly, :mod:`presentation.charts`) and the PDF (matplotlib,
:mod:`report.charts`): the same colours, the same history window and the same axis ranges,
so a chart printed in the report looks like the chart on screen.

Axis tick labels use thousands separators in both (Plotly ``tickformat=","``,
matplotlib :func:`thousands`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from domain.units import PERCENT

HISTORY_DAYS_SHOWN = 365  # days of history before the forecast in the demand chart
HEADROOM = 1.05  # y axes end 5 % above the largest value drawn

# One colour-blind-safe palette for every chart, screen and PDF (Okabe & Ito 2008, "Color
# Universal Design"): blue/orange/vermillion/green/purple stay distinct with protanopia,
# deuteranopia and tritanopia; lines also differ by dash where colours meet.
COLOR_DEMAND = "#0072B2"  # blue
COLOR_FORECAST = "#E69F00"  # orange
COLOR_CAPACITY = "#D55E00"  # vermillion: capacity limits and overflow
COLOR_WORKLOAD = "#CC79A7"  # reddish purple
COLOR_HOLDING = "#009E73"  # bluish green
COLOR_ORDERING = "#56B4E9"  # sky blue
COLOR_PENALTY = "#D55E00"  # vermillion
COLOR_TOTAL = "#0072B2"  # blue
COLOR_MARKER = "#000000"
FILL_INTERVAL = "rgba(230,159,0,0.20)"  # COLOR_FORECAST, translucent
HEATMAP_SCALE = "Viridis"  # perceptually uniform and colour-blind safe (not red-yellow-green)
INTERVAL_ALPHA = 0.18  # opacity of the prediction-interval band
PLOTLY_TICKFORMAT = ","  # thousands separators on Plotly axes


def thousands(value: float, _position: Any = None) -> str:
    """Matplotlib tick label with thousands separators (``30000`` -> ``30,000``)."""
    return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:,.1f}"


def cost_curve_x_range(plan: Any) -> tuple[float, float]:
    """Service-level axis of the cost curve [%]: the whole grid the plan computed."""
    levels = np.asarray(plan.cost_curve.service_levels, dtype=float) * PERCENT
    return float(levels.min()), float(levels.max())


def cost_curve_y_range(plan: Any) -> tuple[float, float]:
    """Cost axis [EUR/year]: 0 to the largest finite total cost on the grid, plus headroom."""
    total = np.asarray(plan.cost_curve.total, dtype=float)
    finite = total[np.isfinite(total)]
    top = float(finite.max()) if finite.size else 1.0
    return 0.0, max(top, 1.0) * HEADROOM


def demand_y_range(plan: Any, history_days: int = HISTORY_DAYS_SHOWN) -> tuple[float, float]:
    """Volume axis [units/day]: 0 to the largest of history, upper bound and capacity."""
    values = [np.asarray(plan.history.iloc[-history_days:], dtype=float),
              np.asarray(plan.forecast.upper, dtype=float), np.array([plan.internal_capacity])]
    top = max(float(np.nanmax(v)) for v in values if v.size)
    return 0.0, max(top, 1.0) * HEADROOM

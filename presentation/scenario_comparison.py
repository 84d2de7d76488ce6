"""Saved scenarios side by side: the key figures of each plan and their difference to a baseline.

Pure code: the comparison view (``views.scenarios``) and its tests call it with
``planning.LanePlan`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain import ValidationError

MIN_COMPARED = 2
MAX_COMPARED = 4  # side-by-side columns stay readable on a laptop screen


@dataclass(frozen=True)
class KeyFigure:
    """One row of the comparison: the attribute of ``planning.LanePlan``, label and unit."""

    attribute: str
    label: str
    unit: str  # "%" for fractions shown in percent
    digits: int = 0
    higher_is_better: bool | None = None  # None: neither (a setting, not an outcome)


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure("service_level", "Target service level α", "%", 1),
    KeyFigure("fill_rate", "Fill rate β", "%", 2, True),
    KeyFigure("internal_capacity", "Internal capacity", "units/day", 0),
    KeyFigure("required_capacity", "Required capacity", "units/day", 1),
    KeyFigure("utilisation", "Utilisation", "%", 0),
    KeyFigure("partner_capacity_to_reserve", "Partner capacity to reserve", "units/day", 1),
    KeyFigure("expected_overflow_per_year", "Expected overflow to partners", "units/year", 0, False),
    KeyFigure("safety_stock", "Safety stock", "units", 0),
    KeyFigure("reorder_point", "Reorder point r / order-up-to S", "units", 0),
    KeyFigure("inventory_cost_per_year", "Inventory cost", "EUR/year", 0, False),
    KeyFigure("cooperation_cost_per_year", "Capacity cost (internal + partners)", "EUR/year", 0, False),
    KeyFigure("money_at_stake_per_year", "Money at stake", "EUR/year", 0, False),
    KeyFigure("expected_profit_per_year", "Expected profit", "EUR/year", 0, True),
)


def figure_value(plan: Any, figure: KeyFigure) -> float:
    """The value of ``figure`` in ``plan`` (resilience is a nested score)."""
    return float(getattr(plan, figure.attribute))


def format_figure(value: float, figure: KeyFigure, *, signed: bool = False) -> str:
    """``12,300 EUR/year``, ``95.0 %``; with ``signed`` a difference: ``+1.2 pp``.

    Differences of percentages are percentage points (pp), not percent.
    """
    if value != value:  # NaN
        return "—"
    sign = "+" if signed else ""
    if figure.unit == "%":
        unit = "pp" if signed else "%"
        return f"{value * 100:{sign},.{figure.digits}f} {unit}"
    return f"{value:{sign},.{figure.digits}f} {figure.unit}"


def comparison_rows(plans: dict[str, Any], baseline: str) -> list[dict[str, str]]:
    """Rows "Key figure" + one column per scenario (value, and its difference to ``baseline``).

    Parameters
    ----------
    plans : dict[str, planning.LanePlan]
        Scenario name -> its plan, in display order (2..4 entries).
    baseline : str
        Name of the scenario the others are compared with (a key of ``plans``).
    """
    if not MIN_COMPARED <= len(plans) <= MAX_COMPARED:
        raise ValidationError(
            f"compare between {MIN_COMPARED} and {MAX_COMPARED} scenarios, got {len(plans)}")
    if baseline not in plans:
        raise ValidationError(f"baseline {baseline!r} is not among the compared scenarios")
    rows = []
    for figure in KEY_FIGURES:
        base_value = figure_value(plans[baseline], figure)
        row = {"Key figure": figure.label}
        for name, plan in plans.items():
            value = figure_value(plan, figure)
            text = format_figure(value, figure)
            if name != baseline:
                text += f" ({format_figure(value - base_value, figure, signed=True)})"
            row[name] = text
        rows.append(row)
    return rows

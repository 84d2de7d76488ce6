"""Saved what-if scenarios: the planner's named settings of one lane, and how they compare.

Pure code, no Streamlit and no SQL: :mod:`db` stores :class:`SavedScenario`
objects (section "saved scenarios"), ``views.scenarios`` draws them.

A scenario keeps *all* master-data values of its lane as the planner set them
(not only the changed ones), the target cycle service level alpha (``None`` =
profit-optimal alpha*) and the forecast horizon, so loading it later gives the
same plan even after the stored master data changed.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, fields
from typing import Any

from domain import LaneMasterData, Scenario, ValidationError

MAX_NAME_LENGTH = 80  # characters
MIN_COMPARED = 2
MAX_COMPARED = 4  # side-by-side columns stay readable on a laptop screen
SERVICE_LEVEL_RANGE = (0.5, 0.999)  # fraction; the sidebar slider's range is 50..99.9 %
HORIZON_RANGE = (1, 730)  # days


@dataclass(frozen=True)
class SavedScenario:
    """A named what-if of one lane.

    Attributes
    ----------
    name : str
        Planner's name, unique per lane (1..80 characters, no control characters).
    lane : str
        Lane code.
    params : LaneMasterData
        Every master-data value of the what-if (units as in LaneMasterData).
    service_level : float | None
        Target cycle service level alpha [fraction]; ``None`` = profit-optimal alpha*.
    horizon_days : int
        Forecast horizon [days].
    saved_at : datetime.datetime | None
        When it was last saved (UTC); ``None`` before it is stored.
    """

    name: str
    lane: str
    params: LaneMasterData
    service_level: float | None = None
    horizon_days: int = 90
    saved_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_name(self.name))
        if self.params.code != self.lane:
            raise ValidationError(
                f"params belong to lane {self.params.code!r}, not to lane {self.lane!r}")
        if self.service_level is not None:
            low, high = SERVICE_LEVEL_RANGE
            if not low <= float(self.service_level) <= high:
                raise ValidationError(
                    f"service_level must be between {low:g} and {high:g} [fraction], "
                    f"got {self.service_level!r}")
        low_h, high_h = HORIZON_RANGE
        if not low_h <= int(self.horizon_days) <= high_h:
            raise ValidationError(
                f"horizon_days must be between {low_h} and {high_h} [days], got {self.horizon_days!r}")

    @classmethod
    def from_scenario(cls, name: str, scenario: Scenario) -> SavedScenario:
        """Name the sidebar's current ``scenario``."""
        return cls(name=name, lane=scenario.lane, params=scenario.params,
                   service_level=scenario.service_level, horizon_days=scenario.horizon_days)

    def to_scenario(self) -> Scenario:
        """The what-if as the sidebar would return it."""
        return Scenario(lane=self.lane, params=self.params, service_level=self.service_level,
                        horizon_days=int(self.horizon_days))

    def changed_fields(self, master: LaneMasterData) -> list[str]:
        """Master-data fields whose value differs from the lane's stored ``master``."""
        return [f.name for f in fields(LaneMasterData)
                if f.name not in ("code", "name") and getattr(self.params, f.name) != getattr(master, f.name)]


def clean_name(name: Any) -> str:
    """The scenario name with surrounding blanks removed, or ValidationError saying why not.

    >>> clean_name("  peak season +20 %  ")
    'peak season +20 %'
    >>> clean_name("")
    Traceback (most recent call last):
    ...
    domain.ValidationError: name must not be empty (1 to 80 characters)
    """
    if not isinstance(name, str):
        raise ValidationError(f"name must be text, got {type(name).__name__}")
    text = name.strip()
    if not text:
        raise ValidationError(f"name must not be empty (1 to {MAX_NAME_LENGTH} characters)")
    if len(text) > MAX_NAME_LENGTH:
        raise ValidationError(f"name must be at most {MAX_NAME_LENGTH} characters, got {len(text)}")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValidationError("name must not contain control characters (line breaks, tabs)")
    return text


def params_to_json(params: LaneMasterData) -> str:
    """Master data as JSON text (weekday capacity as a list or null)."""
    data = params.as_dict()
    if data["weekday_capacity"] is not None:
        data["weekday_capacity"] = [float(v) for v in data["weekday_capacity"]]
    return json.dumps(data, sort_keys=True)


def params_from_json(text: str) -> LaneMasterData:
    """Inverse of :func:`params_to_json`.

    Keys a later release no longer knows are dropped and missing keys take
    their defaults, so scenarios saved by an older release still load.
    """
    data = json.loads(text)
    known = {f.name for f in fields(LaneMasterData)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("weekday_capacity") is not None:
        values["weekday_capacity"] = tuple(float(v) for v in values["weekday_capacity"])
    return LaneMasterData(**values)


# --------------------------------------------------------------------------- comparison

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

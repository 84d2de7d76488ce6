"""Saved what-if scenarios: the planner's named settings of one lane.

Pure code, no Streamlit and no SQL: :mod:`storage` stores :class:`SavedScenario`
objects (section "saved scenarios"), ``views.scenarios`` draws them and
:mod:`presentation.scenario_comparison` lays them side by side.

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

from domain.errors import ValidationError
from domain.master_data import LaneMasterData
from domain.scenario import Scenario

MAX_NAME_LENGTH = 80  # characters
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
    domain.errors.ValidationError: name must not be empty (1 to 80 characters)
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

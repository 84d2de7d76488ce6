"""The planner's what-if scenario: one frozen object the sidebar returns."""

from __future__ import annotations

from dataclasses import dataclass

from domain.master_data import LaneMasterData


@dataclass(frozen=True)
class Scenario:
    """One what-if scenario: the sidebar returns exactly one of these.

    Attributes
    ----------
    lane : str
        Selected lane code.
    params : LaneMasterData
        Master data with the planner's what-if overrides applied.
    service_level : float | None
        Target cycle service level alpha in (0, 1); ``None`` means "use the
        profit-optimal critical ratio".
    horizon_days : int
        Forecast horizon [days].
    """

    lane: str
    params: LaneMasterData
    service_level: float | None = None
    horizon_days: int = 90

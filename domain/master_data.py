"""Master data of a service lane: its costs, capacity, lead time and policy settings.

Pure data, no I/O. Every field states its unit and period; the planning core
works in **days** (demand per day, lead time in days) and converts anything
else explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from domain.errors import ValidationError


@dataclass(frozen=True)
class LaneMasterData:
    """Master data of one service lane (e.g. ``BER-MUC``).

    Attributes
    ----------
    code : str
        Lane identifier as it appears in the demand history (any Unicode text).
    name : str
        Human-readable description.
    internal_capacity : float
        C_max, internal handling capacity [units/day].
    holding_cost : float
        h, cost of keeping one unit in stock for one year [EUR/unit/year].
    penalty_cost : float
        p, SLA penalty per unit short (backordered) [EUR/unit].
    partner_surcharge : float
        S, extra cost per unit handled by a partner on top of the internal
        handling cost [EUR/unit].
    order_cost : float
        K, fixed cost per replenishment order [EUR/order].
    handling_cost : float
        H, internal handling cost per unit moved [EUR/unit].
    revenue_per_unit : float
        Revenue earned per unit delivered [EUR/unit].
    return_rate : float
        Share of outbound volume that comes back as returns and must be
        handled again (reverse logistics) [fraction, 0..1).
    lead_time_mean : float
        L, mean replenishment lead time [days].
    lead_time_std : float
        sigma_L, standard deviation of the lead time [days].
    review_period_days : int
        R, how often stock is reviewed [days]: 0 = continuous review (an order
        goes out the moment the inventory position reaches r), 1 = once a day
        (default; (r, Q) with undershoot), 2..90 = every R days, order up to S.
    capacity_coverage_level : float
        gamma, share of days on which internal plus reserved partner capacity
        should cover the workload [fraction, 0.5..0.999].  Sizes the partner
        capacity to reserve; independent of the inventory service level alpha.
    reservation_fee : float
        f, fee per unit of partner capacity reserved per day, used or not
        [EUR/(unit/day)/day, i.e. EUR per reserved unit per day].  0 = no contract.
    spot_premium : float
        s_spot, extra cost per unit sent to partners beyond the reservation (spot
        market) on top of handling + surcharge [EUR/unit].  0 = no contract.
    weekday_capacity : tuple of 7 floats, optional
        Internal capacity Monday..Sunday [units/day]; ``None`` = flat
        ``internal_capacity`` every day (e.g. ``(320,)*5 + (160, 0)`` for a
        lane without a Sunday shift).  The pattern is scaled so that its largest
        day equals ``internal_capacity`` (see :meth:`capacity_by_weekday`).
    """

    code: str
    name: str = ""
    internal_capacity: float = 150.0
    holding_cost: float = 12.0
    penalty_cost: float = 25.0
    partner_surcharge: float = 4.0
    order_cost: float = 250.0
    handling_cost: float = 3.5
    revenue_per_unit: float = 18.0
    return_rate: float = 0.05
    lead_time_mean: float = 5.0
    lead_time_std: float = 1.5
    review_period_days: int = 1
    capacity_coverage_level: float = 0.95
    reservation_fee: float = 0.0
    spot_premium: float = 0.0
    weekday_capacity: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.weekday_capacity is not None and not isinstance(self.weekday_capacity, tuple):
            object.__setattr__(self, "weekday_capacity", tuple(self.weekday_capacity))
        problems = validate_master_data(self)
        if problems:
            raise ValidationError("; ".join(problems))
        object.__setattr__(self, "review_period_days", int(self.review_period_days))

    def with_overrides(self, **changes: Any) -> LaneMasterData:
        """Return a copy with some fields changed (what-if scenario)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def capacity_by_weekday(self) -> tuple[float, ...]:
        """Internal capacity Monday..Sunday [units/day] (flat when no weekday pattern is set).

        ``internal_capacity`` is the capacity of a full day: a weekday pattern is scaled so
        that its largest day equals it, so a what-if on C_max moves every day in proportion
        (e.g. pattern 320 x 5, 160, 0 with C_max 400 -> 400 x 5, 200, 0).
        """
        if self.weekday_capacity is None:
            return (float(self.internal_capacity),) * 7
        pattern = [float(c) for c in self.weekday_capacity]
        top = max(pattern)
        scale = float(self.internal_capacity) / top if top > 0 else 0.0
        return tuple(c * scale for c in pattern)


# (field, lower bound, upper bound or None, unit) -- used for validation and UI help text.
MASTER_DATA_FIELDS: dict[str, tuple[float, float | None, str]] = {
    "internal_capacity": (0.0, None, "units/day"),
    "holding_cost": (0.0, None, "EUR/unit/year"),
    "penalty_cost": (0.0, None, "EUR/unit short"),
    "partner_surcharge": (0.0, None, "EUR/unit"),
    "order_cost": (0.0, None, "EUR/order"),
    "handling_cost": (0.0, None, "EUR/unit"),
    "revenue_per_unit": (0.0, None, "EUR/unit"),
    "return_rate": (0.0, 0.95, "fraction"),
    "lead_time_mean": (0.0, 365.0, "days"),
    "lead_time_std": (0.0, 365.0, "days"),
    "review_period_days": (0.0, 90.0, "days"),
    "capacity_coverage_level": (0.5, 0.999, "fraction"),
    "reservation_fee": (0.0, None, "EUR per reserved unit per day"),
    "spot_premium": (0.0, None, "EUR/unit"),
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def validate_master_data(data: LaneMasterData) -> list[str]:
    """Return human-readable problems with ``data`` (empty list when valid)."""
    problems: list[str] = []
    if not isinstance(data.code, str) or not data.code.strip():
        problems.append("code must be a non-empty lane name")
    for name, (low, high, unit) in MASTER_DATA_FIELDS.items():
        value = getattr(data, name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(f"{name} must be a number [{unit}], got {value!r}")
            continue
        if number != number or number in (float("inf"), float("-inf")):
            problems.append(f"{name} must be finite [{unit}], got {value!r}")
        elif number < low or (high is not None and number > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
            problems.append(f"{name} must be {bound} [{unit}], got {number:g}")
    period = getattr(data, "review_period_days", 1)
    if isinstance(period, float) and period == period and not period.is_integer():
        problems.append(f"review_period_days must be a whole number of days, got {period:g}")
    weekday = data.weekday_capacity
    if weekday is not None:
        try:
            values = [float(v) for v in weekday]
        except (TypeError, ValueError):
            values = []
        if len(values) != 7 or any(v != v or v < 0 or v == float("inf") for v in values):
            problems.append(
                "weekday_capacity must be 7 finite numbers >= 0 (Monday..Sunday) [units/day], "
                f"got {weekday!r}"
            )
    return problems


def parse_weekday_capacity(text: str) -> tuple[float, ...] | None:
    """Parse "Mon, Tue, ..., Sun" capacities [units/day]; empty text means flat capacity.

    >>> parse_weekday_capacity("320, 320, 320, 320, 320, 160, 0")
    (320.0, 320.0, 320.0, 320.0, 320.0, 160.0, 0.0)
    >>> parse_weekday_capacity("  ") is None
    True
    """
    cleaned = (text or "").replace(";", ",").strip()
    if not cleaned:
        return None
    parts = [p.strip() for p in cleaned.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            "weekday_capacity must be 7 numbers Monday..Sunday separated by commas [units/day], "
            f"got {text!r}") from None
    if len(values) != 7 or any(v != v or v < 0 or v == float("inf") for v in values):
        raise ValidationError(
            "weekday_capacity must be 7 finite numbers >= 0, Monday..Sunday [units/day], "
            f"got {len(values)} value(s)")
    return values

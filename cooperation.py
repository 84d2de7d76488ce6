"""Horizontal cooperation (the card's name): overflow to partner warehouses and its cost.

The plan's capacity math lives in the :mod:`capacity` package and is
re-exported here: :func:`workload`, :func:`required_capacity`,
:func:`expected_overflow` (E[(W - C)^+] per day, the volume partners really
handle), :func:`partner_capacity_to_reserve` (the coverage quantile minus the
capacity: a capacity to hold ready) and :func:`cost_optimal_reservation`
(capacity newsvendor).

This module keeps the seed's quantile formulas (:func:`overflow_volume`,
:func:`cooperation_cost`, :func:`dependency_ratio`, :func:`network_cooperation`),
which charge C_req - C_max as if it went to partners every day, as the
documented comparison of docs/METHODS.md; no figure of the plan uses them.

Units
-----
Required and internal capacity are **flows** [units/day]: how many units the
lane must handle per day.  A stock (safety stock, units on hand) is never
added to a flow here; the safety stock is financed by holding cost, it does
not have to be handled again every day.  (The seed added the safety stock to
the daily requirement, mixing units with units/day.)

Costs are [EUR/day] and annualised explicitly with ``domain.DAYS_PER_YEAR``.

References
----------
Cruijssen, F., Cools, M. & Dullaert, W. (2007). Horizontal cooperation in
logistics: opportunities and impediments. *Transportation Research Part E*
43(2), 129-142.
Seed model ("LSP Digital Capacity Twin" v3.0.0): overflow cost formula
``C_max * H + (C_req - C_max) * (H + S)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from capacity import (
    MAX_RETURN_RATE,
    cost_optimal_reservation,
    expected_overflow,
    partner_capacity_to_reserve,
    required_capacity,
    workload,
)
from domain import DAYS_PER_YEAR
from inventory.validation import FloatOrArray, as_output, checked

__all__ = [
    "LANE_FIELDS",
    "MAX_RETURN_RATE",
    "CooperationCost",
    "NetworkCooperation",
    "annualise",
    "cooperation_cost",
    "cost_optimal_reservation",
    "dependency_ratio",
    "expected_overflow",
    "network_cooperation",
    "overflow_volume",
    "partner_capacity_to_reserve",
    "required_capacity",
    "workload",
]

# Keys a lane needs in network_cooperation (row or column form).
LANE_FIELDS = ("required_capacity", "internal_capacity", "handling_cost", "partner_surcharge")


def overflow_volume(required_capacity: ArrayLike, internal_capacity: ArrayLike) -> FloatOrArray:
    """Volume handed to partners.

    ``O = max(0, C_req - C_max)`` [units/day].

    Parameters
    ----------
    required_capacity : float or array
        C_req [units/day], >= 0.
    internal_capacity : float or array
        C_max [units/day], >= 0.

    Returns
    -------
    float or ndarray
        O [units/day].

    References
    ----------
    Seed model (overflow triggers outsourcing); Cruijssen et al. (2007).

    Examples
    --------
    >>> overflow_volume(180, 150), overflow_volume(120, 150)
    (30.0, 0.0)
    """
    req = checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    cap = checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    return as_output(np.maximum(req - cap, 0.0))


def dependency_ratio(required_capacity: ArrayLike, internal_capacity: ArrayLike) -> FloatOrArray:
    """Partner dependency: share of the required flow handled by partners.

    ``delta = O / C_req`` in [0, 1]; 0 when ``C_req = 0``.

    Parameters
    ----------
    required_capacity : float or array
        C_req [units/day], >= 0.
    internal_capacity : float or array
        C_max [units/day], >= 0.

    Returns
    -------
    float or ndarray
        delta [fraction].

    References
    ----------
    Seed model (partner dependency delta of the resilience index).

    Examples
    --------
    >>> dependency_ratio(200, 150)
    0.25
    """
    req = checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    over = np.asarray(overflow_volume(required_capacity, internal_capacity))
    safe = np.where(req > 0, req, 1.0)
    return as_output(np.where(req > 0, over / safe, 0.0))


class CooperationCost(NamedTuple):
    """Daily handling cost breakdown of one lane (or arrays of lanes) [EUR/day]."""

    internal_cost: FloatOrArray
    """min(C_req, C_max) * H."""
    partner_cost: FloatOrArray
    """O * (H + S), everything paid for the overflow."""
    surcharge_cost: FloatOrArray
    """O * S, the part of partner_cost caused by cooperation friction."""
    total: FloatOrArray
    """internal_cost + partner_cost."""

    @property
    def total_per_year(self) -> FloatOrArray:
        """Total annual handling cost [EUR/year] = total [EUR/day] x DAYS_PER_YEAR."""
        return annualise(self.total)

    @property
    def surcharge_per_year(self) -> FloatOrArray:
        """Annual surcharge [EUR/year]."""
        return annualise(self.surcharge_cost)


def annualise(per_day: ArrayLike) -> FloatOrArray:
    """Convert a daily amount to a yearly one: ``x_year = x_day * DAYS_PER_YEAR``.

    ``per_day`` [EUR/day] -> [EUR/year]; DAYS_PER_YEAR = 365 (planning calendar,
    ``domain.py``).

    Examples
    --------
    >>> annualise(2.0)
    730.0
    """
    return as_output(np.asarray(per_day, dtype=float) * DAYS_PER_YEAR)


def cooperation_cost(
    required_capacity: ArrayLike,
    internal_capacity: ArrayLike,
    handling_cost: ArrayLike,
    partner_surcharge: ArrayLike,
) -> CooperationCost:
    """Daily handling cost with overflow to partners.

    ``cost = C_max * H + (C_req - C_max) * (H + S)`` if ``C_req > C_max``,
    else ``C_req * H``  [EUR/day].

    Parameters
    ----------
    required_capacity : float or array
        C_req [units/day], >= 0.
    internal_capacity : float or array
        C_max [units/day], >= 0.
    handling_cost : float or array
        H, internal handling cost [EUR/unit], >= 0.
    partner_surcharge : float or array
        S, partner surcharge on top of H [EUR/unit], >= 0.

    Returns
    -------
    CooperationCost
        internal_cost, partner_cost, surcharge_cost, total [EUR/day];
        ``.total_per_year`` [EUR/year].

    References
    ----------
    Seed model (cost formula above); Cruijssen et al. (2007) on horizontal
    cooperation between LSPs.

    Examples
    --------
    >>> cost = cooperation_cost(180, 150, handling_cost=3.5, partner_surcharge=4)
    >>> cost.internal_cost, cost.partner_cost, cost.surcharge_cost, cost.total
    (525.0, 225.0, 120.0, 750.0)
    """
    req = checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    cap = checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    h = checked("handling_cost", handling_cost, low=0.0, unit="EUR/unit")
    s = checked("partner_surcharge", partner_surcharge, low=0.0, unit="EUR/unit")
    over = np.maximum(req - cap, 0.0)
    internal = np.minimum(req, cap) * h
    partner = over * (h + s)
    surcharge = over * s
    return CooperationCost(as_output(internal), as_output(partner), as_output(surcharge), as_output(internal + partner))


@dataclass(frozen=True)
class NetworkCooperation:
    """Network view of overflow to partners (all volumes [units/day]).

    Attributes
    ----------
    codes : tuple of str
        Lane codes in input order.
    overflow : ndarray
        O per lane [units/day].
    dependency : ndarray
        delta per lane [fraction].
    overflowing : tuple of str
        Codes of lanes with O > 0.
    partner_volume_per_day : float
        Sum of O [units/day].
    surcharge_per_day, surcharge_per_year : float
        Sum of O * S [EUR/day] and [EUR/year].
    total_cost_per_day, total_cost_per_year : float
        Sum of handling cost incl. partners [EUR/day] and [EUR/year].
    network_dependency : float
        Sum of O / sum of C_req [fraction] (0 if nothing is required).
    """

    codes: tuple[str, ...]
    overflow: NDArray[np.float64]
    dependency: NDArray[np.float64]
    overflowing: tuple[str, ...]
    partner_volume_per_day: float
    surcharge_per_day: float
    surcharge_per_year: float
    total_cost_per_day: float
    total_cost_per_year: float
    network_dependency: float


def _lane_columns(lanes: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, NDArray[np.float64]]]:
    """Accept column form {field: array, optional "code": names} or row form {code: {field: x}}."""
    if all(key in lanes for key in LANE_FIELDS):
        columns = {key: np.atleast_1d(np.asarray(lanes[key], dtype=float)) for key in LANE_FIELDS}
        size = np.broadcast_shapes(*(c.shape for c in columns.values()))
        columns = {k: np.broadcast_to(v, size) for k, v in columns.items()}
        codes = lanes.get("code")
        codes = tuple(str(c) for c in codes) if codes is not None else tuple(
            f"lane_{i}" for i in range(size[0])
        )
        if len(codes) != size[0]:
            raise ValueError(f"code must name every lane ({size[0]}), got {len(codes)} names")
        return codes, columns
    codes = tuple(str(code) for code in lanes)
    columns = {}
    for key in LANE_FIELDS:
        values = []
        for code, row in lanes.items():
            if not isinstance(row, Mapping) or key not in row:
                raise ValueError(f"lane {code!r} must provide {key}; each lane needs {LANE_FIELDS}")
            values.append(row[key])
        columns[key] = np.asarray(values, dtype=float)
    return codes, columns


def network_cooperation(lanes: Mapping[str, Any]) -> NetworkCooperation:
    """Aggregate overflow, surcharge and dependency over a network of lanes.

    ``network_dependency = sum(O_i) / sum(C_req,i)`` (volume-weighted, not the
    mean of lane ratios, so a tiny lane cannot dominate).

    Parameters
    ----------
    lanes : mapping
        Either **row form** ``{code: {"required_capacity": .., "internal_capacity": ..,
        "handling_cost": .., "partner_surcharge": ..}}`` or **column form**
        ``{"required_capacity": array, "internal_capacity": array, "handling_cost": array,
        "partner_surcharge": array, "code": names (optional)}``.  Units as in
        :func:`cooperation_cost`.

    Returns
    -------
    NetworkCooperation

    Examples
    --------
    >>> net = network_cooperation({
    ...     "BER-MUC": {"required_capacity": 180, "internal_capacity": 150,
    ...                 "handling_cost": 3.5, "partner_surcharge": 4},
    ...     "HAM-ROT": {"required_capacity": 120, "internal_capacity": 150,
    ...                 "handling_cost": 3.5, "partner_surcharge": 4}})
    >>> net.overflowing, net.partner_volume_per_day, net.network_dependency
    (('BER-MUC',), 30.0, 0.1)
    """
    codes, cols = _lane_columns(lanes)
    cost = cooperation_cost(**cols)
    over = np.atleast_1d(np.asarray(overflow_volume(cols["required_capacity"],
                                                    cols["internal_capacity"])))
    dependency = np.atleast_1d(np.asarray(dependency_ratio(cols["required_capacity"],
                                                           cols["internal_capacity"])))
    total_required = float(np.sum(cols["required_capacity"]))
    partner_volume = float(np.sum(over))
    surcharge = float(np.sum(cost.surcharge_cost))
    total = float(np.sum(cost.total))
    return NetworkCooperation(
        codes=codes,
        overflow=over,
        dependency=dependency,
        overflowing=tuple(code for code, o in zip(codes, over, strict=True) if o > 0),
        partner_volume_per_day=partner_volume,
        surcharge_per_day=surcharge,
        surcharge_per_year=surcharge * DAYS_PER_YEAR,
        total_cost_per_day=total,
        total_cost_per_year=total * DAYS_PER_YEAR,
        network_dependency=partner_volume / total_required if total_required > 0 else 0.0,
    )

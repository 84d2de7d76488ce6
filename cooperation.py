"""Horizontal cooperation: capacity overflow to partner warehouses and its cost.

The plan uses the time-phased functions at the end of this module:
:func:`expected_overflow` (E[(W - C)^+] per day, the volume partners really
handle), :func:`partner_capacity_to_reserve` (the coverage quantile minus the
capacity: a capacity to hold ready) and :func:`cost_optimal_reservation`
(capacity newsvendor).  The seed's quantile formulas (:func:`overflow_volume`,
:func:`cooperation_cost`, :func:`dependency_ratio`, :func:`network_cooperation`),
which charge C_req - C_max as if it went to partners every day, are kept only
as the documented comparison of docs/METHODS.md; no figure of the plan uses them.

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
from scipy.special import ndtri

from domain import DAYS_PER_YEAR
from inventory_math import FloatOrArray, _checked, _out, _service_level, standard_normal_loss

# Keys a lane needs in network_cooperation (row or column form).
LANE_FIELDS = ("required_capacity", "internal_capacity", "handling_cost", "partner_surcharge")
MAX_RETURN_RATE = 1.0  # a return rate of 100% would double every flow; domain caps it at 0.95


def workload(demand: ArrayLike, return_rate: ArrayLike) -> FloatOrArray:
    """Daily handling workload including reverse logistics.

    ``W = demand * (1 + return_rate)``: every returned unit is handled once
    more.  Apply to the mean and, with the same factor, to the standard
    deviation (returns are a fixed share of outbound volume).

    Parameters
    ----------
    demand : float or array
        Outbound demand [units/day], >= 0.
    return_rate : float or array
        Share of outbound units that come back [fraction, 0 <= r < 1].

    Returns
    -------
    float or ndarray
        W [units/day].

    References
    ----------
    Seed model (reverse-logistics slider); Fleischmann et al. (1997),
    Quantitative models for reverse logistics, *EJOR* 103(1), 1-17.

    Examples
    --------
    >>> workload(100, 0.05)
    105.0
    """
    d = _checked("demand", demand, low=0.0, unit="units/day")
    r = _checked("return_rate", return_rate, low=0.0, high=MAX_RETURN_RATE, high_open=True,
                 unit="fraction")
    return _out(d * (1.0 + r))


def required_capacity(
    workload_mean: ArrayLike, workload_std: ArrayLike, service_level: ArrayLike
) -> FloatOrArray:
    """Daily handling capacity that covers the workload on a share alpha of days.

    ``C_req = max(0, mu_W + z(alpha) * sigma_W)``  (normal daily workload).

    Parameters
    ----------
    workload_mean : float or array
        mu_W, mean daily workload [units/day], >= 0.
    workload_std : float or array
        sigma_W, standard deviation of daily workload [units/day], >= 0.
    service_level : float or array
        alpha, share of days the capacity must suffice, in (0, 1) [fraction].

    Returns
    -------
    float or ndarray
        C_req [units/day], never negative.

    References
    ----------
    Capacity sizing by a service-level quantile, cf. Silver, Pyke & Thomas
    (2017), sec. 6.7 (same quantile logic as safety stock).

    Examples
    --------
    >>> round(required_capacity(105, 21, 0.95), 2)
    139.54
    """
    mu = _checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sigma = _checked("workload_std", workload_std, low=0.0, unit="units/day")
    alpha = _service_level(service_level)
    return _out(np.maximum(mu + ndtri(alpha) * sigma, 0.0))


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
    req = _checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    cap = _checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    return _out(np.maximum(req - cap, 0.0))


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
    req = _checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    over = np.asarray(overflow_volume(required_capacity, internal_capacity))
    safe = np.where(req > 0, req, 1.0)
    return _out(np.where(req > 0, over / safe, 0.0))


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
    return _out(np.asarray(per_day, dtype=float) * DAYS_PER_YEAR)


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
    req = _checked("required_capacity", required_capacity, low=0.0, unit="units/day")
    cap = _checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    h = _checked("handling_cost", handling_cost, low=0.0, unit="EUR/unit")
    s = _checked("partner_surcharge", partner_surcharge, low=0.0, unit="EUR/unit")
    over = np.maximum(req - cap, 0.0)
    internal = np.minimum(req, cap) * h
    partner = over * (h + s)
    surcharge = over * s
    return CooperationCost(_out(internal), _out(partner), _out(surcharge), _out(internal + partner))


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


# --------------------------------------------------------------------------- time-phased flow


def _normal_loss(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """G(z) = phi(z) - z (1 - Phi(z)), evaluated stably in both tails."""
    return np.asarray(standard_normal_loss(np.clip(z, -1e6, 1e6)), dtype=float)


def expected_overflow(
    workload_mean: ArrayLike, workload_std: ArrayLike, capacity: ArrayLike
) -> FloatOrArray:
    """Expected workload above capacity on one day, ``E[(W - C)^+]`` [units/day].

    For a normal daily workload ``W ~ N(mu_W, sigma_W^2)`` [units/day] and a
    capacity ``C`` [units/day]:

    ``E[(W - C)^+] = sigma_W * G((C - mu_W) / sigma_W)``

    with ``G`` the standard normal loss function; ``sigma_W = 0`` gives
    ``max(mu_W - C, 0)``.  Summed over the days of a horizon it is the expected
    volume sent to partners -- a flow, never the alpha-quantile charged every day.

    Parameters
    ----------
    workload_mean : float or array
        mu_W, mean daily workload incl. returns [units/day], >= 0.
    workload_std : float or array
        sigma_W, standard deviation of the daily workload [units/day], >= 0.
    capacity : float or array
        C, internal (plus reserved) capacity that day [units/day], >= 0.

    Returns
    -------
    float or ndarray
        Expected overflow [units/day].

    References
    ----------
    Silver, Pyke & Thomas (2017), eq. (6.11) / appendix III (expected shortage
    ``sigma G(k)`` of a normal variable beyond ``mu + k sigma``), applied to the
    capacity instead of the reorder point.

    Examples
    --------
    mu = 100, sigma = 30, C = 110 units/day: 30 G(1/3) = 7.63 units/day, i.e.
    about 2,786 units/year:

    >>> round(float(expected_overflow(100, 30, 110)), 2)
    7.63
    >>> float(expected_overflow(120, 0, 100))
    20.0
    """
    mu = _checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = _checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = _checked("capacity", capacity, low=0.0, unit="units/day")
    mu, sd, cap = np.broadcast_arrays(mu, sd, cap)
    safe = np.where(sd > 0, sd, 1.0)
    # G(z) = G(|z|) - min(z, 0): the part below the mean is exact, only the
    # tail term sigma G(|z|) is evaluated (no cancellation for tiny sigma)
    with np.errstate(over="ignore"):
        distance = np.abs(cap - mu) / safe
    tail = sd * _normal_loss(np.minimum(distance, 1e6))
    return _out(np.maximum(mu - cap, 0.0) + np.where(sd > 0, tail, 0.0))


def partner_capacity_to_reserve(
    workload_mean: ArrayLike, workload_std: ArrayLike, internal_capacity: ArrayLike,
    coverage_level: ArrayLike,
) -> FloatOrArray:
    """Partner capacity to reserve so internal + reserved covers the workload on a share gamma of days.

    ``K_gamma = max(0, mu_W + z(gamma) sigma_W - C)`` [units/day]

    This is the seed's ``C_req - C_max`` named for what it is: ``C_req`` is the
    gamma-quantile of the daily workload, a *capacity to hold ready*, not a
    volume that is sent to partners every day.

    Parameters
    ----------
    workload_mean, workload_std : float or array
        mu_W, sigma_W [units/day].
    internal_capacity : float or array
        C [units/day].
    coverage_level : float or array
        gamma, share of days covered [fraction, 0 < gamma < 1].

    Returns
    -------
    float or ndarray
        K_gamma [units/day].

    References
    ----------
    Normal quantile sizing of a capacity buffer, e.g. Silver, Pyke & Thomas
    (2017), sec. 6.7.2 (the same k-factor rule as a safety stock).

    Examples
    --------
    >>> round(float(partner_capacity_to_reserve(100, 30, 110, 0.95)), 2)
    39.35
    """
    mu = _checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = _checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = _checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    gamma = _service_level(coverage_level, "coverage_level")
    return _out(np.maximum(mu + ndtri(gamma) * sd - cap, 0.0))


def cost_optimal_reservation(
    workload_mean: ArrayLike, workload_std: ArrayLike, internal_capacity: ArrayLike, *,
    reservation_fee: ArrayLike, spot_premium: ArrayLike,
) -> FloatOrArray:
    """Cost-optimal partner reservation K* [units/day] (capacity newsvendor).

    Reserving one more unit of daily partner capacity costs the fee ``f``
    every day and saves the spot premium ``s`` on the days it is used, so the
    daily cost ``f K + s E[(W - C - K)^+]`` is minimal where

    ``P(W > C + K*) = f / s``  =>  ``K* = max(0, mu_W + sigma_W Phi^-1(1 - f/s) - C)``.

    No reservation pays when ``f >= s`` or ``s = 0``; ``f = 0 < s`` would
    reserve without limit and is reported as 0 (no contract priced).

    Parameters
    ----------
    workload_mean, workload_std : float or array
        mu_W, sigma_W of the daily workload [units/day].
    internal_capacity : float or array
        C [units/day].
    reservation_fee : float or array
        f [EUR per reserved unit per day].
    spot_premium : float or array
        s [EUR/unit sent beyond the reservation].

    Returns
    -------
    float or ndarray
        K* [units/day].

    References
    ----------
    Newsvendor critical fractile (Arrow, Harris & Marschak 1951; Silver, Pyke &
    Thomas 2017, eq. 11.3) with underage cost s and overage cost f, as in
    capacity-reservation contracts (Serel, Dada & Moskowitz 2001, EJOR 131).

    Examples
    --------
    f = 0.5 EUR/unit/day, s = 5 EUR/unit: reserve up to the 90 % quantile,
    100 + 1.2816 x 30 - 110 = 28.4 units/day:

    >>> round(float(cost_optimal_reservation(100, 30, 110, reservation_fee=0.5, spot_premium=5)), 1)
    28.4
    """
    mu = _checked("workload_mean", workload_mean, low=0.0, unit="units/day")
    sd = _checked("workload_std", workload_std, low=0.0, unit="units/day")
    cap = _checked("internal_capacity", internal_capacity, low=0.0, unit="units/day")
    fee = _checked("reservation_fee", reservation_fee, low=0.0, unit="EUR per reserved unit per day")
    premium = _checked("spot_premium", spot_premium, low=0.0, unit="EUR/unit")
    priced = (fee > 0) & (premium > fee)
    ratio = np.where(priced, fee / np.where(premium > 0, premium, 1.0), 0.5)
    k = np.maximum(mu + ndtri(1.0 - ratio) * sd - cap, 0.0)
    return _out(np.where(priced, k, 0.0))

"""The watchtower: every lane planned at once (vectorised over lanes), ranked by money at stake."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import forecasting as forecast
import inventory_math
import resilience
from domain import DAYS_PER_YEAR, LaneMasterData
from planning.history import (
    BASELINE_WINDOW_DAYS,
    RECENT_WINDOW_DAYS,
    STALE_PERIODS,
    STATS_WINDOW_DAYS,
    STATUS_LOW,
    STATUS_NO_DATA,
    STATUS_NORMAL,
    STATUS_SURGE,
    TAIL_QUANTILE,
    demand_arrays,
    lane_history,
    period_days_of,
    velocity_status,
)
from planning.kernel import kernel, kernel_inputs
from planning.replay import replay_overflow

NETWORK_COLUMNS: dict[str, str] = {
    "lane": "lane code",
    "status": "Normal / Surge Alert / Low Velocity / No recent data",
    "pattern": "smooth / erratic / intermittent / lumpy",
    "period": "day / week / month: how the history is recorded",
    "last_date": "last day with data",
    "latest_volume": "units/day in the last recorded period",
    "recent_mean": f"units/day, mean of the last {RECENT_WINDOW_DAYS} days",
    "baseline_mean": f"units/day, mean of the {BASELINE_WINDOW_DAYS} days before that",
    "demand_mean": f"units/day over the lane's last {STATS_WINDOW_DAYS} days",
    "demand_std": "units/day",
    "service_level": "target cycle service level alpha [fraction]",
    "review_period_days": "days between stock reviews (0 = continuous)",
    "safety_stock": "units",
    "reorder_point": "units (for the lane's review cycle)",
    "fill_rate": "fraction of demand served from stock",
    "required_capacity": "units/day (coverage-level quantile of workload)",
    "internal_capacity": "units/day (mean over the week)",
    "utilisation": "mean workload / internal capacity [fraction]",
    "partner_capacity_to_reserve": "units/day",
    "expected_overflow_per_year": "units/year expected to go to partners",
    "overflow_last_year": "units sent to partners in the last 365 days at today's capacity",
    "overflow_volume": "expected units/day to partners",
    "dependency_ratio": "expected partner volume / workload [fraction]",
    "cooperation_cost_per_year": "EUR/year internal + partner handling + reservation",
    "surcharge_cost_per_year": "EUR/year (surcharge part)",
    "penalty_cost_per_year": "EUR/year expected SLA penalties",
    "expected_profit_per_year": "EUR/year",
    "resilience": "index 0-100",
    "impact_per_year": "EUR/year at stake: partner surcharge, fees, premium + SLA penalties",
}


@dataclass(frozen=True)
class NetworkPlan:
    """The watchtower: one row per lane (columns: NETWORK_COLUMNS) plus totals.

    table : DataFrame sorted by impact_per_year descending.
    as_of : last day of data (the network's "today").
    totals: overflow_volume [units/day], partner lanes [count],
            cooperation/surcharge/penalty cost [EUR/year], network dependency [fraction].
    """

    table: pd.DataFrame
    as_of: pd.Timestamp | None
    total_required_capacity: float  # units/day
    total_internal_capacity: float  # units/day
    total_overflow_volume: float  # units/day
    lanes_overflowing: tuple[str, ...]
    total_cooperation_cost_per_year: float  # EUR/year
    total_surcharge_cost_per_year: float  # EUR/year
    total_penalty_cost_per_year: float  # EUR/year
    network_dependency_ratio: float  # fraction
    status_counts: dict[str, int]
    total_expected_overflow_per_year: float = 0.0  # units/year
    total_overflow_last_year: float = 0.0  # units over the last 365 days (replay)
    total_partner_capacity_to_reserve: float = 0.0  # units/day
    total_money_at_stake_per_year: float = 0.0  # EUR/year
    total_expected_profit_per_year: float = 0.0  # EUR/year


@dataclass(frozen=True)
class _NetworkRows:
    """Per-lane history figures of the network, in lane order."""

    period: list[str]
    last_date: list[pd.Timestamp]
    latest: np.ndarray
    recent: np.ndarray
    baseline: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    tail: np.ndarray
    status: np.ndarray
    pattern: np.ndarray
    replay: np.ndarray
    window: np.ndarray  # (lanes, STATS_WINDOW_DAYS) daily demand, NaN-padded / NaN for non-daily
    weekday: np.ndarray  # (lanes, STATS_WINDOW_DAYS) weekday of each window day, 0 = Monday


def _daily_full_rows(
    matrix: np.ndarray, first: np.ndarray, last: np.ndarray, masters: list[LaneMasterData],
    days: pd.DatetimeIndex,
) -> dict[str, np.ndarray]:
    """Vectorised :func:`lane_history` for daily lanes whose span holds a full statistics window.

    Every lane's window is its own last STATS_WINDOW_DAYS up to its own last record,
    so the figures equal plan_lane's exactly.
    """
    n = STATS_WINDOW_DAYS
    cols = last[:, None] - n + 1 + np.arange(n)[None, :]
    window = np.take_along_axis(matrix, cols, axis=1)
    mean = window.mean(axis=1)
    std = window.std(axis=1, ddof=1)
    lead = np.array([m.lead_time_mean for m in masters], dtype=float)
    tail = np.asarray(resilience.empirical_tail_risk_matrix(window, np.maximum(lead, 1.0),
                                                            quantile=TAIL_QUANTILE), dtype=float)
    recent_n, base_n = RECENT_WINDOW_DAYS, BASELINE_WINDOW_DAYS
    recent_cols = last[:, None] - recent_n + 1 + np.arange(recent_n)[None, :]
    recent = np.take_along_axis(matrix, recent_cols, axis=1).mean(axis=1)
    base_cols = last[:, None] - recent_n - base_n + 1 + np.arange(base_n)[None, :]
    baseline = np.take_along_axis(matrix, base_cols, axis=1).mean(axis=1)
    status = velocity_status(recent, baseline, std / np.sqrt(recent_n))
    caps = np.array([m.capacity_by_weekday() for m in masters], dtype=float)
    factor = np.array([1.0 + m.return_rate for m in masters])
    weekday = np.asarray(days.weekday)[cols]
    capacity = np.take_along_axis(caps, weekday, axis=1)
    replay = np.maximum(window * factor[:, None] - capacity, 0.0).sum(axis=1)
    return {
        "window": window, "mean": mean, "std": std, "tail": tail, "recent": recent,
        "baseline": baseline, "status": status, "replay": replay,
        "latest": matrix[np.arange(len(last)), last],
        "pattern": np.asarray(forecast.classify_demand_patterns(window)),
        "weekday": weekday,
    }


def _median_spacing(recorded: np.ndarray) -> np.ndarray:
    """Median spacing [days] between a lane's recorded days, per lane (as detect_period measures it).

    Vectorised over lanes: the gaps of all lanes sorted within each lane, the middle
    one (or the mean of the middle two) picked by position; a lane with one day gets 1.
    """
    lane, day = np.nonzero(recorded)
    same = lane[1:] == lane[:-1]
    gaps = (day[1:] - day[:-1])[same].astype(float)
    owner = lane[1:][same]
    order = np.lexsort((gaps, owner))
    gaps, owner = gaps[order], owner[order]
    counts = np.bincount(owner, minlength=recorded.shape[0])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = starts + np.maximum(counts - 1, 0) // 2
    hi = starts + counts // 2
    median = np.ones(recorded.shape[0])
    median[has] = (gaps[lo[has]] + gaps[np.minimum(hi[has], gaps.size - 1)]) / 2.0
    return median


def _network_rows(
    demand: pd.DataFrame, lanes: list[str], days: pd.DatetimeIndex, matrix: np.ndarray,
    recorded: np.ndarray, masters: list[LaneMasterData],
) -> _NetworkRows:
    """History figures per lane: vectorised where possible, else exactly plan_lane's path."""
    first = np.argmax(recorded, axis=1)
    last = matrix.shape[1] - 1 - np.argmax(recorded[:, ::-1], axis=1)
    daily = _median_spacing(recorded) < inventory_math.DAY_WEEK_BOUNDARY
    full = daily & (last - first + 1 >= STATS_WINDOW_DAYS) & (last - STATS_WINDOW_DAYS - BASELINE_WINDOW_DAYS - RECENT_WINDOW_DAYS + 1 >= 0)
    n = len(lanes)
    rows = _NetworkRows(
        period=["day"] * n, last_date=[days[i] for i in last], latest=np.zeros(n), recent=np.zeros(n),
        baseline=np.zeros(n), mean=np.zeros(n), std=np.zeros(n), tail=np.zeros(n),
        status=np.full(n, STATUS_NORMAL, dtype=object), pattern=np.full(n, "smooth", dtype=object),
        replay=np.zeros(n), window=np.full((n, STATS_WINDOW_DAYS), np.nan),
        weekday=np.zeros((n, STATS_WINDOW_DAYS), dtype=np.int64),
    )
    idx = np.flatnonzero(full)
    if idx.size:
        fast = _daily_full_rows(matrix[idx], first[idx], last[idx], [masters[i] for i in idx], days)
        for name in ("latest", "recent", "baseline", "mean", "std", "tail", "replay"):
            getattr(rows, name)[idx] = fast[name]
        rows.status[idx] = fast["status"]
        rows.pattern[idx] = fast["pattern"]
        rows.window[idx] = fast["window"]
        rows.weekday[idx] = fast["weekday"]
    as_of = days[-1]
    by_lane = None
    for i in np.flatnonzero(~full):
        if by_lane is None:
            by_lane = dict(tuple(demand.groupby("lane", sort=False)))
        frame = by_lane[lanes[i]]
        lane = lane_history(frame[["date", "demand"]], masters[i])
        rows.period[i] = lane.period
        rows.last_date[i] = lane.last_date
        rows.latest[i] = float(lane.daily.iloc[-1])
        rows.recent[i], rows.baseline[i] = lane.recent_mean, lane.baseline_mean
        rows.mean[i], rows.std[i] = lane.stats.demand_mean, lane.stats.demand_std
        rows.tail[i], rows.status[i], rows.pattern[i] = lane.tail_risk, lane.status, lane.pattern
        rows.replay[i] = replay_overflow(lane, masters[i])
        if lane.period == "day":
            rows.window[i, -lane.window.size:] = lane.window
            rows.weekday[i, -lane.window.size:] = lane.series.index[-lane.window.size:].weekday
    # a lane whose records stop before the network's today: flagged, never zero-filled
    for lane_index in range(n):
        period_days = period_days_of(rows.period[lane_index])
        if (as_of - rows.last_date[lane_index]).days > STALE_PERIODS * period_days:
            rows.status[lane_index] = STATUS_NO_DATA
    return rows


def plan_network(
    demand: pd.DataFrame,
    masters: Mapping[str, LaneMasterData],
    *,
    service_level: float | None = None,
) -> NetworkPlan:
    """The watchtower: every lane planned at once (vectorised over lanes).

    Each lane is planned exactly as :func:`plan_lane` plans it (same history
    preparation, same kernel): daily, weekly and monthly lanes alike, each on its
    own span.  The network's "today" is the last day with data in any lane.

    Parameters
    ----------
    demand : DataFrame with columns date, lane, demand [units per recorded period].
    masters : lane code -> master data; lanes without an entry get defaults.
    """
    lanes, days, matrix, recorded = demand_arrays(demand)
    if not lanes:
        empty = pd.DataFrame(columns=list(NETWORK_COLUMNS))
        return NetworkPlan(empty, None, 0.0, 0.0, 0.0, (), 0.0, 0.0, 0.0, 0.0, {})
    params = [masters.get(lane) or LaneMasterData(code=lane, name=lane) for lane in lanes]
    rows = _network_rows(demand, lanes, days, matrix, recorded, params)
    k = kernel(kernel_inputs(params, rows.mean, rows.std, rows.tail, rows.window, rows.weekday),
               None if service_level is None else np.full(len(lanes), float(service_level)))
    table = pd.DataFrame({
        "lane": lanes,
        "status": rows.status.astype(str),
        "pattern": rows.pattern.astype(str),
        "period": rows.period,
        "last_date": pd.DatetimeIndex(rows.last_date),
        "latest_volume": rows.latest,
        "recent_mean": rows.recent,
        "baseline_mean": rows.baseline,
        "demand_mean": rows.mean,
        "demand_std": rows.std,
        "service_level": k.service_level,
        "review_period_days": k.policy.review_period_days,
        "safety_stock": k.policy.safety_stock,
        "reorder_point": k.policy.reorder_point,
        "fill_rate": k.policy.fill_rate,
        "required_capacity": k.required_capacity,
        "internal_capacity": k.internal_capacity_mean,
        "utilisation": k.utilisation,
        "partner_capacity_to_reserve": k.partner_capacity_to_reserve,
        "expected_overflow_per_year": k.expected_overflow_per_year,
        "overflow_last_year": rows.replay,
        "overflow_volume": k.expected_overflow_per_year / DAYS_PER_YEAR,
        "dependency_ratio": k.dependency_ratio,
        "cooperation_cost_per_year": k.cooperation_cost_per_year,
        "surcharge_cost_per_year": k.surcharge_per_year,
        "penalty_cost_per_year": k.penalty_per_year,
        "expected_profit_per_year": k.profit_per_year,
        "resilience": np.asarray(k.resilience_score.score, dtype=float),
        "impact_per_year": k.money_at_stake_per_year,
    })
    return network_from_table(table, days[-1], float(k.expected_workload_per_year.sum()))


def network_from_table(
    table: pd.DataFrame, as_of: pd.Timestamp | None, expected_workload_per_year: float
) -> NetworkPlan:
    """The watchtower from its lane rows (NETWORK_COLUMNS): ranked by money at stake, with totals.

    ``expected_workload_per_year`` [units/year], summed over the lanes, is the base of
    the network dependency ratio.  Used by :func:`plan_network` and for stored plan runs.
    """
    table = table.sort_values(["impact_per_year", "lane"], ascending=[False, True], ignore_index=True)
    status = table["status"].to_numpy()
    overflow = float(table["expected_overflow_per_year"].sum())
    workload = float(expected_workload_per_year)
    return NetworkPlan(
        table=table,
        as_of=as_of,
        total_required_capacity=float(table["required_capacity"].sum()),
        total_internal_capacity=float(table["internal_capacity"].sum()),
        total_overflow_volume=overflow / DAYS_PER_YEAR,
        lanes_overflowing=tuple(table.loc[table["expected_overflow_per_year"] >= 1.0, "lane"]),
        total_cooperation_cost_per_year=float(table["cooperation_cost_per_year"].sum()),
        total_surcharge_cost_per_year=float(table["surcharge_cost_per_year"].sum()),
        total_penalty_cost_per_year=float(table["penalty_cost_per_year"].sum()),
        network_dependency_ratio=overflow / workload if workload > 0 else 0.0,
        status_counts={s: int((status == s).sum())
                       for s in (STATUS_NORMAL, STATUS_SURGE, STATUS_LOW, STATUS_NO_DATA)},
        total_expected_overflow_per_year=overflow,
        total_overflow_last_year=float(table["overflow_last_year"].sum()),
        total_partner_capacity_to_reserve=float(table["partner_capacity_to_reserve"].sum()),
        total_money_at_stake_per_year=float(table["impact_per_year"].sum()),
        total_expected_profit_per_year=float(table["expected_profit_per_year"].sum()),
    )

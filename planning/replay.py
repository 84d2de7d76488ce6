"""The lane's own last year replayed at today's capacity: the overflow it would have sent."""

from __future__ import annotations

import numpy as np

from domain import LaneMasterData
from planning.history import LaneHistory


def replay_overflow(lane: LaneHistory, params: LaneMasterData) -> float:
    """Units the lane's own last 365 days would have sent to partners at today's capacity.

    ``sum_t (D_t (1 + return rate) - C_t)^+`` over the last STATS_WINDOW_DAYS
    [units]; daily histories use each day's weekday capacity, weekly/monthly
    histories compare each period's workload with the capacity of its days
    (so within-period peaks are invisible: a lower bound).
    """
    caps = np.asarray(params.capacity_by_weekday(), dtype=float)
    work = lane.window * (1.0 + params.return_rate)
    dates = lane.series.index[-lane.window.size:]
    capacity = caps[dates.weekday] if lane.period == "day" else caps.mean() * lane.period_days
    return float(np.maximum(work - capacity, 0.0).sum())

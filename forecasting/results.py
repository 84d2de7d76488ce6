"""Result types of the forecasters: one lane (:class:`LaneForecast`) and a batch (:class:`BatchForecast`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from forecasting.methods import METHODS
from forecasting.selection import COMBINATION


@dataclass(frozen=True)
class LaneForecast:
    """Forecast for one lane.

    Attributes
    ----------
    method : str
        Chosen method (one of ``METHODS``, or ``"mean"`` for very short history;
        the daily helper prefixes ``"weekly "`` when it modelled weekly totals).
    mean, lower, upper : np.ndarray
        Point forecast and prediction bounds per period, length ``horizon``
        [demand units per period], all >= 0 and lower <= mean <= upper.
    interval_level : float
        Central coverage of [lower, upper], e.g. 0.9 = 5 % .. 95 %.
    backtest_mase : dict[str, float]
        MASE of every candidate on the backtest holdout (NaN = not applicable).
    pattern : str
        Syntetos-Boylan demand class of the history.
    season_length : int
        m, season length used [periods].
    adi, cv2 : float
        Average inter-demand interval [periods] and CV^2 of non-zero sizes.
    holdout : int
        Periods held back per backtest window (0 = no backtest possible).
    seasonal_strength : float
        F_S in [0, 1] (NaN with fewer than two seasons), see ``seasonal_strength``.
    residual_std : np.ndarray
        Spread of the forecast error per horizon step, length ``horizon``
        [demand units per period]: the standard deviation of the error of
        ``mean`` at step k, calibrated on the rolling-origin backtest errors
        (``mean +/- z * residual_std`` is the interval for regular lanes, with
        z the normal quantile of ``interval_level``).  For the capacity
        planner, e.g. expected overflow E[(W_k - C)^+] with W_k ~ N(mean_k,
        residual_std_k^2).  Not clipped at 0; intermittent lanes take their
        bounds from a gamma distribution with this mean and spread.
    backtest_windows : int
        Rolling origins the choice and the calibration used (0 = none).
    combined : tuple[str, ...]
        The methods averaged when ``method`` is the combination, best first
        (empty otherwise).
    """

    method: str
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    interval_level: float
    backtest_mase: dict[str, float]
    pattern: str
    season_length: int
    adi: float = math.nan
    cv2: float = math.nan
    holdout: int = 0
    seasonal_strength: float = math.nan
    residual_std: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    backtest_windows: int = 0
    combined: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchForecast:
    """Forecasts for many lanes (row i = lane i of the input matrix).

    Attributes
    ----------
    methods : tuple[str, ...]
        Candidate names, the column order of ``mase``.
    method : np.ndarray
        Chosen method per lane, shape (lanes,).
    mean, lower, upper : np.ndarray
        Shape (lanes, horizon) [demand units per period], all >= 0.
    mase : np.ndarray
        Backtest MASE, shape (lanes, len(methods)); NaN = not applicable.
    patterns : np.ndarray
        Syntetos-Boylan class per lane, shape (lanes,).
    adi, cv2 : np.ndarray
        Shape (lanes,).
    interval_level : float
    season_length : int
    holdout : int
    seasonal_strength : np.ndarray
        F_S per lane, shape (lanes,).
    sd : np.ndarray
        Calibrated h-step forecast standard deviation, shape (lanes, horizon)
        [units/period] (same array as ``residual_std``).
    residual_std : np.ndarray
        See ``LaneForecast.residual_std``; shape (lanes, horizon).
    backtest_windows : int
        Rolling origins used (0 = no backtest).
    weights : np.ndarray
        Weight of each method of ``METHODS`` in the lane's forecast, shape
        (lanes, len(METHODS)); rows sum to 1 (all zero for the short-history mean).
    """

    methods: tuple[str, ...]
    method: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    mase: np.ndarray
    patterns: np.ndarray
    adi: np.ndarray
    cv2: np.ndarray
    interval_level: float
    season_length: int
    holdout: int
    seasonal_strength: np.ndarray = field(default_factory=lambda: np.empty(0))
    sd: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    residual_std: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    backtest_windows: int = 0
    weights: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))


def lane_from_batch(batch: BatchForecast, row: int = 0, method_prefix: str = "") -> LaneForecast:
    """Row ``row`` of a batch as a :class:`LaneForecast` (``method_prefix`` e.g. ``"weekly "``)."""
    return LaneForecast(
        method=method_prefix + str(batch.method[row]),
        mean=batch.mean[row],
        lower=batch.lower[row],
        upper=batch.upper[row],
        interval_level=batch.interval_level,
        backtest_mase={m: float(batch.mase[row, j]) for j, m in enumerate(batch.methods)},
        pattern=str(batch.patterns[row]),
        season_length=batch.season_length,
        adi=float(batch.adi[row]),
        cv2=float(batch.cv2[row]),
        holdout=batch.holdout,
        seasonal_strength=float(batch.seasonal_strength[row]),
        residual_std=batch.residual_std[row],
        backtest_windows=batch.backtest_windows,
        combined=_members(batch, row),
    )


def _members(batch: BatchForecast, row: int) -> tuple[str, ...]:
    """Ids of the methods averaged in lane ``row``, best backtest first."""
    if not str(batch.method[row]).endswith(COMBINATION) or batch.weights.size == 0:
        return ()
    used = [j for j in range(len(METHODS)) if batch.weights[row, j] > 0]
    return tuple(METHODS[j] for j in sorted(used, key=lambda j: batch.mase[row, j]))

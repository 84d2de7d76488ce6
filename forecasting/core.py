"""Shared core of the forecasters: input checks and the MASE error measure.

Functional core over 2-D arrays ``lanes x periods`` [demand units per period].
"""

from __future__ import annotations

import numpy as np

Fit = tuple[np.ndarray, np.ndarray] | None  # (mean, sd), each (lanes, horizon), or not applicable
DEFAULT_INTERVAL_LEVEL = 0.9  # central coverage of the prediction interval (5 % .. 95 %)


def as_matrix(values: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D (one lane) or 2-D (lanes x periods), got {arr.ndim}-D")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one period of demand, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN/inf); fill gaps with 0 first")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (demand units per period), got a negative value")
    return arr


def check_options(horizon: int, season_length: int, interval_level: float) -> None:
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be an integer >= 1 [periods], got {horizon!r}")
    if int(season_length) != season_length or season_length < 1:
        raise ValueError(f"season_length must be an integer >= 1 [periods], got {season_length!r}")
    if not 0.0 < interval_level < 1.0:
        raise ValueError(f"interval_level must be in (0, 1), got {interval_level!r}")


def mase_scale(insample: np.ndarray) -> np.ndarray:
    """MASE denominator per lane: in-sample mean |y_t - y_(t-1)| (lag-1 naive).

    A zero scale (constant history) falls back to mean |y|, then to 1, so
    MASE stays finite.  Shape (lanes,) for 2-D input.
    """
    y = np.atleast_2d(np.asarray(insample, dtype=float))
    # a single period has no naive error: start from 0 and use the fallbacks below
    scale = np.mean(np.abs(np.diff(y, axis=1)), axis=1) if y.shape[1] > 1 else np.zeros(len(y))
    scale = np.where(scale > 0, scale, np.mean(np.abs(y), axis=1))
    return np.where(scale > 0, scale, 1.0)


def mase(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray) -> np.ndarray | float:
    """Mean absolute scaled error (Hyndman & Koehler 2006, Int. J. Forecasting
    22, 679-688; FPP3 section 5.8, "Scaled errors", non-seasonal scale).

    MASE = mean_k |y(T+k) - f(T+k)| / ((1/(T-1)) * sum_t |y_t - y_(t-1)|)

    Parameters
    ----------
    actual, forecast : array, shape (horizon,) or (lanes, horizon)
        Held-out demand and its forecast [units/period].
    insample : array, shape (T,) or (lanes, T)
        History the forecast was fitted on (defines the scale).

    Examples
    --------
    In-sample 1, 3, 2, 4: naive errors 2, 1, 2 -> scale 5/3; forecast errors
    1 and 0 -> MAE 0.5 -> MASE 0.5 / (5/3) = 0.3.

    >>> mase([5, 4], [4, 4], [1, 3, 2, 4])
    0.3
    """
    a = np.atleast_2d(np.asarray(actual, dtype=float))
    f = np.atleast_2d(np.asarray(forecast, dtype=float))
    result = np.mean(np.abs(a - f), axis=1) / mase_scale(insample)
    if np.ndim(actual) == 1:
        return float(result[0])
    return result


"""The candidate methods: one registry from method id to its fitting function.

Every candidate maps a history ``y`` (lanes x T) [units/period] to
``(mean, sd)``, both (lanes, horizon), unclipped, or ``None`` when the history
is too short for it (rows a method cannot handle are NaN).  The families live in
:mod:`forecasting.classic`, :mod:`forecasting.smoothing` and
:mod:`forecasting.intermittent`; planner names in :mod:`forecasting.labels`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasting import smoothing
from forecasting.classic import (
    SES_ALPHA_GRID,
    linear_trend,
    seasonal_naive,
    seasonal_profile,
    seasonal_strength,
    ses,
)
from forecasting.core import DEFAULT_INTERVAL_LEVEL, Fit, as_matrix, check_options
from forecasting.intermittent import croston_sba, tsb
from forecasting.patterns import SEASONAL_STRENGTH_CUTOFF

METHODS = (
    "linear_trend", "seasonal_naive", "seasonal_profile", "ses", "damped_trend",
    "holt_winters_add", "holt_winters_mul", "theta", "croston_sba", "tsb",
)
INTERMITTENT_METHODS = frozenset({"croston_sba", "tsb"})
SEASONAL_METHODS = frozenset(
    {"seasonal_naive", "seasonal_profile", "holt_winters_add", "holt_winters_mul", "theta"}
)
# the exponential-smoothing candidates and their season type (see forecasting.smoothing)
HOLT_WINTERS = {"damped_trend": "none", "holt_winters_add": "add", "holt_winters_mul": "mul"}

Method = Callable[[np.ndarray, int, int], Fit]


def _damped_trend(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    return smoothing.holt_winters(y, horizon, season_length, HOLT_WINTERS["damped_trend"])


def _holt_winters_add(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    return smoothing.holt_winters(y, horizon, season_length, HOLT_WINTERS["holt_winters_add"])


def _holt_winters_mul(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    return smoothing.holt_winters(y, horizon, season_length, HOLT_WINTERS["holt_winters_mul"])


def _theta(y: np.ndarray, horizon: int, season_length: int) -> Fit:
    # Seasonally adjust the lanes that pass the Theta benchmark's autocorrelation test, and
    # those the selection gate treats as seasonal (the test needs three seasons of history).
    strong = np.nan_to_num(seasonal_strength(y, season_length=season_length)) >= (
        SEASONAL_STRENGTH_CUTOFF
    )
    seasonal = smoothing.seasonality_test(y, season_length) | strong
    return smoothing.theta(y, horizon, season_length, seasonal, SES_ALPHA_GRID)


METHOD_FUNCS: dict[str, Method] = {
    "linear_trend": linear_trend,
    "seasonal_naive": seasonal_naive,
    "seasonal_profile": seasonal_profile,
    "ses": ses,
    "damped_trend": _damped_trend,
    "holt_winters_add": _holt_winters_add,
    "holt_winters_mul": _holt_winters_mul,
    "theta": _theta,
    "croston_sba": croston_sba,
    "tsb": tsb,
}


def fit_method(
    method: str, history: np.ndarray, *, horizon: int, season_length: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Fit one candidate on every row and forecast ``horizon`` periods.

    Returns ``(mean, sd)``, each (lanes, horizon), **unclipped**, or ``None`` when
    the history is too short for the method.

    Examples
    --------
    A noiseless trend 2 + 3 t is continued exactly by ``linear_trend``:

    >>> mean, sd = fit_method("linear_trend", 2 + 3 * np.arange(6.0), horizon=2, season_length=1)
    >>> mean.round(6).tolist(), sd.round(6).tolist()
    ([[20.0, 23.0]], [[0.0, 0.0]])
    """
    if method not in METHOD_FUNCS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    check_options(horizon, season_length, DEFAULT_INTERVAL_LEVEL)
    y = as_matrix(history, "history")
    return METHOD_FUNCS[method](y, int(horizon), int(season_length))

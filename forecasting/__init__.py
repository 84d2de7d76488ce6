"""Demand forecasting per service lane: candidate methods, backtest selection, intervals.

Functional core: pure NumPy over a 2-D array ``lanes x periods`` (one row per
lane, oldest period first).  Every candidate method is fitted on all rows at
once; Python loops run over methods, the smoothing grid or time, never over
lanes.  Inputs are assumed NaN-free (non-finite values raise ``ValueError``).

Public API (re-exported here): ``forecast_lane`` (one lane, any period),
``forecast_daily_history`` (one lane of days), ``forecast_many`` /
``forecast_daily_many`` (many lanes at once, the network tier) and
``method_label`` (planner words for a method id).

Modules by concern: :mod:`~forecasting.core` (input checks, MASE),
:mod:`~forecasting.patterns` (Syntetos-Boylan demand classes),
:mod:`~forecasting.classic`, :mod:`~forecasting.smoothing`,
:mod:`~forecasting.intermittent` (the candidate families),
:mod:`~forecasting.methods` (registry of candidates),
:mod:`~forecasting.selection` (rolling-origin backtest and model choice),
:mod:`~forecasting.intervals` (calibrated prediction intervals),
:mod:`~forecasting.results` (result types), :mod:`~forecasting.api`
(``forecast_many``, ``forecast_lane``), :mod:`~forecasting.daily` (daily
histories) and :mod:`~forecasting.labels` (planner names).

Candidate methods (all hand-written; planner names in ``forecasting.labels``)
-----------------------------------------------------------------------------
``linear_trend``
    OLS straight line over time (the seed's forecast), textbook OLS prediction
    interval.
``seasonal_naive``
    y(T+k) = y(T+k-m*ceil(k/m)); needs more than one season of history.
``seasonal_profile``
    Forecasting with decomposition (Hyndman & Athanasopoulos, *Forecasting:
    Principles and Practice*, 2nd ed., section 6.8): additive seasonal profile
    from the last full seasons (after removing an OLS trend), simple
    exponential smoothing of the seasonally adjusted series, forecast =
    level + profile.  Profiles of long seasons (m >= 13) are smoothed with a
    circular [1, 2, 1]/4 filter over neighbouring positions.  Needs at least
    two full seasons.
``ses``
    Simple exponential smoothing, alpha chosen per lane from a grid by
    in-sample one-step squared error (alpha = 1 is the naive forecast).
``damped_trend``, ``holt_winters_add``, ``holt_winters_mul``
    ETS(A,Ad,N), ETS(A,Ad,A), ETS(A,Ad,M): damped trend without season, with an
    additive and with a multiplicative season (Hyndman et al. 2008), see
    ``forecasting.smoothing.holt_winters``.
``theta``
    Standard Theta method on the seasonally adjusted series (Hyndman & Billah
    2003), see ``forecasting.smoothing.theta``.
``croston_sba``
    Croston's method with the Syntetos-Boylan bias correction (1 - alpha/2)
    (Syntetos & Boylan 2005, Int. J. Forecasting 21, 303-314).
``tsb``
    Teunter-Syntetos-Babai: smoothed demand probability x smoothed size
    (Teunter, Syntetos & Babai 2011, EJOR 214, 606-615).

Model choice
------------
Rolling-origin backtest (Tashman 2000): the last ``holdout`` periods are held
back, every method is fitted on the periods before and scored by MASE on the
held-back periods; this is repeated one and two holdouts earlier
(``BACKTEST_WINDOWS`` = 3) and the scores are averaged.  The lane gets the mean
of its ``COMBINATION_SIZE`` best methods (refitted on the full history) unless
that mean backtests more than ``COMBINATION_TOLERANCE`` x worse than the best
alone, then the best alone.  Two gates narrow the candidates first:

* lanes classed intermittent or lumpy (Syntetos-Boylan) choose only between
  the intermittent-demand methods, because MASE (an absolute error) rewards
  forecasting the median, which is zero for such lanes, and a zero forecast is
  useless for stocking; SBC 2005 recommends SBA for them;
* other lanes with seasonal strength F_S >= 0.6 choose only between the
  seasonal methods: the backtest windows often miss the peak (a 13-week window
  before a Q4 horizon lies in the flat summer), where a flat forecast wins.

MASE scale: in-sample mean absolute error of the **lag-1 naive** forecast
(Hyndman & Koehler 2006, Int. J. Forecasting 22, 679-688); a zero scale
(constant history) falls back to the mean absolute demand, then to 1.

Prediction intervals: mean +/- q * sd_k, sd_k the method's h-step standard
deviation (sqrt(1 + (k-1) alpha^2) for smoothing methods, sqrt(ceil(k/m)) for
the seasonal naive, the OLS prediction formula for the trend, Hyndman et al.
2008 Table 6.1 for Holt-Winters) and q the split-conformal quantile of the
backtest errors divided by sd (``forecasting.intervals``), so the width is
calibrated on the lane's own out-of-sample errors.  ``residual_std`` = q sd_k / z
is that calibrated spread per step.  Intermittent/lumpy lanes get zero-inflated
gamma bounds (never negative, right-skewed).  Default level 90 % (5 % .. 95 %).
Forecasts and bounds are clipped at 0: demand is never negative.
"""

from forecasting.api import forecast_lane, forecast_many
from forecasting.classic import (
    MIN_SEASONS_PROFILE,
    PROFILE_KERNEL,
    PROFILE_SMOOTH_MIN_SEASON,
    SES_ALPHA_GRID,
    seasonal_strength,
)
from forecasting.core import DEFAULT_INTERVAL_LEVEL, mase, mase_scale
from forecasting.daily import (
    DAYS_FOR_YEARLY_SEASON,
    SEASON_LENGTH_BY_PERIOD,
    forecast_daily_history,
    forecast_daily_many,
)
from forecasting.intermittent import CROSTON_ALPHA, TSB_ALPHA, TSB_BETA
from forecasting.labels import METHOD_LABELS, method_label
from forecasting.methods import INTERMITTENT_METHODS, METHODS, SEASONAL_METHODS, fit_method
from forecasting.patterns import (
    ADI_CUTOFF,
    CV2_CUTOFF,
    INTERMITTENT_PATTERNS,
    PATTERNS,
    SEASONAL_STRENGTH_CUTOFF,
    classify_demand_pattern,
    classify_demand_patterns,
    demand_pattern_stats,
)
from forecasting.results import BatchForecast, LaneForecast
from forecasting.selection import (
    BACKTEST_WINDOWS,
    COMBINATION,
    COMBINATION_SIZE,
    COMBINATION_TOLERANCE,
    FALLBACK_METHOD,
    HOLDOUT_SHARE_MAX,
    MIN_POINTS_FOR_MODELS,
    MIN_TRAIN_POINTS,
    backtest_mase,
    default_holdout,
)

__all__ = [
    "ADI_CUTOFF",
    "BACKTEST_WINDOWS",
    "COMBINATION",
    "COMBINATION_SIZE",
    "COMBINATION_TOLERANCE",
    "CROSTON_ALPHA",
    "CV2_CUTOFF",
    "DAYS_FOR_YEARLY_SEASON",
    "DEFAULT_INTERVAL_LEVEL",
    "FALLBACK_METHOD",
    "HOLDOUT_SHARE_MAX",
    "INTERMITTENT_METHODS",
    "INTERMITTENT_PATTERNS",
    "METHODS",
    "METHOD_LABELS",
    "MIN_POINTS_FOR_MODELS",
    "MIN_SEASONS_PROFILE",
    "MIN_TRAIN_POINTS",
    "PATTERNS",
    "PROFILE_KERNEL",
    "PROFILE_SMOOTH_MIN_SEASON",
    "SEASONAL_METHODS",
    "SEASONAL_STRENGTH_CUTOFF",
    "SEASON_LENGTH_BY_PERIOD",
    "SES_ALPHA_GRID",
    "TSB_ALPHA",
    "TSB_BETA",
    "BatchForecast",
    "LaneForecast",
    "backtest_mase",
    "classify_demand_pattern",
    "classify_demand_patterns",
    "default_holdout",
    "demand_pattern_stats",
    "fit_method",
    "forecast_daily_history",
    "forecast_daily_many",
    "forecast_lane",
    "forecast_many",
    "mase",
    "mase_scale",
    "method_label",
    "seasonal_strength",
]

"""New forecast candidates against textbook references, selection, calibrated intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import forecasting as fc
from forecasting import intervals, smoothing

DATA = Path(__file__).resolve().parent / "data" / "public"
AIR = pd.read_csv(DATA / "air_passengers_monthly.csv")["demand"].to_numpy(dtype=float)


def _one_parameter_set(monkeypatch, alpha, beta, gamma, phi):
    grid = ((alpha,), (beta,), (gamma,), (phi,))
    monkeypatch.setattr(smoothing, "FINE_GRID", grid)
    monkeypatch.setattr(smoothing, "COARSE_GRID", grid)


@pytest.mark.parametrize("season", ["add", "mul"])
def test_damped_holt_winters_matches_statsmodels_with_the_same_parameters(monkeypatch, season):
    """Recursions equal statsmodels' Holt-Winters (component form) on the airline series.

    Error-correction beta = alpha * beta* of the component form (Hyndman et al. 2008, 2.3).
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    alpha, beta_star, gamma, phi = 0.4, 0.1, 0.2, 0.95
    _one_parameter_set(monkeypatch, alpha, alpha * beta_star, gamma, phi)
    y = AIR[:120]
    level0, trend0, states0 = smoothing.initial_states(y[None, :], 12, season)
    model = ExponentialSmoothing(
        y, trend="add", damped_trend=True, seasonal=season, seasonal_periods=12,
        initialization_method="known", initial_level=level0[0], initial_trend=trend0[0],
        initial_seasonal=states0[0],
    ).fit(smoothing_level=alpha, smoothing_trend=beta_star, smoothing_seasonal=gamma,
          damping_trend=phi, optimized=False)
    params = np.array([[alpha, alpha * beta_star, gamma, phi]])
    _, level, trend, states = smoothing.smooth(y[None, :], 12, season, params)
    assert level[0, 0] == pytest.approx(model.level[-1], rel=1e-10)
    assert trend[0, 0] == pytest.approx(model.trend[-1], rel=1e-8, abs=1e-10)
    np.testing.assert_allclose(states[:, 0, 0], model.season[-12:], rtol=1e-10)
    mean, sd = smoothing.holt_winters(y[None, :], 24, 12, season)
    # statsmodels' step 12 reads an older seasonal state; steps 1..11 are the textbook formula
    np.testing.assert_allclose(mean[0, :11], model.forecast(24)[:11], rtol=1e-8)
    assert np.all(np.diff(sd[0][::12]) > 0)  # the spread widens with the horizon


def test_holt_winters_mul_tracks_the_airline_season_growing_with_the_level():
    train, test = AIR[:-12], AIR[-12:]
    mean, _ = smoothing.holt_winters(train[None, :], 12, 12, "mul")
    # published benchmark: multiplicative Holt-Winters forecasts 1960 within a few percent
    assert np.mean(np.abs(mean[0] - test) / test) < 0.06
    additive, _ = smoothing.holt_winters(train[None, :], 12, 12, "add")
    assert np.mean(np.abs(mean[0] - test)) < np.mean(np.abs(additive[0] - test))


def test_damped_trend_without_season_flattens_out():
    y = 100 + 3 * np.arange(40.0)
    mean, _ = smoothing.holt_winters(y[None, :], 60, 1, "none")
    steps = np.diff(mean[0])
    assert steps[0] == pytest.approx(3.0, rel=0.05)
    assert np.all(steps > 0) and steps[-1] <= steps[0]  # damped (phi < 1) or straight (phi = 1)


def test_theta_matches_statsforecast_standard_theta_on_co2():
    """Standard Theta (SES + half the OLS drift, classical multiplicative decomposition)."""
    from statsforecast.models import Theta

    co2 = pd.read_csv(DATA / "mauna_loa_co2_monthly.csv")["demand"].to_numpy(dtype=float)
    train = co2[:-12]
    ours = fc.fit_method("theta", train, horizon=12, season_length=12)[0][0]
    reference = Theta(season_length=12).forecast(y=train, h=12)["mean"]
    # alpha from a grid (ours) vs optimised (statsforecast): within 0.1 % of a ~370 ppm level
    assert np.max(np.abs(ours - reference)) < 0.001 * reference.mean()


def test_seasonality_test_separates_season_from_noise():
    rng = np.random.default_rng(3)
    t = np.arange(120)
    seasonal = 100 + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, 120)
    noise = 100 + rng.normal(0, 3, 120)
    assert smoothing.seasonality_test(np.vstack([seasonal, noise]), 12).tolist() == [True, False]


# --------------------------------------------------------------------------- selection


def test_growing_season_lane_chooses_a_multiplicative_or_combined_forecast():
    lane = fc.forecast_lane(AIR[:-12], horizon=12, season_length=12)
    assert lane.method in {"holt_winters_mul", "holt_winters_add", "theta", fc.COMBINATION}
    assert lane.backtest_mase["holt_winters_mul"] < lane.backtest_mase["seasonal_naive"]
    assert lane.backtest_windows == fc.BACKTEST_WINDOWS
    assert fc.mase(AIR[-12:], lane.mean, AIR[:-12]) < 1.0


def test_combination_is_the_mean_of_the_best_methods():
    rng = np.random.default_rng(8)
    t = np.arange(96.0)
    y = (200 + 2 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * (1 + rng.normal(0, 0.04, 96))
    lane = fc.forecast_lane(y, horizon=6, season_length=12)
    assert lane.method == fc.COMBINATION  # this draw: the average backtests within tolerance
    scores = {m: v for m, v in lane.backtest_mase.items() if m in fc.SEASONAL_METHODS}
    best = sorted(scores, key=scores.get)[: fc.COMBINATION_SIZE]
    assert lane.backtest_mase[fc.COMBINATION] <= fc.COMBINATION_TOLERANCE * scores[best[0]]
    expected = np.mean(
        [fc.fit_method(m, y, horizon=6, season_length=12)[0][0] for m in best], axis=0
    )
    np.testing.assert_allclose(lane.mean, np.maximum(expected, 0), rtol=1e-9)


# --------------------------------------------------------------------------- intervals


def test_conformal_multiplier_takes_the_finite_sample_rank():
    errors = np.arange(1.0, 20.0)[None, :]  # |e| / sd = 1 .. 19 with sd = 1
    q = intervals.conformal_multiplier(errors, np.ones_like(errors), 0.9)
    assert q[0] == 18.0  # ceil((19 + 1) * 0.9) = 18th smallest


def test_conformal_multiplier_falls_back_to_z_widened_by_the_largest_score():
    q = intervals.conformal_multiplier(np.array([[0.5, -3.0]]), np.ones((1, 2)), 0.9)
    assert q[0] == pytest.approx(3.0)  # too few cells for the rank -> max(z, largest score)


def test_intervals_cover_about_ninety_percent_on_simulated_lanes():
    rng = np.random.default_rng(21)
    lanes, weeks, horizon = 400, 130, 13
    t = np.arange(weeks)
    level = rng.uniform(50, 300, (lanes, 1))
    walk = np.cumsum(rng.normal(0, 0.02, (lanes, weeks)), axis=1)
    season = 1 + 0.25 * np.sin(2 * np.pi * (t + rng.integers(0, 52, (lanes, 1))) / 52)
    y = level * (1 + walk) * season * (1 + rng.normal(0, 0.08, (lanes, weeks)))
    train, test = y[:, :-horizon], y[:, -horizon:]
    batch = fc.forecast_many(train, horizon=horizon, season_length=52)
    covered = np.mean((test >= batch.lower) & (test <= batch.upper))
    assert 0.85 <= covered <= 0.96


def test_residual_std_is_the_spread_behind_the_interval():
    rng = np.random.default_rng(4)
    y = 100 + rng.normal(0, 10, 104)
    lane = fc.forecast_lane(y, horizon=8, season_length=52)
    z = norm.ppf(0.95)
    assert lane.residual_std.shape == (8,) and np.all(lane.residual_std > 0)
    np.testing.assert_allclose(lane.upper, lane.mean + z * lane.residual_std, rtol=1e-9)
    np.testing.assert_allclose(lane.lower, np.maximum(lane.mean - z * lane.residual_std, 0), rtol=1e-9)
    daily = fc.forecast_daily_history(np.tile([10.0, 12, 11, 13, 15, 4, 2], 120), horizon_days=30)
    assert daily.residual_std.shape == (30,)


def test_intermittent_interval_is_non_negative_and_right_skewed():
    rng = np.random.default_rng(5)
    y = np.where(rng.random(156) < 0.3, rng.gamma(2.0, 5.0, 156).round(), 0.0)
    lane = fc.forecast_lane(y, horizon=13, season_length=52)
    assert lane.pattern in fc.INTERMITTENT_PATTERNS
    np.testing.assert_allclose(lane.lower, 0.0)  # zero-demand periods are likely
    assert np.all(lane.upper - lane.mean > lane.mean - lane.lower)


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("method", [*fc.METHODS, fc.COMBINATION, fc.FALLBACK_METHOD])
def test_every_method_has_a_planner_label(method):
    for qualifier in ("", "weekly "):
        label = fc.method_label(qualifier + method)
        assert "_" not in label and label != method
    assert "(" not in fc.method_label("weekly " + method, short=True)


def test_lane_forecast_names_the_averaged_methods():
    lane = fc.forecast_lane(AIR[:-12], horizon=12, season_length=12)
    if lane.method == fc.COMBINATION:
        assert 2 <= len(lane.combined) <= fc.COMBINATION_SIZE
        scores = [lane.backtest_mase[m] for m in lane.combined]
        assert scores == sorted(scores)
    else:
        assert lane.combined == ()


@pytest.mark.parametrize("season", ["none", "add", "mul"])
def test_one_pass_over_the_history_equals_separate_fits_per_origin(season):
    rng = np.random.default_rng(12)
    y = AIR[None, :] * (1 + rng.normal(0, 0.02, (3, AIR.size)))
    cuts = {96: 12, 108: 12, 120: 12, 144: 6}
    together = smoothing.holt_winters_prefixes(y, cuts, 12, season)
    for cut, horizon in cuts.items():
        alone = smoothing.holt_winters(y[:, :cut], horizon, 12, season)
        np.testing.assert_allclose(together[cut][0], alone[0], rtol=1e-12)
        np.testing.assert_allclose(together[cut][1], alone[1], rtol=1e-12)


def test_network_tier_rows_equal_the_single_lane_daily_forecast():
    rng = np.random.default_rng(13)
    days = np.arange(800)
    weekday = np.array([1.1, 1.2, 1.1, 1.0, 1.3, 0.7, 0.6])[days % 7]
    matrix = 50 * weekday * (1 + rng.normal(0, 0.1, (3, days.size)))
    batch = fc.forecast_daily_many(matrix, horizon_days=30)
    assert batch.mean.shape == batch.residual_std.shape == (3, 30)
    for i, row in enumerate(matrix):
        lane = fc.forecast_daily_history(row, horizon_days=30)
        assert lane.method == batch.method[i]
        np.testing.assert_allclose(lane.mean, batch.mean[i], rtol=1e-9)
        np.testing.assert_allclose(lane.upper, batch.upper[i], rtol=1e-9)

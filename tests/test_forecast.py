"""Demand forecasting: candidate methods, backtest choice, intervals, demand classes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import forecasting as fc

WEEKS = 156
SEASON = 52


def _seasonal_weekly(noise: float = 0.0, seed: int = 0) -> np.ndarray:
    weeks = np.arange(WEEKS)
    shape = 100 + 40 * np.sin(2 * np.pi * weeks / SEASON) + 60 * (weeks % SEASON >= 46)
    rng = np.random.default_rng(seed)
    return shape * (1 + rng.normal(0, noise, WEEKS))


# --------------------------------------------------------------------------- demand classes


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([10, 11, 9, 10, 12, 10, 9, 11], "smooth"),  # every period, steady sizes
        ([1, 20, 2, 30, 1, 25, 3, 40], "erratic"),  # every period, sizes vary wildly
        ([0, 0, 10, 0, 0, 11, 0, 0, 9, 0], "intermittent"),  # rare, steady sizes
        ([0, 0, 1, 0, 0, 40, 0, 0, 3, 0], "lumpy"),  # rare, sizes vary wildly
    ],
)
def test_classify_demand_pattern_syntetos_boylan_quadrants(series, expected):
    assert fc.classify_demand_pattern(np.array(series, float)) == expected


def test_demand_pattern_stats_hand_values():
    # 2 demands in 6 periods -> ADI 3; sizes 2 and 6: mean 4, std 2 -> CV^2 = 0.25
    adi, cv2 = fc.demand_pattern_stats(np.array([[0, 2, 0, 0, 6, 0.0]]))
    assert adi[0] == pytest.approx(3.0)
    assert cv2[0] == pytest.approx(0.25)


def test_cutoffs_are_the_published_ones():
    assert fc.ADI_CUTOFF == 1.32
    assert fc.CV2_CUTOFF == 0.49


def test_all_zero_history_is_intermittent_and_forecast_zero():
    adi, cv2 = fc.demand_pattern_stats(np.zeros((1, 20)))
    assert np.isinf(adi[0]) and cv2[0] == 0.0
    result = fc.forecast_lane(np.zeros(20), horizon=5, season_length=1)
    assert result.pattern == "intermittent"
    assert result.method in fc.INTERMITTENT_METHODS | {fc.COMBINATION}
    np.testing.assert_allclose(result.mean, 0.0)
    np.testing.assert_allclose(result.upper, 0.0)


def test_classify_many_matches_single():
    rng = np.random.default_rng(5)
    matrix = np.where(rng.random((30, 40)) < rng.random((30, 1)), rng.gamma(1.0, 5.0, (30, 40)), 0)
    many = fc.classify_demand_patterns(matrix)
    assert [fc.classify_demand_pattern(row) for row in matrix] == many.tolist()


# --------------------------------------------------------------------------- MASE


def test_mase_tiny_hand_example():
    # in-sample 1,3,2,4: naive errors 2,1,2 -> scale 5/3; errors 1,0 -> MAE 0.5 -> 0.3
    assert fc.mase([5, 4], [4, 4], [1, 3, 2, 4]) == pytest.approx(0.3)


def test_mase_rows_and_zero_scale_guard():
    insample = np.array([[1, 3, 2, 4.0], [5, 5, 5, 5.0]])
    result = fc.mase([[5, 4], [5, 7.0]], [[4, 4], [5, 5.0]], insample)
    # row 2: constant history -> scale falls back to mean |y| = 5; MAE 1 -> 0.2
    np.testing.assert_allclose(result, [0.3, 0.2])


# --------------------------------------------------------------------------- methods


def test_linear_trend_recovers_slope_on_noiseless_trend():
    history = 7.0 + 2.5 * np.arange(30)
    mean, sd = fc.fit_method("linear_trend", history, horizon=4, season_length=1)
    np.testing.assert_allclose(mean[0], 7.0 + 2.5 * np.arange(30, 34))
    np.testing.assert_allclose(sd, 0.0, atol=1e-9)
    lane = fc.forecast_lane(history, horizon=4, season_length=1)
    assert lane.backtest_mase["linear_trend"] == pytest.approx(0.0, abs=1e-9)
    assert lane.method in ("linear_trend", fc.COMBINATION)  # with an equally exact partner
    np.testing.assert_allclose(lane.mean, 7.0 + 2.5 * np.arange(30, 34))


def test_croston_sba_matches_a_plain_loop():
    """The vectorised (no time loop) SBA equals the textbook period-by-period recursion."""
    history = np.array([0, 3, 0, 0, 5, 0, 2, 0, 0, 0, 4, 0, 6, 0.0])
    alpha = fc.CROSTON_ALPHA
    positive = history[history > 0]
    size, interval = positive.mean(), history.size / positive.size
    since = 0
    for demand in history:
        since += 1
        if demand > 0:
            size += alpha * (demand - size)
            interval += alpha * (since - interval)
            since = 0
    expected = (1 - alpha / 2) * size / interval
    mean, _ = fc.fit_method("croston_sba", history, horizon=3, season_length=1)
    np.testing.assert_allclose(mean[0], expected)
    # stacked with other lanes (state must not leak between lanes)
    stacked = np.vstack([history[::-1], history, np.zeros(14), history])
    mean_many, _ = fc.fit_method("croston_sba", stacked, horizon=3, season_length=1)
    np.testing.assert_allclose(mean_many[1], expected)
    np.testing.assert_allclose(mean_many[3], expected)


def test_tsb_matches_a_plain_loop():
    history = np.array([0, 3, 0, 0, 5, 0, 2, 0, 0, 0, 4, 0, 6, 0.0])
    positive = history[history > 0]
    size, prob = positive.mean(), positive.size / history.size
    for demand in history:
        prob += fc.TSB_BETA * ((demand > 0) - prob)
        if demand > 0:
            size += fc.TSB_ALPHA * (demand - size)
    mean, _ = fc.fit_method("tsb", np.vstack([history[::-1], history]), horizon=2, season_length=1)
    np.testing.assert_allclose(mean[1], prob * size)


def test_pure_seasonal_series_chooses_a_seasonal_method_and_fits_well():
    history = _seasonal_weekly(noise=0.0)
    lane = fc.forecast_lane(history[:-13], horizon=13, season_length=SEASON)
    assert lane.method in fc.SEASONAL_METHODS | {fc.COMBINATION}
    actual = history[-13:]
    assert fc.mase(actual, lane.mean, history[:-13]) < 0.1


def test_noisy_seasonal_series_prefers_seasonal_profile_over_trend():
    history = _seasonal_weekly(noise=0.05, seed=3)
    lane = fc.forecast_lane(history[:-13], horizon=13, season_length=SEASON)
    assert lane.method in fc.SEASONAL_METHODS | {fc.COMBINATION}
    assert lane.backtest_mase["seasonal_profile"] < lane.backtest_mase["linear_trend"]


def test_intermittent_series_gets_an_intermittent_method():
    rng = np.random.default_rng(11)
    history = np.where(rng.random(104) < 0.25, rng.integers(3, 8, 104), 0).astype(float)
    lane = fc.forecast_lane(history, horizon=8, season_length=SEASON)
    assert lane.pattern in fc.INTERMITTENT_PATTERNS
    assert lane.method in fc.INTERMITTENT_METHODS | {fc.COMBINATION}
    # the forecast is a demand rate: about the mean demand per period, not zero
    assert 0.3 * history.mean() < lane.mean[0] < 2 * history.mean()


# --------------------------------------------------------------------------- intervals


def test_forecast_never_negative_even_for_steep_decline():
    history = np.linspace(200, 5, 40)
    lane = fc.forecast_lane(history, horizon=30, season_length=1)
    assert lane.method in ("linear_trend", fc.COMBINATION)
    assert np.all(lane.mean >= 0) and np.all(lane.lower >= 0)
    assert lane.mean[-1] == 0.0  # the straight line would be far below zero


def test_interval_brackets_mean_and_widens_with_level():
    history = _seasonal_weekly(noise=0.1, seed=1)
    narrow = fc.forecast_lane(history, horizon=13, season_length=SEASON, interval_level=0.5)
    wide = fc.forecast_lane(history, horizon=13, season_length=SEASON, interval_level=0.95)
    for lane in (narrow, wide):
        assert np.all(lane.lower <= lane.mean) and np.all(lane.mean <= lane.upper)
    assert np.all(wide.upper - wide.lower >= narrow.upper - narrow.lower)
    assert wide.interval_level == 0.95


def test_short_history_falls_back_to_mean_with_wide_band():
    lane = fc.forecast_lane([4.0, 6.0], horizon=3, season_length=SEASON)
    assert lane.method == fc.FALLBACK_METHOD
    np.testing.assert_allclose(lane.mean, 5.0)
    assert np.all(lane.upper - lane.mean >= 5.0)  # sd >= mean -> half-width >= 1.64 x mean


def test_fewer_than_two_seasons_uses_non_seasonal_methods():
    lane = fc.forecast_lane(_seasonal_weekly(0.05)[:80], horizon=13, season_length=SEASON)
    assert np.isnan(lane.backtest_mase["seasonal_profile"])
    assert lane.method != "seasonal_profile"


# --------------------------------------------------------------------------- batch path


def test_forecast_many_agrees_with_forecast_lane_row_by_row():
    rng = np.random.default_rng(2)
    rows = [
        _seasonal_weekly(0.1, seed=4),
        np.full(WEEKS, 50.0) + rng.normal(0, 5, WEEKS),
        np.where(rng.random(WEEKS) < 0.3, rng.gamma(2, 4, WEEKS), 0.0),
        np.r_[np.full(100, 30.0), np.full(56, 60.0)] + rng.normal(0, 3, WEEKS),
        np.zeros(WEEKS),
    ]
    matrix = np.maximum(np.vstack(rows), 0)
    batch = fc.forecast_many(matrix, horizon=13, season_length=SEASON)
    assert batch.mean.shape == (5, 13) and batch.mase.shape == (5, len(fc.METHODS) + 1)
    for i, row in enumerate(matrix):
        lane = fc.forecast_lane(row, horizon=13, season_length=SEASON)
        assert lane.method == batch.method[i]
        assert lane.pattern == batch.patterns[i]
        np.testing.assert_allclose(lane.mean, batch.mean[i], atol=1e-9)
        np.testing.assert_allclose(lane.lower, batch.lower[i], atol=1e-9)
        np.testing.assert_allclose(lane.upper, batch.upper[i], atol=1e-9)
        np.testing.assert_allclose(
            [lane.backtest_mase[m] for m in batch.methods], batch.mase[i], atol=1e-9
        )


def test_chosen_method_has_lowest_eligible_backtest_mase():
    history = _seasonal_weekly(0.1, seed=9)
    lane = fc.forecast_lane(history, horizon=13, season_length=SEASON)
    finite = {m: v for m, v in lane.backtest_mase.items() if np.isfinite(v)}
    # the strong season restricts the choice to the seasonal methods (or their combination)
    eligible = {m: v for m, v in finite.items() if m in fc.SEASONAL_METHODS}
    best = min(eligible.values())
    if lane.method == fc.COMBINATION:  # the mean of the two best, within the tolerance
        assert lane.backtest_mase[fc.COMBINATION] <= fc.COMBINATION_TOLERANCE * best
    else:
        assert lane.backtest_mase[lane.method] == best


@settings(max_examples=60, deadline=None)
@given(
    matrix=st.integers(1, 4).flatmap(
        lambda lanes: st.integers(1, 70).flatmap(
            lambda periods: arrays(
                float, (lanes, periods), elements=st.floats(0, 1e4, allow_subnormal=False)
            )
        )
    ),
    horizon=st.integers(1, 20),
    season_length=st.integers(1, 13),
)
def test_property_shapes_and_non_negativity(matrix, horizon, season_length):
    batch = fc.forecast_many(matrix, horizon=horizon, season_length=season_length)
    lanes = matrix.shape[0]
    assert batch.mean.shape == batch.lower.shape == batch.upper.shape == (lanes, horizon)
    assert batch.method.shape == batch.patterns.shape == (lanes,)
    assert np.all(np.isfinite(batch.mean)) and np.all(np.isfinite(batch.upper))
    assert np.all(batch.lower >= 0)
    assert np.all(batch.lower <= batch.mean) and np.all(batch.mean <= batch.upper)
    assert set(batch.patterns.tolist()) <= set(fc.PATTERNS)


# --------------------------------------------------------------------------- daily helper


def test_daily_history_with_two_years_sees_the_q4_peak():
    days = np.arange(3 * 364)
    weekday = np.array([1.1, 1.2, 1.1, 1.0, 1.3, 0.7, 0.6])[days % 7]
    yearly = 1 + 0.8 * ((days % 364) >= 300)  # peak in the last nine weeks of each year
    rng = np.random.default_rng(7)
    history = 40 * weekday * yearly * (1 + rng.normal(0, 0.05, days.size))
    # stop just before the peak of year 3: the next 90 days contain it
    cut = 2 * 364 + 280
    lane = fc.forecast_daily_history(history[:cut], horizon_days=90)
    assert lane.mean.shape == (90,) and lane.method.startswith("weekly ")
    assert lane.season_length == 364
    before, during = lane.mean[:14].mean(), lane.mean[30:60].mean()
    assert during > 1.4 * before
    # weekday shape survives the weekly model: day 4 (factor 1.3) above day 6 (0.6)
    assert lane.mean[4] > lane.mean[6]
    assert np.all(lane.lower <= lane.mean) and np.all(lane.mean <= lane.upper)


def test_daily_history_short_uses_weekday_season():
    pattern = np.array([10.0, 12, 11, 13, 15, 4, 2])
    lane = fc.forecast_daily_history(np.tile(pattern, 20), horizon_days=10)
    assert lane.season_length == 7 and lane.mean.shape == (10,)
    np.testing.assert_allclose(lane.mean[:7], pattern, rtol=1e-6)


# --------------------------------------------------------------------------- guard clauses


@pytest.mark.parametrize(
    ("history", "kwargs", "word"),
    [
        ([], {}, "history"),
        ([1.0, -2.0, 3.0], {}, ">= 0"),
        ([1.0, np.nan, 3.0], {}, "finite"),
        ([1.0, 2.0, 3.0], {"horizon": 0}, "horizon"),
        ([1.0, 2.0, 3.0], {"season_length": 0}, "season_length"),
        ([1.0, 2.0, 3.0], {"interval_level": 1.0}, "interval_level"),
        (list(range(10)), {"holdout": 9}, "holdout"),
    ],
)
def test_invalid_input_raises_value_error(history, kwargs, word):
    options = {"horizon": 3, "season_length": 1} | kwargs
    with pytest.raises(ValueError, match=word):
        fc.forecast_lane(np.array(history, float), **options)


def test_daily_helper_rejects_bad_horizon():
    with pytest.raises(ValueError, match="horizon"):
        fc.forecast_daily_history(np.ones(30), horizon_days=0)

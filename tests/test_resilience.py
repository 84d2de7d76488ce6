"""Resilience index: coverage of each lane's own tail risk, bounds and monotonicity."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inventory_math as im
import resilience as rs

DAYS, LEAD, ALPHA, DEPENDENCY = 730, 5.0, 0.95, 0.2


def _stable_and_shock_lanes() -> tuple[np.ndarray, np.ndarray]:
    """Two lanes with the same mean demand (100/day): normal noise vs. rare big spikes."""
    rng = np.random.default_rng(7)
    stable = np.maximum(rng.normal(100.0, 20.0, DAYS), 0.0)
    spikes = rng.random(DAYS) < 0.01
    shock = np.maximum(rng.normal(100.0, 5.0, DAYS) + 400.0 * spikes, 0.0)
    shock += 100.0 - shock.mean()  # equal means, by construction
    stable += 100.0 - stable.mean()
    return stable, shock


def _score(demand: np.ndarray, *, alpha: float = ALPHA) -> rs.ResilienceScore:
    # Buffer sized the usual way: by the lane's own daily sigma at the same alpha.
    ss = im.safety_stock(alpha, demand_mean=demand.mean(), demand_std=demand.std(ddof=1),
                         lead_time_mean=LEAD, lead_time_std=0.0)
    tail = rs.empirical_tail_risk(demand, lead_time_days=LEAD)
    return rs.resilience_index(safety_stock=ss, tail_risk=tail, dependency_ratio=DEPENDENCY)


def test_shock_lane_scores_lower_than_stable_lane():
    stable, shock = _stable_and_shock_lanes()
    assert stable.mean() == pytest.approx(shock.mean())
    stable_score, shock_score = _score(stable), _score(shock)
    assert shock_score.score < stable_score.score
    assert shock_score.coverage < stable_score.coverage
    assert shock_score.independence == stable_score.independence == pytest.approx(0.8)
    # The seed's sigma-based coverage (SS / (z sigma_LTD) capped at 1) cannot tell them apart.
    for demand in (stable, shock):
        sigma_ltd = im.lead_time_demand_std(demand.mean(), demand.std(ddof=1), LEAD, 0.0)
        ss = im.safety_stock(ALPHA, demand.mean(), demand.std(ddof=1), LEAD, 0.0)
        assert min(1.0, ss / (1.6448536269514722 * sigma_ltd)) == pytest.approx(1.0)


def test_tail_risk_matches_direct_rolling_sums():
    stable, shock = _stable_and_shock_lanes()
    for demand in (stable, shock):
        sums = np.convolve(demand, np.ones(5), mode="valid")
        direct = np.quantile(sums, 0.99) - sums.mean()
        assert rs.empirical_tail_risk(demand, LEAD) == pytest.approx(direct)


def test_matrix_variant_matches_per_lane_results_with_lane_specific_lead_times():
    stable, shock = _stable_and_shock_lanes()
    history = np.vstack([stable, shock, stable[::-1]])
    lead = np.array([5.0, 2.4, 0.2])  # windows 5, 2 and 1 day(s)
    matrix = rs.empirical_tail_risk_matrix(history, lead, quantile=0.95)
    single = [rs.empirical_tail_risk(row, lt, quantile=0.95) for row, lt in zip(history, lead,
                                                                                  strict=True)]
    np.testing.assert_allclose(matrix, single)


def test_matrix_variant_skips_missing_days():
    row = np.arange(1.0, 11.0)
    padded = np.vstack([np.r_[row, np.full(5, np.nan)], np.full(15, np.nan)])
    result = rs.empirical_tail_risk_matrix(padded, 3.0)
    assert result[0] == pytest.approx(rs.empirical_tail_risk(row, 3.0))
    assert np.isnan(result[1])
    gap = np.r_[row[:5], np.nan, row[5:]]
    sums = np.array([6, 9, 12, 21, 24, 27], dtype=float)  # windows not touching the gap
    assert rs.empirical_tail_risk(gap, 3.0) == pytest.approx(np.quantile(sums, 0.99) - sums.mean())


def test_tail_risk_errors():
    with pytest.raises(ValueError, match="at least 5 consecutive days"):
        rs.empirical_tail_risk([1.0, 2.0, 3.0], lead_time_days=5)
    with pytest.raises(ValueError, match="quantile"):
        rs.empirical_tail_risk([1.0, 2.0, 3.0], lead_time_days=1, quantile=1.0)
    with pytest.raises(ValueError, match="daily_demand"):
        rs.empirical_tail_risk([1.0, -2.0, 3.0], lead_time_days=1)


def test_index_formula_and_edge_cases():
    score = rs.resilience_index(safety_stock=50, tail_risk=100, dependency_ratio=0.2)
    assert score.score == pytest.approx(100 * (0.5 * 0.5 + 0.5 * 0.8))
    assert score.weights == (0.5, 0.5)
    assert rs.resilience_index(safety_stock=10, tail_risk=0, dependency_ratio=0).score == 100.0
    assert rs.resilience_index(safety_stock=-10, tail_risk=50, dependency_ratio=1).score == 0.0
    weighted = rs.resilience_index(safety_stock=50, tail_risk=100, dependency_ratio=0.2,
                                   coverage_weight=1.0)
    assert weighted.score == pytest.approx(50.0)
    with pytest.raises(ValueError, match=r"dependency_ratio must be finite and in \[0, 1\]"):
        rs.resilience_index(safety_stock=1, tail_risk=1, dependency_ratio=1.5)


def test_index_is_vectorised():
    score = rs.resilience_index(safety_stock=np.array([0.0, 50.0, 200.0]), tail_risk=100.0,
                                dependency_ratio=np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(score.score, [50.0, 50.0, 50.0])
    np.testing.assert_allclose(score.coverage, [0.0, 0.5, 1.0])


finite = st.floats(min_value=-1e6, max_value=1e6)
fractions = st.floats(min_value=0.0, max_value=1.0)


@settings(deadline=None)
@given(ss=finite, tail=finite, delta=fractions, w=fractions)
def test_score_bounds(ss, tail, delta, w):
    result = rs.resilience_index(safety_stock=ss, tail_risk=tail, dependency_ratio=delta,
                                 coverage_weight=w)
    assert 0.0 <= result.score <= 100.0
    assert 0.0 <= result.coverage <= 1.0


@settings(deadline=None)
@given(ss1=finite, ss2=finite, tail=finite, d1=fractions, d2=fractions, w=fractions)
def test_score_monotone_in_buffer_and_dependency(ss1, ss2, tail, d1, d2, w):
    low_ss, high_ss = sorted((ss1, ss2))
    low_d, high_d = sorted((d1, d2))

    def score(ss: float, delta: float) -> float:
        return rs.resilience_index(safety_stock=ss, tail_risk=tail, dependency_ratio=delta,
                                   coverage_weight=w).score

    assert score(high_ss, low_d) >= score(low_ss, low_d) - 1e-9
    assert score(low_ss, low_d) >= score(low_ss, high_d) - 1e-9


@given(
    st.lists(st.lists(st.one_of(st.none(), st.floats(0, 1e4)), min_size=1, max_size=30),
             min_size=1, max_size=8),
    st.floats(0.01, 0.99),
)
def test_row_quantile_matches_numpy_nanquantile(rows, q):
    width = max(len(r) for r in rows)
    values = np.array(
        [[np.nan if v is None else v for v in r] + [np.nan] * (width - len(r)) for r in rows]
    )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(values, q, axis=1)
    got = rs._row_quantile(values, q)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)

"""Benchmark: per-lane backtest model choice vs the seed's linear trend.

Generated weekly demand (fixed seed): 1,000 lanes x 156 weeks, 25 % each of
seasonal (yearly cycle + Q4 peak), stable, shock (permanent level shift or a
temporary disruption) and intermittent (Bernoulli occurrences x gamma sizes).
The last 13 weeks are the scored (outer) holdout and are never seen by the
forecaster; the model choice uses an inner backtest on the 13 weeks before.

Prints mean MASE (lag-1 naive in-sample scale) per method and for the per-lane
choice, the improvement vs the linear trend, wall time for 1,000 lanes and the
time ratio against the linear-trend baseline measured in the same run.

Run: python bench/forecast_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import forecast as fc  # noqa: E402

SEED = 20240613
N_LANES = 1_000
N_WEEKS = 156  # 3 years
SEASON = 52
OUTER_HOLDOUT = 13  # scored weeks (one quarter)
REPEATS = 5  # timing: best of
OTHER_SEEDS = (1, 2, 3, 4)


def _seasonal(rng: np.random.Generator, n: int, weeks: np.ndarray) -> np.ndarray:
    level = rng.uniform(50, 500, (n, 1))
    amp = rng.uniform(0.15, 0.45, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    peak_week = rng.integers(44, 51, (n, 1))
    peak = rng.uniform(0.2, 0.8, (n, 1))
    pos = weeks % SEASON
    bump = np.exp(-0.5 * ((pos - peak_week) / 1.5) ** 2)
    growth = 1 + rng.uniform(-0.002, 0.004, (n, 1)) * weeks
    shape = 1 + amp * np.sin(2 * np.pi * weeks / SEASON + phase) + peak * bump
    noise = rng.normal(0, rng.uniform(0.05, 0.15, (n, 1)), (n, weeks.size))
    return level * growth * shape * (1 + noise)


def _stable(rng: np.random.Generator, n: int, weeks: np.ndarray) -> np.ndarray:
    level = rng.uniform(20, 400, (n, 1))
    # slowly wandering level (local-level model) plus measurement noise
    drift = np.cumsum(rng.normal(0, 0.01, (n, weeks.size)), axis=1)
    noise = rng.normal(0, rng.uniform(0.05, 0.25, (n, 1)), (n, weeks.size))
    return level * (1 + drift) * (1 + noise)


def _shock(rng: np.random.Generator, n: int, weeks: np.ndarray) -> np.ndarray:
    base = _stable(rng, n, weeks)
    at = rng.integers(40, N_WEEKS - OUTER_HOLDOUT - 4, (n, 1))
    permanent = rng.random((n, 1)) < 0.6
    factor = np.where(rng.random((n, 1)) < 0.5, rng.uniform(0.4, 0.8, (n, 1)), rng.uniform(1.3, 2.0, (n, 1)))
    length = rng.integers(3, 12, (n, 1))
    after = weeks >= at
    during = after & (weeks < at + length)
    mult = np.where(permanent, np.where(after, factor, 1.0), np.where(during, factor, 1.0))
    return base * mult


def _intermittent(rng: np.random.Generator, n: int, weeks: np.ndarray) -> np.ndarray:
    prob = rng.uniform(0.1, 0.6, (n, 1))
    size_mean = rng.uniform(2, 30, (n, 1))
    shape = rng.choice([0.7, 1.5, 4.0, 10.0], (n, 1))  # gamma shape: CV^2 = 1/shape
    occur = rng.random((n, weeks.size)) < prob
    sizes = rng.gamma(shape, size_mean / shape, (n, weeks.size))
    return np.where(occur, np.ceil(sizes), 0.0)


def generate(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return (demand [lanes x weeks] >= 0, kind label per lane)."""
    weeks = np.arange(N_WEEKS)
    quarter = N_LANES // 4
    parts = [_seasonal, _stable, _shock, _intermittent]
    kinds = np.repeat(["seasonal", "stable", "shock", "intermittent"], quarter)
    y = np.vstack([f(rng, quarter, weeks) for f in parts])
    return np.maximum(np.round(y, 1), 0.0), kinds


def linear_trend_seed_style(train: np.ndarray, horizon: int) -> np.ndarray:
    """Baseline as a seed would run it: np.polyfit per lane, clipped at 0."""
    t = np.arange(train.shape[1])
    out = np.empty((train.shape[0], horizon))
    for i, row in enumerate(train):
        slope, intercept = np.polyfit(t, row, 1)
        out[i] = intercept + slope * np.arange(train.shape[1], train.shape[1] + horizon)
    return np.maximum(out, 0.0)


def best_time(func, repeats: int = REPEATS) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    rng = np.random.default_rng(SEED)
    y, kinds = generate(rng)
    train, test = y[:, :-OUTER_HOLDOUT], y[:, -OUTER_HOLDOUT:]
    scale = fc.mase_scale(train)

    def score(forecast: np.ndarray) -> np.ndarray:
        return np.mean(np.abs(test - np.maximum(forecast, 0.0)), axis=1) / scale

    print(f"{N_LANES} lanes x {N_WEEKS} weeks, season {SEASON}, outer holdout {OUTER_HOLDOUT} weeks, "
          f"inner (selection) holdout {OUTER_HOLDOUT} weeks; MASE scale = in-sample lag-1 naive MAE")
    print(f"{'method':<18}{'mean MASE':>10}" + "".join(f"{k:>14}" for k in np.unique(kinds)))
    per_method = {}
    for name in fc.METHODS:
        fit = fc.fit_method(name, train, horizon=OUTER_HOLDOUT, season_length=SEASON)
        per_method[name] = score(fit[0])
    t_auto, batch = best_time(
        lambda: fc.forecast_many(train, horizon=OUTER_HOLDOUT, season_length=SEASON, holdout=OUTER_HOLDOUT)
    )
    per_method["per-lane choice"] = score(batch.mean)
    for name, s in per_method.items():
        by_kind = "".join(f"{s[kinds == k].mean():>14.3f}" for k in np.unique(kinds))
        print(f"{name:<18}{s.mean():>10.3f}{by_kind}")

    base = per_method["linear_trend"].mean()
    auto = per_method["per-lane choice"].mean()
    print(f"\nimprovement of per-lane choice vs linear trend: {100 * (base - auto) / base:.1f} %")
    others = []
    for seed in OTHER_SEEDS:  # is the gain a property of the method or of one draw?
        y_o, _ = generate(np.random.default_rng(seed))
        tr_o, te_o = y_o[:, :-OUTER_HOLDOUT], y_o[:, -OUTER_HOLDOUT:]
        sc_o = fc.mase_scale(tr_o)
        lin = fc.fit_method("linear_trend", tr_o, horizon=OUTER_HOLDOUT, season_length=SEASON)[0]
        sel = fc.forecast_many(tr_o, horizon=OUTER_HOLDOUT, season_length=SEASON, holdout=OUTER_HOLDOUT)
        m_lin = np.mean(np.abs(te_o - np.maximum(lin, 0)), axis=1) / sc_o
        m_sel = np.mean(np.abs(te_o - sel.mean), axis=1) / sc_o
        others.append(f"seed {seed}: {100 * (m_lin.mean() - m_sel.mean()) / m_lin.mean():.1f} %")
    print("same generator, other seeds:", ", ".join(others))
    inside = (test >= batch.lower) & (test <= batch.upper)
    print(f"empirical coverage of the {batch.interval_level:.0%} interval on the outer holdout: "
          f"{inside.mean():.1%}")
    chosen, counts = np.unique(batch.method, return_counts=True)
    print("chosen methods:", dict(zip(chosen.tolist(), counts.tolist(), strict=True)))
    patterns, pcounts = np.unique(batch.patterns, return_counts=True)
    print("demand patterns:", dict(zip(patterns.tolist(), pcounts.tolist(), strict=True)))

    t_lin_vec, _ = best_time(
        lambda: fc.fit_method("linear_trend", train, horizon=OUTER_HOLDOUT, season_length=SEASON)
    )
    t_lin_seed, _ = best_time(lambda: linear_trend_seed_style(train, OUTER_HOLDOUT))
    print(f"\nwall time, {N_LANES} lanes (best of {REPEATS}):")
    print(f"  per-lane choice (inner backtest + refit + forecast + intervals): {1000 * t_auto:.1f} ms")
    print(f"  linear trend, vectorised OLS:        {1000 * t_lin_vec:.2f} ms  "
          f"-> per-lane choice / this = {t_auto / t_lin_vec:.1f}x")
    print(f"  linear trend, np.polyfit per lane:   {1000 * t_lin_seed:.1f} ms  "
          f"-> per-lane choice / this = {t_auto / t_lin_seed:.2f}x")

    daily = np.repeat(y[0] / 7.0, 7) * np.tile([1.1, 1.2, 1.1, 1.0, 1.3, 0.7, 0.6], N_WEEKS)
    t_daily, _ = best_time(lambda: fc.forecast_daily_history(daily[-1095:], horizon_days=90))
    t_daily_short, _ = best_time(lambda: fc.forecast_daily_history(daily[-700:], horizon_days=90))
    print(f"  forecast_daily_history, 1,092 days (weekly + yearly season): {1000 * t_daily:.1f} ms")
    print(f"  forecast_daily_history, 700 days (daily, weekday season):     {1000 * t_daily_short:.1f} ms")


if __name__ == "__main__":
    main()

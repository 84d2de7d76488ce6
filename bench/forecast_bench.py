"""Benchmark: our per-lane forecast vs statsforecast's AutoETS, AutoTheta and SeasonalNaive.

One run prints three parts.

1. Synthetic: 1,000 weekly lanes x 156 weeks (fixed seed), 25 % each seasonal
   (yearly cycle + Q4 peak, growth), stable, shock and intermittent.  Scored on
   ``OUTER_ORIGINS`` rolling origins of 13 weeks at the end that the
   forecaster never sees.  Ours runs on all 1,000 lanes (one vectorised call
   per origin, the network tier with the coarse smoothing grid); the
   statsforecast references fit one lane at a time and take ~0.15 s per fit,
   so they run on a stratified sample of ``SAMPLE`` lanes (``--full``: all
   1,000), and ours is reported on the same sample as well.
2. Real public series from ``tests/data/public`` (sources in its README): 3 rolling
   origins each, ours on the single-lane path (fine grid) vs the references.
3. Throughput: the network tier (``forecast_daily_many``) on 1,000 lanes x
   3 years of days, and the single-lane paths, best of ``REPEATS``.

MASE: mean absolute error over the origin's horizon / in-sample mean absolute
lag-1 naive error (Hyndman & Koehler 2006), averaged over origins and series
(lanes).  Coverage: share of actuals inside the 90 % interval.

Run: python bench/forecast_bench.py [--full]
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import forecasting as fc  # noqa: E402

SEED = 20240613
N_LANES = 1_000
N_WEEKS = 156  # 3 years
SEASON = 52
OUTER_HOLDOUT = 13  # scored weeks (one quarter)
REPEATS = 3  # timing: best of
OUTER_ORIGINS = 2  # synthetic: rolling origins scored at the end of the history
SAMPLE = 200  # synthetic lanes the statsforecast references run on (stratified by kind)
LEVEL = 0.9
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "public"
# (file, period, season length m, horizon h [periods])
REAL_SERIES = (
    ("air_passengers_monthly.csv", "month", 12, 12),
    ("elec_equip_orders_monthly.csv", "month", 12, 12),
    ("vic_electricity_daily.csv", "day", 7, 14),
    ("mauna_loa_co2_monthly.csv", "month", 12, 12),
    ("us_real_consumption_quarterly.csv", "quarter", 4, 4),
)
REAL_ORIGINS = 3
REFERENCES = ("AutoETS", "AutoTheta", "SeasonalNaive")


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


def best_time(func, repeats: int = REPEATS) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _reference(name: str, train: np.ndarray, horizon: int, m: int) -> tuple[np.ndarray, ...]:
    """(mean, lower, upper) of one statsforecast model on one series."""
    from statsforecast import models

    model = getattr(models, name)(season_length=m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.forecast(y=train.astype(float), h=horizon, level=[int(LEVEL * 100)])
    tag = int(LEVEL * 100)
    return out["mean"], out[f"lo-{tag}"], out[f"hi-{tag}"]


def _score(actual, mean, lower, upper, train) -> tuple[float, float]:
    scale = fc.mase_scale(train)[0]
    return float(np.mean(np.abs(actual - mean)) / scale), float(
        np.mean((actual >= lower) & (actual <= upper))
    )


def synthetic(full: bool) -> None:
    y, kinds = generate(np.random.default_rng(SEED))
    rng = np.random.default_rng(SEED + 1)
    sample = np.arange(N_LANES) if full else np.sort(np.concatenate([
        rng.choice(np.flatnonzero(kinds == k), SAMPLE // 4, replace=False) for k in np.unique(kinds)
    ]))
    ours_mase, ours_cov, ours_time = [], [], 0.0
    ref = {name: ([], [], 0.0) for name in REFERENCES}
    for o in range(OUTER_ORIGINS):
        end = N_WEEKS - (o + 1) * OUTER_HOLDOUT
        train, test = y[:, :end], y[:, end : end + OUTER_HOLDOUT]
        start = time.perf_counter()
        batch = fc.forecast_many(train, horizon=OUTER_HOLDOUT, season_length=SEASON)
        ours_time += time.perf_counter() - start
        ours_mase.append(np.mean(np.abs(test - batch.mean), axis=1) / fc.mase_scale(train))
        ours_cov.append(np.mean((test >= batch.lower) & (test <= batch.upper), axis=1))
        for name in REFERENCES:
            scores, covs, spent = ref[name]
            start = time.perf_counter()
            for i in sample:
                mean, lo, hi = _reference(name, train[i], OUTER_HOLDOUT, SEASON)
                s, c = _score(test[i], np.maximum(mean, 0), lo, hi, train[i])
                scores.append(s)
                covs.append(c)
            ref[name] = (scores, covs, spent + time.perf_counter() - start)
    m_all, c_all = np.mean(ours_mase, axis=0), np.mean(ours_cov, axis=0)
    print(f"1) synthetic: {N_LANES} weekly lanes x {N_WEEKS} weeks, m = {SEASON}, "
          f"{OUTER_ORIGINS} rolling origins x {OUTER_HOLDOUT} weeks; references on "
          f"{len(sample)} lanes ({'all' if full else 'stratified sample, --full for all'})")
    print(f"   {'method':<34}{'MASE (sample)':>14}{'MASE (1,000)':>14}{'cover 90%':>11}{'wall time':>12}")
    print(f"   {'ours (network tier, per-lane choice)':<34}{m_all[sample].mean():>14.3f}"
          f"{m_all.mean():>14.3f}{c_all.mean():>11.1%}{ours_time:>10.2f} s")
    best = np.inf
    for name in REFERENCES:
        scores, covs, spent = ref[name]
        best = min(best, float(np.mean(scores)))
        print(f"   {'statsforecast ' + name:<34}{np.mean(scores):>14.3f}{'':>14}"
              f"{np.mean(covs):>11.1%}{spent:>10.2f} s")
    print(f"   ours / best reference on the sample: {m_all[sample].mean() / best:.3f} "
          f"(target <= 1.00); by kind (ours, 1,000 lanes): "
          + ", ".join(f"{k} {m_all[kinds == k].mean():.3f}" for k in np.unique(kinds)))


def real_series() -> None:
    print(f"\n2) real public series (tests/data/public), {REAL_ORIGINS} rolling origins each, "
          "ours = single-lane path")
    print(f"   {'series':<36}{'ours':>8}" + "".join(f"{n:>15}" for n in REFERENCES)
          + f"{'ours/best':>11}{'cover ours':>12}{'cover ETS':>11}")
    coverage_all = []
    for file, period, m, h in REAL_SERIES:
        y = pd.read_csv(DATA / file)["demand"].to_numpy(dtype=float)
        ours, cov, refs, ref_cov = [], [], {n: [] for n in REFERENCES}, []
        for o in range(REAL_ORIGINS):
            end = len(y) - (o + 1) * h
            train, test = y[:end], y[end : end + h]
            if period == "day":
                lane = fc.forecast_daily_history(train, horizon_days=h)
            else:
                lane = fc.forecast_lane(train, horizon=h, season_length=m)
            s, c = _score(test, lane.mean, lane.lower, lane.upper, train)
            ours.append(s)
            cov.append(c)
            for name in REFERENCES:
                mean, lo, hi = _reference(name, train, h, m)
                s, c = _score(test, np.maximum(mean, 0), lo, hi, train)
                refs[name].append(s)
                if name == "AutoETS":
                    ref_cov.append(c)
        best = min(np.mean(v) for v in refs.values())
        coverage_all.extend(cov)
        label = f"{file.removesuffix('.csv')} (m={m}, h={h})"
        print(f"   {label:<36}{np.mean(ours):>8.3f}"
              + "".join(f"{np.mean(refs[n]):>15.3f}" for n in REFERENCES)
              + f"{np.mean(ours) / best:>11.3f}{np.mean(cov):>12.1%}{np.mean(ref_cov):>11.1%}")
    print(f"   target: ours/best <= 1.05 on every series; coverage of ours over all real origins: "
          f"{np.mean(coverage_all):.1%}")


def throughput() -> None:
    y, _ = generate(np.random.default_rng(SEED))
    weekday = np.array([1.1, 1.2, 1.1, 1.0, 1.3, 0.7, 0.6])
    rng = np.random.default_rng(7)
    daily = np.repeat(y / 7.0, 7, axis=1) * np.tile(weekday, N_WEEKS)[None, :]
    daily = np.maximum(daily * (1 + rng.normal(0, 0.1, daily.shape)), 0.0)[:, -1095:]
    print(f"\n3) wall time (best of {REPEATS}, warm)")
    t_net, net = best_time(lambda: fc.forecast_daily_many(daily, horizon_days=90))
    print(f"   network tier: forecast_daily_many, {N_LANES} lanes x 1,095 days, 90-day horizon: "
          f"{t_net:.2f} s (target < 2 s)")
    t_week, _ = best_time(lambda: fc.forecast_many(y, horizon=13, season_length=SEASON))
    print(f"   forecast_many, {N_LANES} lanes x {N_WEEKS} weeks, 13-week horizon: {t_week:.2f} s")
    t_one, _ = best_time(lambda: fc.forecast_daily_history(daily[0], horizon_days=90))
    print(f"   lane tier: forecast_daily_history, one lane x 1,095 days: {1000 * t_one:.0f} ms")
    t_young, _ = best_time(lambda: fc.forecast_daily_history(daily[0, -400:], horizon_days=90))
    print(f"   lane tier: forecast_daily_history, one lane x 400 days (weekday season): "
          f"{1000 * t_young:.0f} ms")
    air = pd.read_csv(DATA / "air_passengers_monthly.csv")["demand"].to_numpy(dtype=float)
    t_month, _ = best_time(lambda: fc.forecast_lane(air, horizon=12, season_length=12))
    print(f"   lane tier: forecast_lane, 144 months: {1000 * t_month:.0f} ms")
    methods, counts = np.unique(net.method, return_counts=True)
    print("   network tier methods:", dict(zip(methods.tolist(), counts.tolist(), strict=True)))


def main() -> None:
    full = "--full" in sys.argv[1:]
    start = time.perf_counter()
    synthetic(full)
    real_series()
    throughput()
    print(f"\nbench total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

"""Real public series (tests/data/public, sources in its README) imported and forecast end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import db
import forecasting as fc
import planning
from domain import LaneMasterData

DATA = Path(__file__).resolve().parent / "data" / "public"
SERIES = [
    ("air_passengers_monthly.csv", "AIR-PAX", "month", 144),
    ("elec_equip_orders_monthly.csv", "ELEC-EQUIP", "month", 257),
    ("vic_electricity_daily.csv", "VIC-ELEC", "day", 150),
    ("us_real_consumption_quarterly.csv", "US-CONS", "quarter", 203),
]


def _csv_history(name: str) -> np.ndarray:
    return pd.read_csv(DATA / name)["demand"].to_numpy(dtype=float)


@pytest.mark.parametrize(("name", "lane", "period", "rows"), SERIES)
def test_public_series_imports_and_plans_end_to_end(sqlite_engine, name, lane, period, rows):
    report = db.import_csv(DATA / name, engine=sqlite_engine)
    assert not report.errors and report.lanes == [lane]
    history = db.load_demand(lane, engine=sqlite_engine)
    assert len(history) == rows
    plan = planning.plan_lane(history, LaneMasterData(code=lane, name=lane), horizon_days=90)
    assert plan.stats.source_period == period
    fview = plan.forecast
    assert len(fview.mean) == 90 and np.all(np.isfinite(fview.mean))
    assert np.all(fview.lower <= fview.mean) and np.all(fview.mean <= fview.upper)
    # the method is named in planner words, never by its internal id
    assert "_" not in fc.method_label(fview.method)


def test_quarterly_history_gets_a_four_quarter_season(sqlite_engine):
    db.import_csv(DATA / "us_real_consumption_quarterly.csv", engine=sqlite_engine)
    history = db.load_demand("US-CONS", engine=sqlite_engine)
    plan = planning.plan_lane(history, LaneMasterData(code="US-CONS", name="US-CONS"), horizon_days=365)
    last_quarter_per_day = history["demand"].iloc[-1] / (365 / 4)
    # a steadily growing series: the next year's forecast continues near the last level
    assert plan.forecast.mean.mean() == pytest.approx(last_quarter_per_day, rel=0.1)


def test_air_passengers_last_year_beats_seasonal_naive():
    # Box-Jenkins series G: trend with a season growing with the level (multiplicative)
    y = _csv_history("air_passengers_monthly.csv")
    train, test = y[:-12], y[-12:]
    lane = fc.forecast_lane(train, horizon=12, season_length=12)
    naive = train[-12:]
    assert fc.mase(test, lane.mean, train) < 0.8 * fc.mase(test, naive, train)
    assert np.mean((test >= lane.lower) & (test <= lane.upper)) >= 0.75


def test_daily_electricity_load_keeps_the_weekday_cycle():
    y = _csv_history("vic_electricity_daily.csv")
    lane = fc.forecast_daily_history(y[:-14], horizon_days=14)
    assert lane.season_length == 7
    # weekends are lower than weekdays in the actuals and in the forecast
    assert np.corrcoef(lane.mean, y[-14:])[0, 1] > 0.5
    assert fc.mase(y[-14:], lane.mean, y[:-14]) < 1.0

"""Plan vs last 365 days vs simulation; every history period gives the same figures everywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import db
import planning
import seed_data
from domain import LaneMasterData
from planning import reconciliation

COMPARED = ["safety_stock", "reorder_point", "fill_rate", "expected_overflow_per_year",
            "overflow_last_year", "partner_capacity_to_reserve", "penalty_cost_per_year",
            "expected_profit_per_year", "resilience", "demand_mean", "status", "pattern", "period"]


def _lane_value(plan: planning.LanePlan, column: str):
    return {
        "resilience": plan.resilience.score, "demand_mean": plan.stats.demand_mean,
        "period": plan.stats.source_period,
    }.get(column, getattr(plan, column, None))


@pytest.fixture(scope="module")
def seeded() -> tuple[pd.DataFrame, dict[str, LaneMasterData]]:
    frame, masters = seed_data.generate_scenarios(seed=1)
    return frame, {m.code: m for m in masters}


def test_watchtower_row_equals_the_lane_plan_for_every_period():
    rng = np.random.default_rng(5)
    daily_dates = pd.date_range("2023-01-02", periods=900, freq="D")
    weekly_dates = pd.date_range("2023-01-02", periods=130, freq="W-MON")
    monthly_dates = pd.date_range("2022-01-01", periods=36, freq="MS")
    short_dates = daily_dates[-84:]  # a young daily lane next to 3-year lanes
    stale_dates = daily_dates[:-40]  # stopped 40 days before the network's last day
    frames = {
        "DAILY": (daily_dates, rng.normal(200, 40, daily_dates.size).clip(0)),
        "WEEKLY": (weekly_dates, rng.normal(1400, 150, weekly_dates.size).clip(0)),
        "MONTHLY": (monthly_dates, rng.normal(6000, 700, monthly_dates.size).clip(0)),
        "SHORT": (short_dates, rng.normal(40, 2, short_dates.size).clip(0)),
        "STALE": (stale_dates, rng.normal(60, 10, stale_dates.size).clip(0)),
    }
    demand = pd.concat([pd.DataFrame({"date": d, "lane": lane, "demand": v})
                        for lane, (d, v) in frames.items()], ignore_index=True)
    masters = {lane: LaneMasterData(code=lane, internal_capacity=cap)
               for lane, cap in [("DAILY", 230.0), ("WEEKLY", 210.0), ("MONTHLY", 205.0),
                                 ("SHORT", 45.0), ("STALE", 70.0)]}
    network = planning.plan_network(demand, masters)
    table = network.table.set_index("lane")
    assert table.loc["WEEKLY", "period"] == "week" and table.loc["MONTHLY", "period"] == "month"
    assert table.loc["STALE", "status"] == planning.STATUS_NO_DATA
    assert table.loc["SHORT", "pattern"] == "smooth"  # not zero-padded into "intermittent"
    for lane, (dates, values) in frames.items():
        plan = planning.plan_lane(pd.DataFrame({"date": dates, "demand": values}), masters[lane],
                                  as_of=network.as_of)
        for column in COMPARED:
            expected = _lane_value(plan, column)
            got = table.loc[lane, column]
            if isinstance(expected, str):
                assert got == expected, (lane, column)
            else:
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (lane, column)


def test_five_rows_of_steady_volume_are_not_a_surge():
    """A 5-row import of 38-42 units/day: mean 40, not zero-filled, not an alert, no fake resilience."""
    dates = pd.date_range("2026-11-26", periods=5, freq="D")
    history = pd.DataFrame({"date": dates, "demand": [38.0, 40.0, 42.0, 39.0, 41.0]})
    other = pd.DataFrame({"date": pd.date_range("2024-01-01", "2026-11-30"), "demand": 100.0})
    demand = pd.concat([history.assign(lane="NEW"), other.assign(lane="OLD")])
    network = planning.plan_network(demand, {})
    row = network.table.set_index("lane").loc["NEW"]
    assert row["demand_mean"] == pytest.approx(40.0)
    assert row["status"] == planning.STATUS_NORMAL
    assert row["pattern"] != "intermittent"


def test_quiet_low_volume_lane_is_not_a_surge():
    """Recent 7 days below the lane's mean must never read as a surge (noise-aware status)."""
    rng = np.random.default_rng(4)
    values = rng.poisson(1.1, 400).astype(float)
    values[-7:] = [0, 2, 0, 1, 0, 3, 0]  # 0.86 units/day < 1.1
    plan = planning.plan_lane(pd.DataFrame({"date": pd.date_range("2025-01-01", periods=400),
                                            "demand": values}), LaneMasterData(code="Q"))
    assert plan.status != planning.STATUS_SURGE


def test_overflow_last_year_is_the_direct_replay_on_every_seeded_lane(seeded):
    frame, masters = seeded
    network = planning.plan_network(frame, masters)
    table = network.table.set_index("lane")
    for lane, group in frame.groupby("lane"):
        params = masters[lane]
        days = group.sort_values("date").tail(365)
        caps = np.asarray(params.capacity_by_weekday())[pd.DatetimeIndex(days["date"]).weekday]
        replay = np.maximum(days["demand"].to_numpy() * (1 + params.return_rate) - caps, 0.0).sum()
        plan = planning.plan_lane(group[["date", "demand"]], params)
        assert plan.overflow_last_year == pytest.approx(replay)
        assert table.loc[lane, "overflow_last_year"] == pytest.approx(replay)


def test_demo_lanes_reconcile_with_the_twin(seeded):
    """Overflow, fill rate and profit within 3 SE (or 2 % / 1 pp) of the twin on every demo lane."""
    frame, masters = seeded
    for lane, group in frame.groupby("lane"):
        plan = planning.plan_lane(group[["date", "demand"]], masters[lane])
        rec = reconciliation.reconcile(plan, replications=1000)
        rows = {r.figure: r for r in rec.rows}
        for figure in ("Overflow to partners", "Fill rate", "Expected profit"):
            assert rows[figure].agrees, (lane, figure, rows[figure])
        # the history witness is a real replay: same overflow as the plan's replay figure
        assert rec.history.overflow_per_year == pytest.approx(plan.overflow_last_year)


def test_a_disagreement_is_explained(seeded):
    frame, masters = seeded
    lane = "FRA-PAR"
    group = frame[frame["lane"] == lane]
    plan = planning.plan_lane(group[["date", "demand"]], masters[lane].with_overrides(review_period_days=0))
    rec = reconciliation.reconcile(plan, replications=500)
    if not all(r.agrees for r in rec.rows):
        assert rec.explanations, "every disagreement beyond 3 SE needs a sentence"


def test_older_database_files_get_the_new_master_data_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE lanes (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(200) UNIQUE, "
            "name TEXT, internal_capacity FLOAT, holding_cost FLOAT, penalty_cost FLOAT, "
            "partner_surcharge FLOAT, order_cost FLOAT, handling_cost FLOAT, revenue_per_unit FLOAT, "
            "return_rate FLOAT, lead_time_mean FLOAT, lead_time_std FLOAT)")
        conn.execute("INSERT INTO lanes (code, name, internal_capacity, holding_cost, penalty_cost, "
                     "partner_surcharge, order_cost, handling_cost, revenue_per_unit, return_rate, "
                     "lead_time_mean, lead_time_std) VALUES ('OLD', '', 200, 12, 25, 4, 250, 3.5, 18, "
                     "0.05, 5, 1.5)")
    engine = db.get_engine(f"sqlite:///{path}")
    master = db.get_lane_master("OLD", engine=engine)
    assert master.review_period_days == 1 and master.capacity_coverage_level == pytest.approx(0.95)
    assert master.weekday_capacity is None and master.reservation_fee == 0.0


def test_bootstrap_twin_applies_the_weekday_pattern_once(seeded):
    """The Risk tab's "bootstrap demand" draws the lane's days without their weekday factor,
    so the twin's D_t = f(weekday) x_t has the lane's own spread on each weekday.  Drawing
    the raw days and multiplying by f again would add the weekday swing twice (~25 % more)."""
    frame, masters = seeded
    history = frame[frame["lane"] == "BER-MUC"].set_index("date")["demand"]
    plan = planning.plan_lane(history, masters["BER-MUC"])
    factors = np.asarray(plan.weekday_factors)
    assert not np.allclose(factors, 1.0)  # BER-MUC has a weekday pattern
    drawn = np.asarray(reconciliation.twin_inputs(plan, bootstrap=True).demand.history, dtype=float)
    last_year = history.iloc[-365:]
    assert drawn.mean() == pytest.approx(last_year.mean(), rel=0.02)
    ratios = [factors[d] * drawn.std() / last_year[last_year.index.weekday == d].std()
              for d in range(7)]
    assert np.mean(ratios) == pytest.approx(1.0, abs=0.1)

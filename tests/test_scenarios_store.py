"""Saved scenarios in the store (SQLite and PostgreSQL) and their pure core."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import db
from domain import LaneMasterData, NotFoundError, Scenario, ValidationError
from domain import saved_scenario as scenarios
from domain.saved_scenario import SavedScenario
from presentation import scenario_comparison


@pytest.fixture
def lane(engine: db.Engine) -> LaneMasterData:
    db.delete_all_scenarios(engine=engine)  # the PostgreSQL database lives for the whole session
    master = LaneMasterData(code="BER-MUC", name="Berlin-Munich", internal_capacity=400.0,
                            weekday_capacity=(400.0,) * 5 + (200.0, 0.0))
    db.save_lane_master(master, engine=engine)
    return master


def _saved(name: str, master: LaneMasterData, **changes) -> SavedScenario:
    return SavedScenario(name=name, lane=master.code, params=master.with_overrides(**changes),
                         service_level=0.97, horizon_days=60)


def test_save_list_get_round_trip(engine: db.Engine, lane: LaneMasterData) -> None:
    stored = db.save_scenario(_saved("Peak +20 %", lane, internal_capacity=480.0,
                                     capacity_coverage_level=0.9, reservation_fee=0.4),
                              engine=engine)
    assert stored.saved_at is not None and stored.saved_at.tzinfo is not None
    got = db.get_scenario("BER-MUC", "Peak +20 %", engine=engine)
    assert got.params == lane.with_overrides(internal_capacity=480.0, capacity_coverage_level=0.9,
                                             reservation_fee=0.4)
    assert got.params.weekday_capacity == (400.0,) * 5 + (200.0, 0.0)
    assert (got.service_level, got.horizon_days) == (0.97, 60)
    assert abs(got.saved_at - stored.saved_at) < dt.timedelta(seconds=1)
    assert [s.name for s in db.list_scenarios("BER-MUC", engine=engine)] == ["Peak +20 %"]
    assert db.list_scenarios("HAM-ROT", engine=engine) == []


def test_profit_optimal_service_level_is_stored_as_none(engine: db.Engine, lane: LaneMasterData) -> None:
    saved = SavedScenario(name="optimal", lane=lane.code, params=lane, service_level=None)
    db.save_scenario(saved, engine=engine)
    assert db.get_scenario(lane.code, "optimal", engine=engine).service_level is None


def test_duplicate_name_is_refused_unless_overwritten(engine: db.Engine, lane: LaneMasterData) -> None:
    db.save_scenario(_saved("A", lane), engine=engine)
    with pytest.raises(ValidationError, match="already has a scenario named 'A'"):
        db.save_scenario(_saved("A", lane, internal_capacity=1.0), engine=engine)
    db.save_scenario(_saved("A", lane, internal_capacity=1.0), overwrite=True, engine=engine)
    assert db.get_scenario(lane.code, "A", engine=engine).params.internal_capacity == 1.0
    assert len(db.list_scenarios(engine=engine)) == 1


def test_rename_and_delete(engine: db.Engine, lane: LaneMasterData) -> None:
    db.save_scenario(_saved("A", lane), engine=engine)
    db.save_scenario(_saved("B", lane), engine=engine)
    with pytest.raises(ValidationError, match="already has a scenario named 'B'"):
        db.rename_scenario(lane.code, "A", "B", engine=engine)
    db.rename_scenario(lane.code, "A", "  C  ", engine=engine)
    assert [s.name for s in db.list_scenarios(lane.code, engine=engine)] == ["B", "C"]
    db.delete_scenario(lane.code, "B", engine=engine)
    assert [s.name for s in db.list_scenarios(lane.code, engine=engine)] == ["C"]
    with pytest.raises(NotFoundError):
        db.delete_scenario(lane.code, "B", engine=engine)
    with pytest.raises(NotFoundError):
        db.rename_scenario(lane.code, "B", "D", engine=engine)


def test_scenario_of_an_unknown_lane_is_refused(engine: db.Engine, lane: LaneMasterData) -> None:
    other = LaneMasterData(code="XXX-YYY")
    with pytest.raises(NotFoundError, match="XXX-YYY"):
        db.save_scenario(SavedScenario(name="A", lane="XXX-YYY", params=other), engine=engine)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "two\nlines"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="name"):
        SavedScenario(name=name, lane="L", params=LaneMasterData(code="L"))


def test_out_of_range_settings_are_refused() -> None:
    with pytest.raises(ValidationError, match="service_level"):
        SavedScenario(name="a", lane="L", params=LaneMasterData(code="L"), service_level=1.2)
    with pytest.raises(ValidationError, match="horizon_days"):
        SavedScenario(name="a", lane="L", params=LaneMasterData(code="L"), horizon_days=0)
    with pytest.raises(ValidationError, match="belong to lane"):
        SavedScenario(name="a", lane="L", params=LaneMasterData(code="M"))


def test_params_json_tolerates_unknown_and_missing_keys() -> None:
    text = '{"code": "L", "internal_capacity": 99.0, "retired_field": 1}'
    params = scenarios.params_from_json(text)
    assert params == LaneMasterData(code="L", internal_capacity=99.0)
    again = LaneMasterData(code="L", weekday_capacity=(1, 2, 3, 4, 5, 6, 7))
    assert scenarios.params_from_json(scenarios.params_to_json(again)) == again


def test_from_and_to_scenario_round_trip() -> None:
    scenario = Scenario(lane="L", params=LaneMasterData(code="L"), service_level=0.9,
                        horizon_days=30)
    assert SavedScenario.from_scenario("x", scenario).to_scenario() == scenario


def test_format_figure_uses_percentage_points_for_differences() -> None:
    alpha = next(f for f in scenario_comparison.KEY_FIGURES if f.attribute == "service_level")
    assert scenario_comparison.format_figure(0.95, alpha) == "95.0 %"
    assert scenario_comparison.format_figure(0.012, alpha, signed=True) == "+1.2 pp"
    profit = next(f for f in scenario_comparison.KEY_FIGURES if f.attribute == "expected_profit_per_year")
    assert scenario_comparison.format_figure(-1234.4, profit, signed=True) == "-1,234 EUR/year"
    assert scenario_comparison.format_figure(float("nan"), profit) == "—"


def test_a_wiping_bulk_load_keeps_only_the_scenarios_of_lanes_it_brings_back(
    engine: db.Engine, lane: LaneMasterData
) -> None:
    """``python -m services.demo_seeding`` replaces all data: no scenario outlives its lane."""
    other = LaneMasterData(code="GONE-LANE", name="gone")
    db.save_lane_master(other, engine=engine)
    db.save_scenario(_saved("kept", lane), engine=engine)
    db.save_scenario(_saved("orphan", other), engine=engine)
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=3), "lane": "BER-MUC",
                          "demand": [1.0, 2.0, 3.0]})
    db.bulk_load([frame], [lane], engine=engine, wipe=True)
    assert [(s.lane, s.name) for s in db.list_scenarios(engine=engine)] == [("BER-MUC", "kept")]
    db.reset_database(engine=engine)

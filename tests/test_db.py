"""Data layer on real SQLite and PostgreSQL: engines, records, master data, reset, export."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from app_support import app_engine

import db
import storage.engine
from domain import DataAccessError, LaneMasterData, NotFoundError, ValidationError

DAY = dt.date(2024, 3, 1)


# ----------------------------------------------------------------------------- engines


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:pw@h:5432/d", "postgresql+psycopg2://u:pw@h:5432/d"),
        ("postgresql://u:pw@h/d?sslmode=require", "postgresql+psycopg2://u:pw@h/d?sslmode=require"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
        ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
    ],
)
def test_urls_from_hosting_providers_use_psycopg2(given: str, expected: str) -> None:
    assert db.normalise_url(given) == expected


def test_sqlite_file_and_folder_are_created_and_engine_is_cached(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "twin.sqlite"
    url = f"sqlite:///{path}"
    engine = db.get_engine(url)
    try:
        assert path.exists()
        assert db.get_engine(url) is engine
        assert db.list_lanes(engine=engine) == []
        assert db.database_label(engine).startswith("SQLite file ")
    finally:
        db.dispose_engine(url)


@pytest.mark.postgres
def test_both_postgres_url_forms_work(pg_url: str) -> None:
    bare = pg_url.replace("postgresql://", "postgres://")
    for url in (pg_url, bare):
        db.ping(engine=db.get_engine(url))
    assert db.get_engine(bare) is db.get_engine(pg_url)  # same normalised URL, one engine


def test_unreachable_database_raises_data_access_error_without_password() -> None:
    url = "postgresql://planner:s3cret-pw@127.0.0.1:1/lsp"
    with pytest.raises(DataAccessError) as info:
        db.get_engine(url)
    message = str(info.value)
    assert "127.0.0.1:1" in message
    assert "s3cret-pw" not in message
    assert db.database_label(storage.engine.create_engine(db.normalise_url(url))) == "PostgreSQL at 127.0.0.1:1/lsp"


def test_storage_needs_an_engine_and_the_settings_name_its_url(tmp_path: Path, monkeypatch) -> None:
    """Storage never falls back to the configured database: the caller builds the engine
    from ``settings.engine_url`` (DATABASE_URL, else the SQLite file) and passes it."""
    with pytest.raises(TypeError, match="engine"):
        db.list_lanes()  # type: ignore[call-arg]

    from services import config

    path = tmp_path / "configured" / "db.sqlite"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LSP_SQLITE_PATH", str(path))
    config.get_settings.cache_clear()
    try:
        record_id = db.add_record("BER-MUC", DAY, 5, engine=app_engine())
        assert path.exists()
        assert db.get_records("BER-MUC", engine=app_engine())["id"].tolist() == [record_id]
        assert db.database_label(app_engine()) == f"SQLite file {path}"
    finally:
        db.dispose_engine(f"sqlite:///{path}")
        config.get_settings.cache_clear()


# ----------------------------------------------------------------------------- records


def test_add_update_delete_record(engine) -> None:
    record_id = db.add_record("BER-MUC", DAY, 120, engine=engine)
    records = db.get_records("BER-MUC", engine=engine)
    assert list(records.columns) == ["id", "date", "lane", "demand"]
    assert records.iloc[0].tolist() == [record_id, pd.Timestamp(DAY), "BER-MUC", 120.0]

    db.update_record(record_id, volume=80.5, date="2024-03-02", engine=engine)
    after = db.get_records("BER-MUC", engine=engine).iloc[0]
    assert (after["date"], after["demand"]) == (pd.Timestamp("2024-03-02"), 80.5)

    db.delete_record(record_id, engine=engine)
    assert db.get_records("BER-MUC", engine=engine).empty
    assert db.list_lanes(engine=engine) == ["BER-MUC"]  # the lane stays until deleted


def test_missing_ids_raise_not_found(engine) -> None:
    with pytest.raises(NotFoundError):
        db.update_record(999, volume=1, engine=engine)
    with pytest.raises(NotFoundError):
        db.delete_record(999, engine=engine)
    with pytest.raises(NotFoundError):
        db.delete_lane("NOPE", engine=engine)
    with pytest.raises(NotFoundError):
        db.get_lane_master("NOPE", engine=engine)
    with pytest.raises(NotFoundError):
        db.get_records("NOPE", engine=engine)


@pytest.mark.parametrize(
    ("lane", "volume", "fragment"),
    [
        ("A", -1, ">= 0"),
        ("A", math.nan, "NaN"),
        ("A", math.inf, "finite"),
        ("A", 1e12, "exceeds"),
        ("A", "abc", "number"),
        ("   ", 1, "lane name is empty"),
    ],
)
def test_bad_single_records_are_validation_errors(engine, lane, volume, fragment) -> None:
    with pytest.raises(ValidationError, match=fragment):
        db.add_record(lane, DAY, volume, engine=engine)
    assert db.load_demand(engine=engine).empty


def test_update_validates_and_duplicates_are_refused(engine) -> None:
    first = db.add_record("A", DAY, 1, engine=engine)
    db.add_record("A", DAY + dt.timedelta(days=1), 2, engine=engine)
    with pytest.raises(ValidationError, match=">= 0"):
        db.update_record(first, volume=-3, engine=engine)
    with pytest.raises(ValidationError, match="already has a record"):
        db.add_record("A", DAY, 7, engine=engine)
    with pytest.raises(ValidationError, match="already has a record"):
        db.update_record(first, date=DAY + dt.timedelta(days=1), engine=engine)
    assert db.load_demand(engine=engine)["demand"].tolist() == [1.0, 2.0]


def test_get_records_limit_returns_latest_days(engine) -> None:
    for k in range(10):
        db.add_record("A", DAY + dt.timedelta(days=k), k, engine=engine)
    latest = db.get_records("A", limit=3, engine=engine)
    assert latest["demand"].tolist() == [7.0, 8.0, 9.0]
    assert latest.index.tolist() == [0, 1, 2]


def test_delete_lane_removes_history_and_master(engine) -> None:
    db.add_record("A", DAY, 1, engine=engine)
    db.add_record("B", DAY, 2, engine=engine)
    db.delete_lane("A", engine=engine)
    assert db.list_lanes(engine=engine) == ["B"]
    assert db.load_demand(engine=engine)["lane"].tolist() == ["B"]
    assert set(db.list_lane_master(engine=engine)) == {"B"}


def test_reset_restarts_ids(engine) -> None:
    db.add_record("A", DAY, 1, engine=engine)
    db.add_record("A", DAY + dt.timedelta(days=1), 1, engine=engine)
    db.reset_database(engine=engine)
    assert db.list_lanes(engine=engine) == []
    assert db.add_record("B", DAY, 1, engine=engine) == 1


# ----------------------------------------------------------------------------- master data


def test_master_data_defaults_upsert_and_list(engine) -> None:
    db.add_record("Zürich–Milano", DAY, 3, engine=engine)
    assert db.get_lane_master("Zürich–Milano", engine=engine) == LaneMasterData(
        code="Zürich–Milano", name="Zürich–Milano"
    )
    custom = LaneMasterData(code="HAM-ROT", name="Hamburg", internal_capacity=150, lead_time_mean=4)
    db.save_lane_master(custom, engine=engine)
    db.save_lane_master(custom.with_overrides(holding_cost=20.5), engine=engine)
    stored = db.get_lane_master("HAM-ROT", engine=engine)
    assert stored == custom.with_overrides(holding_cost=20.5)
    assert list(db.list_lane_master(engine=engine)) == ["HAM-ROT", "Zürich–Milano"]
    assert db.list_lanes(engine=engine) == ["HAM-ROT", "Zürich–Milano"]


# ----------------------------------------------------------------------------- reading


def test_load_demand_types_and_order(engine) -> None:
    db.add_record("b", DAY + dt.timedelta(days=1), 4, engine=engine)
    db.add_record("b", DAY, 3, engine=engine)
    db.add_record("a", DAY, 1.5, engine=engine)
    frame = db.load_demand(engine=engine)
    assert str(frame["date"].dtype) == "datetime64[ns]"
    assert frame["demand"].dtype == "float64"
    assert frame["lane"].tolist() == ["a", "b", "b"]
    assert frame["demand"].tolist() == [1.5, 3.0, 4.0]
    assert db.load_demand("b", engine=engine)["demand"].tolist() == [3.0, 4.0]
    assert db.load_demand("missing", engine=engine).empty


def test_export_round_trips_through_import(engine) -> None:
    db.add_record('x"); DROP TABLE demand;--', DAY, 2.25, engine=engine)
    db.add_record("Köln; Łódź", DAY, 7, engine=engine)
    data = db.export_csv(engine=engine)
    assert data.startswith(b"date,lane,demand\n")
    before = db.load_demand(engine=engine)
    db.reset_database(engine=engine)
    report = db.import_csv(data, engine=engine)
    assert report.ok and report.inserted == 2
    pd.testing.assert_frame_equal(db.load_demand(engine=engine), before)
    single = db.export_csv("Köln; Łódź", engine=engine).decode()
    assert single.splitlines()[1:] == ["2024-03-01,Köln; Łódź,7"]
    with pytest.raises(NotFoundError):
        db.export_csv("missing", engine=engine)


def test_seed_demo_fills_an_empty_database_only(engine) -> None:
    rows = db.seed_demo(engine=engine, seed=7, end=dt.date(2024, 12, 31))
    assert rows == db.count_records(engine=engine) > 0
    lanes = db.list_lanes(engine=engine)
    assert {"BER-MUC", "HAM-ROT", "FRA-PAR", "MUC-VIE"} <= set(lanes)
    assert len(lanes) == 4 + db.DEMO_SYNTHETIC_LANES
    assert db.get_lane_master("HAM-ROT", engine=engine).internal_capacity == 150.0
    with pytest.raises(ValidationError, match="empty"):
        db.seed_demo(engine=engine)


def test_storage_reads_no_settings() -> None:
    """The composition root hands storage its engine: no module of it imports config."""
    import ast

    for path in sorted((Path(__file__).resolve().parents[1] / "storage").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for alias in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert not imported & {"config", "os", "streamlit"}, path.name

"""The hosted blueprint's seeding path: SEED_DEMO_IF_EMPTY=1 fills an empty database at
start-up, also in the public read-only mode, and never touches a database with data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from app_support import app_engine, clear_app_caches, demand_csv, use_database
from streamlit.testing.v1 import AppTest

import db
from services import config
from services.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 300
DEMO_LANES = 24  # 4 scenario lanes + db.DEMO_SYNTHETIC_LANES


def _blueprint_env() -> dict[str, str]:
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text(encoding="utf-8"))
    (service,) = [s for s in blueprint["services"] if s["type"] == "web"]
    return {e["key"]: str(e["value"]) for e in service["envVars"] if "value" in e}


def test_blueprint_asks_for_seeding_in_public_mode() -> None:
    env = _blueprint_env()
    settings = load_settings({**env, "DATABASE_URL": "postgresql://u:p@dpg-x-a/lsp_twin"})
    assert settings.read_only and settings.seed_demo_if_empty


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("ON", True),
                                               ("0", False), ("no", False), ("", False)])
def test_flag_values(raw: str, expected: bool) -> None:
    assert load_settings({"SEED_DEMO_IF_EMPTY": raw}).seed_demo_if_empty is expected


def test_bad_flag_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SEED_DEMO_IF_EMPTY must be 1 or 0"):
        load_settings({"SEED_DEMO_IF_EMPTY": "maybe"})


def test_public_instance_on_an_empty_database_starts_with_the_demo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_database(monkeypatch, tmp_path / "hosted.sqlite", **_blueprint_env())
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the blueprint's PostgreSQL -> a local file
    clear_app_caches()
    assert config.get_settings().read_only
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(db.list_lanes(engine=app_engine())) == DEMO_LANES
        assert not [b for b in at.button if b.label == "Load demo data"]
        assert len(at.dataframe[0].value) == DEMO_LANES  # the watchtower lists the demo network
        at.run()  # a second visit does not seed again
        assert not at.exception
        assert len(db.list_lanes(engine=app_engine())) == DEMO_LANES
    finally:
        clear_app_caches()


def test_a_database_with_data_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_database(monkeypatch, tmp_path / "own.sqlite", SEED_DEMO_IF_EMPTY="1", APP_MODE="public")
    assert db.import_csv(demand_csv(("OWN-LANE",), 30), engine=app_engine()).ok
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert db.list_lanes(engine=app_engine()) == ["OWN-LANE"]
    finally:
        clear_app_caches()


def test_without_the_flag_an_empty_public_database_shows_the_empty_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_database(monkeypatch, tmp_path / "empty.sqlite", APP_MODE="public")
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        at.run()
        assert not at.exception
        assert db.list_lanes(engine=app_engine()) == []
        assert [b for b in at.button if b.label == "Load demo data"][0].disabled
    finally:
        clear_app_caches()

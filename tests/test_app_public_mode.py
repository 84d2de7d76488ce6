"""Write protection: APP_MODE=public hides and refuses writes; ADMIN_PASSWORD gates them.

The page must not draw write widgets when writes are not allowed, and the
write handlers must refuse on the server side even when called directly
(a forged or stale request).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from app_support import app_engine, demand_csv, page, use_database
from streamlit.testing.v1 import AppTest

import db
import services
from domain import LaneMasterData, Scenario
from services import access, config
from views import nav

SEED_DAYS = 20
SEED_LANES = ("AAA-BBB", "Köln-Łódź")


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


PASSWORD = "Lager-München 42"
WRITE_KEYS = {
    "file_uploader": ["data_import_file"],
    "button": ["data_import_button", "data_reset_button", "data_master_save", "data_add_submit",
               "data_edit_submit", "data_delete_submit", "data_delete_lane_button",
               "data_records_save"],
}


def _fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Path:
    path = tmp_path / "gate.sqlite"
    # Seed in local mode (public mode refuses the UI's writes, not db's own).
    use_database(monkeypatch, path)
    assert db.import_csv(_source(demand_csv(SEED_LANES, SEED_DAYS)), engine=app_engine()).ok
    use_database(monkeypatch, path, **env)
    return path


def _source(data: bytes):
    import io

    return io.BytesIO(data)


def _page() -> AppTest:
    """The app with the Data tab open."""
    return page(nav.DATA)


def _widget_keys(at: AppTest) -> set[str]:
    keys: set[str] = set()
    for kind in WRITE_KEYS:
        keys.update(w.key for w in getattr(at, kind) if w.key)
    return keys


def _write_widgets(at: AppTest) -> set[str]:
    wanted = {key for keys in WRITE_KEYS.values() for key in keys}
    return _widget_keys(at) & wanted


def _every_handler_refused(settings: config.Settings, *, admin: bool) -> None:
    ctx = services.WriteContext(settings=settings, engine=app_engine(), admin_authenticated=admin)
    calls = [
        lambda: services.import_demand(ctx, demand_csv(("X-Y",), 2), "x.csv", "skip"),
        lambda: services.add_record(ctx, "AAA-BBB", dt.date(2030, 1, 1), 5.0),
        lambda: services.update_record(ctx, 1, volume=5.0),
        lambda: services.delete_record(ctx, 1, confirmed=True),
        lambda: services.apply_record_edits(ctx, [services.RecordChange(1, None, 9.0)]),
        lambda: services.save_lane_master(ctx, "AAA-BBB", {"internal_capacity": 1.0}),
        lambda: services.delete_lane(ctx, "AAA-BBB", confirmation="AAA-BBB"),
        lambda: services.factory_reset(ctx, "RESET"),
        lambda: services.restore_backup(ctx, b"PK", "RESTORE"),
        lambda: services.seed_demo(ctx),
        lambda: services.replan(ctx),
        lambda: services.save_scenario(ctx, Scenario(lane="AAA-BBB", params=LaneMasterData(
            code="AAA-BBB")), "x"),
        lambda: services.rename_scenario(ctx, "AAA-BBB", "x", "y"),
        lambda: services.delete_scenario(ctx, "AAA-BBB", "x"),
    ]
    before = db.load_demand(engine=app_engine())
    masters = db.list_lane_master(engine=app_engine())
    for call in calls:
        with pytest.raises(access.AccessDenied):
            call()
    after = db.load_demand(engine=app_engine())
    assert after.equals(before)
    assert db.list_lane_master(engine=app_engine()) == masters


def test_public_mode_draws_no_write_widgets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_db(tmp_path, monkeypatch, APP_MODE="public")
    at = _page()
    assert _write_widgets(at) == set()
    assert not [w for w in at.text_input if (w.key or "").startswith("data_")]
    assert "read-only" in texts(at.info)
    # Reading is allowed: the exports are there.
    assert {"data_export_lane", "data_export_all"} <= {b.key for b in at.download_button}


def test_public_mode_refuses_every_write_server_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_db(tmp_path, monkeypatch, APP_MODE="public", ADMIN_PASSWORD=PASSWORD)
    settings = config.get_settings()
    assert settings.read_only
    # Even an admin session cannot write to a public instance.
    _every_handler_refused(settings, admin=True)


def test_public_mode_with_password_offers_no_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_db(tmp_path, monkeypatch, APP_MODE="public", ADMIN_PASSWORD=PASSWORD)
    at = _page()
    assert not [w for w in at.text_input if (w.key or "").startswith("data_")]
    assert _write_widgets(at) == set()


def test_admin_password_gates_the_write_widgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_db(tmp_path, monkeypatch, ADMIN_PASSWORD=PASSWORD)
    at = _page()
    assert _write_widgets(at) == set()
    assert at.text_input(key="data_admin_password") is not None

    at.text_input(key="data_admin_password").input("wrong password")
    at.button(key="data_admin_sign_in").click()
    at.run()
    assert not at.exception
    assert "Wrong admin password" in texts(at.error)
    assert _write_widgets(at) == set()

    # The back-off delay after a wrong password has passed (tests/test_admin_backoff.py).
    monkeypatch.setattr(access, "THROTTLE", access.LoginThrottle())
    at.text_input(key="data_admin_password").input(PASSWORD)
    at.button(key="data_admin_sign_in").click()
    at.run()
    assert not at.exception
    assert "Signed in as admin" in texts(at.success)
    assert {"data_import_file", "data_reset_button", "data_master_save"} <= _widget_keys(at)

    at.button(key="data_admin_sign_out").click()
    at.run()
    assert not at.exception
    assert _write_widgets(at) == set()


def test_admin_password_refuses_unauthenticated_writes_server_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_db(tmp_path, monkeypatch, ADMIN_PASSWORD=PASSWORD)
    settings = config.get_settings()
    _every_handler_refused(settings, admin=False)
    # The same handler works once the session is authenticated.
    services.add_record(
        services.WriteContext(settings=settings, engine=app_engine(), admin_authenticated=True),
        "AAA-BBB", dt.date(2030, 1, 1), 5.0)
    assert len(db.load_demand("AAA-BBB", engine=app_engine())) == SEED_DAYS + 1


def test_full_app_public_mode_has_no_write_widgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_db(tmp_path, monkeypatch, APP_MODE="public")
    at = _page()
    assert not at.file_uploader
    assert _write_widgets(at) == set()

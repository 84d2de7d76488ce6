"""Safe by default: local runs listen on localhost; a server on every interface needs
APP_MODE=public or ADMIN_PASSWORD before anything can be written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from app_support import app_engine, clear_app_caches, demand_csv, use_database
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

import db
from services import access
from services.config import load_settings
from views import nav

ROOT = Path(__file__).resolve().parent.parent


def test_local_config_binds_localhost_and_caps_uploads() -> None:
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["address"] == "localhost"
    assert 0 < server["maxUploadSize"] <= 200
    docker = (ROOT / "Dockerfile").read_text()
    assert "--server.address=0.0.0.0" in docker
    assert f"STREAMLIT_SERVER_MAX_UPLOAD_SIZE={server['maxUploadSize']}" in docker


def test_exposed_server_without_password_is_read_only() -> None:
    open_local = load_settings({})
    assert access.write_access(open_local, admin_authenticated=False).allowed
    gate = access.write_access(open_local, admin_authenticated=False, exposed=True)
    assert not gate.allowed and not gate.needs_password and "ADMIN_PASSWORD" in gate.reason
    with pytest.raises(access.AccessDenied, match="every network interface"):
        access.require_write(open_local, admin_authenticated=False, action="factory reset",
                             exposed=True)
    protected = load_settings({"ADMIN_PASSWORD": "pw-123456"})
    assert access.write_access(protected, admin_authenticated=True, exposed=True).allowed


def test_app_on_all_interfaces_hides_and_refuses_writes(tmp_path, monkeypatch) -> None:
    use_database(monkeypatch, tmp_path / "exposed.sqlite")
    assert db.import_csv(demand_csv(("AAA-BBB",), 10), engine=app_engine()).ok
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[nav.TAB_KEY] = nav.DATA
        at.run()
        assert not at.exception
        keys = {w.key for w in at.button} | {w.key for w in at.text_input}
        assert "data_reset_button" not in keys and "data_import_button" not in keys
        import services
        from views import admin

        # The page's write context sees the binding, and the service refuses with it.
        ctx = services.WriteContext(settings=load_settings({}), engine=app_engine(),
                                    exposed=admin.exposed())
        with pytest.raises(access.AccessDenied):
            services.factory_reset(ctx, "RESET")
    finally:
        st_config.set_option("server.address", previous)
        clear_app_caches()
    assert db.count_records(engine=app_engine()) == 10

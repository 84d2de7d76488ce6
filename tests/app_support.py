"""Helpers shared by the AppTest suites: a small import file, pointing the app at a DB,
the app's engine and write context, and opening a page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

import db
from services import WriteContext, access, config

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE_TIMEOUT_S = 120

START = dt.date(2024, 1, 1)
APP_ENV_VARS = ("DATABASE_URL", "APP_MODE", "ADMIN_PASSWORD", "GEMINI_API_KEY", "GOOGLE_API_KEY")


def demand_csv(lanes: tuple[str, ...], days: int, *, start: dt.date = START, base: float = 10.0) -> bytes:
    """A valid import file: one row per lane and day (volume base + lane index + weekday)."""
    rows = ["date,lane,demand"]
    for k, lane in enumerate(lanes):
        for d in range(days):
            rows.append(f"{start + dt.timedelta(days=d):%Y-%m-%d},{lane},{base + k + d % 7}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def clear_app_caches() -> None:
    """Settings are read once per process and plans are cached: start afresh."""
    access.THROTTLE = access.LoginThrottle()  # no sign-in back-off carried between tests
    config.get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path, **env: str) -> None:
    """Point config (and so db and the app) at the SQLite file ``path`` with extra ``env``."""
    for name in APP_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LSP_SQLITE_PATH", str(path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    clear_app_caches()


def run(at: AppTest) -> AppTest:
    """Run the app once and fail with the page's exception texts if it raised."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def app_engine() -> Engine:
    """The engine the app builds from the current settings (cached per URL: the same object)."""
    return db.get_engine(config.get_settings().engine_url)


def write_context(*, admin: bool = False, **kwargs: object) -> WriteContext:
    """A service-layer context on the app's settings and engine (no caches to clear)."""
    return WriteContext(settings=config.get_settings(), engine=app_engine(),
                        admin_authenticated=admin, **kwargs)


def page(tab: str | None = None, *, target: Path | None = None,
         timeout: float = PAGE_TIMEOUT_S) -> AppTest:
    """The app (or ``target``) run once with ``tab`` open (app.py runs only the open tab)."""
    from views import nav

    at = AppTest.from_file(str(target or APP), default_timeout=timeout)
    if tab is not None:
        at.session_state[nav.TAB_KEY] = tab
    return run(at)

"""Helpers shared by the AppTest suites: a small import file and pointing the app at a DB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from services import access
from services import config

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

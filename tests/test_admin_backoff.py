"""The admin gate resists guessing: doubling delay, per-session and global lockout, a log line
per attempt that never contains the password."""

from __future__ import annotations

import logging

import pytest
from app_support import app_engine, clear_app_caches, demand_csv, use_database
from streamlit.testing.v1 import AppTest

import db
from services import access
from services.config import load_settings
from views import nav

SECRET = "Lager-München-42"
SETTINGS = load_settings({"ADMIN_PASSWORD": SECRET})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _throttle() -> tuple[access.LoginThrottle, FakeClock]:
    clock = FakeClock()
    return access.LoginThrottle(clock=clock), clock


def test_delay_doubles_then_locks_out() -> None:
    throttle, clock = _throttle()
    waits = []
    for k in range(access.SESSION_LOCKOUT_AFTER):
        outcome = access.attempt_sign_in("guess", SETTINGS, session="s1", throttle=throttle)
        assert not outcome.accepted
        waits.append(outcome.wait_s)
        if k < access.SESSION_LOCKOUT_AFTER - 1:
            clock.now += outcome.wait_s  # the attacker waits exactly as long as told
    assert waits == [1.0, 2.0, 4.0, 8.0, access.LOCKOUT_S]
    # even the right password is not checked while locked
    refused = access.attempt_sign_in(SECRET, SETTINGS, session="s1", throttle=throttle)
    assert not refused.accepted and "locked for 15 minutes" in refused.message
    clock.now += access.LOCKOUT_S + 1
    assert access.attempt_sign_in(SECRET, SETTINGS, session="s1", throttle=throttle).accepted


def test_attempt_during_the_delay_is_refused_unchecked() -> None:
    throttle, clock = _throttle()
    access.attempt_sign_in("guess", SETTINGS, session="s1", throttle=throttle)
    clock.now += 0.5
    outcome = access.attempt_sign_in(SECRET, SETTINGS, session="s1", throttle=throttle)
    assert not outcome.accepted and outcome.wait_s == pytest.approx(0.5)


def test_fifty_guesses_from_fresh_sessions_take_hours_not_seconds() -> None:
    """New sessions do not escape the global limit: at most GLOBAL_LOCKOUT_AFTER guesses are
    checked per LOCKOUT_S, however patient or parallel the attacker is."""
    throttle, clock = _throttle()
    start, checked, k = clock.now, 0, 0
    while checked < 50:
        k += 1
        outcome = access.attempt_sign_in("guess", SETTINGS, session=f"s{k}", throttle=throttle)
        if outcome.message.startswith("Wrong"):
            checked += 1
        else:
            clock.now += outcome.wait_s  # refused unchecked: wait as told, new session
    assert clock.now - start >= 2 * access.LOCKOUT_S
    # hammering right after the guesses: the right password is refused, unchecked
    final = access.attempt_sign_in(SECRET, SETTINGS, session="fresh", throttle=throttle)
    assert not final.accepted


def test_every_attempt_is_logged_without_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    throttle, clock = _throttle()
    logger = logging.getLogger("lsp")
    logger.propagate = True  # let caplog see our lines
    with caplog.at_level(logging.INFO, logger="lsp"):
        access.attempt_sign_in("wrong-Lager", SETTINGS, session="s1", who="10.0.0.7",
                               throttle=throttle)
        clock.now += 10
        access.attempt_sign_in(SECRET, SETTINGS, session="s1", who="10.0.0.7", throttle=throttle)
    lines = [r.getMessage() for r in caplog.records if r.name == "lsp.access"]
    assert len(lines) == 2
    assert "failed" in lines[0] and "accepted" in lines[1]
    assert all("10.0.0.7" in line for line in lines)
    assert not any(SECRET in line or "wrong-Lager" in line for line in lines)


def test_sign_in_form_backs_off(tmp_path, monkeypatch) -> None:
    use_database(monkeypatch, tmp_path / "gate.sqlite", ADMIN_PASSWORD=SECRET)
    monkeypatch.setattr(access, "THROTTLE", access.LoginThrottle())
    assert db.import_csv(demand_csv(("AAA-BBB",), 10), engine=app_engine()).ok
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state[nav.TAB_KEY] = nav.DATA
    at.run()
    try:
        at.text_input(key="data_admin_password").input("guess-1")
        at.button(key="data_admin_sign_in").click().run()
        assert "Wrong admin password" in at.error[0].value
        assert "Wait 1 s" in at.error[0].value
        at.text_input(key="data_admin_password").input(SECRET)
        at.button(key="data_admin_sign_in").click().run()
        assert not at.exception
        assert "Wait" in at.error[0].value  # right password, but inside the delay
        assert "lsp_admin_authenticated" not in at.session_state
    finally:
        clear_app_caches()

"""Write protection: public read-only mode, admin password, local single-user run."""

from __future__ import annotations

import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import LspError
from services import access
from services.access import (
    WRITE_ACTIONS,
    AccessDenied,
    WriteAccess,
    check_admin_password,
    require_write,
    write_access,
)
from services.config import load_settings

PASSWORD = "Lager-Ost-2024!"


@pytest.fixture
def public():
    return load_settings({"APP_MODE": "public", "ADMIN_PASSWORD": PASSWORD})


@pytest.fixture
def protected():
    return load_settings({"APP_MODE": "local", "ADMIN_PASSWORD": PASSWORD})


@pytest.fixture
def local():
    return load_settings({})


def test_access_denied_is_an_lsp_error():
    assert issubclass(AccessDenied, LspError)


@pytest.mark.parametrize("action", WRITE_ACTIONS)
@pytest.mark.parametrize("authenticated", [False, True])
@pytest.mark.parametrize("password", [None, PASSWORD])
def test_public_mode_refuses_every_write_action(action, authenticated, password):
    settings = load_settings({"APP_MODE": "public", "ADMIN_PASSWORD": password or ""})
    decision = write_access(settings, admin_authenticated=authenticated)
    assert decision == WriteAccess(
        allowed=False, reason="read-only public mode", needs_password=False
    )
    assert not decision
    with pytest.raises(AccessDenied, match=f"Cannot {action}: .*read-only public mode"):
        require_write(settings, admin_authenticated=authenticated, action=action)


def test_write_actions_cover_import_edits_and_reset():
    assert {"import data", "edit demand records", "edit lane master data", "factory reset",
            "save scenarios", "rename or delete scenarios"} == set(
        WRITE_ACTIONS
    )


def test_password_protected_run_refuses_an_unauthenticated_session(protected):
    decision = write_access(protected, admin_authenticated=False)
    assert not decision.allowed
    assert decision.needs_password
    with pytest.raises(AccessDenied, match="Cannot factory reset: enter the admin password first"):
        require_write(protected, admin_authenticated=False, action="factory reset")


def test_password_protected_run_allows_the_admin(protected):
    decision = write_access(protected, admin_authenticated=True)
    assert decision.allowed and not decision.needs_password
    for action in WRITE_ACTIONS:
        require_write(protected, admin_authenticated=True, action=action)


def test_local_run_without_password_allows_writes(local):
    decision = write_access(local, admin_authenticated=False)
    assert decision == WriteAccess(
        allowed=True, reason="local single-user mode", needs_password=False
    )
    for action in WRITE_ACTIONS:
        require_write(local, admin_authenticated=False, action=action)


def test_right_password_accepted_wrong_refused(protected):
    assert check_admin_password(PASSWORD, protected)
    assert not check_admin_password("wrong", protected)
    assert not check_admin_password(PASSWORD.lower(), protected)
    assert not check_admin_password(PASSWORD[:-1], protected)  # a prefix is not enough
    assert not check_admin_password(PASSWORD + "x", protected)
    assert not check_admin_password(f" {PASSWORD}", protected)


@pytest.mark.parametrize("given_password", [None, ""])
def test_missing_password_is_refused(protected, given_password):
    assert not check_admin_password(given_password, protected)


@pytest.mark.parametrize("given_password", [None, "", "anything"])
def test_nothing_matches_when_no_password_is_configured(local, given_password):
    assert not check_admin_password(given_password, local)


def test_non_ascii_password_works():
    settings = load_settings({"ADMIN_PASSWORD": "Lagerhalle-Düsseldorf-ß"})
    assert check_admin_password("Lagerhalle-Düsseldorf-ß", settings)
    assert not check_admin_password("Lagerhalle-Dusseldorf-ss", settings)


def test_comparison_is_constant_time(protected, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((type(a), type(b)))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert check_admin_password(PASSWORD, protected)
    assert not check_admin_password("wrong-password", protected)
    assert calls == [(bytes, bytes), (bytes, bytes)]


@given(st.text(min_size=1), st.text(min_size=1))
def test_password_check_matches_equality(configured, typed):
    settings = load_settings({"ADMIN_PASSWORD": configured})
    expected = settings.admin_password  # blank-padded values are stripped by config
    assert check_admin_password(typed, settings) == (expected is not None and typed == expected)
    if expected is not None:
        assert check_admin_password(expected, settings)


def test_refusal_messages_never_contain_the_password(public, protected):
    for settings in (public, protected):
        decision = write_access(settings, admin_authenticated=False)
        assert PASSWORD not in decision.reason
        with pytest.raises(AccessDenied) as caught:
            require_write(settings, admin_authenticated=False, action="import data")
        assert PASSWORD not in str(caught.value)

"""Admin sign-in for instances protected by ``ADMIN_PASSWORD``, and the write context.

The session flag only decides what the page *shows*; every write goes
through a :mod:`services` use-case with the :func:`write_context` of this
session, which checks the access rules again on the server side, so hiding
a widget is never the only protection.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.engine import Engine

from services import WriteContext, access
from services.config import Settings
from views import state

ADMIN_SESSION_KEY = "lsp_admin_authenticated"


def admin_authenticated() -> bool:
    """True when this browser session entered the right admin password."""
    return bool(st.session_state.get(ADMIN_SESSION_KEY, False))


def sign_out() -> None:
    """Forget the admin sign-in of this session."""
    st.session_state.pop(ADMIN_SESSION_KEY, None)


def write_access(settings: Settings) -> access.WriteAccess:
    """What this session may do, from the settings and the session's sign-in."""
    return access.write_access(
        settings, admin_authenticated=admin_authenticated(), exposed=exposed()
    )


ALL_INTERFACES = ("0.0.0.0", "::", "[::]")


def exposed() -> bool:
    """True when this server listens on every network interface (Docker, PaaS).

    ``.streamlit/config.toml`` binds local runs to localhost; the Docker image
    passes ``--server.address=0.0.0.0``.
    """
    return str(st.get_option("server.address") or "").strip() in ALL_INTERFACES


def write_context(
    settings: Settings, engine: Engine, *, on_change: Callable[[], None] | None = None
) -> WriteContext:
    """This session's context for a :mod:`services` write use-case.

    ``on_change`` defaults to :func:`state.clear_caches` (every cached read is stale).
    """
    return WriteContext(
        settings=settings, engine=engine, admin_authenticated=admin_authenticated(),
        exposed=exposed(), who=client(), on_change=on_change or state.clear_caches,
    )


def render_admin_login(settings: Settings, *, key_prefix: str = "admin") -> bool:
    """Show the sign-in (or sign-out) controls where they apply.

    Parameters
    ----------
    settings : Settings
        Validated settings; a password field is shown only when
        ``settings.admin_password`` is set and the mode is not public.
    key_prefix : str
        Prefix of the widget keys, so the widget can appear in two places.

    Returns
    -------
    bool
        True when this session may write now.
    """
    gate = write_access(settings)
    if gate.allowed:
        if settings.admin_password and admin_authenticated():
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.caption("Signed in as admin: changes to the data are enabled.")
            if right.button("Sign out", key=f"{key_prefix}_sign_out"):
                sign_out()
                state.flash("info", "Signed out: changes to the data are locked again.")
                st.rerun()
        return True
    if not gate.needs_password:
        # Public mode: no password can unlock writes, so do not offer a field.
        return False
    with st.form(key=f"{key_prefix}_login_form", clear_on_submit=True):
        st.markdown(
            "**Admin sign-in** - importing, editing and deleting data needs the "
            "admin password of this instance."
        )
        password = st.text_input("Admin password", type="password", key=f"{key_prefix}_password")
        submitted = st.form_submit_button("Sign in", key=f"{key_prefix}_sign_in")
    if submitted:
        outcome = access.attempt_sign_in(password, settings, session=session_id(), who=client())
        if outcome.accepted:
            st.session_state[ADMIN_SESSION_KEY] = True
            state.flash("success", outcome.message)
            st.rerun()
        st.error(outcome.message)
    return False


def session_id() -> str:
    """This browser session's id (Streamlit's), for back-off and the log."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def client() -> str:
    """Who is acting, for the log: session id and, when Streamlit knows it, the IP address."""
    address = None
    try:
        address = getattr(st.context, "ip_address", None)
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is none
        address = None
    return f"session:{session_id()[:8]}@{address or 'unknown-ip'}"

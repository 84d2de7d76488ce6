"""Who may change data: the public read-only mode and the admin password.

Pure policy, no Streamlit.  The UI hides write widgets when
:func:`write_access` says no, and every write handler calls
:func:`require_write` again before touching the database, so a forged or
stale request is refused on the server side too.

Rules
-----
* ``APP_MODE=public``: nothing can be written, whatever the password.
* ``ADMIN_PASSWORD`` set: writes need a session that entered it.
* neither: a local single-user run; writes are allowed (the UI keeps its own
  confirmations, e.g. the typed confirmation before a factory reset).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from config import Settings
from domain import LspError

READ_ONLY_REASON = "read-only public mode"
NEEDS_PASSWORD_REASON = "admin password required"
LOCAL_REASON = "local single-user mode"
ADMIN_REASON = "admin authenticated"

# Names of the write actions, for messages and for the UI's handlers.
ACTION_IMPORT = "import data"
ACTION_EDIT_RECORDS = "edit demand records"
ACTION_EDIT_LANES = "edit lane master data"
ACTION_FACTORY_RESET = "factory reset"
WRITE_ACTIONS = (ACTION_IMPORT, ACTION_EDIT_RECORDS, ACTION_EDIT_LANES, ACTION_FACTORY_RESET)


class AccessDenied(LspError):
    """A write was attempted that the current mode or session does not allow."""


@dataclass(frozen=True)
class WriteAccess:
    """Whether this session may write, and why.

    Attributes
    ----------
    allowed : bool
        True when writes may proceed.
    reason : str
        Short explanation for the page (never contains a secret).
    needs_password : bool
        True when entering the admin password would allow writes.
    """

    allowed: bool
    reason: str
    needs_password: bool

    def __bool__(self) -> bool:
        return self.allowed


def write_access(settings: Settings, *, admin_authenticated: bool) -> WriteAccess:
    """Decide whether the session may write.

    Parameters
    ----------
    settings : Settings
        Validated settings (``app_mode``, ``admin_password``).
    admin_authenticated : bool
        True when this session entered the right admin password
        (see :func:`check_admin_password`).

    Examples
    --------
    >>> from config import load_settings
    >>> write_access(load_settings({"APP_MODE": "public"}), admin_authenticated=True).reason
    'read-only public mode'
    >>> write_access(load_settings({}), admin_authenticated=False).allowed
    True
    """
    if settings.read_only:
        return WriteAccess(allowed=False, reason=READ_ONLY_REASON, needs_password=False)
    if settings.admin_password is not None:
        if admin_authenticated:
            return WriteAccess(allowed=True, reason=ADMIN_REASON, needs_password=False)
        return WriteAccess(allowed=False, reason=NEEDS_PASSWORD_REASON, needs_password=True)
    return WriteAccess(allowed=True, reason=LOCAL_REASON, needs_password=False)


def check_admin_password(given: str | None, settings: Settings) -> bool:
    """True when ``given`` equals the configured admin password.

    The comparison takes the same time wherever the first difference is
    (``hmac.compare_digest``), so response times do not leak the password.
    Both sides are compared as UTF-8 bytes because ``compare_digest`` refuses
    non-ASCII ``str``.  False when no password is configured or ``given`` is empty.

    Examples
    --------
    >>> from config import load_settings
    >>> s = load_settings({"ADMIN_PASSWORD": "Lager-München"})
    >>> check_admin_password("Lager-München", s), check_admin_password("lager", s)
    (True, False)
    >>> check_admin_password("anything", load_settings({}))
    False
    """
    expected = settings.admin_password
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_write(settings: Settings, *, admin_authenticated: bool, action: str) -> None:
    """Raise :class:`AccessDenied` unless the session may perform ``action``.

    Call at the start of every write handler, even when the widget was hidden.

    Raises
    ------
    AccessDenied
        Naming ``action`` and what would allow it.

    Examples
    --------
    >>> from config import load_settings
    >>> require_write(load_settings({}), admin_authenticated=False, action="factory reset")
    >>> require_write(load_settings({"APP_MODE": "public"}), admin_authenticated=False,
    ...               action="factory reset")
    Traceback (most recent call last):
    ...
    access.AccessDenied: Cannot factory reset: this instance runs in read-only public mode.
    """
    access = write_access(settings, admin_authenticated=admin_authenticated)
    if access.allowed:
        return
    if access.needs_password:
        raise AccessDenied(f"Cannot {action}: enter the admin password first.")
    raise AccessDenied(f"Cannot {action}: this instance runs in {access.reason}.")

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
  confirmations, e.g. the typed confirmation before a factory reset) - but only
  while the server listens on localhost.  A server bound to every interface
  (the Docker image, ``--server.address=0.0.0.0``) without a password is
  read-only: anybody on the network could otherwise import, edit or reset.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from domain import AccessDenied
from services.config import Settings

log = logging.getLogger("lsp.access")

READ_ONLY_REASON = "read-only public mode"
NEEDS_PASSWORD_REASON = "admin password required"
LOCAL_REASON = "local single-user mode"
ADMIN_REASON = "admin authenticated"
EXPOSED_REASON = (
    "a server reachable on every network interface without ADMIN_PASSWORD "
    "(set ADMIN_PASSWORD, or run locally on localhost)"
)

# Names of the write actions, for messages and for the UI's handlers.
ACTION_IMPORT = "import data"
ACTION_EDIT_RECORDS = "edit demand records"
ACTION_EDIT_LANES = "edit lane master data"
ACTION_FACTORY_RESET = "factory reset"
ACTION_SAVE_SCENARIO = "save scenarios"
ACTION_CHANGE_SCENARIO = "rename or delete scenarios"
WRITE_ACTIONS = (ACTION_IMPORT, ACTION_EDIT_RECORDS, ACTION_EDIT_LANES, ACTION_FACTORY_RESET,
                 ACTION_SAVE_SCENARIO, ACTION_CHANGE_SCENARIO)



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


def write_access(
    settings: Settings, *, admin_authenticated: bool, exposed: bool = False
) -> WriteAccess:
    """Decide whether the session may write.

    Parameters
    ----------
    settings : Settings
        Validated settings (``app_mode``, ``admin_password``).
    admin_authenticated : bool
        True when this session entered the right admin password
        (see :func:`check_admin_password`).
    exposed : bool
        True when the server listens on every network interface.

    Examples
    --------
    >>> from services.config import load_settings
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
    if exposed:
        return WriteAccess(allowed=False, reason=EXPOSED_REASON, needs_password=False)
    return WriteAccess(allowed=True, reason=LOCAL_REASON, needs_password=False)


def check_admin_password(given: str | None, settings: Settings) -> bool:
    """True when ``given`` equals the configured admin password.

    The comparison takes the same time wherever the first difference is
    (``hmac.compare_digest``), so response times do not leak the password.
    Both sides are compared as UTF-8 bytes because ``compare_digest`` refuses
    non-ASCII ``str``.  False when no password is configured or ``given`` is empty.

    Examples
    --------
    >>> from services.config import load_settings
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


def require_write(
    settings: Settings, *, admin_authenticated: bool, action: str, exposed: bool = False
) -> None:
    """Raise :class:`AccessDenied` unless the session may perform ``action``.

    Call at the start of every write handler, even when the widget was hidden.

    Raises
    ------
    AccessDenied
        Naming ``action`` and what would allow it.

    Examples
    --------
    >>> from services.config import load_settings
    >>> require_write(load_settings({}), admin_authenticated=False, action="factory reset")
    >>> require_write(load_settings({"APP_MODE": "public"}), admin_authenticated=False,
    ...               action="factory reset")
    Traceback (most recent call last):
    ...
    domain.errors.AccessDenied: Cannot factory reset: this instance runs in read-only public mode.
    """
    access = write_access(settings, admin_authenticated=admin_authenticated, exposed=exposed)
    if access.allowed:
        return
    if access.needs_password:
        raise AccessDenied(f"Cannot {action}: enter the admin password first.")
    raise AccessDenied(f"Cannot {action}: this instance runs in {access.reason}.")


# --------------------------------------------------------------------------- sign-in throttle

FIRST_DELAY_S = 1.0  # wait after the first wrong password of a session; doubles each time
MAX_DELAY_S = 60.0
SESSION_LOCKOUT_AFTER = 5  # wrong passwords in one session -> locked for LOCKOUT_S
GLOBAL_LOCKOUT_AFTER = 20  # wrong passwords from all sessions within LOCKOUT_S -> all locked
LOCKOUT_S = 15 * 60.0


@dataclass
class _SessionRecord:
    failures: int = 0
    blocked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Back-off against password guessing, per session and for the whole process.

    A session's n-th wrong password makes it wait ``FIRST_DELAY_S * 2**(n-1)``
    seconds (capped at ``MAX_DELAY_S``) before its next attempt is even
    checked; after ``SESSION_LOCKOUT_AFTER`` failures it is locked for
    ``LOCKOUT_S``.  New sessions do not escape: ``GLOBAL_LOCKOUT_AFTER``
    failures from all sessions within ``LOCKOUT_S`` lock sign-in for everyone
    until the window has passed, and every failure also doubles a global delay.
    A right password clears its session's record (not the global window).
    Attempts refused by the throttle do not reach the password comparison.

    ``clock`` returns seconds (monotonic); tests pass a fake one.
    """

    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, _SessionRecord] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)
    _global_blocked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, session: str) -> float:
        """Seconds before ``session`` may try again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            record = self._sessions.get(session)
            mine = record.blocked_until - now if record else 0.0
            shared = self._global_blocked_until - now
            if len(self._recent) >= GLOBAL_LOCKOUT_AFTER:
                shared = max(shared, self._recent[0] + LOCKOUT_S - now)
        return max(0.0, mine, shared)

    def _forget_old(self, now: float) -> None:
        while self._recent and self._recent[0] <= now - LOCKOUT_S:
            self._recent.popleft()

    def record_failure(self, session: str) -> float:
        """Count a wrong password; return the wait imposed on ``session`` [s]."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            self._recent.append(now)
            record = self._sessions.setdefault(session, _SessionRecord())
            record.failures += 1
            if record.failures >= SESSION_LOCKOUT_AFTER:
                delay = LOCKOUT_S
            else:
                delay = min(FIRST_DELAY_S * 2 ** (record.failures - 1), MAX_DELAY_S)
            record.blocked_until = now + delay
            # Global doubling: 1 s after the first failure anywhere, 2 s after the second...
            shared = min(FIRST_DELAY_S * 2 ** (len(self._recent) - 1), MAX_DELAY_S)
            self._global_blocked_until = max(self._global_blocked_until, now + shared)
            if len(self._recent) >= GLOBAL_LOCKOUT_AFTER:
                self._global_blocked_until = max(self._global_blocked_until, now + LOCKOUT_S)
        return delay

    def record_success(self, session: str) -> None:
        with self._lock:
            self._sessions.pop(session, None)


@dataclass(frozen=True)
class SignIn:
    """Outcome of one sign-in attempt."""

    accepted: bool
    message: str
    wait_s: float = 0.0


# One per server process: all sessions of this process share it.
THROTTLE = LoginThrottle()


def attempt_sign_in(
    given: str | None,
    settings: Settings,
    *,
    session: str,
    who: str = "unknown",
    throttle: LoginThrottle | None = None,
) -> SignIn:
    """Check an admin password under the throttle and log the attempt (never the secret).

    Parameters
    ----------
    session : str
        Identifier of the browser session (back-off is per session and global).
    who : str
        What the log should say about the client (e.g. its IP address).
    """
    throttle = throttle or THROTTLE
    wait = throttle.wait_s(session)
    if wait > 0:
        log.warning("admin sign-in refused: throttled session=%s who=%s wait_s=%.0f",
                    session, who, wait)
        return SignIn(False, _wait_message(wait), wait)
    if check_admin_password(given, settings):
        throttle.record_success(session)
        log.info("admin sign-in accepted session=%s who=%s", session, who)
        return SignIn(True, "Signed in as admin: changes to the data are enabled.")
    delay = throttle.record_failure(session)
    log.warning("admin sign-in failed: wrong password session=%s who=%s next_wait_s=%.0f",
                session, who, delay)
    return SignIn(False, "Wrong admin password: changes to the data stay locked. "
                         + _wait_message(delay), delay)


def _wait_message(wait_s: float) -> str:
    if wait_s >= 120:
        return f"Too many wrong passwords: sign-in is locked for {wait_s / 60:.0f} minutes."
    return f"Wait {max(1, round(wait_s))} s before the next attempt."


def log_action(action: str, *, who: str, **details: object) -> None:
    """One log line per destructive or bulk action (who, what; values must hold no secret)."""
    extra = " ".join(f"{key}={value}" for key, value in details.items())
    log.info("action=%r who=%s %s", action, who, extra)

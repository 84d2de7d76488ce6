"""Who writes, where, and what to refresh afterwards: the argument of every write use-case.

A :class:`WriteContext` bundles what each use-case needs besides its own
input: the settings (for the access rules of :mod:`services.access`), the
engine to write through, who is acting (for the log) and a callback that
clears the caller's caches after a successful write.  The UI builds one per
request (``views.admin.write_context``); scripts and tests build their own.
Services never import Streamlit: the callback is how a write reaches the
page's caches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services import access
from services.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine



def no_caches() -> None:
    """Default cache callback: a caller without caches has nothing to clear."""


@dataclass(frozen=True)
class WriteContext:
    """Everything a write use-case needs besides its own input.

    Attributes
    ----------
    settings : Settings
        Validated settings; decide public mode and the admin password.
    engine : sqlalchemy.engine.Engine
        Where to write (built once by the composition root).
    admin_authenticated : bool
        True when this session entered the right admin password.
    exposed : bool
        True when the server listens on every network interface.
    who : str
        What the log says about the client (session, IP address); never a secret.
    on_change : callable
        Called exactly once after every successful write (e.g. clears the
        page's caches); never called when a write fails or is refused.
    """

    settings: Settings
    engine: Engine
    admin_authenticated: bool = False
    exposed: bool = False
    who: str = "unknown"
    on_change: Callable[[], None] = no_caches

    def require(self, action: str) -> None:
        """Raise :class:`domain.AccessDenied` unless this context may perform ``action``."""
        access.require_write(self.settings, admin_authenticated=self.admin_authenticated,
                             action=action, exposed=self.exposed)

    def changed(self) -> None:
        """Tell the caller its cached reads are stale now."""
        self.on_change()

    def log(self, action: str, **details: object) -> None:
        """One log line for a destructive or bulk action (see :func:`access.log_action`)."""
        access.log_action(action, who=self.who, **details)

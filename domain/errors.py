"""The one error hierarchy of the product.

Every error our own code raises towards the UI edge derives from
:class:`LspError`, so the edge (``app.py`` and the views) catches exactly one
base class and shows its message; anything else is a bug and is logged with a
traceback, never shown on the page.
"""

from __future__ import annotations


class LspError(Exception):
    """Base class of every error our own code raises towards the UI edge."""


class DataAccessError(LspError):
    """The database cannot be reached or refused an operation."""


class BusyError(DataAccessError):
    """Another writer held the data for longer than the lock timeout: try again."""


class NotFoundError(LspError):
    """A record or lane that was asked for does not exist."""


class ValidationError(LspError):
    """User-supplied parameters are out of their valid range."""


class PlanningError(LspError, ValueError):
    """History or parameters cannot be planned (e.g. empty history)."""


class AccessDenied(LspError):
    """A write was attempted that the current mode or session does not allow."""


class ConfigError(LspError):
    """An environment variable is missing or malformed."""


class AssistantError(LspError):
    """The online assistant could not answer (no key, timeout, rate limit, API error)."""


class UnknownLaneError(LspError):
    """A lane code the data does not hold."""

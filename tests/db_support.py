"""The engine of the database the settings point at: what the app itself uses."""

from __future__ import annotations

import config
import db


def configured_engine() -> db.Engine:
    """``db.get_engine`` on the configured URL (``DATABASE_URL``, else ``LSP_SQLITE_PATH``)."""
    return db.get_engine(config.get_settings().engine_url)

"""The "Data" tab: import, edit, export and reset the demand history.

Panels: :mod:`~views.data.overview` (what is stored, downloads),
:mod:`~views.data.import_panel`, :mod:`~views.data.records`,
:mod:`~views.data.master` (master data, delete a lane) and
:mod:`~views.data.danger_zone` (factory reset, restore).  Every write goes
through a :mod:`services` use-case with this session's write context; the
widgets only collect input, call it, queue a flash message and rerun.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

import db
from domain import LspError, Scenario
from services.config import Settings
from views import admin
from views.data import danger_zone, import_panel, master, overview, records
from views.data.common import show_error

__all__ = ["render"]


def render(scenario: Scenario, settings: Settings, engine: Engine) -> None:
    """Draw the Data tab for the selected lane of ``scenario``."""
    st.caption(f"Database: {db.database_label(engine)}")
    gate = admin.write_access(settings)
    if settings.read_only:
        st.info(
            "This is a read-only public instance: importing, editing and deleting data are "
            "disabled. You can still browse and download the data."
        )
    elif not gate.allowed and not gate.needs_password:
        st.info(f"Importing, editing and deleting data are disabled: {gate.reason}.")
    else:
        # Password field when locked, "Sign out" when signed in, nothing in local mode.
        admin.render_admin_login(settings, key_prefix="data_admin")
    try:
        lanes = overview.overview(engine)
        overview.export_panel(scenario.lane, lanes, engine)
        if not gate.allowed:
            return
        ctx = admin.write_context(settings, engine)
        st.divider()
        import_panel.render(ctx)
        st.divider()
        records.render(ctx, scenario.lane, lanes)
        st.divider()
        master.render(ctx, scenario.lane, lanes)
        master.delete_lane_panel(ctx, scenario.lane, lanes)
        st.divider()
        danger_zone.reset_panel(ctx, lanes)
        danger_zone.restore_panel(ctx)
    except LspError as exc:  # e.g. DataAccessError: database down
        show_error(exc)

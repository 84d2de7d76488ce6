"""Whole-database actions: backup download, factory reset and restoring a backup."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

import db
import services
from domain import LspError
from services import RESET_PHRASE, RESTORE_PHRASE, WriteContext
from views import state
from views.data.common import show_error


def reset_panel(ctx: WriteContext, lanes: list[str]) -> None:
    """Backup download, typed confirmation, factory reset."""
    with st.container(border=True):
        st.markdown("### :red[Danger zone: factory reset]")
        st.markdown(
            "Deletes **all** demand records, all lane master data and all saved scenarios. "
            "This cannot be undone - download a backup first."
        )
        backup, confirm = st.columns(2, vertical_alignment="bottom")
        backup.download_button(
            "1. Download backup (ZIP: demand and lane master data)",
            data=partial(db.export_backup, engine=ctx.engine),
            file_name=f"lsp_backup_{dt.date.today():%Y%m%d}.zip",
            mime="application/zip",
            key="data_reset_backup",
            on_click="ignore",
            disabled=not lanes,
            icon=":material/download:",
            help="Restore it below (Restore a backup) to get every lane back exactly.",
        )
        typed = confirm.text_input(
            f"2. Type {RESET_PHRASE} to confirm", key="data_reset_typed", placeholder=RESET_PHRASE
        )
        if st.button("3. Delete all data", key="data_reset_button", type="primary"):
            try:
                services.factory_reset(ctx, typed)
            except LspError as exc:
                show_error(exc)
            else:
                state.flash("success", "Factory reset done: the database is empty.")
                st.rerun()


def restore_panel(ctx: WriteContext) -> None:
    """Upload a backup ZIP and replace all data with it (typed confirmation)."""
    with st.container(border=True):
        st.markdown("### Restore a backup")
        st.markdown(
            "Replaces **all** demand records and all lane master data with the content of a "
            "backup ZIP from **Download backup**. The whole file is checked first: a damaged "
            "backup restores nothing and leaves the current data as it is."
        )
        upload = st.file_uploader("Backup ZIP", type=["zip"], key="data_restore_file")
        typed = st.text_input(
            f"Type {RESTORE_PHRASE} to confirm", key="data_restore_typed",
            placeholder=RESTORE_PHRASE,
        )
        if st.button("Restore backup", key="data_restore_button", disabled=upload is None):
            try:
                restored = services.restore_backup(ctx, upload.getvalue(), typed)
            except LspError as exc:
                show_error(exc)
            else:
                state.flash("success", f"Backup restored: {restored.lanes:,} lanes, "
                                       f"{restored.rows:,} demand records.")
                st.rerun()

"""Edit the demand records of the selected lane: table edits, add, edit and delete by id."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import db
import services
from domain import LspError, NotFoundError
from importing.safe_text import md
from services import RecordChange, WriteContext
from views import state
from views.data.common import show_error

EDITOR_VERSION_KEY = "data_records_editor_version"
EDITOR_ROWS = 30  # latest records of the selected lane shown for inline editing


def record_changes(original: pd.DataFrame, edited: pd.DataFrame) -> list[RecordChange]:
    """Rows whose date or demand differ between two copies of the records table.

    >>> before = pd.DataFrame({"id": [1, 2], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...                        "lane": ["A", "A"], "demand": [5.0, 6.0]})
    >>> after = before.copy(); after.loc[1, "demand"] = 7.5
    >>> record_changes(before, after)
    [RecordChange(record_id=2, date=None, volume=7.5)]
    """
    old = original.set_index("id")
    changes: list[RecordChange] = []
    for _, row in edited.iterrows():
        record_id = int(row["id"])
        if record_id not in old.index:
            continue
        before = old.loc[record_id]
        new_date = None if pd.isna(row["date"]) else pd.Timestamp(row["date"]).date()
        old_date = pd.Timestamp(before["date"]).date()
        new_volume = None if pd.isna(row["demand"]) else float(row["demand"])
        date = new_date if new_date is not None and new_date != old_date else None
        volume = (
            new_volume
            if new_volume is not None and new_volume != float(before["demand"])
            else None
        )
        if date is not None or volume is not None:
            changes.append(RecordChange(record_id, date, volume))
    return changes


def render(ctx: WriteContext, lane: str, lanes: list[str]) -> None:
    """The records table of ``lane`` and the add / edit / delete forms."""
    st.subheader(f"Records of lane {md(lane)}")
    if lane in lanes:
        _table(ctx, lane)
    else:
        st.info(f"Lane {md(lane)} has no records yet; add one below or import a file.")
    add_col, edit_col, delete_col = st.columns(3)
    with add_col:
        _add_form(ctx, lane)
    with edit_col:
        _edit_form(ctx)
    with delete_col:
        _delete_form(ctx)


def _table(ctx: WriteContext, lane: str) -> None:
    records = db.get_records(lane, limit=EDITOR_ROWS, engine=ctx.engine)
    st.caption(
        f"The latest {len(records)} days of {md(lane)}. Edit date or demand in the table, "
        "then press **Save table edits**."
    )
    version = st.session_state.get(EDITOR_VERSION_KEY, 0)
    edited = st.data_editor(
        records,
        key=f"data_records_editor_{version}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=["id", "lane"],
        column_config={
            "id": st.column_config.NumberColumn("Record id", format="%d"),
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", required=True),
            "lane": "Lane",
            "demand": st.column_config.NumberColumn(
                "Demand [units/day]", min_value=0.0, format="%.2f", required=True
            ),
        },
    )
    if st.button("Save table edits", key="data_records_save"):
        try:
            count = services.apply_record_edits(ctx, record_changes(records, edited))
        except LspError as exc:
            show_error(exc)
        else:
            st.session_state[EDITOR_VERSION_KEY] = version + 1
            state.flash("success" if count else "info", f"Saved {count} edited record(s).")
            st.rerun()


def _add_form(ctx: WriteContext, lane: str) -> None:
    with st.form("data_add_record", clear_on_submit=False):
        st.markdown("**Add a record**")
        add_lane = st.text_input("Lane", value=lane, key="data_add_lane")
        add_date = st.date_input("Date", value=dt.date.today(), key="data_add_date")
        add_volume = st.number_input(
            "Demand [units/day]", min_value=0.0, value=0.0, step=1.0, key="data_add_volume"
        )
        if st.form_submit_button("Add record", key="data_add_submit"):
            try:
                added = services.add_record(ctx, add_lane, add_date, add_volume)
            except LspError as exc:
                show_error(exc)
            else:
                state.flash("success", f"Added record #{added.record_id}: {md(added.lane)} on "
                            f"{added.date:%Y-%m-%d}, {added.volume:g} units/day.")
                st.rerun()


def _edit_form(ctx: WriteContext) -> None:
    with st.form("data_edit_record"):
        st.markdown("**Edit a record by id**")
        edit_id = st.number_input("Record id", min_value=1, step=1, value=None, key="data_edit_id")
        edit_date = st.date_input("New date (empty = keep)", value=None, key="data_edit_date")
        edit_volume = st.number_input(
            "New demand [units/day] (empty = keep)", min_value=0.0, value=None, step=1.0,
            key="data_edit_volume",
        )
        if not st.form_submit_button("Save record", key="data_edit_submit"):
            return
        if edit_id is None:
            st.error("Enter the id of the record to change.")
            return
        try:
            services.update_record(ctx, int(edit_id), date=edit_date, volume=edit_volume)
        except NotFoundError:
            st.error(f"Record #{int(edit_id)} not found: nothing changed.")
        except LspError as exc:
            show_error(exc)
        else:
            state.flash("success", f"Updated record #{int(edit_id)}.")
            st.rerun()


def _delete_form(ctx: WriteContext) -> None:
    with st.form("data_delete_record"):
        st.markdown("**Delete a record by id**")
        delete_id = st.number_input(
            "Record id", min_value=1, step=1, value=None, key="data_delete_id"
        )
        confirmed = st.checkbox("Yes, delete this record permanently", key="data_delete_confirm")
        if not st.form_submit_button("Delete record", key="data_delete_submit"):
            return
        if delete_id is None:
            st.error("Enter the id of the record to delete.")
            return
        try:
            services.delete_record(ctx, int(delete_id), confirmed=confirmed)
        except NotFoundError:
            st.error(f"Record #{int(delete_id)} not found: nothing deleted.")
        except LspError as exc:
            show_error(exc)
        else:
            state.flash("success", f"Deleted record #{int(delete_id)}.")
            st.rerun()

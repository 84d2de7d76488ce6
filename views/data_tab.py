"""The "Data" tab: import, edit, export and reset the demand history.

Every write goes through a ``handle_*`` function of this module.  Each one
asks :func:`access.require_write` first (so a hidden widget is never the only
protection), then writes through ``db`` (which validates and writes all or
nothing), then clears the caches.  The widgets only collect input, call a
handler, queue a flash message and rerun.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

import pandas as pd
import streamlit as st

from services import access
import db
from services import plan_runs
from services.config import Settings
from domain import (
    MASTER_DATA_FIELDS,
    LaneMasterData,
    LspError,
    NotFoundError,
    Scenario,
    ValidationError,
    parse_weekday_capacity,
)
from domain.units import PERCENT
from safe_text import md
from views import admin, exports, fmt, state

RESET_PHRASE = "RESET"
RESTORE_PHRASE = "RESTORE"
DEFAULT_POLICY = "skip"
# Duplicate = a row whose (lane, date) is already stored.
DUPLICATE_POLICIES: dict[str, str] = {
    "skip": "Skip: keep the stored value, import only new days (safe default).",
    "replace": "Replace: overwrite the stored value with the one in the file.",
    "reject": "Reject: import nothing if the file repeats any stored day.",
}
IMPORT_REPORT_KEY = "data_import_report"
EDITOR_VERSION_KEY = "data_records_editor_version"
EDITOR_ROWS = 30  # latest records of the selected lane shown for inline editing
SHOWN_ERRORS = 200  # bad rows listed on the page; the download holds all the report has

# Planner-facing names of the master data fields (units come from MASTER_DATA_FIELDS).
MASTER_LABELS: dict[str, tuple[str, str]] = {
    "internal_capacity": ("Internal capacity C_max", "Volume the own warehouse can handle per day."),
    "holding_cost": ("Holding cost h", "Cost of keeping one unit in stock for a year."),
    "penalty_cost": ("SLA penalty p", "Penalty per unit short (backordered)."),
    "partner_surcharge": (
        "Partner surcharge S",
        "Extra cost per unit handled by a partner warehouse, on top of the internal handling cost.",
    ),
    "order_cost": ("Order cost K", "Fixed cost of one replenishment order."),
    "handling_cost": ("Handling cost H", "Internal cost of moving one unit."),
    "revenue_per_unit": ("Revenue per unit", "Revenue earned per unit delivered."),
    "return_rate": (
        "Return rate",
        "Share of outbound volume that comes back and is handled again.",
    ),
    "lead_time_mean": ("Lead time mean L", "Mean replenishment lead time."),
    "lead_time_std": ("Lead time std. dev. sigma_L", "Standard deviation of the lead time."),
    "review_period_days": ("Review period R", "0 = continuous review, 1 = daily, 2..90 = every R days."),
    "capacity_coverage_level": (
        "Capacity coverage level γ",
        "Share of days internal plus reserved partner capacity should cover the workload.",
    ),
    "reservation_fee": ("Reservation fee f", "Fee per reserved partner unit per day; 0 = no contract."),
    "spot_premium": ("Spot premium", "Extra cost per unit beyond the reservation; 0 = no contract."),
}


# --------------------------------------------------------------------------- handlers
# Plain functions: callable from the widgets and directly from tests.


def _require(settings: Settings, admin_ok: bool | None, action: str) -> None:
    admin.require_write(settings, action, admin_ok)


def handle_import(
    data: bytes | IO[bytes],
    filename: str,
    policy: str = DEFAULT_POLICY,
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Any:
    """Import a CSV file's bytes; return ``db``'s ImportReport.

    Raises
    ------
    access.AccessDenied
        When this session may not write.
    domain.ValidationError
        For an unknown duplicate policy or an empty file (``db`` raises it
        for a file it cannot read at all).
    """
    _require(settings, admin_authenticated, access.ACTION_IMPORT)
    if policy not in DUPLICATE_POLICIES:
        raise ValidationError(
            f"duplicate policy must be one of {', '.join(DUPLICATE_POLICIES)}; got {policy!r}"
        )
    # An upload is read as a stream (no copy of the whole file): memory follows db's chunk.
    if isinstance(data, bytes | bytearray):
        size, source = len(data), io.BytesIO(data)
    else:
        data.seek(0)
        size, source = getattr(data, "size", None), data
    if not size:
        raise ValidationError(f"{filename} is empty: nothing to import.")
    started = time.perf_counter()
    report = db.import_csv(source, on_duplicate=policy, progress=progress)
    access.log_action(
        access.ACTION_IMPORT, who=admin.client(), file=repr(filename), bytes=size,
        policy=policy, rows=report.rows_read, inserted=report.inserted, skipped=report.skipped,
        replaced=report.replaced, problems=report.error_count_total,
        duration_s=f"{time.perf_counter() - started:.2f}",
    )
    if report.inserted or report.replaced:
        plan_runs.replan_after_import(report.lanes)  # only the imported lanes; no-op without a run
        state.clear_caches()
    return report


def handle_add_record(
    lane: str,
    date: dt.date,
    volume: float,
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> int:
    """Add one day of demand [units/day]; return the new record id."""
    _require(settings, admin_authenticated, access.ACTION_EDIT_RECORDS)
    lane = (lane or "").strip()
    if not lane:
        raise ValidationError("lane must be a non-empty lane name")
    record_id = db.add_record(lane, date, volume)
    state.clear_caches()
    return record_id


def handle_update_record(
    record_id: int,
    *,
    date: dt.date | None = None,
    volume: float | None = None,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> None:
    """Change the date and/or the volume [units/day] of one record."""
    _require(settings, admin_authenticated, access.ACTION_EDIT_RECORDS)
    if date is None and volume is None:
        raise ValidationError("enter a new date and/or a new volume to change the record")
    db.update_record(int(record_id), date=date, volume=volume)
    state.clear_caches()


def handle_delete_record(
    record_id: int,
    *,
    confirmed: bool,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> None:
    """Delete one record; ``confirmed`` must be True (the checkbox)."""
    _require(settings, admin_authenticated, access.ACTION_EDIT_RECORDS)
    if not confirmed:
        raise ValidationError(f"tick the confirmation box to delete record #{record_id}")
    db.delete_record(int(record_id))
    access.log_action("delete record", who=admin.client(), record=int(record_id))
    state.clear_caches()


@dataclass(frozen=True)
class RecordChange:
    """One edited row of the records table."""

    record_id: int
    date: dt.date | None
    volume: float | None


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


def handle_table_edits(
    changes: list[RecordChange],
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> int:
    """Apply edited rows of the records table; return how many rows changed."""
    _require(settings, admin_authenticated, access.ACTION_EDIT_RECORDS)
    for change in changes:
        db.update_record(change.record_id, date=change.date, volume=change.volume)
    if changes:
        state.clear_caches()
    return len(changes)


def handle_save_master(
    code: str,
    values: Mapping[str, Any],
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> LaneMasterData:
    """Validate and store the master data of lane ``code``.

    Raises
    ------
    domain.ValidationError
        Naming every field out of range; nothing is saved then.
    """
    _require(settings, admin_authenticated, access.ACTION_EDIT_LANES)
    fields = dict(values)
    if isinstance(fields.get("weekday_capacity"), str):
        fields["weekday_capacity"] = parse_weekday_capacity(fields["weekday_capacity"])
    if fields.get("weekday_capacity"):
        # C_max is the capacity of the busiest day of the pattern (what-ifs scale the pattern)
        fields["internal_capacity"] = max(fields["weekday_capacity"])
    master = LaneMasterData(code=code, **fields)  # validates every field
    db.save_lane_master(master)
    state.clear_caches()
    return master


def handle_delete_lane(
    code: str,
    *,
    confirmation: str,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> None:
    """Delete a lane (records and master data); ``confirmation`` must repeat its code."""
    _require(settings, admin_authenticated, access.ACTION_EDIT_RECORDS)
    if (confirmation or "").strip() != code:
        raise ValidationError(f"type the lane code {code!r} exactly to delete the lane")
    db.delete_lane(code)
    access.log_action("delete lane", who=admin.client(), lane=repr(code))
    state.clear_caches()


def handle_restore(
    data: bytes,
    confirmation: str,
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> tuple[int, int]:
    """Replace all data with a backup ZIP (all or nothing); ``confirmation`` must be ``RESTORE``.

    Returns ``(lanes, demand rows)`` restored.
    """
    _require(settings, admin_authenticated, access.ACTION_FACTORY_RESET)
    if (confirmation or "").strip() != RESTORE_PHRASE:
        raise ValidationError(f"type {RESTORE_PHRASE} in capitals to confirm the restore")
    if not data:
        raise ValidationError("the backup file is empty: nothing restored")
    lanes, rows = db.restore_backup(data)
    access.log_action("restore backup", who=admin.client(), lanes=lanes, rows=rows,
                      bytes=len(data))
    state.clear_caches()
    return lanes, rows


def handle_reset(
    confirmation: str,
    *,
    settings: Settings,
    admin_authenticated: bool | None = None,
) -> None:
    """Delete every record and every lane; ``confirmation`` must be ``RESET``."""
    _require(settings, admin_authenticated, access.ACTION_FACTORY_RESET)
    if (confirmation or "").strip() != RESET_PHRASE:
        raise ValidationError(f"type {RESET_PHRASE} in capitals to confirm the factory reset")
    db.reset_database()
    access.log_action(access.ACTION_FACTORY_RESET, who=admin.client())
    state.clear_caches()


# --------------------------------------------------------------------------- helpers


def _file_slug(text: str) -> str:
    """A file-name-safe version of a lane code (lane codes may be any Unicode)."""
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "lane"


def report_to_dict(report: Any, *, filename: str, policy: str) -> dict[str, Any]:
    """A plain copy of an ImportReport for ``st.session_state``."""
    errors = pd.DataFrame(
        [(e.row, e.column or ("(header)" if e.row == 1 else "(whole file)"), e.message)
         for e in report.errors],
        columns=["row", "column", "message"],
    )
    return {
        "filename": filename,
        "policy": policy,
        "rows_read": report.rows_read,
        "inserted": report.inserted,
        "skipped": report.skipped,
        "replaced": report.replaced,
        "lanes": list(report.lanes),
        "ok": bool(report.ok),
        "error_count_total": int(report.error_count_total),
        "errors": errors,
    }


def _error(exc: LspError) -> None:
    # Messages quote lane names and file text: shown as characters, never Markdown.
    st.error(md(str(exc) or type(exc).__name__))


# --------------------------------------------------------------------------- sections


def _overview() -> list[str]:
    lanes = state.list_lanes()
    demand = state.load_demand(None)
    if demand.empty:
        st.info("The database holds no demand records yet. Import a CSV file below.")
        return lanes
    summary = (
        demand.groupby("lane")
        .agg(records=("demand", "size"), first=("date", "min"), last=("date", "max"),
             mean=("demand", "mean"))
        .reset_index()
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("Lanes", f"{len(summary):,}")
    c2.metric("Demand records", f"{len(demand):,}", help="One record = demand of one lane on one day.")
    first, last = demand["date"].min(), demand["date"].max()
    c3.metric(
        "History [days]",
        f"{(last - first).days + 1:,}",
        help=f"From {first:%Y-%m-%d} to {last:%Y-%m-%d} (first to last day of any lane).",
    )
    with st.expander(f"Records per lane ({len(summary)} lanes)"):
        st.dataframe(
            summary,
            hide_index=True,
            width="stretch",
            column_config={
                "lane": "Lane",
                "records": st.column_config.NumberColumn("Records [days]"),
                "first": st.column_config.DateColumn("First day"),
                "last": st.column_config.DateColumn("Last day"),
                "mean": st.column_config.NumberColumn("Mean demand [units/day]", format="%.1f"),
            },
        )
    return lanes


def _export(lane: str, lanes: list[str]) -> None:
    st.subheader("Export")
    left, right = st.columns(2)
    left.download_button(
        f"Download lane {md(lane)} (CSV)",
        data=partial(db.export_csv, lane),
        file_name=f"demand_{_file_slug(lane)}.csv",
        mime="text/csv",
        key="data_export_lane",
        on_click="ignore",
        disabled=lane not in lanes,
        icon=":material/download:",
    )
    right.download_button(
        "Download all lanes (CSV)",
        data=partial(db.export_csv, None),
        file_name="demand_all_lanes.csv",
        mime="text/csv",
        key="data_export_all",
        on_click="ignore",
        disabled=not lanes,
        icon=":material/download:",
    )
    exports.history_buttons(lane, lanes)
    st.caption("Columns: date, lane, demand [units/day] - the same format the import reads.")


def _import_section(settings: Settings) -> None:
    st.subheader("Import demand history (CSV or Excel)")
    st.caption(
        "One row per lane and day with columns **date** (YYYY-MM-DD or DD.MM.YYYY), **lane** "
        "(or product_name) and **demand** (or volume) in units/day, >= 0. Separator , ; tab "
        "or |, or an Excel workbook (.xlsx: the first sheet or the one you pick, header in "
        "row 1). The whole file is checked first: a file with any bad row imports nothing."
    )
    upload = st.file_uploader("CSV or Excel file", type=["csv", "xlsx"], key="data_import_file")
    sheet = exports.sheet_picker(upload)  # a workbook: which worksheet (CSV: None)
    policy = st.radio(
        "If a lane already has a value for a day in the file",
        list(DUPLICATE_POLICIES),
        format_func=lambda p: DUPLICATE_POLICIES[p],
        index=list(DUPLICATE_POLICIES).index(DEFAULT_POLICY),
        key="data_import_policy",
    )
    if st.button("Import file", key="data_import_button", type="primary", disabled=upload is None):
        bar = st.progress(0.0, text="Reading file...")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        try:
            report = handle_import(
                exports.import_source(upload, sheet), upload.name, policy, settings=settings,
                progress=progress,
            )
        except LspError as exc:
            bar.empty()
            _error(exc)
        else:
            st.session_state[IMPORT_REPORT_KEY] = report_to_dict(
                report, filename=upload.name, policy=policy
            )
            if report.inserted or report.replaced:
                # Rerun so every tab (rendered before this one) shows the new data.
                st.rerun()
            bar.empty()
    _show_import_report()


def _show_import_report() -> None:
    report = st.session_state.get(IMPORT_REPORT_KEY)
    if not report:
        return
    with st.container(border=True):
        title = f"Import report: {report['filename']} (duplicates: {report['policy']})"
        st.markdown(f"**{md(title)}**")
        if report["ok"]:
            st.success(
                f"Imported {report['inserted']:,} new records, replaced {report['replaced']:,}, "
                f"skipped {report['skipped']:,} duplicates ({report['rows_read']:,} rows read, "
                f"lanes: {md(', '.join(report['lanes'])) or 'none'})."
            )
        else:
            problems = fmt.count(report["error_count_total"], "problem")
            where = (f"in {fmt.count(report['rows_read'], 'row')}" if report["rows_read"]
                     else "with the file itself (no rows could be read)")
            st.error(f"Nothing was imported: {problems} {where}. Fix them and upload the file "
                     "again.")
        errors: pd.DataFrame = report["errors"]
        if not errors.empty:
            shown = errors.head(SHOWN_ERRORS)
            if report["error_count_total"] > len(shown):
                st.caption(f"Showing {len(shown)} of {report['error_count_total']:,} problems.")
            st.dataframe(
                shown,
                hide_index=True,
                width="stretch",
                column_config={
                    "row": st.column_config.NumberColumn("Row (header = 1)", format="%d"),
                    "column": "Column",
                    "message": "Problem",
                },
            )
        left, right = st.columns(2)
        if not errors.empty:
            left.download_button(
                "Download problems (CSV)",
                data=errors.to_csv(index=False).encode("utf-8"),
                file_name=f"import_problems_{_file_slug(report['filename'])}.csv",
                mime="text/csv",
                key="data_import_errors_download",
                on_click="ignore",
            )
        if right.button("Dismiss report", key="data_import_dismiss"):
            st.session_state.pop(IMPORT_REPORT_KEY, None)
            st.rerun()


def _records_section(lane: str, lanes: list[str], settings: Settings) -> None:
    st.subheader(f"Records of lane {md(lane)}")
    if lane in lanes:
        records = db.get_records(lane, limit=EDITOR_ROWS)
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
                count = handle_table_edits(record_changes(records, edited), settings=settings)
            except LspError as exc:
                _error(exc)
            else:
                st.session_state[EDITOR_VERSION_KEY] = version + 1
                state.flash("success" if count else "info", f"Saved {count} edited record(s).")
                st.rerun()
    else:
        st.info(f"Lane {md(lane)} has no records yet; add one below or import a file.")

    add_col, edit_col, delete_col = st.columns(3)
    with add_col, st.form("data_add_record", clear_on_submit=False):
        st.markdown("**Add a record**")
        add_lane = st.text_input("Lane", value=lane, key="data_add_lane")
        add_date = st.date_input("Date", value=dt.date.today(), key="data_add_date")
        add_volume = st.number_input(
            "Demand [units/day]", min_value=0.0, value=0.0, step=1.0, key="data_add_volume"
        )
        if st.form_submit_button("Add record", key="data_add_submit"):
            try:
                record_id = handle_add_record(add_lane, add_date, add_volume, settings=settings)
            except LspError as exc:
                _error(exc)
            else:
                state.flash("success", f"Added record #{record_id}: {md(add_lane.strip())} on "
                            f"{add_date:%Y-%m-%d}, {add_volume:g} units/day.")
                st.rerun()
    with edit_col, st.form("data_edit_record"):
        st.markdown("**Edit a record by id**")
        edit_id = st.number_input("Record id", min_value=1, step=1, value=None, key="data_edit_id")
        edit_date = st.date_input("New date (empty = keep)", value=None, key="data_edit_date")
        edit_volume = st.number_input(
            "New demand [units/day] (empty = keep)", min_value=0.0, value=None, step=1.0,
            key="data_edit_volume",
        )
        if st.form_submit_button("Save record", key="data_edit_submit"):
            if edit_id is None:
                st.error("Enter the id of the record to change.")
            else:
                try:
                    handle_update_record(
                        int(edit_id), date=edit_date, volume=edit_volume, settings=settings
                    )
                except NotFoundError:
                    st.error(f"Record #{int(edit_id)} not found: nothing changed.")
                except LspError as exc:
                    _error(exc)
                else:
                    state.flash("success", f"Updated record #{int(edit_id)}.")
                    st.rerun()
    with delete_col, st.form("data_delete_record"):
        st.markdown("**Delete a record by id**")
        delete_id = st.number_input(
            "Record id", min_value=1, step=1, value=None, key="data_delete_id"
        )
        confirmed = st.checkbox("Yes, delete this record permanently", key="data_delete_confirm")
        if st.form_submit_button("Delete record", key="data_delete_submit"):
            if delete_id is None:
                st.error("Enter the id of the record to delete.")
            else:
                try:
                    handle_delete_record(int(delete_id), confirmed=confirmed, settings=settings)
                except NotFoundError:
                    st.error(f"Record #{int(delete_id)} not found: nothing deleted.")
                except LspError as exc:
                    _error(exc)
                else:
                    state.flash("success", f"Deleted record #{int(delete_id)}.")
                    st.rerun()


def _master_section(lane: str, lanes: list[str], settings: Settings) -> None:
    st.subheader("Lane master data")
    choices = lanes if lane in lanes or not lane else [lane, *lanes]
    if not choices:
        st.info("Import demand first; master data belongs to a lane.")
        return
    code = st.selectbox(
        "Lane", choices, index=choices.index(lane) if lane in choices else 0,
        key="data_master_lane",
    )
    stored = state.lane_master(code)
    st.caption(
        "Stored planning parameters of the lane. The sidebar's what-if changes are not "
        "saved here; press **Save master data** to store these values."
    )
    with st.form(f"data_master_form_{code}"):
        name = st.text_input("Name", value=stored.name, key=f"data_master_{code}_name")
        values: dict[str, Any] = {"name": name}
        columns = st.columns(2)
        for i, (field, (low, high, unit)) in enumerate(MASTER_DATA_FIELDS.items()):
            label, help_text = MASTER_LABELS.get(field, (field, ""))
            # Fractions are entered in % here as in the sidebar: one unit per quantity.
            scale, unit = (PERCENT, "%") if unit == "fraction" else (1.0, unit)
            bound = f"{low * scale:g} to {high * scale:g}" if high is not None else f">= {low:g}"
            values[field] = columns[i % 2].number_input(
                f"{label} [{unit}]",
                min_value=float(low) * scale,
                max_value=None if high is None else float(high) * scale,
                value=float(getattr(stored, field)) * scale,
                step=0.5,
                format="%.1f",
                help=f"{help_text} Valid range: {bound} {unit}.",
                key=f"data_master_{code}_{field}",
            ) / scale
        current = stored.weekday_capacity
        values["weekday_capacity"] = st.text_input(
            "Internal capacity by weekday, Mon..Sun [units/day]",
            value="" if current is None else ", ".join(f"{c:g}" for c in current),
            placeholder="empty = the same capacity every day",
            help="Seven numbers, e.g. 320, 320, 320, 320, 320, 160, 0 for a lane without a "
                 "Sunday shift. Used by the overflow, the first breach date and the twin.",
            key=f"data_master_{code}_weekday_capacity",
        )
        if st.form_submit_button("Save master data", type="primary", key="data_master_save"):
            try:
                handle_save_master(code, values, settings=settings)
            except LspError as exc:
                st.error(f"Not saved: {md(exc)}")
            else:
                state.flash("success", f"Saved master data of lane {md(code)}.")
                st.rerun()


def _delete_lane_section(lane: str, lanes: list[str], settings: Settings) -> None:
    if not lanes:
        return
    with st.expander("Delete a lane"):
        code = st.selectbox(
            "Lane to delete", lanes, index=lanes.index(lane) if lane in lanes else 0,
            key="data_delete_lane",
        )
        st.warning(f"Deletes every demand record and the master data of {md(code)}.")
        typed = st.text_input(f"Type the lane code {md(code)} to confirm", key="data_delete_lane_typed")
        if st.button(f"Delete lane {md(code)}", key="data_delete_lane_button"):
            try:
                handle_delete_lane(code, confirmation=typed, settings=settings)
            except LspError as exc:
                _error(exc)
            else:
                state.flash("success", f"Deleted lane {md(code)}.")
                st.rerun()


def _danger_zone(lanes: list[str], settings: Settings) -> None:
    with st.container(border=True):
        st.markdown("### :red[Danger zone: factory reset]")
        st.markdown(
            "Deletes **all** demand records and all lane master data. This cannot be undone - "
            "download a backup first."
        )
        backup, confirm = st.columns(2, vertical_alignment="bottom")
        backup.download_button(
            "1. Download backup (ZIP: demand and lane master data)",
            data=db.export_backup,
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
                handle_reset(typed, settings=settings)
            except LspError as exc:
                _error(exc)
            else:
                state.flash("success", "Factory reset done: the database is empty.")
                st.rerun()


def _restore_section(settings: Settings) -> None:
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
                lanes, rows = handle_restore(upload.getvalue(), typed, settings=settings)
            except LspError as exc:
                _error(exc)
            else:
                state.flash("success", f"Backup restored: {lanes:,} lanes, {rows:,} demand records.")
                st.rerun()


def render(scenario: Scenario, settings: Settings) -> None:
    """Draw the Data tab for the selected lane of ``scenario``."""
    st.caption(f"Database: {db.database_label()}")
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
        lanes = _overview()
        _export(scenario.lane, lanes)
        if not gate.allowed:
            return
        st.divider()
        _import_section(settings)
        st.divider()
        _records_section(scenario.lane, lanes, settings)
        st.divider()
        _master_section(scenario.lane, lanes, settings)
        _delete_lane_section(scenario.lane, lanes, settings)
        st.divider()
        _danger_zone(lanes, settings)
        _restore_section(settings)
    except LspError as exc:  # e.g. DataAccessError: database down
        _error(exc)

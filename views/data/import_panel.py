"""Import a demand history file (CSV or Excel) and show the import report."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import services
from domain import LspError
from importing.safe_text import md
from presentation import formatting as fmt
from services import WriteContext
from views import exports
from views.data.common import show_error

IMPORT_REPORT_KEY = "data_import_report"
SHOWN_ERRORS = 200  # bad rows listed on the page; the download holds all the report has


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


def render(ctx: WriteContext) -> None:
    """Upload, duplicate policy, import button, then the report of the last import."""
    st.subheader("Import demand history (CSV or Excel)")
    st.caption(
        "One row per lane and day with columns **date** (YYYY-MM-DD or DD.MM.YYYY), **lane** "
        "(or product_name) and **demand** (or volume) in units/day, >= 0. Separator , ; tab "
        "or |, or an Excel workbook (.xlsx: the first sheet or the one you pick, header in "
        "row 1). The whole file is checked first: a file with any bad row imports nothing."
    )
    upload = st.file_uploader("CSV or Excel file", type=["csv", "xlsx"], key="data_import_file")
    sheet = exports.sheet_picker(upload)  # a workbook: which worksheet (CSV: None)
    policies = services.DUPLICATE_POLICIES
    policy = st.radio(
        "If a lane already has a value for a day in the file",
        list(policies),
        format_func=lambda p: policies[p],
        index=list(policies).index(services.DEFAULT_POLICY),
        key="data_import_policy",
    )
    if st.button("Import file", key="data_import_button", type="primary", disabled=upload is None):
        _import(ctx, upload, sheet, policy)
    _show_report()


def _import(ctx: WriteContext, upload: Any, sheet: str | None, policy: str) -> None:
    bar = st.progress(0.0, text="Reading file...")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    try:
        report = services.import_demand(ctx, exports.import_source(upload, sheet), upload.name,
                                        policy, progress=progress)
    except LspError as exc:
        bar.empty()
        show_error(exc)
        return
    st.session_state[IMPORT_REPORT_KEY] = report_to_dict(report, filename=upload.name,
                                                         policy=policy)
    if report.inserted or report.replaced:
        st.rerun()  # so every tab (rendered before this one) shows the new data
    bar.empty()


def _show_report() -> None:
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
                file_name=f"import_problems_{exports.file_slug(report['filename'])}.csv",
                mime="text/csv",
                key="data_import_errors_download",
                on_click="ignore",
            )
        if right.button("Dismiss report", key="data_import_dismiss"):
            st.session_state.pop(IMPORT_REPORT_KEY, None)
            st.rerun()

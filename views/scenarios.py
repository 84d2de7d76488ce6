"""Saved scenarios: the sidebar panel (save, load, rename, delete) and the comparison.

Writes go through :mod:`services` (access check, write, cache refresh, log)
with this session's write context; widgets only collect input.  Loading is a
read and works in the public read-only mode too.  Handlers that change the
sidebar's widgets run as widget callbacks (before the script), because a
widget's value cannot be set after it was drawn.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

import db
import services
from domain import LspError, Scenario, saved_scenario
from domain.saved_scenario import SavedScenario
from importing.safe_text import md
from presentation import charts, scenario_comparison
from presentation import formatting as fmt
from services import WriteContext
from services.config import Settings
from views import admin, sidebar, state

NAME_KEY = "scn_name"
OVERWRITE_KEY = "scn_overwrite"
PICK_KEY = "scn_pick"
RENAME_KEY = "scn_rename"
CONFIRM_DELETE_KEY = "_scn_confirm_delete"  # (lane, name) awaiting confirmation
COMPARE_KEY = "scn_compare"
BASELINE_KEY = "scn_baseline"
CURRENT = "Current what-if (sidebar)"  # pseudo-scenario: what the sidebar shows now


@st.cache_data(show_spinner=False)
def saved_scenarios(_engine: Engine, lane: str) -> list[SavedScenario]:
    """Saved scenarios of ``lane`` by name (cached; cleared by every scenario write)."""
    return db.list_scenarios(lane, engine=_engine)


def _context(settings: Settings, engine: Engine) -> WriteContext:
    # A scenario write changes only the cached list of saved scenarios.
    return admin.write_context(settings, engine, on_change=saved_scenarios.clear)


def open_scenario(engine: Engine, lane: str, name: str) -> SavedScenario:
    """Load scenario ``name`` of ``lane`` into the sidebar (before the sidebar is drawn)."""
    saved = db.get_scenario(lane, name, engine=engine)
    sidebar.load_scenario(saved)
    return saved


# --------------------------------------------------------------------------- callbacks


def _on_save(scenario: Scenario, settings: Settings, engine: Engine) -> None:
    name = st.session_state.get(NAME_KEY, "")
    try:
        stored = services.save_scenario(_context(settings, engine), scenario, name,
                                        overwrite=bool(st.session_state.get(OVERWRITE_KEY)))
    except LspError as exc:
        state.flash("error", f"Scenario not saved: {exc}")
        return
    sidebar.load_scenario(stored)  # the sidebar now shows this saved scenario
    st.session_state[NAME_KEY] = ""
    state.flash("success", f"Saved scenario **{md(stored.name)}** of lane {md(stored.lane)}.")


def _on_load(engine: Engine, lane: str) -> None:
    name = st.session_state.get(PICK_KEY)
    if not name:
        return
    try:
        open_scenario(engine, lane, name)
    except LspError as exc:
        state.flash("error", f"Scenario not loaded: {exc}")
        return
    state.flash("success", f"Loaded scenario **{md(name)}** into the sidebar.")


def _on_rename(lane: str, old: str, settings: Settings, engine: Engine) -> None:
    new = st.session_state.get(RENAME_KEY, "")
    try:
        renamed = services.rename_scenario(_context(settings, engine), lane, old, new)
    except LspError as exc:
        state.flash("error", f"Scenario not renamed: {exc}")
        return
    loaded = sidebar.loaded_scenario(lane)
    if loaded is not None and loaded.name == old:
        sidebar.load_scenario(renamed)
    st.session_state[PICK_KEY] = renamed.name
    st.session_state[RENAME_KEY] = ""
    state.flash("success", f"Renamed scenario **{old}** to **{renamed.name}**.")


def _on_delete(lane: str, name: str, settings: Settings, engine: Engine) -> None:
    st.session_state.pop(CONFIRM_DELETE_KEY, None)
    try:
        services.delete_scenario(_context(settings, engine), lane, name)
    except LspError as exc:
        state.flash("error", f"Scenario not deleted: {exc}")
        return
    st.session_state.pop(PICK_KEY, None)
    loaded = sidebar.loaded_scenario(lane)
    if loaded is not None and loaded.name == name:
        st.session_state.pop(sidebar.LOADED_KEY, None)  # the widgets keep their values
    state.flash("success", f"Deleted scenario **{md(name)}** of lane {md(lane)}.")


def _ask_delete(lane: str, name: str) -> None:
    st.session_state[CONFIRM_DELETE_KEY] = (lane, name)


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM_DELETE_KEY, None)


# --------------------------------------------------------------------------- sidebar panel


def active_name(lane: str) -> str | None:
    """Name of the saved scenario the sidebar of ``lane`` was loaded from (for the URL)."""
    loaded = sidebar.loaded_scenario(lane)
    return None if loaded is None else loaded.name


def sidebar_panel(scenario: Scenario, settings: Settings, engine: Engine) -> None:
    """Save the current what-if; load, rename or delete the lane's saved scenarios."""
    lane = scenario.lane
    gate = admin.write_access(settings)
    locked = None if gate.allowed else f"Saving is locked: {gate.reason}."
    saved = saved_scenarios(engine, lane)
    st.subheader(":material/bookmarks: Saved scenarios")
    loaded = sidebar.loaded_scenario(lane)
    if loaded is not None:
        same = loaded.to_scenario() == scenario
        st.caption(f"Showing saved scenario **{md(loaded.name)}**"
                   + ("." if same else " with unsaved changes."))
    with st.form("scn_save_form", border=False):
        st.text_input("Scenario name", key=NAME_KEY, max_chars=saved_scenario.MAX_NAME_LENGTH,
                      placeholder="e.g. Peak season +20 %",
                      help="Keeps the lane, every what-if value, the service level and the horizon.")
        st.checkbox("Overwrite a scenario of the same name", key=OVERWRITE_KEY)
        st.form_submit_button(
            "Save scenario", icon=":material/bookmark_add:", disabled=not gate.allowed,
            help=locked, on_click=_on_save, args=(scenario, settings, engine), width="stretch")
    if not saved:
        st.caption(f"No saved scenarios for {md(lane)} yet.")
        return
    names = [s.name for s in saved]
    if st.session_state.get(PICK_KEY) not in names:
        st.session_state[PICK_KEY] = loaded.name if loaded is not None else names[0]
    pick = st.selectbox(f"Saved scenarios of {md(lane)}", names, key=PICK_KEY)
    st.button("Load into sidebar", icon=":material/upload:", key="scn_load", width="stretch",
              on_click=_on_load, args=(engine, lane))
    with st.expander("Rename or delete"):
        st.text_input("New name", key=RENAME_KEY, max_chars=saved_scenario.MAX_NAME_LENGTH)
        st.button("Rename", icon=":material/edit:", key="scn_rename_button", disabled=not gate.allowed,
                  help=locked, on_click=_on_rename, args=(lane, pick, settings, engine))
        if st.session_state.get(CONFIRM_DELETE_KEY) == (lane, pick):
            st.warning(f"Delete scenario **{pick}**? This cannot be undone.")
            left, right = st.columns(2)
            left.button("Yes, delete", type="primary", key="scn_delete_confirm",
                        on_click=_on_delete, args=(lane, pick, settings, engine))
            right.button("Cancel", key="scn_delete_cancel", on_click=_cancel_delete)
        else:
            st.button("Delete…", icon=":material/delete:", key="scn_delete",
                      disabled=not gate.allowed, help=locked, on_click=_ask_delete,
                      args=(lane, pick))


# --------------------------------------------------------------------------- comparison


def compare_key(lane: str) -> str:
    """Session-state key of the comparison's scenario picker for ``lane`` (one per lane)."""
    return f"{COMPARE_KEY}@{lane}"


@st.fragment
def compare(scenario: Scenario, engine: Engine) -> None:
    """2..4 scenarios of the lane side by side: key figures, differences, cost curves.

    A fragment: picking scenarios reruns only this section.
    """
    lane = scenario.lane
    st.subheader(f":material/compare_arrows: Compare scenarios of {md(lane)}")
    saved = {s.name: s for s in saved_scenarios(engine, lane)}
    if not saved:
        st.caption("Save a what-if in the sidebar (Saved scenarios) to compare it here with "
                   "the current one.")
        return
    options = [CURRENT, *saved]
    key = compare_key(lane)
    if any(name not in options for name in st.session_state.get(key, [])):
        del st.session_state[key]  # a scenario was renamed or deleted meanwhile
    chosen = st.multiselect(
        "Scenarios (2 to 4)", options, key=key, max_selections=scenario_comparison.MAX_COMPARED,
        default=options[: scenario_comparison.MAX_COMPARED] if key not in st.session_state else None,
        help=f"'{CURRENT}' is what the sidebar shows now, saved or not.",
    )
    if len(chosen) < scenario_comparison.MIN_COMPARED:
        st.info("Pick at least two scenarios to compare.")
        return
    baseline = st.selectbox("Baseline (differences are to this one)", chosen,
                            key=f"{BASELINE_KEY}@{lane}")
    try:
        plans = {name: state.scenario_plan(engine,
                                           scenario if name == CURRENT else saved[name].to_scenario())
                 for name in chosen}
    except LspError as exc:
        st.error(f"A scenario cannot be planned: {exc}")
        return
    rows = scenario_comparison.comparison_rows(plans, baseline)
    st.dataframe(rows, hide_index=True, key="scn_compare_table",
                 height=fmt.table_height(len(rows), 800),
                 column_config={"Key figure": st.column_config.TextColumn(width="large",
                                                                          pinned=True)})
    st.caption(f"In brackets: difference to **{baseline}** (percentages in percentage points, "
               "pp). Each scenario is planned with its own master data, service level and "
               "horizon. The chart adds each scenario's capacity cost (it does not depend on α) "
               "to its inventory cost curve.")
    st.plotly_chart(charts.scenario_cost_curves(plans), key="scn_cost_curves")

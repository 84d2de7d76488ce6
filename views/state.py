"""Cached calls into the core, cache invalidation, and flash messages.

Every read of the database and every heavy computation the views need goes
through a function here, so caching lives in one place.  Every write must be
followed by :func:`clear_caches` (writes go through ``db`` directly).
Flash messages survive the ``st.rerun()`` that follows a write.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import streamlit as st

import db
from services import plan_runs
import planning
from domain import LaneMasterData, ValidationError

_FLASH_KEY = "_flash_messages"
PLAN_CACHE_ENTRIES = 64  # lane plans kept per server process (what-if scenarios)
RUN_STATUS_TTL_S = 60  # a run stored by cron or another server shows up within a minute


@st.cache_data(show_spinner=False)
def load_demand(lane: str | None = None) -> pd.DataFrame:
    """Demand history (date, lane, demand [units/day]) of one lane or all lanes."""
    return db.load_demand(lane)


@st.cache_data(show_spinner=False)
def list_lanes() -> list[str]:
    return db.list_lanes()


@st.cache_data(show_spinner=False)
def lane_master(lane: str) -> LaneMasterData:
    """Stored master data of ``lane`` (defaults when the lane has none)."""
    masters = db.list_lane_master()
    return masters.get(lane) or LaneMasterData(code=lane, name=lane)


@st.cache_data(show_spinner=False)
def all_lane_master() -> dict[str, LaneMasterData]:
    return db.list_lane_master()


@st.cache_resource(show_spinner=False, max_entries=PLAN_CACHE_ENTRIES)
def lane_plan(
    lane: str, params: LaneMasterData, service_level: float | None, horizon_days: int
) -> planning.LanePlan:
    """The full plan of one lane under one scenario (immutable, shared)."""
    return planning.plan_lane(
        load_demand(lane), params, service_level=service_level, horizon_days=horizon_days,
        as_of=data_as_of(),
    )


@st.cache_data(show_spinner=False)
def data_as_of() -> pd.Timestamp | None:
    """Last day with data in any lane: the network's "today" (lanes that went quiet
    are planned up to it, as the watchtower sees them)."""
    day = db.network_last_day()  # index probes per lane: never reads the history
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))


@st.cache_data(show_spinner=False, ttl=RUN_STATUS_TTL_S)
def plan_run_status() -> plan_runs.RunStatus | None:
    """The latest stored planning run and whether the data changed since (None: no run)."""
    return plan_runs.run_status()


def network_plan() -> planning.NetworkPlan:
    """Watchtower over all lanes, each at its own profit-optimal service level.

    From the latest stored planning run when it is current (10,000 small
    rows), else planned live from the whole history.
    """
    status = plan_run_status()
    return _network_plan(None if status is None or not status.current else status.run_id)


@st.cache_resource(show_spinner=False, max_entries=1)
def _network_plan(run_id: int | None) -> planning.NetworkPlan:
    stored = None if run_id is None else plan_runs.stored_network(status=plan_run_status())
    if stored is not None:
        return stored
    return planning.plan_network(load_demand(None), all_lane_master())


def clear_caches() -> None:
    """Call after every write: cached reads and plans are stale now."""
    st.cache_data.clear()
    st.cache_resource.clear()


# (database, data version) the caches of this server process were filled under (None:
# unknown yet).  Caches are per process, shared by every session, so the stamp is too.
_SEEN_VERSION: list[tuple[str, int] | None] = [None]
_VERSION_LOCK = threading.Lock()


def sync_data_version() -> bool:
    """Clear the caches when any process or replica wrote since the last check.

    Called once per rerun: one primary-key read of ``db.data_version``.
    Returns True when the caches were cleared.
    """
    current = (db.database_label(), db.data_version())
    with _VERSION_LOCK:
        seen, _SEEN_VERSION[0] = _SEEN_VERSION[0], current
    if seen is not None and seen != current:
        clear_caches()
        return True
    return False


def flash(kind: str, text: str) -> None:
    """Queue a message ("success" | "error" | "warning" | "info") for the next run."""
    st.session_state.setdefault(_FLASH_KEY, []).append((kind, text))


def show_flashes() -> None:
    """Show and forget queued messages (call once near the top of the page)."""
    for kind, text in st.session_state.pop(_FLASH_KEY, []):
        getattr(st, kind)(text)



@st.cache_resource(show_spinner="Loading the demo network into the empty database…")
def seed_demo_if_empty() -> int:
    """Start-up seeding for a hosted demo (``SEED_DEMO_IF_EMPTY=1``), once per server process.

    Writes the demo network when the database holds no demand yet and returns
    the rows written (0 when there was data already).  The operator asked for
    it in the environment, so it is not a visitor's write and runs in the
    public read-only mode too.
    """
    if db.count_records() > 0:
        return 0
    try:
        rows = db.seed_demo()
    except ValidationError:  # another server process seeded it a moment ago
        return 0
    st.cache_data.clear()
    return rows

"""Cached calls into the core, cache invalidation, and flash messages.

Every read of the database and every heavy computation the views need goes
through a function here, so caching lives in one place.  Each read takes the
engine the composition root built (as ``_engine``: Streamlit does not hash
arguments whose name starts with an underscore; one engine per process).
Writes go through :mod:`services`, which calls :func:`clear_caches` back.
Flash messages survive the ``st.rerun()`` that follows a write.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

import db
import planning
import services
from domain import LaneMasterData, Scenario
from services import plan_runs

_FLASH_KEY = "_flash_messages"
PLAN_CACHE_ENTRIES = 64  # lane plans kept per server process (what-if scenarios)
RUN_STATUS_TTL_S = 60  # a run stored by cron or another server shows up within a minute


@st.cache_data(show_spinner=False)
def load_demand(_engine: Engine, lane: str | None = None) -> pd.DataFrame:
    """Demand history (date, lane, demand [units/day]) of one lane or all lanes."""
    return db.load_demand(lane, engine=_engine)


@st.cache_data(show_spinner=False)
def list_lanes(_engine: Engine) -> list[str]:
    return db.list_lanes(engine=_engine)


@st.cache_data(show_spinner=False)
def lane_master(_engine: Engine, lane: str) -> LaneMasterData:
    """Stored master data of ``lane`` (defaults when the lane has none)."""
    masters = db.list_lane_master(engine=_engine)
    return masters.get(lane) or LaneMasterData(code=lane, name=lane)


@st.cache_data(show_spinner=False)
def all_lane_master(_engine: Engine) -> dict[str, LaneMasterData]:
    return db.list_lane_master(engine=_engine)


@st.cache_resource(show_spinner=False, max_entries=PLAN_CACHE_ENTRIES)
def lane_plan(
    _engine: Engine, lane: str, params: LaneMasterData, service_level: float | None,
    horizon_days: int,
) -> planning.LanePlan:
    """The full plan of one lane under one scenario (immutable, shared)."""
    return planning.plan_lane(
        load_demand(_engine, lane), params, service_level=service_level,
        horizon_days=horizon_days, as_of=data_as_of(_engine),
    )


def scenario_plan(engine: Engine, scenario: Scenario) -> planning.LanePlan:
    """:func:`lane_plan` of a sidebar or saved scenario."""
    return lane_plan(engine, scenario.lane, scenario.params, scenario.service_level,
                     scenario.horizon_days)


@st.cache_data(show_spinner=False)
def data_as_of(_engine: Engine) -> pd.Timestamp | None:
    """Last day with data in any lane: the network's "today" (lanes that went quiet
    are planned up to it, as the watchtower sees them)."""
    day = db.network_last_day(engine=_engine)  # index probes per lane: never reads the history
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))


@st.cache_data(show_spinner=False, ttl=RUN_STATUS_TTL_S)
def plan_run_status(_engine: Engine) -> plan_runs.RunStatus | None:
    """The latest stored planning run and whether the data changed since (None: no run)."""
    return plan_runs.run_status(engine=_engine)


def network_plan(engine: Engine) -> planning.NetworkPlan:
    """Watchtower over all lanes, each at its own profit-optimal service level.

    From the latest stored planning run when it is current (10,000 small
    rows), else planned live from the whole history.
    """
    status = plan_run_status(engine)
    return _network_plan(engine, None if status is None or not status.current else status.run_id)


@st.cache_resource(show_spinner=False, max_entries=1)
def _network_plan(_engine: Engine, run_id: int | None) -> planning.NetworkPlan:
    stored = (None if run_id is None else
              plan_runs.stored_network(engine=_engine, status=plan_run_status(_engine)))
    if stored is not None:
        return stored
    return planning.plan_network(load_demand(_engine, None), all_lane_master(_engine))


def clear_caches() -> None:
    """Call after every write: cached reads and plans are stale now."""
    st.cache_data.clear()
    st.cache_resource.clear()


# (database, data version) the caches of this server process were filled under (None:
# unknown yet).  Caches are per process, shared by every session, so the stamp is too.
_SEEN_VERSION: list[tuple[str, int] | None] = [None]
_VERSION_LOCK = threading.Lock()


def sync_data_version(engine: Engine) -> bool:
    """Clear the caches when any process or replica wrote since the last check.

    Called once per rerun: one primary-key read of ``db.data_version``.
    Returns True when the caches were cleared.
    """
    current = (db.database_label(engine), db.data_version(engine=engine))
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
def seed_demo_if_empty(_engine: Engine) -> int:
    """Start-up seeding for a hosted demo (``SEED_DEMO_IF_EMPTY=1``), once per server process.

    See :func:`services.seed_demo_if_empty`; returns the rows written.
    """
    return services.seed_demo_if_empty(_engine, on_change=st.cache_data.clear)

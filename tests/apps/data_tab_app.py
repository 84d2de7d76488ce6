"""Minimal page around the Data tab, for AppTest (no planning, so it runs fast).

Guarded by ``__main__`` (Streamlit runs pages as ``__main__``) so that pytest's
doctest collection can import this file without drawing anything.
"""

import streamlit as st

import config
from domain import LaneMasterData, Scenario
from views import data_tab, state


def main() -> None:
    settings = config.get_settings()
    state.show_flashes()
    lanes = state.list_lanes()
    lane = st.sidebar.selectbox("Lane", lanes, key="harness_lane") if lanes else "NEW-LANE"
    params = state.lane_master(lane) if lanes else LaneMasterData(code=lane)
    data_tab.render(Scenario(lane=lane, params=params), settings)


if __name__ == "__main__":
    main()

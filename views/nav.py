"""Tab labels and the session-state key of the main tab bar (shared by app.py and views).

Labels carry Material icons (``:material/name:``), which Streamlit draws from
its own icon font: no blank boxes where the system has no emoji font.
``TITLES`` holds the plain text of each label (browser tests find tabs by it).
"""

from __future__ import annotations

TAB_KEY = "main_tab"
WATCHTOWER = ":material/radar: Network watchtower"
LANE_OPS = ":material/show_chart: Lane operations"
RISK = ":material/shield: Risk & resilience"
COOPERATION = ":material/handshake: Horizontal cooperation"
FINANCE = ":material/euro: Finance"
DATA = ":material/database: Data"
ANALYST = ":material/smart_toy: Analyst & report"
TABS: tuple[str, ...] = (WATCHTOWER, LANE_OPS, RISK, COOPERATION, FINANCE, DATA, ANALYST)
TITLES: dict[str, str] = {label: label.split(": ", 1)[1] for label in TABS}

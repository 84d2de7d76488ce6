"""Tab labels and the session-state key of the main tab bar (shared by app.py and views)."""

from __future__ import annotations

TAB_KEY = "main_tab"
WATCHTOWER = "🛰️ Network watchtower"
LANE_OPS = "📈 Lane operations"
RISK = "🛡️ Risk & resilience"
COOPERATION = "🤝 Horizontal cooperation"
FINANCE = "💰 Finance"
DATA = "🗄️ Data"
ANALYST = "🤖 Analyst & report"
TABS: tuple[str, ...] = (WATCHTOWER, LANE_OPS, RISK, COOPERATION, FINANCE, DATA, ANALYST)

"""Short "how the numbers are computed" notes, one per tab (full text: docs/METHODS.md)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

NOTES: dict[str, str] = {
    "watchtower": """
* **Status** compares the mean of the last 7 days with the lane's own level
  (the 84 days before): ≥ 1.5 × → *Surge Alert*, ≤ 0.5 × → *Low Velocity*,
  otherwise *Normal*.
* **Utilisation** = required capacity / internal capacity. Required capacity is
  the daily handling flow (forecast workload incl. returns) that is covered on
  α of the days: `C_req = μ_W + z(α)·σ_W` [units/day].
* **Overflow** = max(0, C_req − C_max) [units/day] goes to partner warehouses.
* **Impact** = partner surcharge + expected SLA penalties [EUR/year]: the money
  at stake on the lane, used to rank the list.
* **Resilience** (0–100) combines buffer coverage, independence from partners
  and the tail risk of lead-time demand.
* Every lane is planned at its own profit-optimal service level α*.
""",
    "lane_ops": """
* Demand statistics use the last 365 days (days without records count as 0).
* **Workload** = demand × (1 + return rate): every return is handled again.
* The forecast method is chosen per lane by a rolling-origin backtest (up to
  three windows); the **MASE** (mean absolute scaled error) compares each method's
  holdout error with the in-sample naive forecast error: MASE < 1 beats the naive
  forecast. The lane uses the average of its two best methods unless that is
  clearly worse than the best alone.
* The **prediction interval** is sized by the errors the chosen forecast made in
  the backtest (not by a textbook normal assumption); sporadic lanes get a
  skewed interval that starts at zero.
* The **first breach** is the first forecast day on which the mean workload
  exceeds the internal capacity.
""",
    "risk": """
* **Critical ratio** α* = p / (p + h·Q/D): SLA penalty per unit short vs the
  holding cost of one unit for one replenishment cycle.
* **Lead-time demand σ** (root sum of squares):
  σ_LTD = √(L·σ_D² + D²·σ_L²) [units].
* **Safety stock** = z(α)·σ_LTD [units]; **reorder point** r = D·L + safety stock.
* **EOQ** Q = √(2·D_year·K / h) [units/order].
* **Fill rate** β = 1 − σ_LTD·G(z)/Q with the standard normal loss function G.
* **SLA penalty cost** = p × expected units short per year [EUR/year].
* The Monte Carlo twin replays the (r, Q) plan day by day with random demand and
  lead times to check the normal approximation.
""",
    "cooperation": """
* **Capacity cost per day** (first approximation): C_max·H + (C_req − C_max)·(H + S)
  when the required capacity C_req exceeds the internal capacity C_max, otherwise C_req·H.
* **Dependency ratio** = overflow / required capacity [%].
* Required and internal capacity are flows [units/day]; safety stock (a stock,
  in units) is never added to them.
""",
    "finance": """
* The heatmap evaluates expected profit [EUR/year] = revenue − handling −
  holding − ordering − SLA penalties − partner surcharge on a grid of service
  levels α and lead-time standard deviations σ_L; the star is the grid maximum.
* **Unit economics** spread each yearly cost over the yearly units delivered
  [EUR/unit].
""",
}


METHODS_FILE = Path(__file__).resolve().parent.parent / "docs" / "METHODS.md"


@st.dialog("Methods: derivations and references", width="large")
def _full_methods() -> None:
    try:
        st.markdown(METHODS_FILE.read_text(encoding="utf-8"))
    except OSError:
        st.warning(f"{METHODS_FILE.name} is not part of this installation.")


def render(topic: str) -> None:
    """An expander with the short method note of ``topic`` (a key of NOTES)."""
    with st.expander("How the numbers are computed", icon=":material/info:"):
        st.markdown(NOTES[topic])
        # A link-styled button: the full document opens over the page, the view stays.
        if st.button("Full derivations and references (METHODS.md)", type="tertiary",
                     icon=":material/menu_book:", key=f"methods_full_{topic}"):
            _full_methods()

"""Short "how the numbers are computed" notes, one per tab (full text: docs/METHODS.md)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

NOTES: dict[str, str] = {
    "watchtower": """
* **Status** compares the mean of the last 7 days with the lane's own level (the 84
  days before, shown next to it): ≥ 1.5 × and more than 2 standard errors above →
  *Surge Alert*; ≤ 0.5 × and 2 standard errors below → *Low Velocity*; a lane whose data
  stopped earlier than the network's last day → *No recent data* (never zero-filled).
* **Expected overflow** [units/year] = Σ over days of E[(W − C)⁺]: the workload
  W = demand × (1 + return rate) above that weekday's internal capacity C, from the
  normal loss function (or the lane's own days where they are skewed). Next to it the
  **last 365 days** replayed at today's capacity [units].
* **Utilisation** = mean workload / mean internal capacity (flows, units/day).
* **At stake** [EUR/year] = partner surcharge + reservation fees + spot premium +
  expected SLA penalties: the ranking of the list.
* **Resilience** (0–100) combines buffer coverage of the lane's own 99 % lead-time
  demand excursion and independence from partners.
* Every lane is planned at its own profit-optimal service level α* on its own review cycle.
""",
    "lane_ops": """
* Demand statistics use the lane's own last 365 days (inside its span, days without
  records count as 0); weekly and monthly histories are converted per day.
* **Workload** = demand × (1 + return rate): every return is handled again.
* The forecast method is chosen per lane by a rolling-origin backtest (up to
  three windows); the **MASE** (mean absolute scaled error) compares each method's
  holdout error with the in-sample naive forecast error: MASE < 1 beats the naive
  forecast. The lane uses the average of its best methods unless that is clearly
  worse than the best alone.
* The **prediction interval** is sized by the errors the chosen forecast made in
  the backtest; sporadic lanes get a skewed interval that starts at zero.
* **Expected overflow over the horizon** = Σ_t E[(W_t − C_t)⁺] with the forecast mean
  and its backtest spread against each day's capacity.
* The **first breach** is the first forecast day on which the mean workload exceeds
  that day's internal capacity.
""",
    "risk": """
* **Review cycle** (master data): continuous, once a day (the stock position is already
  below r by part of a day's demand when an order goes out: the undershoot) or order up
  to S every R days. The **reorder point** r (or S) is the one that reaches the target
  cycle service level α on that cycle, with the lead time as random as the twin draws it.
* **Critical ratio** α* = p / (p + h·T), T = one cycle in years (Q/D or R/365): the
  exact maximum of the expected profit.
* **Safety stock** = r − expected demand until the order arrives [units].
* **Fill rate** β = 1 − expected units short per cycle / demand per cycle.
* **Total inventory cost** = holding + ordering + SLA penalties [EUR/year]; the curve's
  minimum is α*.
* **Plan vs last 365 days vs simulation**: each figure next to a replay of the lane's
  own year and the Monte Carlo twin driven by exactly this policy and capacity; a
  sentence explains any gap beyond 3 standard errors.
""",
    "cooperation": """
* Costs are charged on **expected volumes**: internal handling H × expected internal
  volume; partner handling and surcharge (H + S) × expected overflow; reservation fee
  × reserved capacity × 365 + spot premium × volume beyond the reservation [EUR/year].
* **Partner capacity to reserve** = max(0, μ_W + z(γ)·σ_W − C) at the capacity
  coverage level γ [units/day]: a capacity to hold ready, not a volume sent every day.
* **Cost-optimal reservation** (with a fee f and a spot premium s): P(W > C + K) = f / s.
* **Dependency ratio** = expected partner volume / expected workload [%].
""",
    "finance": """
* The heatmap evaluates the plan's own expected profit [EUR/year] = revenue −
  handling − partner costs − reservation − holding − ordering − SLA penalties on a
  grid of service levels α and lead-time standard deviations σ_L; the star is the
  grid maximum (α* at today's σ_L).
* **Unit economics** spread each yearly cost over the yearly units delivered [EUR/unit].
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

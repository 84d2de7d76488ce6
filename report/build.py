"""PDF executive report (fpdf2): executive summary, network, one page per lane.

:func:`build_report` is callable from plain Python (no Streamlit) and returns
the PDF as bytes.  Content:

1. **Executive summary** (one page): network totals (expected overflow per
   year, the last 365 days replayed, partner capacity to reserve, money at
   stake, expected profit), the top risks by money at stake (partner
   surcharge + reservation fees + spot premium + expected SLA penalties,
   EUR/year; the watchtower's first rows), the recommended actions of the report's lanes
   ranked by their effect on expected profit [EUR/year], each computed by
   re-planning the lane with the change (``ai_brain.rank_actions``, the
   assistant's what-if engine), and the utilisation chart in the room left.
2. **One page per lane**: scenario and parameters, key figures, the demand
   and cost charts (same colours and axes as the dashboard, :mod:`presentation.palette`),
   the reconciliation plan vs last 365 days vs Monte Carlo simulation
   (``reconciliation.reconcile`` with the Risk tab's replications and seed, so
   the same numbers) with its explanations, and the lane's actions and risk
   drivers.

Every number is formatted by :mod:`presentation.formatting` (thousands separators, the same
decimals per unit everywhere); method names are the planner's words
(``presentation.formatting.method_label``).  Lanes are chosen with :func:`select_lanes` (all,
top N by money at stake, or a selection).  Text uses DejaVu Sans shipped inside
matplotlib, so Unicode lane names print without system fonts.
"""


from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import ai_brain
from planning import reconciliation
from report.layout import new_pdf
from report.pages import lane_page, summary_page

# the reconciliation = the Risk tab's (views/cached_sim.reconcile): the same replications
# and seed -> the same figures as the dashboard
RECONCILE_REPLICATIONS = reconciliation.DEFAULT_REPLICATIONS
RECONCILE_SEED = reconciliation.RECONCILE_SEED

SELECT_ALL = "all"
SELECT_TOP = "top"
SELECT_CHOSEN = "selection"


# --- lane selection ----------------------------------------------------------------


def select_lanes(
    network: Any, mode: str = SELECT_TOP, *, top_n: int = 10, chosen: Sequence[str] = ()
) -> list[str]:
    """Lane codes for the report: all (by money at stake), the top N, or a selection.

    The watchtower table is sorted by money at stake (``impact_per_year``), so
    "top N" are its first N rows; a selection keeps the watchtower order.
    """
    if mode not in (SELECT_ALL, SELECT_TOP, SELECT_CHOSEN):
        raise ValueError(f"mode must be one of all/top/selection, got {mode!r}")
    ordered = [str(c) for c in network.table["lane"]] if network is not None else []
    if mode == SELECT_ALL:
        return ordered
    if mode == SELECT_TOP:
        if top_n < 1:
            raise ValueError(f"top_n must be >= 1, got {top_n}")
        return ordered[:top_n]
    wanted = {str(c) for c in chosen}
    return [c for c in ordered if c in wanted] + [c for c in chosen if c not in ordered]


# --- reconciliation -----------------------------------------------------------------


def lane_reconciliation(plan: Any) -> reconciliation.Reconciliation:
    """Plan vs last 365 days vs Monte Carlo twin: exactly the Risk tab's table and sentences."""
    return reconciliation.reconcile(plan, replications=RECONCILE_REPLICATIONS,
                                    seed=RECONCILE_SEED)


# --- entry point --------------------------------------------------------------------


def build_report(
    plans: Sequence[Any],
    network: Any,
    *,
    analyses: Mapping[str, str] | None = None,
    generated_at: datetime | None = None,
    workspace: Any | None = None,
    selection: str = "lanes chosen by the planner",
    simulate: bool = True,
) -> bytes:
    """Build the executive PDF and return its bytes.

    Parameters
    ----------
    plans : sequence of planning.LanePlan
        Lanes with a page each, in this order (e.g. from :func:`select_lanes`).
    network : planning.NetworkPlan
        Summarised on the first two pages.
    analyses : mapping lane code -> Markdown text, optional
        Written analyses (e.g. Gemini's); key ``ai_brain.NETWORK_KEY`` holds the
        network's.  A lane with an analysis prints it instead of the actions and
        drivers on its page.
    generated_at : datetime, optional
        Timestamp printed on the report (default: now).
    workspace : ai_brain.Workspace, optional
        How actions re-plan lanes (the app passes its cached what-if path);
        default: each lane re-planned from its own plan's history.
    selection : str
        How the lanes were chosen, printed on the first page.
    simulate : bool
        Print the reconciliation (``reconciliation.reconcile``, the Risk tab's
        replications and seed) on each lane page.
    """
    analyses = dict(analyses or {})
    stamp = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    pdf = new_pdf(f"generated {stamp}")
    actions = {}
    for plan in plans:
        ws = workspace or ai_brain.workspace_for(plan, network)
        actions[plan.lane] = ai_brain.rank_actions(plan, ws)
    summary_page(pdf, plans, network, stamp, actions, selection,
                  analyses.get(ai_brain.NETWORK_KEY))
    for plan in plans:
        rec = lane_reconciliation(plan) if simulate else None
        lane_page(pdf, plan, actions[plan.lane], analyses.get(plan.lane), rec)
    return bytes(pdf.output())

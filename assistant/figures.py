"""Figures of a lane plan and of the network, each formatted with its unit.

The assistant (both modes), its tools and the PDF report print these, so a
figure reads the same everywhere.  Demand shocks: modified z-score of
Iglewicz & Hoaglin (1993) on residuals around a rolling median (threshold 3.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from domain import DAYS_PER_YEAR, MASTER_DATA_FIELDS, LaneMasterData
from domain.units import DAYS_PER_MONTH
from presentation.formatting import fmt_count, fmt_date, fmt_number, fmt_pct, fmt_qty, method_label

TOP_NETWORK_LANES = 10  # lanes of the watchtower included in contexts and summaries

# --- offline analyst thresholds ------------------------------------------------
CV_LOW = 0.2  # coefficient of variation below this: low volatility
CV_HIGH = 0.5  # above this: high volatility
TREND_FLAT_PCT_PER_MONTH = 1.0  # |slope| below 1 % of the mean per month counts as flat
SHOCK_Z = 3.5  # modified z-score threshold (Iglewicz & Hoaglin 1993)
MAD_TO_Z = 0.6745  # Phi^-1(0.75): makes the MAD consistent with sigma for normal data
SHOCK_WINDOW_DAYS = 365  # shocks are searched in the last year of history [days]
ROLLING_MEDIAN_DAYS = 29  # centred window removing trend/seasonality before the test [days]
SHOCKS_LISTED = 3  # largest shocks named in the text
RESILIENCE_WEAK = 50.0  # index below this reads as fragile
RESILIENCE_STRONG = 75.0  # index at or above this reads as robust
DEPENDENCY_HIGH = 0.2  # more than 20 % of the expected workload with partners is "high"


@dataclass(frozen=True)
class Figure:
    """One figure with its unit: ``text`` is what the context, the analyst and the PDF print."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Shocks:
    """Demand shocks in the last year: days whose residual around a rolling median is extreme.

    spikes/drops : number of days above/below the threshold.
    largest : up to SHOCKS_LISTED (date, volume [units/day], typical [units/day]) by |residual|.
    """

    spikes: int
    drops: int
    largest: tuple[tuple[pd.Timestamp, float, float], ...]



def lane_ref(code: str) -> str:
    """A lane name as an inline code span (keeps Markdown in names from rendering)."""
    return "`" + str(code).replace("`", "'") + "`"



# --- figures ----------------------------------------------------------------------


def demand_trend(history: pd.Series, *, window_days: int = SHOCK_WINDOW_DAYS) -> float:
    """Least-squares slope of daily demand over the last ``window_days`` [units/day per month].

    A month is 365/12 days (``domain.units.DAYS_PER_MONTH``), the same month as everywhere else.

    >>> s = pd.Series(np.arange(60.0), index=pd.date_range("2024-01-01", periods=60))
    >>> round(demand_trend(s), 6)
    30.416667
    """
    values = np.asarray(history.to_numpy(dtype=float)[-window_days:])
    if values.size < 2:
        return 0.0
    days = np.arange(values.size, dtype=float)
    slope_per_day = float(np.polyfit(days, values, 1)[0])
    return slope_per_day * DAYS_PER_MONTH


def detect_shocks(history: pd.Series, *, window_days: int = SHOCK_WINDOW_DAYS) -> Shocks:
    """Spikes and drops in the last ``window_days``: modified z-score of residuals > 3.5.

    Residual = demand - centred rolling median (removes trend and seasonality);
    modified z = 0.6745 * residual / MAD (Iglewicz & Hoaglin 1993).  When the
    MAD is zero (e.g. intermittent demand that is mostly 0) no shock is reported.

    >>> s = pd.Series([10.0, 11, 9, 10, 12, 10, 9, 11, 10, 80, 10, 11, 9, 10, 10],
    ...               index=pd.date_range("2024-01-01", periods=15))
    >>> shocks = detect_shocks(s)
    >>> shocks.spikes, shocks.drops, shocks.largest[0][0].strftime("%Y-%m-%d")
    (1, 0, '2024-01-10')
    """
    recent = history.iloc[-window_days:].astype(float)
    if recent.size < 3:
        return Shocks(0, 0, ())
    typical = recent.rolling(ROLLING_MEDIAN_DAYS, center=True, min_periods=1).median()
    residual = recent - typical
    mad = float(np.median(np.abs(residual - np.median(residual))))
    if mad <= 0.0:
        return Shocks(0, 0, ())
    z = MAD_TO_Z * (residual - float(np.median(residual))) / mad
    flagged = z[np.abs(z) > SHOCK_Z]
    order = flagged.abs().sort_values(ascending=False).index[:SHOCKS_LISTED]
    largest = tuple(
        (pd.Timestamp(day), float(recent[day]), float(typical[day])) for day in order
    )
    return Shocks(int((flagged > 0).sum()), int((flagged < 0).sum()), largest)


def review_cycle_label(review_period_days: int) -> str:
    """The lane's review cycle in the planner's words (as the Risk tab says it)."""
    if review_period_days <= 0:
        return "continuous review (r, Q)"
    if review_period_days == 1:
        return "reviewed once a day (r, Q)"
    return f"order up to S every {review_period_days} days"


def reorder_point_label(review_period_days: int) -> str:
    """"order-up-to level S" for periodic lanes, else "reorder point r"."""
    return "order-up-to level S" if review_period_days >= 2 else "reorder point r"


def reservation_priced(params: LaneMasterData) -> bool:
    """Whether the lane's master data prices a reservation (fee > 0, spot premium above it).

    Only then does the capacity newsvendor give a cost-optimal reservation K*
    (the cooperation tab's rule).
    """
    return params.reservation_fee > 0 and params.spot_premium > params.reservation_fee


def parameter_figures(params: LaneMasterData) -> list[Figure]:
    """The master data a plan used, each with its unit (from ``domain.MASTER_DATA_FIELDS``)."""
    labels = {
        "internal_capacity": "internal capacity C_max",
        "holding_cost": "holding cost h",
        "penalty_cost": "SLA penalty p",
        "partner_surcharge": "partner surcharge S",
        "order_cost": "order cost K",
        "handling_cost": "handling cost H",
        "revenue_per_unit": "revenue per unit",
        "return_rate": "return rate",
        "lead_time_mean": "lead time L (mean)",
        "lead_time_std": "lead time sigma_L",
        "review_period_days": "review period R (0 = continuous)",
        "capacity_coverage_level": "capacity coverage level gamma",
        "reservation_fee": "reservation fee f",
        "spot_premium": "spot premium",
    }
    out = []
    for name, (_low, _high, unit) in MASTER_DATA_FIELDS.items():
        value = getattr(params, name)
        decimals = {"review_period_days": 0, "reservation_fee": 2}.get(name)
        text = fmt_pct(value) if unit == "fraction" else fmt_qty(value, unit, decimals=decimals)
        out.append(Figure(name, labels.get(name, name.replace("_", " ")), text))
    return out


def cost_at(plan: Any, service_level: float) -> float:
    curve = plan.cost_curve
    return float(np.interp(service_level, curve.service_levels, curve.total))


def lane_figures(plan: Any) -> list[Figure]:
    """Every figure of one lane plan the assistant and the report talk about, with units."""
    stats = plan.stats
    cv = stats.demand_std / stats.demand_mean if stats.demand_mean > 0 else float("nan")
    fc = plan.forecast
    horizon_mean = float(np.mean(fc.mean)) if len(fc.mean) else float("nan")
    trend = demand_trend(plan.history)
    shocks = detect_shocks(plan.history)
    res = plan.resilience
    f = Figure
    figs = [
        f("data_range", "data range", f"{fmt_date(plan.history.index.min())} to "
          f"{fmt_date(plan.history.index.max())}"),
        f("demand_mean", "mean demand", fmt_qty(stats.demand_mean, "units/day")),
        f("demand_std", "demand standard deviation", fmt_qty(stats.demand_std, "units/day")),
        f("cv", "coefficient of variation", fmt_number(cv, decimals=2)),
        f("pattern", "demand pattern", plan.pattern),
        f("status", "status", plan.status),
        f("recent_mean", "recent demand (last 7 days)", fmt_qty(plan.recent_mean, "units/day")),
        f("baseline_mean", "own level (12 weeks before)", fmt_qty(plan.baseline_mean, "units/day")),
        f("trend", "trend", fmt_qty(trend, "units/day per month")),
        f("shocks", "demand shocks (last year)",
          f"{fmt_count(shocks.spikes, 'spike')}, {fmt_count(shocks.drops, 'drop')}"),
        f("forecast_mean", "forecast mean demand over horizon", fmt_qty(horizon_mean, "units/day")),
        f("forecast_method", "forecast method", method_label(fc.method)),
        f("horizon", "forecast horizon", f"{len(fc.dates)} days"),
        f("service_level", "target cycle service level", fmt_pct(plan.service_level)),
        f("optimal_service_level", "profit-optimal service level α* = p / (p + h·T)",
          fmt_pct(plan.optimal_service_level)),
        f("review_cycle", "review cycle", review_cycle_label(plan.review_period_days)),
        f("cycle_service_level", "cycle service level achieved on the review cycle",
          fmt_pct(plan.cycle_service_level)),
        f("underage_cost", "underage cost Cu", fmt_qty(plan.underage_cost, "EUR/unit short")),
        f("overage_cost", "overage cost Co = h·T", fmt_qty(plan.overage_cost, "EUR/unit per cycle")),
        f("z", "safety factor z", fmt_number(plan.z, decimals=2)),
        f("safety_stock", "safety stock", fmt_qty(plan.safety_stock, "units")),
        f("reorder_point", reorder_point_label(plan.review_period_days),
          fmt_qty(plan.reorder_point, "units")),
        f("textbook_reorder_point", "continuous-review textbook reorder point (comparison only)",
          fmt_qty(plan.textbook_reorder_point, "units")),
        f("order_quantity", "order quantity (EOQ)" if plan.review_period_days < 2
          else "mean order (D·R)", fmt_qty(plan.order_quantity, "units/order")),
        f("fill_rate", "fill rate", fmt_pct(plan.fill_rate, decimals=2)),
        f("expected_shortage_per_year", "expected shortage",
          fmt_qty(plan.expected_shortage_per_year, "units/year")),
        f("holding_cost_per_year", "holding cost", fmt_qty(plan.holding_cost_per_year, "EUR/year")),
        f("ordering_cost_per_year", "ordering cost",
          fmt_qty(plan.ordering_cost_per_year, "EUR/year")),
        f("penalty_cost_per_year", "expected SLA penalties",
          fmt_qty(plan.penalty_cost_per_year, "EUR/year")),
        f("inventory_cost_per_year", "total inventory cost (holding + ordering + SLA penalties)",
          fmt_qty(plan.inventory_cost_per_year, "EUR/year")),
        f("forecast_workload_mean", "forecast workload incl. returns",
          fmt_qty(plan.forecast_workload_mean, "units/day")),
        f("internal_capacity", "internal capacity (mean over the week)",
          fmt_qty(plan.internal_capacity, "units/day")),
        f("utilisation", "utilisation (mean workload / internal capacity)",
          fmt_pct(plan.utilisation)),
        f("first_breach_date", "first capacity breach (mean forecast)",
          fmt_date(fc.first_breach_date)),
        f("first_breach_date_upper", "first capacity breach (upper bound)",
          fmt_date(fc.first_breach_date_upper)),
        f("expected_overflow_per_year", "expected overflow to partners",
          fmt_qty(plan.expected_overflow_per_year, "units/year")),
        f("overflow_volume", "expected overflow to partners per day",
          fmt_qty(plan.overflow_volume, "units/day")),
        f("overflow_last_year", "overflow of the last 365 days, replayed at today's capacity",
          fmt_qty(plan.overflow_last_year, "units")),
        f("forecast_expected_overflow", f"expected overflow over the next {len(fc.dates)} days",
          fmt_qty(fc.expected_overflow_total, "units")),
        f("capacity_coverage_level", "capacity coverage level γ",
          fmt_pct(plan.capacity_coverage_level)),
        f("required_capacity", "coverage quantile of daily workload μ_W + z(γ)·σ_W",
          fmt_qty(plan.required_capacity, "units/day")),
        f("partner_capacity_to_reserve", "partner capacity to reserve (at γ)",
          fmt_qty(plan.partner_capacity_to_reserve, "units/day")),
        *([f("cost_optimal_reservation", "cost-optimal reservation (P(W > C + K) = fee / premium)",
             fmt_qty(plan.cost_optimal_reservation, "units/day"))]
          if reservation_priced(plan.params) else []),
        f("dependency_ratio", "partner dependency (expected partner volume / expected workload)",
          fmt_pct(plan.dependency_ratio)),
        f("partner_cost_per_year", "partner handling + surcharge",
          fmt_qty(plan.partner_cost_per_day * DAYS_PER_YEAR, "EUR/year")),
        f("surcharge_cost_per_year", "partner surcharge",
          fmt_qty(plan.surcharge_cost_per_day * DAYS_PER_YEAR, "EUR/year")),
        f("reservation_cost_per_year", "reservation fees + spot premium",
          fmt_qty(plan.reservation_cost_per_year, "EUR/year")),
        f("cooperation_cost_per_year", "cooperation cost (internal + partner handling + reservation)",
          fmt_qty(plan.cooperation_cost_per_year, "EUR/year")),
        f("money_at_stake", "money at stake (surcharge + fees + premium + SLA penalties)",
          fmt_qty(plan.money_at_stake_per_year, "EUR/year")),
        f("resilience", "resilience index", f"{fmt_number(res.score, decimals=0)} / 100"),
        f("resilience_coverage", "resilience: buffer coverage of tail risk",
          fmt_pct(float(res.coverage))),
        f("resilience_independence", "resilience: independence from partners",
          fmt_pct(float(res.independence))),
        f("resilience_tail_risk", "tail risk (99 % lead-time demand excursion)",
          fmt_qty(float(res.tail_risk), "units")),
        f("expected_profit_per_year", "expected profit",
          fmt_qty(plan.expected_profit_per_year, "EUR/year")),
        f("unit_margin", "margin per unit", fmt_qty(plan.unit_economics.margin, "EUR/unit")),
        f("margin_pct", "margin", fmt_pct(plan.unit_economics.margin_pct / 100.0)),
    ]
    return figs




def witness_text(value: float | None, unit: str) -> str:
    """One reconciliation cell with its unit, as the Risk tab prints it ("—" = no figure)."""
    if value is None or value != value:
        return "\u2014"
    if unit == "fraction":
        return fmt_pct(value, decimals=2)
    return fmt_qty(value, unit, decimals=1 if unit == "days/year" else 0)


def reconciliation_rows(rec: Any) -> list[dict[str, str]]:
    """``reconciliation.reconcile`` rows formatted with units: plan, last 365 days, simulation."""
    out = []
    for row in rec.rows:
        se = (f"{fmt_number(100 * row.simulation_se, decimals=2)} pp" if row.unit == "fraction"
              else fmt_qty(row.simulation_se, row.unit, decimals=1))
        out.append({
            "figure": row.figure, "unit": row.unit, "plan": witness_text(row.plan, row.unit),
            "last_365_days": witness_text(row.history, row.unit),
            "simulation": witness_text(row.simulation, row.unit), "simulation_se": se,
            "plan_vs_simulation": "agree" if row.agrees else "differ",
        })
    return out


def network_figures(network: Any) -> list[Figure]:
    """Totals of the watchtower, with units (the watchtower's own metrics first)."""
    f = Figure
    counts = ", ".join(f"{v} {k}" for k, v in network.status_counts.items() if v)
    return [
        f("as_of", "data as of", fmt_date(network.as_of)),
        f("lanes", "lanes", str(len(network.table))),
        f("status_counts", "status counts", counts or "none"),
        f("total_expected_overflow_per_year", "expected overflow to partners",
          fmt_qty(network.total_expected_overflow_per_year, "units/year")),
        f("total_overflow_volume", "expected overflow to partners per day",
          fmt_qty(network.total_overflow_volume, "units/day")),
        f("total_overflow_last_year", "overflow of the last 365 days, replayed",
          fmt_qty(network.total_overflow_last_year, "units")),
        f("total_money_at_stake_per_year", "money at stake",
          fmt_qty(network.total_money_at_stake_per_year, "EUR/year")),
        f("total_partner_capacity_to_reserve", "partner capacity to reserve",
          fmt_qty(network.total_partner_capacity_to_reserve, "units/day")),
        f("total_internal_capacity", "total internal capacity",
          fmt_qty(network.total_internal_capacity, "units/day")),
        f("lanes_overflowing", "lanes overflowing", str(len(network.lanes_overflowing))),
        f("network_dependency_ratio", "network partner dependency",
          fmt_pct(network.network_dependency_ratio)),
        f("total_expected_profit_per_year", "expected profit",
          fmt_qty(network.total_expected_profit_per_year, "EUR/year")),
        f("total_cooperation_cost_per_year", "total cooperation cost",
          fmt_qty(network.total_cooperation_cost_per_year, "EUR/year")),
        f("total_surcharge_cost_per_year", "total partner surcharge",
          fmt_qty(network.total_surcharge_cost_per_year, "EUR/year")),
        f("total_penalty_cost_per_year", "total expected SLA penalties",
          fmt_qty(network.total_penalty_cost_per_year, "EUR/year")),
    ]


def network_rows(network: Any, *, limit: int = TOP_NETWORK_LANES) -> list[dict[str, str]]:
    """Top lanes of the watchtower by impact, figures formatted with units."""
    rows = []
    for _, row in network.table.head(limit).iterrows():
        rows.append({
            "lane": str(row["lane"]),
            "status": str(row["status"]),
            "utilisation": fmt_pct(row["utilisation"]),
            "expected_overflow": fmt_qty(row["expected_overflow_per_year"], "units/year"),
            "overflow_last_365_days": fmt_qty(row["overflow_last_year"], "units"),
            "partner_capacity_to_reserve": fmt_qty(row["partner_capacity_to_reserve"], "units/day"),
            "dependency": fmt_pct(row["dependency_ratio"]),
            "resilience": f"{fmt_number(row['resilience'], decimals=0)} / 100",
            "money_at_stake": fmt_qty(row["impact_per_year"], "EUR/year"),
        })
    return rows


"""What the twin reports: per-replication figures of a run and of a stress test.

Also the per-replication totals the kernel accumulates (:class:`Totals`) and
their conversion into service levels and profit (:func:`to_result`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from domain import DAYS_PER_YEAR
from simulation.inputs import RunPlan

VAR_LEVEL = 0.95  # value-at-risk confidence level


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Simulated performance of one lane under one plan.

    Array attributes hold one value per replication; every money figure is in
    EUR over the measured horizon of ``days`` days (after the warm-up).

    Attributes
    ----------
    fill_rate, fill_rate_se : float
        beta, mean share of demand served from stock, and its standard error.
    cycle_service_level, cycle_service_level_se : float
        alpha, mean share of replenishment cycles without a stockout just
        before the arrival, and its standard error.
    fill_rate_per_replication, cycle_service_level_per_replication : ndarray
        The per-replication values behind the means.
    stockout_days : ndarray
        Days with any shortage [days/horizon].
    backordered_units : ndarray
        Demand not served from stock [units/horizon].
    overflow_volume : ndarray
        Workload handed to partners [units/horizon].
    overflow_cost : ndarray
        ``partner_surcharge * overflow_volume`` [EUR/horizon].
    orders : ndarray
        Replenishment orders placed [orders/horizon].
    average_on_hand : ndarray
        Mean end-of-day on-hand stock [units].
    profit : ndarray
        Profit and loss [EUR/horizon]: ``revenue * delivered - handling *
        workload - surcharge * overflow - holding/365 * sum of daily on-hand -
        order_cost * orders - penalty * backordered units``.
    replications, days : int
        Number of replications and measured days.
    """

    fill_rate: float
    fill_rate_se: float
    cycle_service_level: float
    cycle_service_level_se: float
    fill_rate_per_replication: np.ndarray
    cycle_service_level_per_replication: np.ndarray
    stockout_days: np.ndarray
    backordered_units: np.ndarray
    overflow_volume: np.ndarray
    overflow_cost: np.ndarray
    orders: np.ndarray
    average_on_hand: np.ndarray
    profit: np.ndarray
    replications: int
    days: int

    @property
    def expected_profit(self) -> float:
        """Mean profit over replications [EUR/horizon]."""
        return float(np.mean(self.profit))

    @property
    def probability_of_loss(self) -> float:
        """Share of replications with negative profit [fraction]."""
        return float(np.mean(self.profit < 0.0))

    @property
    def value_at_risk_95(self) -> float:
        """VaR 95 % [EUR/horizon], as a loss: ``-quantile(profit, 0.05)``.

        Positive = the loss that is exceeded in only 5 % of replications;
        negative = even the 5 % worst case still earns that much profit.
        """
        return float(-np.quantile(self.profit, 1.0 - VAR_LEVEL))

    @property
    def expected_overflow_cost(self) -> float:
        """Mean partner surcharge [EUR/horizon]."""
        return float(np.mean(self.overflow_cost))

    def summary(self) -> dict[str, float]:
        """Scalar key figures for a table or report (units in the key names)."""
        return {
            "fill_rate": self.fill_rate,
            "fill_rate_se": self.fill_rate_se,
            "cycle_service_level": self.cycle_service_level,
            "cycle_service_level_se": self.cycle_service_level_se,
            "stockout_days_mean": float(np.mean(self.stockout_days)),
            "overflow_volume_mean_units": float(np.mean(self.overflow_volume)),
            "overflow_cost_mean_eur": self.expected_overflow_cost,
            "expected_profit_eur": self.expected_profit,
            "probability_of_loss": self.probability_of_loss,
            "value_at_risk_95_eur": self.value_at_risk_95,
            "replications": float(self.replications),
            "days": float(self.days),
        }


@dataclass(frozen=True, eq=False)
class StressTestResult:
    """Resilience of one lane against one shock (Simchi-Levi et al. 2014/2015).

    Attributes
    ----------
    time_to_survive_days : ndarray
        TTS per replication: days from the shock start until the first
        disrupted day (shortage backlog or unhandled workload), ``inf`` if the
        lane never got disrupted within the horizon [days].
    time_to_recover_days : ndarray
        TTR per replication: days after the shock ends until that first
        disruption is cleared (0 if it cleared during the shock or never
        happened, ``inf`` if it is still open at the end of the horizon) [days].
    shock, shock_start_day, shock_days, shock_factor :
        The shock that was injected (start counted from the first measured day).
    baseline, shocked : SimulationResult
        Same plan and same random draws without and with the shock.
    """

    time_to_survive_days: np.ndarray
    time_to_recover_days: np.ndarray
    shock: str
    shock_start_day: int
    shock_days: int
    shock_factor: float
    baseline: SimulationResult
    shocked: SimulationResult

    @property
    def probability_of_disruption(self) -> float:
        """Share of replications disrupted at or after the shock start."""
        return float(np.mean(np.isfinite(self.time_to_survive_days)))

    @property
    def median_time_to_survive_days(self) -> float:
        """Median TTS [days] (``inf`` if most replications never got disrupted)."""
        return float(np.median(self.time_to_survive_days))

    @property
    def median_time_to_recover_days(self) -> float:
        """Median TTR [days]."""
        return float(np.median(self.time_to_recover_days))

    @property
    def mean_time_to_recover_days(self) -> float:
        """Mean TTR [days] (``inf`` if any replication never recovered)."""
        return float(np.mean(self.time_to_recover_days))

    @property
    def extra_overflow_cost(self) -> float:
        """Mean extra partner surcharge caused by the shock [EUR/horizon]."""
        return self.shocked.expected_overflow_cost - self.baseline.expected_overflow_cost

    @property
    def extra_loss(self) -> float:
        """Mean profit lost through the shock [EUR/horizon]."""
        return self.baseline.expected_profit - self.shocked.expected_profit


@dataclass(frozen=True)
class Totals:
    """Per-replication totals over the measured horizon (internal)."""

    demand: np.ndarray
    short: np.ndarray
    stockout_days: np.ndarray
    cycles: np.ndarray
    cycles_short: np.ndarray
    orders: np.ndarray
    on_hand_sum: np.ndarray
    backorders_start: np.ndarray
    backorders_end: np.ndarray
    workload: np.ndarray
    overflow: np.ndarray
    disrupted: np.ndarray | None  # (replications, days) bool, only when recorded


def _standard_error(values: np.ndarray) -> float:
    if values.size < 2:
        return math.nan
    return float(np.std(values, ddof=1) / math.sqrt(values.size))


def to_result(plan: RunPlan, totals: Totals) -> SimulationResult:
    # Conventions: no demand -> fill rate 1; no completed cycle -> no stockout seen.
    fill = np.where(
        totals.demand > 0.0, 1.0 - totals.short / np.maximum(totals.demand, 1e-300), 1.0
    )
    cycle = np.where(
        totals.cycles > 0.0, 1.0 - totals.cycles_short / np.maximum(totals.cycles, 1.0), 1.0
    )
    delivered = totals.demand - (totals.backorders_end - totals.backorders_start)
    overflow_cost = plan.partner_surcharge * totals.overflow
    profit = (
        plan.revenue_per_unit * delivered
        - plan.handling_cost * totals.workload
        - overflow_cost
        - plan.holding_cost / DAYS_PER_YEAR * totals.on_hand_sum
        - plan.order_cost * totals.orders
        - plan.penalty_cost * totals.short
    )
    return SimulationResult(
        fill_rate=float(np.mean(fill)),
        fill_rate_se=_standard_error(fill),
        cycle_service_level=float(np.mean(cycle)),
        cycle_service_level_se=_standard_error(cycle),
        fill_rate_per_replication=fill,
        cycle_service_level_per_replication=cycle,
        stockout_days=totals.stockout_days,
        backordered_units=totals.short,
        overflow_volume=totals.overflow,
        overflow_cost=overflow_cost,
        orders=totals.orders,
        average_on_hand=totals.on_hand_sum / plan.days,
        profit=profit,
        replications=plan.replications,
        days=plan.days,
    )


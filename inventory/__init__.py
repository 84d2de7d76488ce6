"""Inventory planning math by model family (pure functions over floats and NumPy arrays).

=====================  ==========================================================
module                 contents
=====================  ==========================================================
``validation``         input checks (``ValueError`` naming parameter, range, unit)
``normal``             phi, Phi, the loss functions G, G2 and the inverse of G
``periods``            recording period of a history, conversion between periods
``demand``             lead-time demand spread (root sum of squares)
``continuous_review``  (r, Q): safety stock, reorder point, shortage, fill rate
``lot_sizing``         EOQ
``newsvendor``         critical ratio, newsvendor level and cost
``cost_model``         annual cost, optimal service level, cost curves, alpha*
``daily_review``       (r, Q) reviewed once a day: the undershoot in closed form
``lead_time_mixture``  protection demand over the twin's random lead time
``empirical``          protection demand from the lane's own days (FFT)
``periodic_review``    the policy on the lane's review cycle (R = 0, 1, >= 2)
=====================  ==========================================================

Scalar inputs give a Python ``float``, array inputs an ``ndarray`` (inputs
broadcast).  The planning core works **per day**: demand per day, lead time in
days, holding cost per unit per **year** (annualised with
``domain.DAYS_PER_YEAR``); see :mod:`inventory.periods` for conversions.

References
----------
Hadley, G. & Whitin, T. M. (1963). *Analysis of Inventory Systems*. Prentice-Hall.
Silver, E. A., Pyke, D. F. & Thomas, D. J. (2017). *Inventory and Production
Management in Supply Chains*, 4th ed., CRC Press.
Axsäter, S. (2015). *Inventory Control*, 3rd ed., Springer.
Snyder, L. V. & Shen, Z.-J. M. (2019). *Fundamentals of Supply Chain Theory*,
2nd ed., Wiley (examples also used by the ``stockpyl`` library).
Zipkin, P. H. (2000). *Foundations of Inventory Management*. McGraw-Hill.
"""

from __future__ import annotations

from inventory.continuous_review import (
    expected_shortage_per_cycle,
    fill_rate,
    reorder_point,
    safety_stock,
    service_level_for_fill_rate,
)
from inventory.cost_model import (
    AnnualCost,
    CostCurve,
    annual_inventory_cost,
    cost_convexity_curve,
    critical_ratio_for_cycle,
    cycle_length_years,
    optimal_service_level,
    policy_annual_cost,
)
from inventory.daily_review import (
    daily_review_cycle_service_level,
    daily_review_expected_shortage,
    daily_review_reorder_point,
    daily_review_undershoot_mean,
)
from inventory.demand import lead_time_demand_std
from inventory.empirical import EmpiricalDistribution, empirical_distributions
from inventory.lead_time_mixture import (
    ProtectionDemand,
    lead_time_distribution,
    protection_demand,
)
from inventory.lot_sizing import eoq
from inventory.newsvendor import critical_ratio, newsvendor_expected_cost, newsvendor_quantity
from inventory.normal import (
    inverse_standard_normal_loss,
    standard_normal_loss,
    standard_normal_second_loss,
)
from inventory.periodic_review import CONTINUOUS, DAILY, ReviewCyclePolicy, review_cycle_policy
from inventory.periods import (
    DAY_WEEK_BOUNDARY,
    PERIOD_DAYS,
    convert_duration,
    convert_mean,
    convert_std,
    detect_period,
)
from inventory.validation import FloatOrArray

__all__ = [
    "CONTINUOUS",
    "DAILY",
    "DAY_WEEK_BOUNDARY",
    "PERIOD_DAYS",
    "AnnualCost",
    "CostCurve",
    "EmpiricalDistribution",
    "FloatOrArray",
    "ProtectionDemand",
    "ReviewCyclePolicy",
    "annual_inventory_cost",
    "convert_duration",
    "convert_mean",
    "convert_std",
    "cost_convexity_curve",
    "critical_ratio",
    "critical_ratio_for_cycle",
    "cycle_length_years",
    "daily_review_cycle_service_level",
    "daily_review_expected_shortage",
    "daily_review_reorder_point",
    "daily_review_undershoot_mean",
    "detect_period",
    "empirical_distributions",
    "eoq",
    "expected_shortage_per_cycle",
    "fill_rate",
    "inverse_standard_normal_loss",
    "lead_time_demand_std",
    "lead_time_distribution",
    "newsvendor_expected_cost",
    "newsvendor_quantity",
    "optimal_service_level",
    "policy_annual_cost",
    "protection_demand",
    "reorder_point",
    "review_cycle_policy",
    "safety_stock",
    "service_level_for_fill_rate",
    "standard_normal_loss",
    "standard_normal_second_loss",
]

"""Handling capacity math: workload, overflow to partners and partner reservations.

=================  ==============================================================
module             contents
=================  ==============================================================
``workload``       daily workload incl. returns, capacity covering a share of days
``overflow``       expected workload above capacity (normal, weekly, own days)
``reservation``    partner capacity to reserve (coverage quantile, newsvendor)
=================  ==============================================================

All volumes are flows [units/day] (or [units/year] where stated), costs
[EUR]; pure functions over floats and NumPy arrays.  The seed model's
quantile formulas (overflow charged as ``C_req - C_max`` every day) are kept
for comparison in :mod:`cooperation`.
"""

from __future__ import annotations

from capacity.overflow import empirical_overflow, expected_overflow, weekly_overflow
from capacity.reservation import cost_optimal_reservation, partner_capacity_to_reserve
from capacity.workload import MAX_RETURN_RATE, required_capacity, workload

__all__ = [
    "MAX_RETURN_RATE",
    "cost_optimal_reservation",
    "empirical_overflow",
    "expected_overflow",
    "partner_capacity_to_reserve",
    "required_capacity",
    "weekly_overflow",
    "workload",
]

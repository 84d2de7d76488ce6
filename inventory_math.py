"""Inventory planning math (the card's name): a façade over the :mod:`inventory` package.

``import inventory_math; inventory_math.safety_stock(...)`` keeps working;
the formulas live in :mod:`inventory`, one module per model family (normal
loss functions, periods, lead-time demand, (r, Q), lot sizing, newsvendor,
cost model, daily and periodic review).  New code may import either.

Units and periods
-----------------
Every function states the unit and period of each argument.  The planning
core works **per day**: demand mean and standard deviation per day, lead
time in days, holding cost per unit per **year** (annualised with
``domain.DAYS_PER_YEAR``).  Statistics measured in other periods must be
converted explicitly with :func:`convert_mean`, :func:`convert_std` and
:func:`convert_duration` *before* they meet each other in a formula; see
``docs/METHODS.md``.

Distributional assumption
-------------------------
Lead-time demand is approximated by a normal distribution with mean
``D * L`` and standard deviation ``sigma_LTD`` (see
:func:`lead_time_demand_std`).  ``docs/METHODS.md`` lists where this
approximation is poor.

Examples
--------
>>> round(safety_stock(0.95, demand_mean=100, demand_std=20, lead_time_mean=9, lead_time_std=0), 2)
98.69
"""

from __future__ import annotations

from inventory import *  # noqa: F403 -- the façade re-exports the package's public API
from inventory import __all__ as __all__

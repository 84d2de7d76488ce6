"""Monte Carlo digital twin of one service lane.

A day-by-day model of one lane under its replenishment plan, evaluated for
many replications with NumPy.  It shows planners how far the analytic
(normal-approximation) service figures are from what the plan delivers when
demand, lead times, returns and handling capacity behave as modelled.

The model is defined day by day (below, and literally so in
:func:`simulate_policy_reference`); the fast path (:mod:`simulation.kernel`)
computes the same states without a day loop.

Layout: :mod:`~simulation.inputs` (the lane, demand model and validated run
plan), :mod:`~simulation.sampling` (random draws), :mod:`~simulation.kernel`
(vectorised core), :mod:`~simulation.results` (result types),
:mod:`~simulation.api` (:func:`simulate_policy`), :mod:`~simulation.stress`
(:func:`stress_test`) and :mod:`~simulation.reference` (the slow day loop).

Model (one day ``t``, all replications at once)
------------------------------------------------
1. Demand ``D_t`` arrives [units/day]: normal ``N(mu, sigma^2)`` censored at 0
   (negative draws set to 0) or bootstrapped i.i.d. from the lane's own daily
   history.  It is served from on-hand stock; what cannot be served is
   backordered (shortage).  Backorders are filled first when stock arrives.
2. Workload ``W_t = D_t (1 + return_rate)`` is handled; the part above the
   internal capacity goes to partners: ``overflow_t = max(0, W_t - C_max)``
   (with a finite ``partner_capacity``, whatever the partners cannot take
   either waits as a handling backlog for the next day).
3. Review and ordering on the inventory position ``IP`` (net stock + on order):

   * ``Policy.kind == "rQ"`` -- continuous review, checked once a day: when
     ``IP <= r`` order ``n Q`` with the smallest ``n`` that lifts ``IP`` above
     ``r`` (the (r, nQ) policy; ``n = 1`` whenever ``Q`` exceeds a day's demand).
   * ``Policy.kind == "order_up_to"`` -- every ``R`` days order ``S - IP``.

   Each order draws its own lead time ``L ~ N(mu_L, sigma_L^2)`` rounded to
   whole days, clipped to ``[0, mu_L + 6 sigma_L]``; orders may overtake each
   other.  An order placed at the end of day ``t`` is received at the end of
   day ``t + L`` (after that day's demand), so the protection interval of an
   order-up-to policy is ``R + L`` days, as in the textbook formula.

Service definitions (per replication, over the measured horizon)
-----------------------------------------------------------------
* Fill rate ``beta = 1 - backordered demand / total demand`` (share of demand
  served immediately from stock).
* Cycle service level ``alpha``, the share of replenishment cycles that end
  without backorders, "end" meaning just before a replenishment arrives
  (net stock after that day's demand, before the receipt):

  - (r, Q): one cycle per order, checked just before *that order* arrives
    (the usual per-replenishment-cycle reading of alpha).
  - order-up-to: one cycle per review (also a zero order); the cycle of the
    review on day t ends just before the receipts of day ``t + R + L`` with
    ``L`` the nominal lead time rounded to whole days -- i.e. the order
    placed at the *next* review is due.  Time-based, so crossing orders do
    not bias it.

  With a fixed lead time both are exactly the textbook events
  ``{lead-time demand <= IP at ordering}`` and ``{demand over R + L <= S}``.
* A stockout day is a day with any shortage.

Both service figures are averaged over replications; their standard errors
are the sample standard deviation across replications / sqrt(replications).

Known gaps between the analytic formulas and this model (all are real-world
effects, not bugs): with daily review the inventory position at the moment of
ordering lies below ``r`` by the undershoot (mean ~ ``(mu^2 + sigma^2)/(2 mu)``,
i.e. about half a day of demand), so a daily-reviewed (r, Q) plan delivers less
than ``Phi((r - mu L)/sigma_LTD)``; with independent lead times and frequent
orders, crossing orders make the pipeline far less variable than the RSS
formula ``sqrt(L sigma^2 + mu^2 sigma_L^2)`` assumes, so service ends up
well above target.  Examples (tests/test_simulation.py): daily order-up-to,
100 +- 20 units/day, lead time 5 +- 1.5 days, S set for alpha = 95 % with
the RSS formula -> simulated alpha ~ 99.2 %; (r, Q) reviewed daily with
r = mu L + 1 sigma_LTD (alpha = 84 % on paper) -> ~ 41 %.

References
----------
Silver, E. A., Pyke, D. F., & Thomas, D. J. (2017). *Inventory and Production
Management in Supply Chains* (4th ed.), ch. 6-7. CRC Press.
Zipkin, P. H. (2000). *Foundations of Inventory Management*, ch. 6-7
(inventory position uniform on (r, r + Q]; crossing orders). McGraw-Hill.
Simchi-Levi, D., Schmidt, W., & Wei, Y. (2014). From superstorms to factory
fires: Managing unpredictable supply-chain disruptions. *Harvard Business
Review* 92(1-2), 96-101 (time to recover, TTR).
Simchi-Levi, D., Schmidt, W., Wei, Y., et al. (2015). Identifying risks and
mitigating disruptions in the automotive supply chain. *Interfaces* 45(5),
375-390 (time to survive, TTS).
"""

from simulation.api import simulate_policy
from simulation.inputs import DEFAULT_DAYS, DEFAULT_REPLICATIONS, TwinDemand, TwinLane
from simulation.reference import simulate_policy_reference
from simulation.results import SimulationResult, StressTestResult
from simulation.sampling import censored_normal_parameters
from simulation.stress import SHOCKS, stress_test

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_REPLICATIONS",
    "SHOCKS",
    "SimulationResult",
    "StressTestResult",
    "TwinDemand",
    "TwinLane",
    "censored_normal_parameters",
    "simulate_policy",
    "simulate_policy_reference",
    "stress_test",
]

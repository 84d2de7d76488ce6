"""A replenishment policy as one small typed value: (r, Q) or order-up-to S every R days.

Pure data, no I/O.  The planning core computes a lane's policy
(:attr:`planning.LanePlan.policy`); the Monte Carlo twin
(:func:`simulation.simulate_policy`) runs it.  Ranges are checked where the
policy is used, with the parameter named in the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PolicyKind = Literal["rQ", "order_up_to"]
POLICY_KINDS: tuple[str, ...] = ("rQ", "order_up_to")


@dataclass(frozen=True)
class Policy:
    """How a lane replenishes its stock.

    Attributes
    ----------
    kind : {"rQ", "order_up_to"}
        ``"rQ"``: continuous review checked once a day; when the inventory
        position IP is at or below r, order n Q with the smallest n that lifts
        IP above r (the (r, nQ) policy).  ``"order_up_to"``: every R days order
        S - IP (periodic review, base stock).
    reorder_point : float, optional
        r, reorder point [units of inventory position]; required for ``"rQ"``.
    order_quantity : float, optional
        Q, order quantity [units/order]; required for ``"rQ"``.
    order_up_to : float, optional
        S, order-up-to level [units of inventory position]; required for
        ``"order_up_to"``.
    review_period : int
        R, days between reviews [days]; 1 for ``"rQ"`` (reviewed daily).

    Examples
    --------
    >>> Policy.rq(reorder_point=420.0, order_quantity=250.0).kind
    'rQ'
    >>> Policy.up_to(600.0, review_period=7)
    Policy(kind='order_up_to', reorder_point=None, order_quantity=None, order_up_to=600.0, review_period=7)
    """

    kind: PolicyKind = "rQ"
    reorder_point: float | None = None
    order_quantity: float | None = None
    order_up_to: float | None = None
    review_period: int = 1

    @classmethod
    def rq(cls, reorder_point: float, order_quantity: float) -> Policy:
        """(r, nQ) reviewed daily: reorder point r [units], order quantity Q [units/order]."""
        return cls(kind="rQ", reorder_point=reorder_point, order_quantity=order_quantity)

    @classmethod
    def up_to(cls, order_up_to: float, *, review_period: int = 1) -> Policy:
        """Order up to S [units] every ``review_period`` R days."""
        return cls(kind="order_up_to", order_up_to=order_up_to, review_period=review_period)

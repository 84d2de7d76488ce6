"""The one cost-curve type: annual inventory cost over a grid of cycle service levels.

Pure data.  The planning core fills it from its kernel (holding, SLA penalty
and ordering on the lane's review cycle, with the analytic optimum alpha*);
a formula module can fill it from its components with
:meth:`CostCurve.from_components` (grid minimum as the optimum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True, eq=False)
class CostCurve:
    """Annual inventory cost over cycle service levels (U-shaped) [EUR/year].

    Attributes
    ----------
    service_levels : ndarray
        Cycle service levels alpha on the grid [fraction].
    holding, penalty, ordering, total : ndarray
        Cost at each alpha [EUR/year]; ``total = holding + penalty + ordering``,
        the "total inventory cost" of a plan.
    optimum_service_level : float
        alpha* [fraction], the minimum of ``total``.
    optimum_total : float
        ``total`` at alpha* [EUR/year].

    References
    ----------
    Hadley & Whitin (1963), sec. 4.7; Silver, Pyke & Thomas (2017), sec. 7.4.
    """

    service_levels: np.ndarray
    holding: np.ndarray
    penalty: np.ndarray
    ordering: np.ndarray
    total: np.ndarray
    optimum_service_level: float
    optimum_total: float

    @classmethod
    def from_components(
        cls, service_levels: ArrayLike, holding: ArrayLike, penalty: ArrayLike,
        ordering: ArrayLike | None = None,
    ) -> CostCurve:
        """A curve from its components [EUR/year]; the optimum is the grid's minimum.

        >>> curve = CostCurve.from_components([0.8, 0.9, 0.99], [10.0, 12.0, 20.0], [8.0, 3.0, 1.0])
        >>> curve.optimum_service_level, curve.optimum_total
        (0.9, 15.0)
        """
        alpha = np.asarray(service_levels, dtype=float)
        hold, pen = np.broadcast_arrays(np.asarray(holding, dtype=float),
                                        np.asarray(penalty, dtype=float))
        order = np.zeros_like(hold) if ordering is None else np.asarray(ordering, dtype=float)
        total = hold + pen + order
        best = int(np.argmin(total))
        return cls(alpha, hold, pen, order, total, float(alpha[best]), float(total[best]))

"""Chart data of one lane from its own kernel: the cost curve and the profit landscape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from domain import CostCurve
from planning.kernel import (
    MAX_SERVICE_LEVEL,
    MIN_SERVICE_LEVEL,
    KernelFigures,
    KernelInputs,
    kernel,
)

SERVICE_GRID_POINTS = 100
LEAD_TIME_STD_GRID_POINTS = 16
LANDSCAPE_SERVICE_POINTS = 40


@dataclass(frozen=True)
class ProfitLandscape:
    """Expected annual profit [EUR/year] over service level x lead-time variability.

    profit[i, j] is at service_levels[i] and lead_time_stds[j] [days].
    sweet_spot_* : the grid's maximum; best_service_level_by_std : per column.
    """

    service_levels: np.ndarray
    lead_time_stds: np.ndarray
    profit: np.ndarray
    sweet_spot_service_level: float
    sweet_spot_lead_time_std: float
    sweet_spot_profit: float
    optimum_service_level: float


def cost_curve(inputs: KernelInputs, figures: KernelFigures) -> CostCurve:
    """Annual inventory cost over alpha in [0.5, 0.999] [EUR/year] for one lane.

    The same kernel as the plan at every grid point (holding, ordering and SLA
    penalty on the lane's review cycle), on a grid that contains alpha* itself,
    so the marked minimum is exactly the critical ratio and ``total`` is the
    "total inventory cost" shown everywhere (Hadley & Whitin 1963, sec. 4.7;
    Silver, Pyke & Thomas 2017, sec. 7.4).
    """
    alpha_opt = float(figures.optimal_service_level[0])
    grid = np.unique(np.append(
        np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, SERVICE_GRID_POINTS), alpha_opt))
    curve = kernel(inputs.repeat(grid.size), grid)
    total = curve.inventory_cost_per_year
    at_opt = float(total[np.searchsorted(grid, alpha_opt)])
    return CostCurve(
        service_levels=grid, holding=curve.holding_per_year,
        penalty=curve.penalty_per_year, ordering=curve.ordering_per_year, total=total,
        optimum_service_level=alpha_opt, optimum_total=at_opt,
    )


def profit_landscape(inputs: KernelInputs, figures: KernelFigures) -> ProfitLandscape:
    """Expected annual profit [EUR/year] over alpha x sigma_L, from the plan's own kernel.

    Each cell is ``KernelFigures.profit_per_year`` -- the same expected profit the
    plan reports -- with only alpha and the lead-time spread changed.  Capacity
    costs do not depend on alpha, so each column peaks at the critical ratio
    and the sweet spot at the current sigma_L is the plan's alpha*.
    """
    sigma_l = float(inputs.p["lead_time_std"][0])
    top = max(3.0 * sigma_l, 0.5 * float(inputs.p["lead_time_mean"][0]), 1.0)
    stds = np.unique(np.append(np.linspace(0.0, top, LEAD_TIME_STD_GRID_POINTS), sigma_l))
    alpha_opt = float(figures.optimal_service_level[0])
    alphas = np.unique(np.append(
        np.linspace(MIN_SERVICE_LEVEL, MAX_SERVICE_LEVEL, LANDSCAPE_SERVICE_POINTS), alpha_opt))
    a_grid, s_grid = np.meshgrid(alphas, stds, indexing="ij")
    grid_inputs = inputs.repeat(a_grid.size)
    grid_inputs.p["lead_time_std"] = s_grid.ravel()
    profit = kernel(grid_inputs, a_grid.ravel()).profit_per_year.reshape(a_grid.shape)
    i, j = np.unravel_index(int(np.argmax(profit)), profit.shape)
    return ProfitLandscape(
        service_levels=alphas, lead_time_stds=stds, profit=profit,
        sweet_spot_service_level=float(alphas[i]), sweet_spot_lead_time_std=float(stds[j]),
        sweet_spot_profit=float(profit[i, j]), optimum_service_level=alpha_opt,
    )

"""The vectorised core of the twin: every replication of a chunk over all days at once.

Day t: demand is served, then the review places orders, then the orders due
that day are received.  Instead of stepping through days, every state follows
from cumulative sums: the inventory position depends on demand only, so
orders follow in closed form from cumulative demand; receipts are one
``bincount`` scatter by arrival day; net stock is a cumulative sum of receipts
minus demand; a partner backlog is a Lindley recursion solved with a running
minimum.  Replications are processed in cache-sized chunks, every
intermediate in reused buffers.  :mod:`simulation.reference` is the same model
written as a plain day loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.inputs import RunPlan
from simulation.results import Totals
from simulation.sampling import Sampler, block_rows, draw

# Cells per chunk of the vectorised core (a whole number of draw blocks).
# Measured on the 10,000 x 365 benchmark: 2^16 cells (0.5 MiB per float
# buffer, all buffers reused from chunk to chunk, so the working set stays in
# L2/L3 cache) beat 2^14 (NumPy's per-call cost dominates) and 2^20 (every
# pass streams from memory) by 10-35 %.
CHUNK_CELLS = 1 << 16
# Relative tolerance below which negative net stock counts as zero (rounding
# in cumulative sums, not a real shortage) [fraction of cumulative demand].
NUMERIC_TOLERANCE = 1e-12


@dataclass(frozen=True)
class RunConditions:
    """Daily multipliers of one run: demand factor and internal capacity [units/day]."""

    demand_factor: np.ndarray | None
    capacity: np.ndarray
    record_disruption: bool = False


def _column(values: np.ndarray) -> np.ndarray | float:
    """Per-row values as a column to broadcast along the days, or one scalar if all equal.

    Broadcasting a scalar is 3x faster than a column; the sums are the same.
    """
    first = values[0]
    return float(first) if np.all(values == first) else values[:, None]


def _count_true(flags: np.ndarray) -> np.ndarray:
    """Number of True cells per row, as float [count].

    Summing the bytes as uint32 is 2x faster than ``np.count_nonzero(axis=1)``.
    """
    return flags.view(np.uint8).sum(axis=1, dtype=np.uint32).astype(float)


def _chunks(plan: RunPlan) -> list[slice]:
    """Replication chunks of the vectorised core: whole draw blocks, about CHUNK_CELLS cells."""
    block = block_rows(plan)
    size = block * max(1, CHUNK_CELLS // (block * plan.total_days))
    return [
        slice(first, min(first + size, plan.replications))
        for first in range(0, plan.replications, size)
    ]


def _cumulative_orders(
    plan: RunPlan,
    cumulative: np.ndarray,
    net_start: np.ndarray,
    tolerance: np.ndarray,
    zeros: np.ndarray,
) -> np.ndarray:
    """Cumulative quantity ordered up to and including each day [units].

    ``cumulative`` holds the cumulative demand on entry and is overwritten
    (in place, to save a temporary the size of the chunk); ``zeros`` has
    its shape.

    The inventory position never depends on lead times or backorders, only on
    demand, so the orders follow in closed form from the position without
    orders ``X_t = IP_0 - sum of demand``: (r, nQ) has ordered
    ``Q * max(0, floor((r - X_t)/Q) + 1)`` (the fewest Q-multiples that keep
    the position above r); order-up-to has ordered ``max(0, S - X_t)`` by
    each review.  Both are non-decreasing because demand is >= 0.
    ``tolerance`` absorbs rounding of the cumulative sums so that a position
    exactly at r (e.g. sigma = 0) still triggers.
    """
    if plan.policy == "rQ":
        offset = (plan.reorder_point - net_start)[:, None] + tolerance  # r - IP_0
        count = np.add(cumulative, offset, out=cumulative)
        count /= plan.order_quantity
        np.floor(count, out=count)
        count += 1.0
        # cumulative demand >= 0, so with IP_0 <= r + Q (the default start) the
        # count is >= 0 already and the clamp would change nothing
        if np.any(offset < -plan.order_quantity):
            np.maximum(count, zeros, out=count)
        count *= plan.order_quantity
        return count
    gap = _column(plan.order_up_to - net_start)  # S - IP_0
    np.add(cumulative, gap, out=cumulative)  # S - X_t
    if not (isinstance(gap, float) and gap >= 0.0):  # else already >= 0 (the default start S)
        np.maximum(cumulative, zeros, out=cumulative)
    if plan.review_period > 1:
        # between reviews the cumulative order stays at the last review's value
        days = cumulative.shape[1]
        last_review = (np.arange(days) // plan.review_period) * plan.review_period
        cumulative[...] = cumulative[:, last_review]
    return cumulative


@dataclass(frozen=True)
class _Workspace:
    """Chunk-sized buffers of the core, reused for every chunk and run (rows = replications).

    A chunk with fewer replications uses the first rows, which are
    contiguous too.  The names say what each buffer holds first; later steps
    reuse a buffer once its content is no longer needed.
    """

    cumulative: np.ndarray  # float64: cumulative demand -> orders -> fixed-lead receipts -> scratch
    quantity: np.ndarray  # float64: order quantity -> net stock before receipts -> shortage
    net: np.ndarray  # float64: net stock after receipts
    placed: np.ndarray  # bool: an order was placed
    stocked_out: np.ndarray  # bool: net stock before receipts < 0
    flags: np.ndarray  # bool: scratch
    # float64 0.0: np.maximum(x, zeros) takes a SIMD loop that np.maximum(x, 0.0) misses (4x faster)
    zeros: np.ndarray
    width: int  # days + longest lead time + 1: row length of the receipts scatter
    target: np.ndarray | None  # int64: receipt cell of each day's order (dense scatter)
    base: np.ndarray | None  # int64: row * width + day (dense scatter)

    @classmethod
    def create(cls, plan: RunPlan, rows: int) -> _Workspace:
        days = plan.total_days
        width = days + plan.max_lead_time + 1
        target = base = None
        if _dense_scatter(plan):
            base = np.arange(days, dtype=np.int64) + np.arange(0, rows * width, width)[:, None]
            target = np.empty((rows, days), dtype=np.int64)
        return cls(
            cumulative=np.empty((rows, days)),
            quantity=np.empty((rows, days)),
            net=np.empty((rows, days)),
            placed=np.empty((rows, days), dtype=bool),
            stocked_out=np.empty((rows, days), dtype=bool),
            flags=np.empty((rows, days), dtype=bool),
            zeros=np.zeros((rows, days)),
            width=width,
            target=target,
            base=base,
        )


def _dense_scatter(plan: RunPlan) -> bool:
    """Whether orders are placed on (almost) every day with random lead times.

    Then one scatter over all cells is cheapest; otherwise (r, Q) and periodic
    review place orders on few days, and only those cells are looked up.
    """
    return plan.lead_time_std > 0.0 and plan.policy == "order_up_to" and plan.review_period == 1


def _arrivals(
    plan: RunPlan,
    quantity: np.ndarray,
    placed: np.ndarray,
    uniform: np.ndarray | None,
    lead_table: np.ndarray | None,
    work: _Workspace,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Quantity received per (replication, day) and, for (r, Q), each order's row and arrival day.

    An order placed on day t with lead time L is received at the end of day
    t + L; orders may cross.  Arrivals after the horizon fall off the end.
    With a fixed lead time the receipts go to ``work.cumulative``.
    """
    n, days = quantity.shape
    width = work.width
    if uniform is None or lead_table is None:
        lead = plan.fixed_lead_time
        received = work.cumulative[:n]
        received[:, :lead] = 0.0
        received[:, lead:] = quantity[:, : days - lead]
        if plan.policy != "rQ":
            return received, None
        cells = np.flatnonzero(placed)
        rows = cells // days
        return received, (rows, cells - rows * days + lead)
    if work.target is not None and work.base is not None:
        # Scatter each order onto its arrival day with one bincount; each row is
        # padded by the longest lead time so that late arrivals stay in their row.
        target = work.target[:n]
        np.add(np.take(lead_table, uniform), work.base[:n], out=target)
        padded = np.bincount(target.ravel(), weights=quantity.ravel(), minlength=n * width)
        return padded.reshape(n, width)[:, :days], None
    # Sparse orders: look up lead times and scatter only where an order was
    # placed.  bincount adds the same nonzero weights in the same order as a
    # scatter over all cells, so the receipts are bit-identical.
    cells = np.flatnonzero(placed)
    rows = cells // days
    arrival = cells - rows * days + lead_table[uniform.ravel()[cells]]
    padded = np.bincount(
        rows * width + arrival, weights=quantity.ravel()[cells], minlength=n * width
    )
    orders = (rows, arrival) if plan.policy == "rQ" else None
    return padded.reshape(n, width)[:, :days], orders


def _count_cycles(
    plan: RunPlan, stocked_out: np.ndarray, orders: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Cycles ending in the measured horizon and those ending in a stockout, per replication.

    A cycle ends when its order arrives; it counts as a stockout cycle when
    the net stock just before that arrival is negative (``stocked_out``).
    ``orders`` holds the row and arrival day of every (r, Q) order.
    """
    n, days = stocked_out.shape
    w = plan.warmup_days
    if orders is None:
        # order-up-to, time-based: the cycle of a review on day t ends just before
        # the receipts of day t + L (L = nominal lead time, the realised one if
        # fixed); cycles sit on the review days t = 0, R, 2R, ...: a strided slice
        lead = plan.fixed_lead_time
        first = max(w - lead, 0)
        first = -(-first // plan.review_period) * plan.review_period
        flags = stocked_out[:, first + lead :: plan.review_period]
        ended = np.full(n, flags.shape[1])
        return ended, _count_true(flags)
    rows, arrives = orders
    keep = (arrives >= w) & (arrives < days)
    rows, arrives = rows[keep], arrives[keep]
    short_rows = rows[stocked_out.ravel()[rows * days + arrives]]
    return np.bincount(rows, minlength=n), np.bincount(short_rows, minlength=n)


def _run_block(
    plan: RunPlan,
    demand: np.ndarray,
    uniform: np.ndarray | None,
    lead_table: np.ndarray | None,
    net_start: np.ndarray,
    capacity: np.ndarray,
    record_disruption: bool,
    work: _Workspace,
) -> dict[str, np.ndarray]:
    """Simulate a chunk of replications over all days at once (rows = replications).

    Day t: demand is served, then the review places orders, then the orders
    due that day are received.  Instead of stepping through days, every
    state follows from cumulative sums: the inventory position depends on
    demand only (see :func:`_cumulative_orders`), and net stock after the
    receipts of day t is ``N_0 + sum of (received - demand)``.  All
    chunk-sized intermediates live in ``work`` (in-place operations).
    """
    n, days = demand.shape
    w = plan.warmup_days
    measured = np.s_[:, w:]
    cumulative = np.cumsum(demand, axis=1, out=work.cumulative[:n])
    # tolerance for "net stock < 0" so that exact plans (sigma = 0) do not
    # report phantom stockouts caused by rounding in the cumulative sums
    tolerance = (NUMERIC_TOLERANCE * (1.0 + np.abs(net_start) + cumulative[:, -1]))[:, None]
    zeros = work.zeros[:n]
    cum_orders = _cumulative_orders(plan, cumulative, net_start, tolerance, zeros)
    quantity = work.quantity[:n]
    quantity[:, 0] = cum_orders[:, 0]
    np.subtract(cum_orders[:, 1:], cum_orders[:, :-1], out=quantity[:, 1:])
    placed = np.greater(quantity, 0.0, out=work.placed[:n])
    received, orders = _arrivals(plan, quantity, placed, uniform, lead_table, work)

    net_after = np.subtract(received, demand, out=work.net[:n])  # net stock after receipts
    np.cumsum(net_after, axis=1, out=net_after)
    net_after += _column(net_start)
    net_before = np.subtract(net_after, received, out=quantity)  # ... and just before them
    stocked_out = np.less(net_before, -tolerance, out=work.stocked_out[:n])
    # shortage of day t: the part of today's demand not covered by stock on hand
    short = np.negative(net_before, out=net_before)
    np.minimum(short, demand, out=short)
    short *= stocked_out
    cycles, cycles_short = _count_cycles(plan, stocked_out, orders)

    scratch = work.cumulative[:n, w:]  # free again: receipts are in the net stock
    flags = work.flags[:n, w:]
    demand_sum = demand[measured].sum(axis=1)
    growth = 1.0 + plan.return_rate
    out = {
        "demand": demand_sum,
        "short": short[measured].sum(axis=1),
        "stockout_days": _count_true(np.greater(short[measured], 0.0, out=flags)),
        "cycles": cycles.astype(float),
        "cycles_short": cycles_short.astype(float),
        "orders": _count_true(placed[measured]),
        "on_hand_sum": np.maximum(net_after[measured], zeros[measured], out=scratch).sum(axis=1),
        "backorders_start": np.maximum(-(net_after[:, w - 1] if w > 0 else net_start), 0.0),
        "backorders_end": np.maximum(-net_after[:, -1], 0.0),
        "workload": demand_sum * growth,
    }
    backlog = None
    if math.isfinite(plan.partner_capacity):
        # Lindley recursion b_t = max(0, b_{t-1} + W_t - C_t - P) in closed form:
        # b_t = S_t - min(0, min_{k<=t} S_k) with S the cumulative sum of (W - C - P).
        workload = demand * growth
        excess = np.cumsum(workload - (capacity + plan.partner_capacity), axis=1)
        backlog = excess - np.minimum(np.minimum.accumulate(excess, axis=1), 0.0)
        handled = workload - np.diff(backlog, axis=1, prepend=0.0)  # W_t + b_{t-1} - b_t
        out["overflow"] = np.maximum(handled - capacity, 0.0)[measured].sum(axis=1)
    elif math.isinf(capacity.min()):  # unlimited on every day
        out["overflow"] = np.zeros(n)
    else:
        # overflow = (1 + rate) * max(0, D - C/(1 + rate)): one pass fewer
        excess = np.subtract(demand[measured], capacity[w:] / growth, out=scratch)
        np.maximum(excess, zeros[measured], out=excess)
        out["overflow"] = excess.sum(axis=1) * growth
    if record_disruption:
        disrupted = net_after[measured] < -tolerance
        if backlog is not None:
            disrupted |= backlog[measured] > 0.0
        out["disrupted"] = disrupted
    return out


def run(
    plan: RunPlan, sampler: Sampler, start_inventory: np.ndarray, runs: list[RunConditions]
) -> list[Totals]:
    """Simulate all replications chunk by chunk, each chunk under every run in ``runs``."""
    parts: list[list[dict[str, np.ndarray]]] = [[] for _ in runs]
    chunks = _chunks(plan)
    work = _Workspace.create(plan, chunks[0].stop - chunks[0].start)
    for rows in chunks:
        draws = draw(plan, sampler, rows.stop - rows.start, work.zeros)
        for conditions, collected in zip(runs, parts, strict=True):
            demand = draws.demand
            if conditions.demand_factor is not None:
                demand = demand * conditions.demand_factor
            collected.append(
                _run_block(
                    plan,
                    demand,
                    draws.lead_uniform,
                    sampler.lead_table,
                    start_inventory[rows],
                    conditions.capacity,
                    conditions.record_disruption,
                    work,
                )
            )
    totals = []
    for collected in parts:
        merged = {key: np.concatenate([part[key] for part in collected]) for key in collected[0]}
        disrupted = merged.pop("disrupted", None)  # recorded only for a stress test's shocked run
        totals.append(Totals(**merged, disrupted=disrupted))
    return totals


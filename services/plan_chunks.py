"""Planning one chunk of lanes, and the executors that run chunks (in-process or Dask).

A chunk task is picklable and holds the database URL, so a worker reads its
own lanes' demand (no demand data passes through a Dask scheduler).  Used by
:mod:`services.plan_runs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

import db
import inventory_math
import planning
from domain import DAYS_PER_YEAR, LaneMasterData

PAD_LANE = "\x00network-calendar"  # never a valid lane code (control character)


# --------------------------------------------------------------------------- one chunk


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to plan one chunk of lanes (picklable).

    url : database URL (the worker reads the chunk's demand itself).
    lanes : lane codes of the chunk.
    masters : lane code -> master data.
    first_day, last_day : the network's calendar [days since 1970-01-01].
    service_level : fixed cycle service level, or None for each lane's own alpha*.
    """

    url: str
    lanes: tuple[str, ...]
    masters: Mapping[str, LaneMasterData]
    first_day: int
    last_day: int
    service_level: float | None = None


def _calendar_pad(first_day: int, last_day: int) -> pd.DataFrame:
    days = np.arange(first_day, last_day + 1).astype("datetime64[D]").astype("datetime64[ns]")
    return pd.DataFrame({"date": days, "lane": PAD_LANE, "demand": 0.0})


def plan_demand_chunk(
    demand: pd.DataFrame, masters: Mapping[str, LaneMasterData], first_day: int, last_day: int,
    service_level: float | None = None,
) -> pd.DataFrame:
    """Watchtower rows of the lanes in ``demand``, planned on the network's calendar.

    Pure: the same rows as :func:`planning.plan_network` over the whole
    network gives for these lanes.  Adds ``last_date_day``, ``period_days``
    and ``expected_workload_per_year`` [units/year] = D (1 + return rate) x 365.
    """
    if demand.empty:
        return pd.DataFrame(columns=["lane", "last_date_day", "period_days", "expected_workload_per_year"])
    padded = pd.concat([demand, _calendar_pad(first_day, last_day)], ignore_index=True)
    plan = planning.plan_network(padded, masters, service_level=service_level)
    table = plan.table[plan.table["lane"] != PAD_LANE].copy()
    table["last_date_day"] = (
        pd.to_datetime(table["last_date"]).to_numpy(dtype="datetime64[D]").astype(np.int64))
    table["period_days"] = [float(inventory_math.PERIOD_DAYS[p]) for p in table["period"]]
    return_rate = np.array([
        (masters.get(lane) or LaneMasterData(code=lane, name=lane)).return_rate for lane in table["lane"]
    ])
    # the kernel's own expression: w_mean = D x (1 + r), then x 365
    table["expected_workload_per_year"] = (
        table["demand_mean"].to_numpy() * (1.0 + return_rate) * DAYS_PER_YEAR)
    return table.drop(columns="last_date").reset_index(drop=True)


def plan_chunk(task: ChunkTask) -> pd.DataFrame:
    """Read one chunk's demand from the database and plan it (runs on a worker)."""
    engine = db.get_engine(task.url)
    demand = db.load_demand_for_lanes(task.lanes, engine=engine)
    return plan_demand_chunk(demand, task.masters, task.first_day, task.last_day, task.service_level)


# --------------------------------------------------------------------------- executors


class Executor(Protocol):
    name: str

    def map(self, fn: Callable[[ChunkTask], pd.DataFrame], tasks: Sequence[ChunkTask]) -> Iterator[pd.DataFrame]:
        """Results of ``fn`` over ``tasks`` (any order)."""
        ...


class InProcessExecutor:
    """Chunks in this process (the default), ``threads`` at a time.

    Two threads overlap one chunk's database read (the driver releases the
    GIL while the server works) with the planning of another; each chunk is
    planned exactly as alone, so the results do not depend on ``threads``.
    """

    def __init__(self, threads: int = 2):
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self.threads = threads
        self.name = "in-process" if threads == 1 else f"in-process ({threads} threads)"

    def map(self, fn: Callable[[ChunkTask], pd.DataFrame], tasks: Sequence[ChunkTask]) -> Iterator[pd.DataFrame]:
        if self.threads == 1 or len(tasks) < 2:
            for task in tasks:
                yield fn(task)
            return
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            yield from pool.map(fn, tasks)


class DaskExecutor:
    """Chunks as tasks on a ``dask.distributed`` cluster; results in completion order."""

    def __init__(self, client: Any):
        self.client = client
        self.name = f"dask {client.scheduler.address}"

    def map(self, fn: Callable[[ChunkTask], pd.DataFrame], tasks: Sequence[ChunkTask]) -> Iterator[pd.DataFrame]:
        from dask.distributed import as_completed

        futures = self.client.map(fn, list(tasks), pure=False)
        for future in as_completed(futures):
            yield future.result()


def executor_for(address: str | None) -> Executor:
    """Dask at ``address`` (e.g. ``tcp://scheduler:8786``) when given, else in-process."""
    address = (address or "").strip()
    if not address:
        return InProcessExecutor()
    from dask.distributed import Client

    return DaskExecutor(Client(address, timeout=30))

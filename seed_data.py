"""Synthetic demand history for demos, tests and scale checks.

``python -m services.demo_seeding --yes`` wipes the configured database and writes four
scenario lanes with about three years of daily demand ending yesterday
(the command line lives in :mod:`demo_seeding`, which does the writing):

* ``BER-MUC`` seasonal e-commerce: weekday pattern, Q4 peak, high noise;
* ``HAM-ROT`` industrial: stable and usually ABOVE its internal capacity of
  150 units/day, so partner cooperation triggers;
* ``FRA-PAR`` pharma: low volume with rare large demand shocks;
* ``MUC-VIE`` spare parts: intermittent (most days zero).

``--lanes N`` adds synthetic lanes ``SYN-0001``... cycling through those four
patterns with random scales, generated block by block with NumPy so that
10,000 lanes x 1,095 days (11M rows) stream into the database in bounded
memory.  The same ``--seed`` and ``--end`` give the same data.

The generators are pure functions (:func:`generate_scenarios`,
:func:`iter_synthetic`, :func:`demo_network`): this module imports no
database code and does no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain import LaneMasterData

DEFAULT_SEED = 42
DEFAULT_DAYS = 1_095  # three years of daily history
DEMO_SYNTHETIC_LANES = 20  # synthetic lanes next to the four scenarios: a network to rank
SYNTHETIC_BLOCK_LANES = 250  # lanes generated per chunk: ~270k rows, ~10 MB of arrays
SYNTHETIC_PREFIX = "SYN-"
PATTERNS = ("seasonal", "stable", "shock", "intermittent")

# Day-of-week multipliers Monday..Sunday for parcel-like e-commerce flows.
ECOMMERCE_WEEKDAY = np.array([1.25, 1.15, 1.05, 1.0, 1.0, 0.75, 0.55])
Q4_PEAK = 0.6  # +60 % at the height of the November/December peak
ECOMMERCE_CV = 0.30  # high day-to-day noise (coefficient of variation)
INDUSTRIAL_CV = 0.07
SHOCK_PROBABILITY = 0.008  # rare: about 3 shock days per year
SHOCK_MULTIPLIER = (4.0, 10.0)  # a shock day brings 4-10x the usual volume
INTERMITTENT_PROBABILITY = 0.18  # share of days with any demand at all
# Internal capacity of synthetic lanes as a multiple of their level [units/day per unit/day]:
# seasonal lanes must absorb Q4 peaks and weekday swings, stable ones run close to the
# limit, shock lanes keep room for spikes, intermittent levels are order sizes.
CAPACITY_HEADROOM = {"seasonal": 2.6, "stable": 1.2, "shock": 3.2, "intermittent": 2.2}

SCENARIO_MASTER = (
    LaneMasterData(
        code="BER-MUC", name="Berlin-Munich e-commerce (seasonal)", internal_capacity=320.0,
        holding_cost=9.0, penalty_cost=18.0, partner_surcharge=3.0, order_cost=180.0,
        handling_cost=2.8, revenue_per_unit=14.0, return_rate=0.18,
        lead_time_mean=2.0, lead_time_std=0.6,
        # a reduced Saturday shift and a skeleton Sunday crew
        weekday_capacity=(320.0, 320.0, 320.0, 320.0, 320.0, 240.0, 120.0),
    ),
    LaneMasterData(
        code="HAM-ROT", name="Hamburg-Rotterdam industrial (over capacity)",
        internal_capacity=150.0, holding_cost=15.0, penalty_cost=40.0, partner_surcharge=5.0,
        order_cost=400.0, handling_cost=4.2, revenue_per_unit=22.0, return_rate=0.02,
        lead_time_mean=4.0, lead_time_std=1.0,
        # a partner contract: capacity held at 0.60 EUR/unit/day, spot volume +6 EUR/unit
        reservation_fee=0.6, spot_premium=6.0,
    ),
    LaneMasterData(
        code="FRA-PAR", name="Frankfurt-Paris pharma (demand shocks)", internal_capacity=60.0,
        holding_cost=45.0, penalty_cost=250.0, partner_surcharge=12.0, order_cost=600.0,
        handling_cost=9.5, revenue_per_unit=95.0, return_rate=0.01,
        lead_time_mean=3.0, lead_time_std=1.2,
    ),
    LaneMasterData(
        code="MUC-VIE", name="Munich-Vienna spare parts (intermittent)", internal_capacity=40.0,
        holding_cost=30.0, penalty_cost=120.0, partner_surcharge=8.0, order_cost=150.0,
        handling_cost=6.0, revenue_per_unit=60.0, return_rate=0.03,
        lead_time_mean=7.0, lead_time_std=2.5,
    ),
)


def default_end() -> dt.date:
    """Yesterday: the last complete day of history."""
    return dt.date.today() - dt.timedelta(days=1)


def _calendar(end: dt.date, days: int) -> pd.DatetimeIndex:
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days}")
    return pd.date_range(end=pd.Timestamp(end), periods=days, freq="D")


def _seasonal(rng: np.random.Generator, dates: pd.DatetimeIndex, level: np.ndarray) -> np.ndarray:
    """Weekday pattern x Q4 peak x gamma noise; ``level`` has one entry per lane."""
    weekday = ECOMMERCE_WEEKDAY[dates.day_of_week.to_numpy()]
    day_of_year = dates.day_of_year.to_numpy()
    # Smooth bump centred on early December (day ~340), about six weeks wide.
    peak = 1.0 + Q4_PEAK * np.exp(-0.5 * ((day_of_year - 340) / 21.0) ** 2)
    trend = np.linspace(0.9, 1.1, len(dates))
    mean = level[:, None] * (weekday * peak * trend)[None, :]
    shape = 1.0 / ECOMMERCE_CV**2
    return mean * rng.gamma(shape, 1.0 / shape, size=mean.shape)


def _stable(rng: np.random.Generator, dates: pd.DatetimeIndex, level: np.ndarray) -> np.ndarray:
    noise = rng.normal(1.0, INDUSTRIAL_CV, size=(len(level), len(dates)))
    return level[:, None] * np.clip(noise, 0.0, None)


def _shock(rng: np.random.Generator, dates: pd.DatetimeIndex, level: np.ndarray) -> np.ndarray:
    base = rng.poisson(np.broadcast_to(level[:, None], (len(level), len(dates)))).astype(float)
    shocks = rng.random(base.shape) < SHOCK_PROBABILITY
    multiplier = rng.uniform(*SHOCK_MULTIPLIER, size=base.shape)
    return np.where(shocks, base + level[:, None] * multiplier, base)


def _intermittent(
    rng: np.random.Generator, dates: pd.DatetimeIndex, level: np.ndarray
) -> np.ndarray:
    occurs = rng.random((len(level), len(dates))) < INTERMITTENT_PROBABILITY
    size = rng.gamma(2.0, level[:, None] / 2.0, size=occurs.shape)
    return np.where(occurs, np.ceil(size), 0.0)


_GENERATORS = {
    "seasonal": _seasonal,
    "stable": _stable,
    "shock": _shock,
    "intermittent": _intermittent,
}
# Typical daily levels [units/day] of the four scenario lanes.
_SCENARIO_PATTERN = {
    "BER-MUC": ("seasonal", 220.0),
    "HAM-ROT": ("stable", 178.0),
    "FRA-PAR": ("shock", 22.0),
    "MUC-VIE": ("intermittent", 9.0),
}


def _long_frame(codes: list[str], dates: pd.DatetimeIndex, volume: np.ndarray) -> pd.DataFrame:
    """Lanes x days matrix -> long frame date, lane, demand (whole units)."""
    n_lanes, n_days = volume.shape
    return pd.DataFrame(
        {
            "date": np.tile(dates.to_numpy(dtype="datetime64[ns]"), n_lanes),
            "lane": np.repeat(np.array(codes, dtype=object), n_days),
            "demand": np.round(np.clip(volume, 0.0, None)).ravel(),
        }
    )


def generate_scenarios(
    seed: int = DEFAULT_SEED, end: dt.date | None = None, days: int = DEFAULT_DAYS
) -> tuple[pd.DataFrame, list[LaneMasterData]]:
    """The four scenario lanes: demand frame (date, lane, demand) and master data.

    >>> frame, masters = generate_scenarios(seed=1, end=dt.date(2024, 12, 31), days=30)
    >>> sorted(frame["lane"].unique()) == sorted(m.code for m in masters)
    True
    >>> len(frame), str(frame["date"].max().date())
    (120, '2024-12-31')
    """
    end = end or default_end()
    dates = _calendar(end, days)
    rng = np.random.default_rng([seed, 0])
    frames = []
    for master in SCENARIO_MASTER:
        pattern, level = _SCENARIO_PATTERN[master.code]
        volume = _GENERATORS[pattern](rng, dates, np.array([level]))
        frames.append(_long_frame([master.code], dates, volume))
    return pd.concat(frames, ignore_index=True), list(SCENARIO_MASTER)


def synthetic_code(index: int) -> str:
    """``SYN-0001`` for index 1."""
    return f"{SYNTHETIC_PREFIX}{index:04d}"


def _synthetic_params(seed: int, lanes: int) -> tuple[np.ndarray, np.ndarray]:
    """Per synthetic lane: pattern index and level [units/day]."""
    rng = np.random.default_rng([seed, 1])
    pattern = np.arange(lanes) % len(PATTERNS)
    typical = np.array([200.0, 160.0, 25.0, 8.0])[pattern]
    level = typical * rng.lognormal(0.0, 0.5, size=lanes)
    return pattern, level


def synthetic_masters(seed: int, lanes: int) -> list[LaneMasterData]:
    """Master data of ``SYN-0001``...: capacity sized to the pattern, pattern-typical costs.

    Capacity = level x the pattern's usual headroom x U(0.8, 1.3), so that, as in a
    real network, most lanes cope in-house and some need partners on busy days.
    """
    pattern, level = _synthetic_params(seed, lanes)
    rng = np.random.default_rng([seed, 2])
    headroom = np.array([CAPACITY_HEADROOM[name] for name in PATTERNS])[pattern]
    capacity = np.round(level * headroom * rng.uniform(0.8, 1.3, size=lanes))
    masters = []
    for i in range(lanes):
        template = SCENARIO_MASTER[int(pattern[i])]
        masters.append(
            template.with_overrides(
                code=synthetic_code(i + 1),
                name=f"Synthetic {PATTERNS[int(pattern[i])]} lane {i + 1}",
                internal_capacity=float(max(capacity[i], 1.0)),
            )
        )
    return masters


def iter_synthetic(
    seed: int, end: dt.date | None, days: int, lanes: int
) -> Iterator[pd.DataFrame]:
    """Demand of ``lanes`` synthetic lanes, :data:`SYNTHETIC_BLOCK_LANES` lanes per frame.

    Each block has its own random stream, so the data depends only on the
    seed, the end date and the number of days.

    >>> blocks = list(iter_synthetic(seed=3, end=dt.date(2024, 1, 31), days=10, lanes=5))
    >>> len(blocks), len(blocks[0]), blocks[0]["lane"].iloc[0]
    (1, 50, 'SYN-0001')
    """
    if lanes < 0:
        raise ValueError(f"lanes must be >= 0, got {lanes}")
    end = end or default_end()
    dates = _calendar(end, days)
    pattern, level = _synthetic_params(seed, lanes)
    for block, start in enumerate(range(0, lanes, SYNTHETIC_BLOCK_LANES)):
        stop = min(start + SYNTHETIC_BLOCK_LANES, lanes)
        rng = np.random.default_rng([seed, 3, block])
        volume = np.empty((stop - start, days))
        for k, name in enumerate(PATTERNS):
            rows = np.flatnonzero(pattern[start:stop] == k)
            if len(rows):
                volume[rows] = _GENERATORS[name](rng, dates, level[start:stop][rows])
        codes = [synthetic_code(i + 1) for i in range(start, stop)]
        yield _long_frame(codes, dates, volume)


@dataclass(frozen=True)
class DemoNetwork:
    """The demo network, ready to be written: lazily generated frames and all master data."""

    chunks: Iterator[pd.DataFrame]  # columns date, lane, demand; lanes never repeat across frames
    masters: list[LaneMasterData]
    expected_rows: int


def demo_network(
    seed: int = DEFAULT_SEED, end: dt.date | None = None, days: int = DEFAULT_DAYS,
    synthetic_lanes: int = DEMO_SYNTHETIC_LANES,
) -> DemoNetwork:
    """The four scenario lanes plus ``synthetic_lanes`` synthetic ones, ``days`` days ending ``end``.

    >>> network = demo_network(seed=1, end=dt.date(2024, 1, 31), days=10, synthetic_lanes=2)
    >>> network.expected_rows, len(network.masters), sum(len(f) for f in network.chunks)
    (60, 6, 60)
    """
    end = end or default_end()
    frame, masters = generate_scenarios(seed=seed, end=end, days=days)
    masters += synthetic_masters(seed, synthetic_lanes)

    def chunks() -> Iterator[pd.DataFrame]:
        yield frame
        yield from iter_synthetic(seed, end, days, synthetic_lanes)

    return DemoNetwork(chunks(), masters, len(frame) + synthetic_lanes * days)


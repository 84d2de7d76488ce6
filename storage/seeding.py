"""The demo network into an empty database, and the factory reset.

The data itself comes from :mod:`seed_data` (pure generators, no database);
this module only writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

import seed_data
from domain import ValidationError
from storage.bulk import bulk_load
from storage.connect import ensure_schema
from storage.errors import translate
from storage.scenarios import drop_scenarios
from storage.transactions import writing
from storage.writer import demand_is_empty, wipe_tables

DEMO_SYNTHETIC_LANES = seed_data.DEMO_SYNTHETIC_LANES


def seed_demo(
    *, engine: Engine, seed: int = seed_data.DEFAULT_SEED, end: dt.date | None = None,
    synthetic_lanes: int = DEMO_SYNTHETIC_LANES,
) -> int:
    """Load the demo network (4 scenario lanes + synthetic lanes) into an EMPTY database.

    Returns the number of demand rows written.

    Raises :class:`ValidationError` if the database already holds demand.
    """
    ensure_schema(engine)
    with translate(engine, "Checking the database"), engine.connect() as conn:
        has_rows = not demand_is_empty(conn)
    if has_rows:
        raise ValidationError(
            "The database already holds demand history; the demo data needs an empty database."
        )
    network = seed_data.demo_network(seed=seed, end=end, synthetic_lanes=synthetic_lanes)
    return bulk_load(network.chunks, network.masters, engine=engine,
                     expected_rows=network.expected_rows)


def reset_database(*, engine: Engine) -> int:
    """Factory reset: delete all lanes, demand and saved scenarios; restart the id counters.

    One transaction; returns the number of saved scenarios deleted.
    """
    ensure_schema(engine)
    with writing(engine, "Resetting the database") as conn:
        wipe_tables(conn)
        return drop_scenarios(conn)

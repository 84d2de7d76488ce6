"""The database, as the product card names it: a façade over the :mod:`storage` package.

``import db; db.list_lanes(engine=engine)`` keeps working everywhere; the
code lives in ``storage`` (schema, engine, lanes, records, reads, bulk import,
backup, seeding, scenarios, plan runs).  Build the engine once with
``db.get_engine(settings.engine_url)`` and pass it as ``engine=``.
"""

import storage
from storage import *  # noqa: F403 - the façade re-exports storage's public API unchanged

__all__ = storage.__all__

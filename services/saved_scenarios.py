"""Write use-cases on saved scenarios: save, rename, delete.

Loading a scenario is a read and needs no access (public mode may load).
"""

from __future__ import annotations

import db
from domain import Scenario
from domain.saved_scenario import SavedScenario, clean_name
from services import access
from services.context import WriteContext


def save_scenario(
    ctx: WriteContext, scenario: Scenario, name: str, *, overwrite: bool = False
) -> SavedScenario:
    """Save the what-if ``scenario`` as ``name``; return the stored scenario."""
    ctx.require(access.ACTION_SAVE_SCENARIO)
    stored = db.save_scenario(SavedScenario.from_scenario(name, scenario), overwrite=overwrite,
                              engine=ctx.engine)
    ctx.log("save scenario", lane=repr(stored.lane), name=repr(stored.name))
    ctx.changed()
    return stored


def rename_scenario(ctx: WriteContext, lane: str, old: str, new: str) -> SavedScenario:
    """Rename scenario ``old`` of ``lane`` to ``new``; return it under its new name."""
    ctx.require(access.ACTION_CHANGE_SCENARIO)
    db.rename_scenario(lane, old, new, engine=ctx.engine)
    ctx.log("rename scenario", lane=repr(lane), old=repr(old), new=repr(new))
    ctx.changed()
    return db.get_scenario(lane, clean_name(new), engine=ctx.engine)


def delete_scenario(ctx: WriteContext, lane: str, name: str) -> None:
    """Delete scenario ``name`` of ``lane``."""
    ctx.require(access.ACTION_CHANGE_SCENARIO)
    db.delete_scenario(lane, name, engine=ctx.engine)
    ctx.log("delete scenario", lane=repr(lane), name=repr(name))
    ctx.changed()

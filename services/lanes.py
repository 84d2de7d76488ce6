"""Write use-cases on lanes: save master data, delete a lane with everything it owns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import db
from domain import LaneMasterData, ValidationError, parse_weekday_capacity
from services import access
from services.context import WriteContext


@dataclass(frozen=True)
class DeletedLane:
    """What :func:`delete_lane` removed."""

    code: str
    scenarios: int  # saved scenarios of the lane deleted with it


def save_lane_master(ctx: WriteContext, code: str, values: Mapping[str, Any]) -> LaneMasterData:
    """Validate and store the master data of lane ``code``; return what was stored.

    ``weekday_capacity`` may be text ("320, 320, ..., 0"); when given, the
    internal capacity C_max [units/day] becomes its busiest day (what-ifs
    scale the pattern).

    Raises
    ------
    domain.ValidationError
        Naming every field out of range; nothing is saved then.
    """
    ctx.require(access.ACTION_EDIT_LANES)
    fields = dict(values)
    if isinstance(fields.get("weekday_capacity"), str):
        fields["weekday_capacity"] = parse_weekday_capacity(fields["weekday_capacity"])
    if fields.get("weekday_capacity"):
        fields["internal_capacity"] = max(fields["weekday_capacity"])
    master = LaneMasterData(code=code, **fields)  # validates every field
    db.save_lane_master(master, engine=ctx.engine)
    ctx.log("save lane master data", lane=repr(code))
    ctx.changed()
    return master


def delete_lane(ctx: WriteContext, code: str, *, confirmation: str) -> DeletedLane:
    """Delete a lane: its demand records, master data and saved scenarios.

    ``confirmation`` must repeat the lane code.  All of it goes in one
    transaction (``db.delete_lane``): a lane that does not exist raises
    :class:`domain.NotFoundError` and nothing is deleted.
    """
    ctx.require(access.ACTION_EDIT_RECORDS)
    if (confirmation or "").strip() != code:
        raise ValidationError(f"type the lane code {code!r} exactly to delete the lane")
    removed = db.delete_lane(code, engine=ctx.engine)
    ctx.log("delete lane", lane=repr(code), scenarios=removed)
    ctx.changed()
    return DeletedLane(code, removed)

"""Domain types shared by the data layer, the planning core and the UI.

Pure data, no I/O: the error hierarchy (:mod:`domain.errors`), the units and
periods (:mod:`domain.units`), a lane's master data
(:mod:`domain.master_data`), a replenishment policy (:mod:`domain.policy`),
the cost curve over service levels (:mod:`domain.curves`) and the planner's
scenario (:mod:`domain.scenario`).  Everything else in the product may import this
package; it imports nothing of ours.
"""

from domain.curves import CostCurve
from domain.errors import (
    AccessDenied,
    AssistantError,
    BusyError,
    ConfigError,
    DataAccessError,
    LspError,
    NotFoundError,
    PlanningError,
    UnknownLaneError,
    ValidationError,
)
from domain.master_data import (
    MASTER_DATA_FIELDS,
    WEEKDAYS,
    LaneMasterData,
    parse_weekday_capacity,
    validate_master_data,
)
from domain.policy import POLICY_KINDS, Policy, PolicyKind
from domain.saved_scenario import SavedScenario
from domain.scenario import Scenario
from domain.units import DAYS_PER_YEAR, PERCENT

__all__ = [
    "DAYS_PER_YEAR",
    "MASTER_DATA_FIELDS",
    "PERCENT",
    "POLICY_KINDS",
    "WEEKDAYS",
    "AccessDenied",
    "AssistantError",
    "BusyError",
    "ConfigError",
    "CostCurve",
    "DataAccessError",
    "LaneMasterData",
    "LspError",
    "NotFoundError",
    "Policy",
    "PolicyKind",
    "PlanningError",
    "SavedScenario",
    "Scenario",
    "UnknownLaneError",
    "ValidationError",
    "parse_weekday_capacity",
    "validate_master_data",
]

"""Excel exports (plan, watchtower, history) and the Excel side of the import.

The frame builders are pure (plan/network/history in, DataFrames with units in
the headers out); :mod:`importing.excel` writes them, escaping formula-like text.
The Streamlit helpers here are what the tabs call: one line each.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

import db
from domain import ValidationError
from domain.units import PERCENT
from importing import excel as excel_io
from importing.safe_text import md

SHEET_KEY = "data_import_sheet"

# Watchtower columns: (header with unit, factor applied to the stored value).
NETWORK_EXPORT: dict[str, tuple[str, float]] = {
    "lane": ("lane", 1.0),
    "status": ("status", 1.0),
    "pattern": ("demand pattern", 1.0),
    "impact_per_year": ("impact [EUR/year]", 1.0),
    "utilisation": ("utilisation [%]", PERCENT),
    "expected_overflow_per_year": ("expected overflow [units/year]", 1.0),
    "overflow_last_year": ("overflow last 365 days [units]", 1.0),
    "dependency_ratio": ("dependency [%]", PERCENT),
    "resilience": ("resilience [0-100]", 1.0),
    "service_level": ("profit-optimal service level α* [%]", PERCENT),
    "required_capacity": ("required capacity [units/day]", 1.0),
    "internal_capacity": ("internal capacity [units/day]", 1.0),
    "partner_capacity_to_reserve": ("partner capacity to reserve [units/day]", 1.0),
    "demand_mean": ("mean demand [units/day]", 1.0),
    "recent_mean": ("last 7 days [units/day]", 1.0),
    "baseline_mean": ("own level [units/day]", 1.0),
    "penalty_cost_per_year": ("SLA penalties [EUR/year]", 1.0),
    "cooperation_cost_per_year": ("capacity cost [EUR/year]", 1.0),
    "expected_profit_per_year": ("expected profit [EUR/year]", 1.0),
    "last_date": ("data up to", 1.0),
}

# Lane plan key figures: (LanePlan attribute, label, unit, factor).
PLAN_FIGURES: tuple[tuple[str, str, str, float], ...] = (
    ("service_level", "target cycle service level α", "%", PERCENT),
    ("optimal_service_level", "profit-optimal α*", "%", PERCENT),
    ("fill_rate", "fill rate β", "%", PERCENT),
    ("safety_stock", "safety stock", "units", 1.0),
    ("reorder_point", "reorder point r / order-up-to S", "units", 1.0),
    ("order_quantity", "order quantity", "units/order", 1.0),
    ("annual_demand", "annual demand", "units/year", 1.0),
    ("required_capacity", "required capacity", "units/day", 1.0),
    ("internal_capacity", "internal capacity", "units/day", 1.0),
    ("utilisation", "utilisation", "%", PERCENT),
    ("partner_capacity_to_reserve", "partner capacity to reserve", "units/day", 1.0),
    ("expected_overflow_per_year", "expected overflow to partners", "units/year", 1.0),
    ("dependency_ratio", "dependency ratio", "%", PERCENT),
    ("holding_cost_per_year", "holding cost", "EUR/year", 1.0),
    ("ordering_cost_per_year", "ordering cost", "EUR/year", 1.0),
    ("penalty_cost_per_year", "SLA penalty cost", "EUR/year", 1.0),
    ("cooperation_cost_per_year", "capacity cost (internal + partners)", "EUR/year", 1.0),
    ("money_at_stake_per_year", "money at stake", "EUR/year", 1.0),
    ("expected_profit_per_year", "expected profit", "EUR/year", 1.0),
)


def file_slug(text: str) -> str:
    """A file-name-safe version of a lane code (lane codes may be any Unicode).

    >>> file_slug("Köln / Łódź")
    'Köln_Łódź'
    """
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "lane"


def network_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The watchtower table with readable headers carrying units (fractions in %)."""
    out = {}
    for column, (header, factor) in NETWORK_EXPORT.items():
        if column in table.columns:
            values = table[column]
            out[header] = values * factor if factor != 1.0 else values
    return pd.DataFrame(out).reset_index(drop=True)


def plan_frames(plan: Any) -> dict[str, pd.DataFrame]:
    """Sheets "Key figures" (figure, value, unit) and "Forecast" (one row per day) of a LanePlan."""
    figures = pd.DataFrame(
        [{"key figure": label, "value": float(getattr(plan, attr)) * factor, "unit": unit}
         for attr, label, unit, factor in PLAN_FIGURES])
    settings = pd.DataFrame(
        [{"key figure": f"master data: {name}", "value": value, "unit": ""}
         for name, value in plan.params.as_dict().items()
         if name not in ("code", "name", "weekday_capacity")])
    fc = plan.forecast
    forecast = pd.DataFrame({
        "date": pd.to_datetime(fc.dates).date,
        "forecast demand [units/day]": np.asarray(fc.mean, dtype=float),
        f"lower bound {fc.interval_level * 100:.0f} % [units/day]": np.asarray(fc.lower, dtype=float),
        f"upper bound {fc.interval_level * 100:.0f} % [units/day]": np.asarray(fc.upper, dtype=float),
        "workload incl. returns [units/day]": np.asarray(fc.workload_mean, dtype=float),
        "internal capacity [units/day]": np.asarray(fc.capacity, dtype=float),
        "expected overflow [units/day]": np.asarray(fc.expected_overflow, dtype=float),
    })
    return {"Key figures": pd.concat([figures, settings], ignore_index=True), "Forecast": forecast}


def history_frame(demand: pd.DataFrame) -> pd.DataFrame:
    """Demand history (date, lane, demand) with the unit in the header; imports back as is."""
    return pd.DataFrame({
        "date": pd.to_datetime(demand["date"]).dt.date,
        "lane": demand["lane"].astype(str),
        "demand [units/day]": demand["demand"].astype(float),
    })


def history_xlsx(engine: Engine, lane: str | None) -> bytes:
    return excel_io.write_xlsx({"Demand history": history_frame(db.load_demand(lane, engine=engine))})


def plan_xlsx(plan: Any) -> bytes:
    return excel_io.write_xlsx(plan_frames(plan))


def network_xlsx(network: Any) -> bytes:
    return excel_io.write_xlsx({"Watchtower": network_frame(network.table)})


# --------------------------------------------------------------------------- Streamlit


def _button(label: str, data: Any, file_name: str, key: str, **kwargs: Any) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=excel_io.XLSX_MIME, key=key,
                       on_click="ignore", icon=":material/table_view:", **kwargs)


def plan_button(plan: Any) -> None:
    """Download the lane plan (key figures + daily forecast) as .xlsx."""
    _button("Download plan (Excel)", partial(plan_xlsx, plan),
            f"plan_{file_slug(plan.lane)}.xlsx", "export_plan_xlsx")


def network_button(network: Any) -> None:
    """Download the watchtower table as .xlsx."""
    _button("Download watchtower (Excel)", partial(network_xlsx, network),
            "watchtower.xlsx", "export_watchtower_xlsx")


def history_buttons(lane: str, lanes: list[str], engine: Engine) -> None:
    """Excel twins of the data tab's CSV downloads."""
    left, right = st.columns(2)
    with left:
        _button(f"Download lane {md(lane)} (Excel)", partial(history_xlsx, engine, lane),
                f"demand_{file_slug(lane)}.xlsx", "data_export_lane_xlsx", disabled=lane not in lanes)
    with right:
        _button("Download all lanes (Excel)", partial(history_xlsx, engine, None),
                "demand_all_lanes.xlsx", "data_export_all_xlsx", disabled=not lanes)


def sheet_picker(upload: Any) -> str | None:
    """For an uploaded workbook with several sheets, let the planner pick one (None: first)."""
    if upload is None or not excel_io.is_xlsx(upload.name):
        return None
    try:
        names = excel_io.sheet_names(upload.getvalue(), name=upload.name)
    except ValidationError as exc:
        st.error(str(exc))
        return None
    if len(names) == 1:
        return names[0]
    return st.selectbox("Worksheet", names, key=SHEET_KEY,
                        help="The sheet with the columns date, lane and demand (header in row 1).")


def import_source(upload: Any, sheet: str | None) -> Any:
    """What the importer reads: a workbook's sheet converted to CSV bytes, a CSV upload as
    the stream itself (no copy: the importer reads it chunk by chunk, bounded memory)."""
    if excel_io.is_xlsx(upload.name):
        return excel_io.xlsx_to_csv(upload.getvalue(), sheet, name=upload.name)
    return upload

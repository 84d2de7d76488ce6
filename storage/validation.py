"""Checks of single-record input before it is written; bad input -> :class:`domain.ValidationError`.

Files are checked by :mod:`importing` (and reported, not raised); these
helpers apply the same rules (:func:`importing.lane_problem`,
:func:`importing.volume_problem`, the date range) to one value at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from domain import ValidationError
from importing import MAX_DATE, MIN_DATE, lane_problem, volume_problem


def clean_lane(lane: Any) -> str:
    """The lane code without surrounding blanks.

    >>> clean_lane("  BER-MUC ")
    'BER-MUC'
    """
    if not isinstance(lane, str):
        raise ValidationError(f"lane must be text, got {type(lane).__name__}")
    code = lane.strip()
    problem = lane_problem(code)
    if problem:
        raise ValidationError(problem)
    return code


def clean_volume(volume: Any) -> float:
    """A demand volume [units/day] as float, in the accepted range."""
    if isinstance(volume, bool):
        raise ValidationError(f"volume must be a number, got {volume!r}")
    try:
        value = float(volume)
    except (TypeError, ValueError):
        raise ValidationError(f"volume must be a number [units/day], got {volume!r}") from None
    problem = volume_problem(value)
    if problem:
        raise ValidationError(problem)
    return value


def clean_date(value: Any) -> dt.date:
    """A calendar day from a date, datetime, pandas/NumPy timestamp or ISO text."""
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ValidationError("date is missing")
        value = value.date()
    elif isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, np.datetime64):
        value = pd.Timestamp(value).date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(f"date must look like YYYY-MM-DD, got {value!r}") from None
    if not isinstance(value, dt.date):
        raise ValidationError(f"date must be a date, got {value!r}")
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            f"date {value.isoformat()} is outside "
            f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
        )
    return value

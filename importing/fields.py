"""Field rules of a demand file: dates, lane names and volumes (pure, vectorised over columns).

Each parser takes one column of raw text (an Arrow string array, one entry
per row) and returns the parsed values, a mask of bad rows and a function that
words the problem of row i.  Distinct values are checked once, so a file with a
million rows but a few thousand dates costs a few thousand date checks.

Accepted spellings: dates ISO ``YYYY-MM-DD``, German ``DD.MM.YYYY`` and
``DD/MM/YYYY`` when the file is unambiguous; volumes as plain decimals, with a
decimal comma when the file's separator is ``;`` (German Excel).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importing.safe_text import unguard_cell

MAX_VOLUME = 1_000_000_000.0  # units/day; anything above is a typo or a unit mix-up, not demand
MAX_LANE_NAME_LENGTH = 200  # characters; matches the database column width
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
EPOCH = dt.date(1970, 1, 1)

_NUMBER_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ACCEPTED_DATES = "YYYY-MM-DD or DD.MM.YYYY"

Message = Callable[[int], str]  # row position -> what is wrong with it


def _encode(values: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Distinct values and per-row indices (each distinct value is checked once)."""
    encoded = pc.dictionary_encode(values)
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return indices, encoded.dictionary.to_pylist()


def day_text(days: int) -> str:
    """Days since 1970-01-01 as ``YYYY-MM-DD``."""
    return (EPOCH + dt.timedelta(days=days)).isoformat()


def parse_dates(values: pa.Array) -> tuple[np.ndarray, np.ndarray, Message]:
    """Per row: days since epoch, bad mask, message(i)."""
    indices, distinct = _encode(values)
    stripped = [v.strip() for v in distinct]
    slash_order = _slash_order(stripped)
    parsed: list[int | str] = [_parse_one_date(v, slash_order) for v in stripped]
    is_bad = np.fromiter((isinstance(p, str) for p in parsed), dtype=bool, count=len(parsed))
    day_values = np.fromiter(
        (0 if isinstance(p, str) else p for p in parsed), dtype=np.int64, count=len(parsed)
    )
    days = day_values[indices].astype(np.int32) if len(indices) else np.empty(0, np.int32)
    bad = is_bad[indices] if len(indices) else np.zeros(0, dtype=bool)
    return days, bad, lambda i: parsed[indices[i]]


def _slash_order(values: Sequence[str]) -> str | None:
    """'dmy' when slash dates in this file are unambiguously day-first, else None."""
    firsts, seconds = [], []
    for v in values:
        m = _SLASH_DATE.match(v)
        if m:
            firsts.append(int(m.group(1)))
            seconds.append(int(m.group(2)))
    if firsts and max(firsts) > 12 and max(seconds) <= 12:
        return "dmy"
    return None


def _parse_one_date(text: str, slash_order: str | None) -> int | str:
    """Days since 1970-01-01, or an error message."""
    if not text:
        return f"date is empty (use {_ACCEPTED_DATES})"
    if m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DOTTED_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _SLASH_DATE.match(text):
        if slash_order != "dmy":
            return (
                f"'{text}' is ambiguous (day/month or month/day?); use {_ACCEPTED_DATES}"
            )
        day, month, year = (int(g) for g in m.groups())
    else:
        return f"'{text}' is not a date (use {_ACCEPTED_DATES})"
    try:
        value = dt.date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            last = _days_in_month(year, month)
            month_name = dt.date(2000, month, 1).strftime("%B")
            return f"'{text}' is not a calendar date ({month_name} {year} has {last} days)"
        return f"'{text}' is not a calendar date (month {month} does not exist)"
    if not MIN_DATE <= value <= MAX_DATE:
        return f"'{text}' is outside {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
    return (value - EPOCH).days


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def lane_problem(name: str) -> str | None:
    """Why ``name`` (already stripped) cannot be a lane code, or ``None`` if it can.

    >>> lane_problem("Zürich–Milano") is None
    True
    >>> lane_problem("")
    'lane name is empty'
    """
    if not name:
        return "lane name is empty"
    if len(name) > MAX_LANE_NAME_LENGTH:
        return f"lane name is longer than {MAX_LANE_NAME_LENGTH} characters"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return "lane name contains control characters"
    return None


def parse_lanes(values: pa.Array) -> tuple[np.ndarray, list[str], np.ndarray, Message]:
    """Per row: lane index (into distinct stripped names), names, bad mask, message(i)."""
    indices, distinct = _encode(values)
    # Our exports guard formula-like cells with an apostrophe (importing.safe_text.guard_cell);
    # take it off again so export -> import round-trips exactly.
    stripped = [unguard_cell(v.strip()) for v in distinct]
    problems = [lane_problem(v) for v in stripped]
    # Several raw spellings (" A", "A ") collapse to one lane; keep first-appearance order.
    order: dict[str, int] = {}
    if len(indices):
        first_seen = np.full(len(distinct), len(indices), dtype=np.int64)
        np.minimum.at(first_seen, indices, np.arange(len(indices)))
        for k in np.argsort(first_seen, kind="stable"):
            if problems[k] is None and first_seen[k] < len(indices):
                order.setdefault(stripped[k], len(order))
    remap = np.array([order.get(s, -1) if p is None else -1 for s, p in zip(stripped, problems, strict=True)], dtype=np.int64)
    bad_distinct = np.array([p is not None for p in problems], dtype=bool)
    lane_index = remap[indices].astype(np.int32) if len(indices) else np.empty(0, np.int32)
    bad = bad_distinct[indices] if len(indices) else np.zeros(0, dtype=bool)
    return lane_index, list(order), bad, lambda i: problems[indices[i]]


def volume_problem(value: float) -> str | None:
    """Why ``value`` cannot be a daily volume, or ``None`` if it can.

    >>> volume_problem(12.0) is None
    True
    >>> volume_problem(float("nan"))
    'demand must be a number, got NaN'
    """
    if value != value:
        return "demand must be a number, got NaN"
    if value in (float("inf"), float("-inf")):
        return f"demand must be finite, got {value}"
    if value < 0:
        return f"demand must be >= 0 [units/day], got {value:g}"
    if value > MAX_VOLUME:
        return f"demand {value:g} exceeds the limit of {MAX_VOLUME:g} units/day"
    return None


def _cast_clean(values: pa.Array) -> np.ndarray | None:
    """Whole column as float64 when Arrow parses every field, else ``None``.

    Arrow also accepts spellings such as ``nan``/``inf``; those are caught by
    the finiteness check afterwards, and anything else falls back to the
    regex path that names the bad fields.
    """
    try:
        return np.asarray(
            pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def parse_volumes(
    values: pa.Array, *, decimal_comma: bool
) -> tuple[np.ndarray, np.ndarray, Message]:
    """Per row: volume [units/day], bad mask, message(i)."""
    volume = _cast_clean(values)
    if volume is not None:  # happy path: every field is a plain number
        numeric_np = np.ones(len(volume), dtype=bool)
    else:  # locate the fields that are not plain numbers
        text = pc.utf8_trim_whitespace(values)
        if decimal_comma:
            text = pc.replace_substring(text, ",", ".")
        numeric = pc.match_substring_regex(text, _NUMBER_PATTERN)
        numeric_np = np.asarray(numeric.to_numpy(zero_copy_only=False), dtype=bool)
        volume = np.asarray(
            pc.cast(pc.if_else(numeric, text, "0"), pa.float64()).to_numpy(zero_copy_only=False),
            dtype=np.float64,
        )
    volume = volume + 0.0  # turns "-0" into 0.0
    with np.errstate(invalid="ignore"):
        bad = ~numeric_np | ~np.isfinite(volume) | (volume < 0) | (volume > MAX_VOLUME)

    def message(i: int) -> str:
        if numeric_np[i]:
            return volume_problem(float(volume[i])) or "invalid demand"
        raw = values[i].as_py().strip()
        if not raw:
            return "demand is empty"
        word = raw.lower().lstrip("+-")
        if word in ("nan", "na", "n/a", "null", "none"):
            return f"demand must be a number [units/day], got {raw!r}"
        if word in ("inf", "infinity", "∞"):
            return f"demand must be finite, got {raw!r}"
        return f"demand must be a number [units/day], got {raw!r}"

    return volume, bad, message

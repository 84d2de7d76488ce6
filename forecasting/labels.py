"""Planner-facing names of the forecast methods (no internal identifiers in UI or PDF)."""

from __future__ import annotations

METHOD_LABELS: dict[str, str] = {
    "linear_trend": "Straight-line trend",
    "seasonal_naive": "Same period last season",
    "seasonal_profile": "Level plus average seasonal pattern",
    "ses": "Smoothed level (exponential smoothing)",
    "damped_trend": "Smoothed level with flattening trend",
    "holt_winters_add": "Trend with fixed seasonal swing (Holt-Winters)",
    "holt_winters_mul": "Trend with seasonal swing growing with volume (Holt-Winters)",
    "theta": "Theta method (smoothed level with half the long-run trend)",
    "croston_sba": "Sporadic demand: Croston (SBA)",
    "tsb": "Sporadic demand: fading occurrence (TSB)",
    "combination": "Average of the two best methods",
    "mean": "Historical average (short history)",
}
QUALIFIERS: dict[str, str] = {
    "weekly": "weekly totals split into weekdays",
}


def method_label(method: str, *, short: bool = False) -> str:
    """Readable name of a forecast method id, e.g. ``"weekly theta"``.

    A leading qualifier (``"weekly "``) is explained in brackets; unknown ids
    pass through unchanged, so a label is always shown.  ``short=True`` gives
    the name without any bracketed detail (for legends and metric tiles).

    >>> method_label("weekly holt_winters_mul")
    'Trend with seasonal swing growing with volume (Holt-Winters) (weekly totals split into weekdays)'
    >>> method_label("croston_sba")
    'Sporadic demand: Croston (SBA)'
    >>> method_label("weekly theta", short=True)
    'Theta method'
    """
    parts = str(method).replace(":", " ").split()
    if not parts:
        return str(method)
    label = METHOD_LABELS.get(parts[-1], parts[-1])
    if short:
        return label.split(" (")[0]
    qualifiers = " ".join(QUALIFIERS.get(p, p) for p in parts[:-1])
    return f"{label} ({qualifiers})" if qualifiers else label

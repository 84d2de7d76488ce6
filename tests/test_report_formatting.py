"""One formatter for the dashboard, the assistant and the PDF: the same decimals per unit,
thousands separators, planner's method names."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ai_brain
import forecasting
from presentation import formatting
from presentation import formatting as fmt


def test_dashboard_assistant_and_report_share_the_functions() -> None:
    assert fmt.num is formatting.num and fmt.pct is formatting.pct and fmt.eur is formatting.eur
    assert ai_brain.fmt_qty is formatting.fmt_qty and ai_brain.fmt_pct is formatting.fmt_pct


@pytest.mark.parametrize(("value", "unit", "text"), [
    (412.3, "units", "412 units"),
    (185.04, "units/day", "185.0 units/day"),
    (29.24, "units/day", "29.2 units/day"),
    (1234567.8, "EUR/year", "1,234,568 EUR/year"),
    (3.5, "EUR/unit", "3.50 EUR/unit"),
    (12, "EUR/unit/year", "12.00 EUR/unit/year"),
    (-0.04, "units/day", "0.0 units/day"),
    (float("nan"), "units", "n/a"),
])
def test_decimals_follow_the_unit(value, unit, text) -> None:
    assert formatting.fmt_qty(value, unit) == text


def test_percentages_always_have_one_decimal() -> None:
    assert formatting.fmt_pct(1.85) == "185.0 %" and formatting.fmt_pct(0.2924) == "29.2 %"
    assert formatting.pct(0.95) == "95.0 %" == formatting.fmt_pct(0.95)
    assert formatting.fmt_pct(0.99962, decimals=2) == "99.96 %"


def test_dashboard_money_shortens_millions_only() -> None:
    assert fmt.eur(7_600_000, "year") == "7.60 M EUR/year"
    assert fmt.eur(12_300, "year") == "12,300 EUR/year"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_thousands_separators_everywhere(value: float) -> None:
    text = formatting.fmt_qty(value, "EUR/year").split()[0]
    digits = text.lstrip("-").split(".")[0]
    assert all(len(group) == 3 for group in digits.split(",")[1:])
    assert float(text.replace(",", "")) == pytest.approx(round(value), abs=0.5 + 1e-9 * abs(value))


@pytest.mark.parametrize("method", [*forecasting.METHODS, forecasting.FALLBACK_METHOD])
def test_every_method_has_a_human_name(method: str) -> None:
    for name in (method, "weekly " + method):
        label = formatting.method_label(name)
        assert "_" not in label and label
    assert formatting.method_label("weekly seasonal_profile") == \
        "seasonal profile (on weekly totals)" or hasattr(forecasting, "method_label")


def test_days_and_counts() -> None:
    assert formatting.days(1) == "1 day" and formatting.days(math.inf, infinite="never") == "never"
    assert formatting.count(1, "lane") == "1 lane" and formatting.count(2_000, "lane") == "2,000 lanes"

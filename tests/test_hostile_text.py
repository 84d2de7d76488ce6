"""Imported text is data: never Markdown, never a link, never a spreadsheet formula.

The injection corpus goes through import -> every page (AppTest) -> export;
export -> import round-trips exactly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from app_support import app_engine, clear_app_caches, use_database
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import db
from importing import safe_text
from views import nav, sidebar

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 180
INJECTIONS = (
    "[Session expired - sign in again](https://evil.example/login)",
    "![pixel](https://evil.example/p.png)",
    ":red[ALERT] $x^2$ **bold**",
    "<a href='https://evil.example'>x</a><script>alert(1)</script>",
    '=HYPERLINK("https://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "'=already quoted",
    "'s-Hertogenbosch",
    "www.evil.example",
)
FORMULA_START = tuple("=+-@\t\r")


def _corpus_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "lane", "demand"])
    for lane in INJECTIONS:
        for day in range(1, 29):
            writer.writerow([f"2024-02-{day:02d}", lane, 10 + day % 5])
    return out.getvalue().encode()


def _markdown_texts(at: AppTest) -> list[str]:
    """Every Markdown string the page sent (body, labels of metrics, expanders, buttons...)."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            for name in ("body", "label", "value", "help", "caption"):
                value = getattr(proto, name, None)
                if isinstance(value, str) and value:
                    texts.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


def _unescaped_link(text: str) -> bool:
    """A Markdown link/image/URL that the renderer would make clickable."""
    import re

    return bool(
        re.search(r"(?<!\\)\]\((?!\\)", text)
        or re.search(r"(?<![\\])https?:(?!\\)//", text)
        or re.search(r"(?<!\\):red\[ALERT", text)
        or re.search(r"(?<!\\)\$x\^2", text)
    )


def test_corpus_round_trips_and_exports_no_formula(engine) -> None:
    report = db.import_csv(_corpus_csv(), engine=engine)
    assert report.ok, report.errors[:3]
    # A leading apostrophe before a formula character means "text" (as in a spreadsheet).
    assert db.list_lanes(engine=engine) == sorted(safe_text.unguard_cell(x) for x in INJECTIONS)
    exported = db.export_csv(engine=engine)
    cells = [row[1] for row in csv.reader(io.StringIO(exported.decode()))][1:]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    before = db.load_demand(engine=engine)
    db.reset_database(engine=engine)
    assert db.import_csv(exported, engine=engine).ok
    after = db.load_demand(engine=engine)
    assert after.equals(before)


@given(st.text(max_size=12))
def test_guard_round_trip_property(text: str) -> None:
    guarded = safe_text.guard_cell(text)
    assert safe_text.unguard_cell(guarded) == text
    assert not guarded.startswith(FORMULA_START)


@given(st.text(max_size=40))
def test_markdown_escape_leaves_no_active_punctuation(text: str) -> None:
    escaped = safe_text.md(text)
    # every ASCII punctuation character is preceded by a backslash
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 2
            continue
        assert escaped[i] not in "[]()!:$*_`<>#|~"
        i += 1


def test_model_answer_links_are_neutralised() -> None:
    answer = (
        "**Action:** raise capacity. [Confirm here](https://evil.example) "
        "![t](https://evil.example/t.png) <https://evil.example> see https://evil.example/x\n"
        "[ref]: https://evil.example\n"
    )
    shown = safe_text.neutralise_links(answer)
    assert "**Action:**" in shown
    assert not _unescaped_link(shown)
    assert "](" not in shown and " <https" not in shown


@pytest.mark.slow
@pytest.mark.parametrize("tab", nav.TABS)
def test_corpus_never_renders_as_markup(tab: str, tmp_path: Path, monkeypatch) -> None:
    use_database(monkeypatch, tmp_path / "hostile.sqlite")
    assert db.import_csv(_corpus_csv(), engine=app_engine()).ok
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state[nav.TAB_KEY] = tab
    at.session_state[sidebar.LANE_KEY] = INJECTIONS[0]
    at.run()
    try:
        assert not at.exception, [e.value for e in at.exception]
        texts = _markdown_texts(at)
        assert texts
        bad = [t for t in texts if _unescaped_link(t)]
        assert bad == []
    finally:
        clear_app_caches()


@pytest.mark.slow
def test_assistant_answer_about_a_hostile_lane_renders_no_markup(tmp_path: Path, monkeypatch) -> None:
    use_database(monkeypatch, tmp_path / "hostile_assistant.sqlite")
    assert db.import_csv(_corpus_csv(), engine=app_engine()).ok
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state[nav.TAB_KEY] = nav.ANALYST
    at.session_state[sidebar.LANE_KEY] = INJECTIONS[2]  # ":red[ALERT] $x^2$ **bold**"
    at.run()
    try:
        at.button(key="assistant_analyse").click().run()
        assert not at.exception, [e.value for e in at.exception]
        answers = [m.value for m in at.markdown if "ALERT" in m.value]
        assert answers, "the offline analysis names the lane"
        assert [t for t in _markdown_texts(at) if _unescaped_link(t)] == []
    finally:
        clear_app_caches()


def test_model_answer_quoting_a_hostile_lane_is_neutralised() -> None:
    shown = safe_text.neutralise_links(f"Lane {INJECTIONS[2]} needs {INJECTIONS[0]} capacity.")
    assert not _unescaped_link(shown)

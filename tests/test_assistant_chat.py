"""The analyst chat in the app (AppTest on a seeded SQLite file): a question about another
lane is answered about that lane, the answer sits in the conversation above the pinned
input, the mode is shown, and "Clear conversation" empties it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from app_support import app_engine, clear_app_caches, run, use_database
from streamlit.testing.v1 import AppTest

import db
from domain import LaneMasterData
from services import config
from views import assistant, nav

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 180
START = dt.date(2023, 1, 1)
DAYS = 400
LANES = {"BER-MUC": (120.0, 400.0), "HAM-ROT": (300.0, 200.0), "Zürich–Milano": (80.0, 300.0)}


def _csv() -> bytes:
    rng = np.random.default_rng(11)
    rows = ["date,lane,demand"]
    for lane, (mean, _cap) in LANES.items():
        for d, v in enumerate(np.maximum(0, rng.normal(mean, mean * 0.2, DAYS)).round()):
            rows.append(f"{START + dt.timedelta(days=d):%Y-%m-%d},{lane},{v:.0f}")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def seeded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chat") / "chat.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        use_database(mp, path)
        assert db.import_csv(io.BytesIO(_csv()), engine=app_engine()).ok
        for lane, (_mean, capacity) in LANES.items():
            db.save_lane_master(LaneMasterData(code=lane, name=lane, internal_capacity=capacity), engine=app_engine())
    config.get_settings.cache_clear()
    return path


@pytest.fixture
def app(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    use_database(monkeypatch, seeded_path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.session_state[nav.TAB_KEY] = nav.ANALYST
    run(at)
    yield at
    clear_app_caches()


def messages(at: AppTest) -> list[str]:
    return [" ".join(m.value for m in msg.markdown) for msg in at.chat_message]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key=assistant.INPUT_KEY).set_value(question)
    return run(at)


def test_question_about_another_lane_is_answered_about_that_lane(app: AppTest) -> None:
    assert app.sidebar.selectbox[0].value == "BER-MUC"
    assert any("Offline analyst" in c.value for c in app.caption)  # the mode is visible
    ask(app, "Why is ham-rot risky?")
    texts = messages(app)
    assert len(texts) == 2 and texts[0] == "Why is ham-rot risky?"
    assert "HAM-ROT" in texts[1] and "Money at stake" in texts[1]
    assert "BER-MUC" not in texts[1]
    ask(app, "Compare Zürich–Milano and BER-MUC")
    texts = messages(app)
    assert len(texts) == 4  # history stays, newest last (just above the input)
    assert "| figure |" in texts[3] and "Zürich–Milano" in texts[3]


def test_clear_conversation_empties_the_history(app: AppTest) -> None:
    ask(app, "What is EOQ?")
    assert len(messages(app)) == 2
    assert "no lane named" in messages(app)[1]
    app.button(key=assistant.CLEAR_KEY).click()
    run(app)
    assert messages(app) == []
    assert app.button(key=assistant.CLEAR_KEY).disabled


def test_report_lane_choice_and_download_button(app: AppTest) -> None:
    assert app.radio(key="report_mode").value == "top"
    assert any("lane page" in c.value for c in app.caption)
    app.radio(key="report_mode").set_value("selection")
    run(app)
    assert app.multiselect(key="report_lanes").value == ["BER-MUC"]


def test_analyse_button_writes_the_standard_analysis(app: AppTest) -> None:
    app.button(key=assistant.ANALYSE_KEY).click()
    run(app)
    texts = messages(app)
    assert len(texts) == 2 and "Volatility and trend" in texts[1]


def test_assistant_quotes_the_dashboards_figures_for_the_same_scenario(app: AppTest) -> None:
    capacity = next(w for w in app.number_input
                    if (w.key or "").startswith("sb_internal_capacity@"))
    capacity.set_value(250.0)  # a what-if in the sidebar: both must use it
    run(app)
    app.session_state[nav.TAB_KEY] = nav.RISK
    run(app)
    metrics = {m.label: m.value for m in app.metric}
    app.session_state[nav.TAB_KEY] = nav.COOPERATION
    run(app)
    metrics.update({m.label: m.value for m in app.metric})
    app.session_state[nav.TAB_KEY] = nav.ANALYST
    run(app)
    ask(app, "What is the safety stock?")
    assert metrics["Safety stock"] in messages(app)[1]
    ask(app, "Explain overflow")
    assert metrics["Expected overflow to partners"] in messages(app)[3]
    assert metrics["Last 365 days, replayed"] in messages(app)[3]
    assert "250.0 units/day" in messages(app)[3]
    ask(app, "What is the partner capacity to reserve?")
    assert metrics["Partner capacity to reserve"] in messages(app)[5]
    ask(app, "What is the reorder point?")
    assert metrics["Reorder point r"] in messages(app)[7]

"""The Analyst tab in Gemini mode (AppTest on a seeded SQLite file).

Gemini is faked only at the network boundary: the real ``google-genai``
client builds real HTTP requests, and a fake HTTP transport answers them.
The first answer asks for a planning tool, our planning code runs it on
the app's data, the second answer is the text the page must show; a
failing network shows the offline analysis with the reason.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from app_support import app_engine, clear_app_caches, demand_csv, page, run, use_database
from streamlit.testing.v1 import AppTest

import db
from views import assistant, nav

API_KEY = "AIza-test-key-not-real"
MODEL = "gemini-test-flash"
LANES = ("BER-MUC", "HAM-ROT")
DAYS = 400
ANSWER = "HAM-ROT needs partner capacity, says the planning tool."


class FakeGemini:
    """Answers ``generateContent`` requests from a list; records what was sent."""

    def __init__(self, *bodies: dict | Exception) -> None:
        self.bodies = list(bodies)
        self.requests: list[dict] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.host == "generativelanguage.googleapis.com", request.url
        assert request.url.path.endswith(f"models/{MODEL}:generateContent"), request.url.path
        self.requests.append(json.loads(request.read()))
        body = self.bodies.pop(0)
        if isinstance(body, Exception):
            raise body
        return httpx2.Response(200, json=body, headers={"content-type": "application/json"},
                               request=request)


def model_turn(*parts: dict) -> dict:
    return {"candidates": [{"content": {"role": "model", "parts": list(parts)},
                            "finishReason": "STOP"}]}


@pytest.fixture
def analyst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    use_database(monkeypatch, tmp_path / "analyst.sqlite", GEMINI_API_KEY=API_KEY,
                 GEMINI_MODEL=MODEL)
    assert db.import_csv(io.BytesIO(demand_csv(LANES, DAYS)), engine=app_engine()).ok
    yield page(nav.ANALYST, timeout=180)
    clear_app_caches()


def fake(monkeypatch: pytest.MonkeyPatch, *bodies: dict | Exception) -> FakeGemini:
    gemini = FakeGemini(*bodies)
    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request",
                        lambda _transport, request: gemini.handle_request(request))
    return gemini


def messages(at: AppTest) -> list[str]:
    return [" ".join(m.value for m in msg.markdown) for msg in at.chat_message]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key=assistant.INPUT_KEY).set_value(question)
    return run(at)


def test_gemini_runs_a_planning_tool_and_its_answer_is_shown(
    analyst: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert any(f"Gemini ({MODEL})" in c.value for c in analyst.caption)  # the mode is visible
    gemini = fake(
        monkeypatch,
        model_turn({"functionCall": {"name": "plan_lane", "args": {"lane": "HAM-ROT"}}}),
        model_turn({"text": ANSWER}),
    )
    ask(analyst, "Does HAM-ROT need partner capacity?")
    texts = messages(analyst)
    assert texts == ["Does HAM-ROT need partner capacity?", ANSWER]
    assert len(gemini.requests) == 2
    # The tool ran on the app's data and its result went back in the second request.
    returned = [part["functionResponse"] for turn in gemini.requests[1]["contents"]
                for part in turn.get("parts", []) if "functionResponse" in part]
    assert returned and returned[0]["name"] == "plan_lane"
    assert "HAM-ROT" in json.dumps(returned[0]["response"], ensure_ascii=False)
    # The key travels in a header, never in the prompt.
    assert API_KEY not in json.dumps(gemini.requests)


def test_a_network_failure_shows_the_offline_analysis_and_why(
    analyst: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake(monkeypatch, *[httpx2.ConnectError("connection refused")] * 10)
    ask(analyst, "Why is HAM-ROT risky?")
    texts = messages(analyst)
    assert len(texts) == 2 and "HAM-ROT" in texts[1] and "Money at stake" in texts[1]
    shown = " ".join(str(e.value) for e in [*analyst.caption, *analyst.warning, *analyst.info,
                                             *analyst.markdown])
    assert "Gemini could not answer" in shown
    assert API_KEY not in shown

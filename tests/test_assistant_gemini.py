"""Gemini with planning tools, faked at the SDK client boundary only: the model asks for a
tool, our planning code runs it, the result goes back, the model answers -- within the
same time budget and with the offline fallback."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from assistant_support import demand_and_masters, replan, workspace
from google.genai import types

import ai_brain
from assistant import tools
from planning import reconciliation
from presentation.formatting import fmt_pct, fmt_qty
from services import config

MODEL = "gemini-test-flash"


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def tool_call(name: str, **args) -> SimpleNamespace:
    """A model response asking for one function call (what the SDK returns)."""
    call = types.FunctionCall(name=name, args=args)
    content = types.Content(role="model", parts=[types.Part(function_call=call)])
    return SimpleNamespace(text=None, function_calls=[call],
                           candidates=[SimpleNamespace(content=content)])


def text_answer(text: str) -> SimpleNamespace:
    return SimpleNamespace(text=text, function_calls=None, candidates=[])


class FakeModels:
    def __init__(self, outcomes: list) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[dict] = []

    def generate_content(self, *, model, contents, config):
        # keep a snapshot: the caller appends to the same list for the next round
        self.calls.append({"model": model, "contents": list(contents)
                           if isinstance(contents, list) else contents, "config": config})
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class FakeClient:
    def __init__(self, *outcomes) -> None:
        self.models = FakeModels(list(outcomes))


@pytest.fixture(scope="module")
def settings() -> config.Settings:
    return config.load_settings({"GEMINI_API_KEY": "AIza-test-key", "GEMINI_MODEL": MODEL})


def test_tool_call_round_trip_runs_our_planning_and_returns_the_models_text(settings) -> None:
    ws = workspace("BER-MUC")
    client = FakeClient(tool_call("plan_lane", lane="HAM-ROT", internal_capacity=300),
                        text_answer("With 300 units/day HAM-ROT needs no partners."))
    result = ai_brain.answer("What if HAM-ROT had 300 units/day?", ws.selected, ws.network,
                             settings=settings, client=client, sleep=Sleeps(), workspace=ws)
    assert result.ok and result.mode == ai_brain.MODE_GEMINI
    assert result.text == "With 300 units/day HAM-ROT needs no partners."
    first, second = client.models.calls
    declared = {f.name for f in first["config"].tools[0].function_declarations}
    assert declared == {"plan_lane", "compare_lanes", "list_top_risks", "recommend_actions",
                        "simulate_lane"}
    assert first["config"].automatic_function_calling.disable is True
    # round 2 carries: the question, the model's call, and our tool's result
    user, model_turn, tool_turn = second["contents"]
    assert "What if HAM-ROT had 300" in user.parts[0].text
    assert model_turn.parts[0].function_call.name == "plan_lane"
    response = tool_turn.parts[0].function_response
    assert response.name == "plan_lane"
    after = response.response["result"]["after"]
    expected = replan(demand_and_masters()[1]["HAM-ROT"].with_overrides(internal_capacity=300.0),
                      None)
    assert after["expected overflow to partners"] == fmt_qty(expected.expected_overflow_per_year,
                                                             "units/year")
    assert after["expected overflow per day"] == fmt_qty(expected.overflow_volume, "units/day")
    assert after["partner capacity to reserve (at γ)"] == fmt_qty(
        expected.partner_capacity_to_reserve, "units/day")
    assert after["expected profit"] == fmt_qty(expected.expected_profit_per_year, "EUR/year")
    assert 0 < second["config"].http_options.timeout <= 30_000


def test_lanes_named_in_the_question_are_in_the_context(settings) -> None:
    ws = workspace("BER-MUC")
    client = FakeClient(text_answer("FRA-PAR is risky."))
    ai_brain.answer("Why is FRA-PAR risky?", ws.selected, ws.network, settings=settings,
                    client=client, sleep=Sleeps(), workspace=ws)
    prompt = client.models.calls[0]["contents"]
    block = re.search(r"<planning_data[^>]*>(.*?)</planning_data>", prompt, re.S).group(1)
    data = json.loads(block)
    assert data["selected_lane"] == "BER-MUC"
    (named,) = data["lanes_named_in_question"]
    assert named["code"] == "FRA-PAR"
    assert named["figures"]["safety stock"] == fmt_qty(ws.plan("FRA-PAR").safety_stock, "units")
    assert "HAM-ROT" in data["lane_codes"]


def test_endless_tool_calls_end_in_a_text_round_or_the_offline_fallback(settings) -> None:
    ws = workspace("BER-MUC")
    calls = [tool_call("list_top_risks", n=3) for _ in range(ai_brain_rounds() + 1)]
    client = FakeClient(*calls)
    result = ai_brain.answer("Top risks?", ws.selected, ws.network, settings=settings,
                             client=client, sleep=Sleeps(), workspace=ws)
    assert len(client.models.calls) == ai_brain_rounds() + 1
    assert client.models.calls[-1]["config"].tools is None  # last round: answer in text
    assert not result.ok and result.mode == ai_brain.MODE_OFFLINE  # it did not: fallback
    assert "`BER-MUC`" in result.text


def ai_brain_rounds() -> int:
    from assistant.gemini import MAX_TOOL_ROUNDS

    return MAX_TOOL_ROUNDS


def test_tools_answer_from_the_planning_engine() -> None:
    ws = workspace("BER-MUC")
    top = tools.call_tool(ws, "list_top_risks", {"n": 2})["top_lanes_by_money_at_stake"]
    assert [r["lane"] for r in top] == list(ws.network.table["lane"][:2])
    compared = tools.call_tool(ws, "compare_lanes", {"lanes": ["FRA-PAR", "NOPE-LANE"]})["lanes"]
    assert compared["FRA-PAR"]["safety stock"] == fmt_qty(ws.plan("FRA-PAR").safety_stock,
                                                          "units")
    assert "error" in compared["NOPE-LANE"]
    actions = tools.call_tool(ws, "recommend_actions", {"lane": "HAM-ROT"})["actions"]
    assert actions and actions[0]["effect_on_expected_profit"].endswith("EUR/year")
    assert "error" in tools.call_tool(ws, "plan_lane", {"lane": "HAM-ROT",
                                                        "internal_capacity": -1})
    assert "error" in tools.call_tool(ws, "no_such_tool", {})
    simulated = tools.call_tool(ws, "simulate_lane", {"lane": "HAM-ROT"})
    rec = reconciliation.reconcile(ws.plan("HAM-ROT"))  # the Risk tab's run
    assert simulated["simulated_years"] == rec.replications == 1_000
    rows = {r["figure"]: r for r in simulated["rows"]}
    overflow = rec.rows[0]
    assert rows["Overflow to partners"]["plan"] == fmt_qty(overflow.plan, "units/year")
    assert rows["Overflow to partners"]["last_365_days"] == fmt_qty(overflow.history, "units/year")
    assert rows["Overflow to partners"]["simulation"] == fmt_qty(overflow.simulation, "units/year")
    assert rows["Fill rate"]["simulation"].endswith(" %")
    assert rows["Cycle service level"]["plan"] == fmt_pct(ws.plan("HAM-ROT").cycle_service_level,
                                                          decimals=2)
    assert simulated["explanations"] == list(rec.explanations)
    plain = tools.call_tool(ws, "plan_lane", {"lane": "FRA-PAR"})
    fra = ws.plan("FRA-PAR")
    assert plain["figures"]["expected overflow to partners"] == fmt_qty(
        fra.expected_overflow_per_year, "units/year")
    assert plain["figures"]["money at stake (surcharge + fees + premium + SLA penalties)"] == (
        fmt_qty(fra.money_at_stake_per_year, "EUR/year"))
    coverage = tools.call_tool(ws, "plan_lane", {"lane": "HAM-ROT",
                                                 "capacity_coverage_level_pct": 99})
    assert coverage["after"]["partner capacity to reserve (at γ)"] == fmt_qty(
        replan(demand_and_masters()[1]["HAM-ROT"].with_overrides(capacity_coverage_level=0.99),
               None).partner_capacity_to_reserve, "units/day")

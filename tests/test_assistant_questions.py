"""The offline analyst answers the question asked, about the lane asked: a table of
questions -> expected lanes, intent and the figures (formatted with units, computed from
the real plans) that must appear.  Includes the five failures of issue 13, Unicode lane
names, a partial code, an ambiguous partial code and a lane that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from assistant_support import UNICODE_LANE, demand_and_masters, replan, workspace

from assistant import questions as q
from assistant.analyst import answer_offline, next_days_overflow
from assistant.workspace import money_at_stake
from presentation.formatting import fmt_number, fmt_pct, fmt_qty

SELECTED = "BER-MUC"


def plan(code: str):
    return workspace(SELECTED).plan(code)


def what_if(code: str, **changes):
    return replan(demand_and_masters()[1][code].with_overrides(**changes), None)


def stake(code: str) -> str:
    return fmt_qty(money_at_stake(plan(code)), "EUR/year")


def qty(code: str, attr: str, unit: str) -> Callable[[], str]:
    return lambda: fmt_qty(getattr(plan(code), attr), unit)


def pct(code: str, attr: str, decimals: int = 1) -> Callable[[], str]:
    return lambda: fmt_pct(getattr(plan(code), attr), decimals=decimals)


def score(code: str) -> Callable[[], str]:
    return lambda: f"{fmt_number(plan(code).resilience.score, decimals=0)} / 100"


def text(s: str) -> Callable[[], str]:
    return lambda: s


@dataclass(frozen=True)
class Case:
    question: str
    lanes: tuple[str, ...]  # lanes the answer is about (selected lane when none named)
    intent: str
    figures: tuple[Callable[[], str], ...] = ()
    absent: tuple[str, ...] = ()  # must not appear (e.g. the selected lane's header)


CASES = (
    # the five failures reported in issue 13 (BER-MUC selected)
    Case("Why is FRA-PAR risky?", ("FRA-PAR",), q.DIAGNOSE,
         (lambda: stake("FRA-PAR"), qty("FRA-PAR", "expected_overflow_per_year", "units/year")),
         absent=("`BER-MUC`",)),
    Case("What should I do about HAM-ROT capacity?", ("HAM-ROT",), q.RECOMMEND,
         (text("of internal capacity"), qty("HAM-ROT", "partner_capacity_to_reserve",
                                            "units/day"),
          qty("HAM-ROT", "expected_profit_per_year",
                                               "EUR/year"), text("EUR/year")),
         absent=("`BER-MUC`",)),
    Case("Compare FRA-PAR and BER-MUC risk", ("FRA-PAR", "BER-MUC"), q.COMPARE,
         (score("FRA-PAR"), score("BER-MUC"), lambda: stake("FRA-PAR"), lambda: stake("BER-MUC"),
          text("| figure |"))),
    Case("What is EOQ?", (SELECTED,), q.EXPLAIN,
         (text("√(2·D·K / h)"), qty(SELECTED, "order_quantity", "units/order"),
          qty(SELECTED, "annual_demand", "units/year"), text("no lane named"))),
    Case("How many partner trucks do I need next week?", (SELECTED,), q.UNSUPPORTED,
         (text("can't answer"), qty(SELECTED, "overflow_volume", "units/day"),
          qty(SELECTED, "partner_capacity_to_reserve", "units/day"),
          lambda: fmt_qty(next_days_overflow(plan(SELECTED)), "units"),
          text("units per truck"))),
    # network
    Case("Summarise the network", (), q.NETWORK,
         (lambda: fmt_qty(workspace().network.total_overflow_volume, "units/day"),
          lambda: fmt_qty(workspace().network.total_expected_overflow_per_year, "units/year"),
          lambda: fmt_qty(workspace().network.total_overflow_last_year, "units"),
          lambda: fmt_qty(workspace().network.total_partner_capacity_to_reserve, "units/day"),
          lambda: fmt_qty(workspace().network.total_money_at_stake_per_year, "EUR/year"),
          text("Top 5 risks"))),
    Case("Which lanes have the biggest risk?", (), q.NETWORK, (lambda: stake("BER-MUC"),)),
    # Unicode names, case, dash variants, names, partial and ambiguous codes
    Case(f"Why is {UNICODE_LANE.lower()} overflowing?", (UNICODE_LANE,), q.DIAGNOSE,
         (qty(UNICODE_LANE, "overflow_volume", "units/day"),
          qty(UNICODE_LANE, "expected_overflow_per_year", "units/year"),
          qty(UNICODE_LANE, "overflow_last_year", "units"))),
    Case(f"{UNICODE_LANE.upper()} vs ham-rot", (UNICODE_LANE, "HAM-ROT"), q.COMPARE,
         (qty(UNICODE_LANE, "safety_stock", "units"), qty("HAM-ROT", "safety_stock", "units"))),
    Case("How is Zürich-Milano doing?", (UNICODE_LANE,), q.OVERVIEW,
         (text("Volatility and trend"), qty(UNICODE_LANE, "required_capacity", "units/day"))),
    Case("Tell me about Hamburg-Rotterdam industrial", ("HAM-ROT",), q.OVERVIEW,
         (qty("HAM-ROT", "overflow_volume", "units/day"),)),
    Case("What is the safety stock of HAM?", ("HAM-ROT",), q.EXPLAIN,
         (qty("HAM-ROT", "safety_stock", "units"), text("σ_LTD"))),
    Case("What is the safety stock for MUC?", ("BER-MUC", "MUC-VIE"), q.EXPLAIN,
         (text("\"MUC\" matches"), qty("MUC-VIE", "safety_stock", "units"),
          qty("BER-MUC", "safety_stock", "units"))),
    Case("Why is XYZ-ABC overflowing?", (), q.DIAGNOSE,
         (text("`XYZ-ABC` does not exist"), text("Lanes include")),
         absent=("**Lane `BER-MUC`**", "no lane named", "Money at stake")),
    Case("Compare FRA-PAR with FRA-PAX", ("FRA-PAR",), q.COMPARE,
         (text("`FRA-PAX` does not exist"), text("Did you mean `FRA-PAR`"))),
    # explain every term with formula and this lane's numbers
    Case("Explain the difference between fill rate and cycle service level", (SELECTED,),
         q.EXPLAIN, (pct(SELECTED, "fill_rate", 2), pct(SELECTED, "service_level"),
                     pct(SELECTED, "cycle_service_level"), text("E[(X − r)⁺]"))),
    Case("What is the critical ratio for FRA-PAR?", ("FRA-PAR",), q.EXPLAIN,
         (pct("FRA-PAR", "optimal_service_level"), qty("FRA-PAR", "underage_cost",
                                                        "EUR/unit short"),
          text("p / (p + h·T)"))),
    Case("what does resilience mean", (SELECTED,), q.EXPLAIN,
         (score(SELECTED), text("coverage"))),
    Case("What is partner dependency on HAM-ROT?", ("HAM-ROT",), q.EXPLAIN,
         (pct("HAM-ROT", "dependency_ratio"), text("expected partner volume / expected workload"),
          qty("HAM-ROT", "expected_workload_per_year", "units/year"))),
    Case("What is MASE?", (SELECTED,), q.EXPLAIN, (text("naive"), text("Same period last season"))),
    Case("Explain overflow for HAM-ROT", ("HAM-ROT",), q.EXPLAIN,
         (text("σ_W·G((C − μ_W)/σ_W) [units/day]"), text("[units/year]"),
          qty("HAM-ROT", "expected_overflow_per_year", "units/year"),
          qty("HAM-ROT", "overflow_volume", "units/day"),
          qty("HAM-ROT", "overflow_last_year", "units")),
         absent=("C_req − C_max",)),
    Case("What is a reservation?", (SELECTED,), q.EXPLAIN,
         (text("K_γ = max(0, μ_W + z(γ)·σ_W − C) [units/day]"),
          qty(SELECTED, "partner_capacity_to_reserve", "units/day"),
          pct(SELECTED, "capacity_coverage_level"))),
    Case("What is the required capacity?", (SELECTED,), q.EXPLAIN,
         (text("not the inventory service level α"), qty(SELECTED, "required_capacity", "units/day"),
          qty(SELECTED, "partner_capacity_to_reserve", "units/day"))),
    Case("What is the reorder point?", (SELECTED,), q.EXPLAIN,
         (qty(SELECTED, "reorder_point", "units"), text("undershoot"),
          qty(SELECTED, "textbook_reorder_point", "units"), text("comparison only"))),
    Case("What is the EOQ for SYN-0005?", ("SYN-0005",), q.EXPLAIN,
         (qty("SYN-0005", "order_quantity", "units/order"),)),
    # what-if with numbers: figures of the lane re-planned with the change
    Case("What if capacity were 400?", (SELECTED,), q.WHAT_IF,
         (lambda: fmt_qty(what_if(SELECTED, internal_capacity=400.0).overflow_volume,
                          "units/day"), text("Effect on expected profit"))),
    Case("What if the service level were 97 %?", (SELECTED,), q.WHAT_IF,
         (lambda: fmt_qty(replan(demand_and_masters()[1][SELECTED], 0.97).safety_stock,
                          "units"),)),
    Case("Raise capacity of FRA-PAR by 20", ("FRA-PAR",), q.WHAT_IF,
         (lambda: fmt_qty(plan("FRA-PAR").internal_capacity + 20, "units/day"),)),
    Case("What happens if lead time variability drops to 0.5 days on HAM-ROT?", ("HAM-ROT",),
         q.WHAT_IF, (lambda: fmt_qty(what_if("HAM-ROT", lead_time_std=0.5).safety_stock,
                                     "units"),)),
    Case("What if the surcharge were 6 EUR on HAM-ROT?", ("HAM-ROT",), q.WHAT_IF,
         (lambda: fmt_qty(what_if("HAM-ROT", partner_surcharge=6.0).expected_profit_per_year,
                          "EUR/year"),)),
    Case("What if capacity were -5?", (SELECTED,), q.WHAT_IF, (text("outside the allowed"),)),
    # recommend and diagnose
    Case("How can I reduce cost on FRA-PAR?", ("FRA-PAR",), q.RECOMMEND, (text("EUR/year"),)),
    Case("Recommend actions for BER-MUC", ("BER-MUC",), q.RECOMMEND,
         (text("re-planned"), text("break-even"))),
    Case("Is FRA-PAR at risk of a capacity breach?", ("FRA-PAR",), q.DIAGNOSE,
         (lambda: stake("FRA-PAR"),)),
    Case("Why is MUC-VIE risky?", ("MUC-VIE",), q.DIAGNOSE, (lambda: stake("MUC-VIE"),)),
    Case("Compare all of BER-MUC, HAM-ROT and FRA-PAR", ("BER-MUC", "HAM-ROT", "FRA-PAR"),
         q.COMPARE, (score("HAM-ROT"), lambda: stake("FRA-PAR"))),
    # topics and honest "can't answer"
    Case("How dependent are we on partners?", (SELECTED,), q.TOPIC,
         (pct(SELECTED, "dependency_ratio"),)),
    Case("Show the forecast trend", (SELECTED,), q.TOPIC, (text("units/day per month"),)),
    Case("What's the weather in Hamburg tomorrow?", (SELECTED,), q.UNSUPPORTED,
         (text("can't answer"),)),
    Case("Who is our best customer?", (SELECTED,), q.UNKNOWN, (text("can't answer"),)),
)


def test_the_table_has_at_least_thirty_questions() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_question(case: Case) -> None:
    ws = workspace(SELECTED)
    parsed = q.parse_question(case.question, ws.lanes, ws.names)
    assert parsed.intent == case.intent
    named = set(parsed.lanes) or ({SELECTED} if case.lanes == (SELECTED,) else set())
    assert named == set(case.lanes)
    answer = answer_offline(case.question, ws)
    for lane in case.lanes:
        assert f"`{lane}`" in answer
    for figure in case.figures:
        assert figure() in answer, figure()
    for missing in case.absent:
        assert missing not in answer


def test_no_lane_named_says_it_answers_for_the_selected_lane() -> None:
    answer = answer_offline("What is EOQ?", workspace("HAM-ROT"))
    assert "no lane named in your question" in answer and "`HAM-ROT`" in answer


def test_actions_are_ranked_by_their_replanned_effect() -> None:
    from assistant.actions import rank_actions

    ws = workspace("HAM-ROT")
    actions = rank_actions(ws.selected, ws)
    effects = [a.effect_per_year for a in actions]
    assert effects == sorted(effects, reverse=True) and effects[0] > 0
    best = actions[0]  # adding the partner capacity to reserve (rounded up) in-house
    assert "of internal capacity" in best.title
    assert best.after.partner_capacity_to_reserve == pytest.approx(0.0)
    assert best.after.expected_overflow_per_year < 0.1 * ws.selected.expected_overflow_per_year
    assert best.effect_per_year == pytest.approx(
        best.after.expected_profit_per_year - ws.selected.expected_profit_per_year)


def test_answers_use_the_sidebar_scenario_for_the_selected_lane() -> None:
    ws = workspace(SELECTED, internal_capacity=700.0)  # a what-if in the sidebar
    answer = answer_offline("Why is this lane risky?", ws)
    assert fmt_qty(700.0, "units/day") not in answer or "exceeds" not in answer
    assert fmt_qty(money_at_stake(ws.selected), "EUR/year") in answer


def test_next_days_overflow_is_the_forecasts_expected_overflow() -> None:
    p = plan("HAM-ROT")
    assert next_days_overflow(p, 7) == pytest.approx(float(p.forecast.expected_overflow[:7].sum()))
    assert next_days_overflow(p, len(p.forecast.dates)) == pytest.approx(
        p.forecast.expected_overflow_total)


def test_priced_reservation_is_explained_and_tried_as_an_action() -> None:
    from assistant.actions import rank_actions

    params = demand_and_masters()[1]["BER-MUC"].with_overrides(reservation_fee=0.5,
                                                               spot_premium=4.0)
    priced = replan(params, None)
    ws = workspace(SELECTED, reservation_fee=0.5, spot_premium=4.0)
    answer = answer_offline("What is a reservation?", ws)
    assert "P(W > C + K*) = f / s = 12.5 %" in answer
    assert fmt_qty(priced.cost_optimal_reservation, "units/day") in answer
    assert fmt_qty(priced.reservation_cost_per_year, "EUR/year") in answer
    titles = [a.title for a in rank_actions(ws.selected, ws)]
    assert any(t.startswith("Reserve the cost-optimal") for t in titles)
    assert any(t.startswith("Change the review cycle") for t in titles)
    unpriced = answer_offline("What is a reservation?", workspace(SELECTED))
    assert "no cost-optimal reservation" in unpriced
    from assistant.figures import lane_figures

    shown = {f.key: f.text for f in lane_figures(priced)}
    assert shown["cost_optimal_reservation"] == fmt_qty(priced.cost_optimal_reservation,
                                                        "units/day")
    assert "cost_optimal_reservation" not in {f.key for f in lane_figures(plan(SELECTED))}

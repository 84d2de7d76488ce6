"""Saved scenarios and deep links in the running app (Streamlit AppTest, real SQLite file).

Covers: save -> a new session (reload) -> load restores every what-if; rename and a
confirmed delete; the comparison of scenarios; ``?lane=..&tab=..`` opening that lane
and tab and the URL following the UI; ``&scenario=..`` loading a scenario; the public
read-only mode (loading allowed, saving locked).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import app_engine, clear_app_caches, demand_csv, run, use_database
from streamlit.testing.v1 import AppTest

import db
from domain import LaneMasterData
from views import links, nav, scenarios, sidebar

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 180
LANES = ("BER-MUC", "HAM-ROT", "FRA-PAR")


@pytest.fixture(scope="module")
def seeded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("app_scenarios") / "domain.saved_scenario.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        use_database(mp, path)
        report = db.import_csv(demand_csv(LANES, 400, base=100.0), engine=app_engine())
        assert report.ok, report.errors[:3]
        for lane in LANES:
            db.save_lane_master(LaneMasterData(code=lane, name=lane, internal_capacity=150.0), engine=app_engine())
    clear_app_caches()
    return path


@pytest.fixture
def app_env(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    use_database(monkeypatch, seeded_path)
    db.delete_all_scenarios(engine=app_engine())
    yield monkeypatch
    clear_app_caches()


def new_session() -> AppTest:
    """A fresh browser session (what a reload of the page gives)."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT_S)


def param_input(at: AppTest, field: str):
    return next(w for w in at.number_input if (w.key or "").startswith(f"sb_{field}@"))


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; have {[b.label for b in at.button]}"
    return found[0]


def save_as(at: AppTest, name: str) -> AppTest:
    at.text_input(key=scenarios.NAME_KEY).input(name)
    button(at, "Save scenario").click()
    return run(at)


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.success, *at.error, *at.warning, *at.caption])


def test_save_reload_and_load_restore_every_what_if(app_env) -> None:
    at = run(new_session())
    at.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    run(at)
    param_input(at, "internal_capacity").set_value(480.0)
    param_input(at, "capacity_coverage_level").set_value(90.0)  # shown in %
    param_input(at, "return_rate").set_value(12.0)  # shown in %
    at.checkbox(key=sidebar.USE_OPTIMAL_KEY).uncheck()
    run(at)
    at.slider(key=sidebar.SERVICE_LEVEL_KEY).set_value(97.5)
    run(at)
    save_as(at, "Peak +20 %")
    assert "Saved scenario **Peak +20 %**" in texts(at)
    stored = db.get_scenario("HAM-ROT", "Peak +20 %", engine=app_engine())
    assert stored.params.internal_capacity == 480.0
    assert stored.params.capacity_coverage_level == pytest.approx(0.90)
    assert stored.params.return_rate == pytest.approx(0.12)
    assert stored.service_level == pytest.approx(0.975)
    assert at.query_params.get(links.SCENARIO_PARAM) == "Peak +20 %"

    reloaded = run(new_session())  # a reload: new session, stored master data in the sidebar
    assert reloaded.selectbox(key=sidebar.LANE_KEY).value == "BER-MUC"
    reloaded.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")
    run(reloaded)
    assert param_input(reloaded, "internal_capacity").value == 150.0
    assert reloaded.selectbox(key=scenarios.PICK_KEY).options == ["Peak +20 %"]
    button(reloaded, "Load into sidebar").click()
    run(reloaded)
    assert param_input(reloaded, "internal_capacity").value == 480.0
    assert param_input(reloaded, "capacity_coverage_level").value == pytest.approx(90.0)
    assert param_input(reloaded, "return_rate").value == pytest.approx(12.0)
    assert reloaded.checkbox(key=sidebar.USE_OPTIMAL_KEY).value is False
    assert reloaded.slider(key=sidebar.SERVICE_LEVEL_KEY).value == pytest.approx(97.5)
    assert "Showing saved scenario **Peak +20 %**." in texts(reloaded)


def test_duplicate_name_is_refused_with_a_message(app_env) -> None:
    at = run(new_session())
    save_as(at, "A")
    save_as(at, "A")
    assert any("already has a scenario named 'A'" in e.value for e in at.error)


def test_rename_and_confirmed_delete(app_env) -> None:
    at = run(new_session())
    save_as(at, "Old name")
    at.text_input(key=scenarios.RENAME_KEY).input("New name")
    button(at, "Rename").click()
    run(at)
    assert [s.name for s in db.list_scenarios("BER-MUC", engine=app_engine())] == ["New name"]
    button(at, "Delete…").click()
    run(at)
    assert any("Delete scenario **New name**?" in w.value for w in at.warning)
    assert db.list_scenarios("BER-MUC", engine=app_engine())  # nothing deleted before the confirmation
    button(at, "Cancel").click()
    run(at)
    assert db.list_scenarios("BER-MUC", engine=app_engine())
    button(at, "Delete…").click()
    run(at)
    button(at, "Yes, delete").click()
    run(at)
    assert db.list_scenarios("BER-MUC", engine=app_engine()) == []
    assert links.SCENARIO_PARAM not in at.query_params  # the URL no longer names it


def test_compare_view_shows_figures_with_units_and_differences(app_env) -> None:
    at = run(new_session())
    save_as(at, "Base")
    param_input(at, "internal_capacity").set_value(300.0)
    run(at)
    save_as(at, "Twice the capacity")
    at.session_state[nav.TAB_KEY] = nav.FINANCE
    run(at)
    chosen = at.multiselect(key=scenarios.compare_key("BER-MUC"))
    chosen.set_value(["Base", "Twice the capacity"])
    run(at)
    at.selectbox(key=f"{scenarios.BASELINE_KEY}@BER-MUC").select("Base")
    run(at)
    table = next(d.value for d in at.dataframe if "Key figure" in d.value.columns)
    assert list(table.columns) == ["Key figure", "Base", "Twice the capacity"]
    row = table.set_index("Key figure").loc["Internal capacity"]
    assert row["Base"] == "150 units/day"
    assert row["Twice the capacity"] == "300 units/day (+150 units/day)"
    profit = table.set_index("Key figure").loc["Expected profit"]
    assert profit["Base"].endswith("EUR/year")
    chart = at.get("plotly_chart")
    assert chart, "no cost-curve chart"
    at.selectbox(key=sidebar.LANE_KEY).select("HAM-ROT")  # another lane: its own picker
    run(at)
    at.selectbox(key=sidebar.LANE_KEY).select("BER-MUC")
    run(at)
    db.delete_scenario("BER-MUC", "Twice the capacity", engine=app_engine())  # e.g. in another session
    scenarios.saved_scenarios.clear()
    run(at)
    assert at.multiselect(key=scenarios.compare_key("BER-MUC")).value == [scenarios.CURRENT, "Base"]


def test_deep_link_opens_lane_and_tab_and_url_follows_the_ui(app_env) -> None:
    at = new_session()
    at.query_params = {"lane": "HAM-ROT", "tab": "risk"}
    run(at)
    assert at.selectbox(key=sidebar.LANE_KEY).value == "HAM-ROT"
    assert at.session_state[nav.TAB_KEY] == nav.RISK
    assert any(h.value.startswith("Risk & resilience: HAM-ROT") for h in at.subheader)
    at.session_state[nav.TAB_KEY] = nav.FINANCE  # the planner clicks another tab
    run(at)
    assert at.query_params == {"lane": "HAM-ROT", "tab": "finance"}
    at.selectbox(key=sidebar.LANE_KEY).select("FRA-PAR")
    run(at)
    assert at.query_params == {"lane": "FRA-PAR", "tab": "finance"}
    at.query_params = {"lane": "BER-MUC", "tab": "lane"}  # back/forward: the URL changes
    run(at)
    assert at.selectbox(key=sidebar.LANE_KEY).value == "BER-MUC"
    assert at.session_state[nav.TAB_KEY] == nav.LANE_OPS


def test_deep_link_with_a_scenario_loads_it(app_env) -> None:
    master = db.get_lane_master("FRA-PAR", engine=app_engine())
    saved = scenarios.SavedScenario(name="Lean", lane="FRA-PAR",
                                    params=master.with_overrides(internal_capacity=90.0))
    db.save_scenario(saved, engine=app_engine())
    at = new_session()
    at.query_params = {"lane": "FRA-PAR", "tab": "lane", "scenario": "Lean"}
    run(at)
    assert param_input(at, "internal_capacity").value == 90.0
    assert at.query_params.get("scenario") == "Lean"


def test_deep_link_to_unknown_lane_or_tab_explains(app_env) -> None:
    at = new_session()
    at.query_params = {"lane": "NOPE", "tab": "nowhere"}
    run(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "NOPE" in warnings and "nowhere" in warnings
    assert at.query_params["lane"] in LANES


def test_public_mode_loads_but_cannot_save(app_env) -> None:
    master = db.get_lane_master("BER-MUC", engine=app_engine())
    db.save_scenario(scenarios.SavedScenario(name="Shared", lane="BER-MUC",
                                             params=master.with_overrides(internal_capacity=99.0)), engine=app_engine())
    app_env.setenv("APP_MODE", "public")
    clear_app_caches()
    at = run(new_session())
    assert button(at, "Save scenario").disabled
    assert button(at, "Delete…").disabled
    button(at, "Load into sidebar").click()
    run(at)
    assert param_input(at, "internal_capacity").value == 99.0


def test_write_handlers_refuse_in_public_mode(app_env) -> None:
    import services
    from domain import AccessDenied, Scenario
    from services.config import load_settings

    ctx = services.WriteContext(settings=load_settings({"APP_MODE": "public"}),
                                engine=app_engine(), admin_authenticated=True)
    master = db.get_lane_master("BER-MUC", engine=app_engine())
    with pytest.raises(AccessDenied, match="save scenarios"):
        services.save_scenario(ctx, Scenario(lane="BER-MUC", params=master), "x")
    with pytest.raises(AccessDenied):
        services.delete_scenario(ctx, "BER-MUC", "x")
    assert db.list_scenarios(engine=app_engine()) == []


def test_lane_with_default_master_data_gets_a_notice_and_a_way_to_set_it(app_env) -> None:
    assert db.import_csv(demand_csv(("NEW-LANE",), 60), engine=app_engine()).ok
    clear_app_caches()
    try:
        at = new_session()
        at.query_params = {"lane": "NEW-LANE", "tab": "lane"}
        run(at)
        assert any("no master data of its own" in w.value for w in at.warning)
        button(at, "Set its master data").click()
        run(at)
        assert at.session_state[nav.TAB_KEY] == nav.DATA
        assert at.selectbox(key="data_master_lane").value == "NEW-LANE"
        db.save_lane_master(LaneMasterData(code="NEW-LANE", name="New", internal_capacity=99.0), engine=app_engine())
        clear_app_caches()  # what the Data tab's save does
        run(at)
        assert not any("no master data of its own" in w.value for w in at.warning)
    finally:
        db.delete_lane("NEW-LANE", engine=app_engine())

"""Backup -> factory reset -> restore gives back every demand row and every master-data field."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from app_support import app_engine

import db
from domain import LaneMasterData, ValidationError
from storage import backup

HOSTILE = ("=HYPERLINK(\"https://evil.example\")", "[x](https://evil.example)", "'s-Hertogenbosch")


def _seed(engine) -> None:
    db.seed_demo(engine=engine, synthetic_lanes=3)
    # master data different from every default, in every field, on several lanes
    for k, code in enumerate(db.list_lanes(engine=engine)[:3]):
        stored = db.get_lane_master(code, engine=engine)
        changes = {}
        for field in dataclasses.fields(LaneMasterData):
            value = getattr(stored, field.name)
            if field.name == "code":
                continue
            if field.name == "name":
                changes["name"] = f"-Name {k}, with \"quotes\"; @and =signs"
            elif isinstance(value, float):
                changes[field.name] = value * 0.5 + 0.1 / 3 + k  # not a short decimal
            elif isinstance(value, int) and not isinstance(value, bool):
                changes[field.name] = value + 1 + k
        try:
            db.save_lane_master(dataclasses.replace(stored, **changes), engine=engine)
        except ValidationError:  # a bounded field (e.g. a fraction): keep it within range
            changes = {k2: v for k2, v in changes.items() if not isinstance(v, float) or v < 0.9}
            db.save_lane_master(dataclasses.replace(stored, **changes), engine=engine)
    for lane in HOSTILE:
        db.add_record(lane, "2024-01-01", 1.25, engine=engine)
        db.save_lane_master(LaneMasterData(code=lane, name=lane, internal_capacity=77.7),
                            engine=engine)


def test_backup_reset_restore_round_trip(engine) -> None:
    _seed(engine)
    demand_before = db.load_demand(engine=engine)
    masters_before = db.list_lane_master(engine=engine)
    archive = db.export_backup(engine=engine)
    assert set(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == {
        backup.MANIFEST, backup.LANES_FILE, backup.DEMAND_FILE}

    db.reset_database(engine=engine)
    assert db.count_records(engine=engine) == 0 and db.list_lanes(engine=engine) == []

    restored = db.restore_backup(archive, engine=engine)
    lanes, rows = restored.lanes, restored.rows
    assert (lanes, rows) == (len(masters_before), len(demand_before))
    assert db.load_demand(engine=engine).equals(demand_before)
    masters_after = db.list_lane_master(engine=engine)
    assert masters_after == masters_before  # every field of every lane, bit for bit
    for code, master in masters_before.items():
        assert dataclasses.asdict(masters_after[code]) == dataclasses.asdict(master)


def test_master_columns_follow_the_dataclass() -> None:
    """New master-data fields (issue 10) are backed up without touching backup.py."""
    header = backup.lanes_csv([]).decode().strip().split(",")
    assert header == [f.name for f in dataclasses.fields(LaneMasterData)]


def _tampered(archive: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.namelist():
            content = source.read(member)
            target.writestr(member, change(content) if member == name else content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        (backup.DEMAND_FILE, lambda c: c + b"2024-02-30,BER-MUC,1\n", "demand.csv has problems"),
        (backup.DEMAND_FILE, lambda c: c.rsplit(b"\n", 2)[0] + b"\n", "incomplete"),
        (backup.LANES_FILE, lambda c: c.replace(b",150.0,", b",-5.0,", 1), "internal_capacity"),
        (backup.LANES_FILE, lambda c: c.split(b"\n", 1)[0] + b"\n", "incomplete"),
        (backup.MANIFEST, lambda c: b"not json", "not valid JSON"),
    ],
)
def test_a_damaged_backup_restores_nothing(engine, member, change, message) -> None:
    _seed(engine)
    archive = db.export_backup(engine=engine)
    before, masters = db.load_demand(engine=engine), db.list_lane_master(engine=engine)
    db.add_record("EXTRA", "2024-05-01", 3, engine=engine)
    with pytest.raises(ValidationError, match=message):
        db.restore_backup(_tampered(archive, member, change), engine=engine)
    assert len(db.load_demand(engine=engine)) == len(before) + 1  # untouched
    assert set(db.list_lane_master(engine=engine)) == {*masters, "EXTRA"}


def test_not_a_zip_is_refused(engine) -> None:
    with pytest.raises(ValidationError, match="not a backup"):
        db.restore_backup(b"date,lane,demand\n", engine=engine)


def test_restore_in_the_data_tab(tmp_path, monkeypatch) -> None:
    """Confirmation required, then the page shows the restored network."""
    from app_support import clear_app_caches, use_database, write_context
    from streamlit.testing.v1 import AppTest

    import services
    from views import nav

    use_database(monkeypatch, tmp_path / "restore.sqlite")
    _seed(app_engine())
    archive = db.export_backup(engine=app_engine())
    before = db.load_demand(engine=app_engine())
    db.reset_database(engine=app_engine())
    with pytest.raises(ValidationError, match="RESTORE"):
        services.restore_backup(write_context(), archive, "restore")
    assert db.count_records(engine=app_engine()) == 0
    restored = services.restore_backup(write_context(), archive, "RESTORE")
    lanes, rows = restored.lanes, restored.rows
    assert rows == len(before) and db.load_demand(engine=app_engine()).equals(before)
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.session_state[nav.TAB_KEY] = nav.DATA
    at.run()
    try:
        assert not at.exception
        assert next(m.value for m in at.metric if m.label == "Lanes") == str(lanes)
        assert at.button(key="data_restore_button") is not None
    finally:
        clear_app_caches()

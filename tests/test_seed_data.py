"""Synthetic scenarios: the patterns the dashboard demos rely on, and the seed CLI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import db
import seed_data

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def scenarios() -> tuple[pd.DataFrame, list]:
    return seed_data.generate_scenarios(seed=42, end=END)


def lane(frame: pd.DataFrame, code: str) -> pd.Series:
    part = frame[frame["lane"] == code]
    return pd.Series(part["demand"].to_numpy(), index=pd.DatetimeIndex(part["date"]))


def test_three_years_of_daily_history_ending_on_end(scenarios) -> None:
    frame, masters = scenarios
    assert {m.code for m in masters} == {"BER-MUC", "HAM-ROT", "FRA-PAR", "MUC-VIE"}
    for m in masters:
        series = lane(frame, m.code)
        assert len(series) == seed_data.DEFAULT_DAYS
        assert series.index.max().date() == END
        assert (series >= 0).all()


def test_ham_rot_is_usually_above_its_capacity(scenarios) -> None:
    frame, masters = scenarios
    capacity = next(m for m in masters if m.code == "HAM-ROT").internal_capacity
    assert capacity == 150.0
    series = lane(frame, "HAM-ROT")
    assert (series > capacity).mean() > 0.8
    assert series.std() / series.mean() < 0.15  # stable


def test_ber_muc_has_a_q4_peak_and_weekday_pattern(scenarios) -> None:
    series = lane(scenarios[0], "BER-MUC")
    q4 = series[series.index.month.isin([11, 12])].mean()
    summer = series[series.index.month.isin([6, 7, 8])].mean()
    assert q4 > 1.2 * summer
    by_weekday = series.groupby(series.index.day_of_week).mean()
    assert by_weekday[0] > 1.5 * by_weekday[6]  # Mondays well above Sundays
    assert series.std() / series.mean() > 0.25  # high noise


def test_fra_par_is_low_with_rare_spikes(scenarios) -> None:
    series = lane(scenarios[0], "FRA-PAR")
    median = series.median()
    assert median < 40
    spikes = (series > 4 * median).mean()
    assert 0 < spikes < 0.03


def test_muc_vie_is_intermittent(scenarios) -> None:
    assert (lane(scenarios[0], "MUC-VIE") == 0).mean() > 0.6


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, _ = seed_data.generate_scenarios(seed=5, end=END, days=60)
    b, _ = seed_data.generate_scenarios(seed=5, end=END, days=60)
    c, _ = seed_data.generate_scenarios(seed=6, end=END, days=60)
    pd.testing.assert_frame_equal(a, b)
    assert not a["demand"].equals(c["demand"])


def test_synthetic_lanes_are_blocked_and_deterministic() -> None:
    lanes = seed_data.SYNTHETIC_BLOCK_LANES + 3
    blocks = list(seed_data.iter_synthetic(seed=1, end=END, days=20, lanes=lanes))
    again = pd.concat(seed_data.iter_synthetic(seed=1, end=END, days=20, lanes=lanes))
    frame = pd.concat(blocks)
    assert len(blocks) == 2 and len(frame) == lanes * 20
    assert frame["lane"].iloc[-1] == f"SYN-{lanes:04d}"
    pd.testing.assert_frame_equal(frame, again)
    assert np.isfinite(frame["demand"]).all() and (frame["demand"] >= 0).all()
    masters = seed_data.synthetic_masters(seed=1, lanes=lanes)
    assert [m.code for m in masters] == list(dict.fromkeys(frame["lane"]))


# ----------------------------------------------------------------------------- CLI


def run_cli(db_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LSP_SQLITE_PATH"] = str(db_path)
    env["DATABASE_URL"] = ""  # an empty value also beats a DATABASE_URL in a local .env
    return subprocess.run(
        [sys.executable, "-m", "services.demo_seeding", *args],
        cwd=ROOT,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=300,
    )


def load(db_path: Path) -> pd.DataFrame:
    url = f"sqlite:///{db_path}"
    try:
        return db.load_demand(engine=db.get_engine(url))
    finally:
        db.dispose_engine(url)


def test_cli_seeds_extra_lanes_and_is_deterministic(tmp_path: Path) -> None:
    args = ("--seed", "7", "--end", "2024-06-30", "--days", "30", "--lanes", "3")
    first = run_cli(tmp_path / "a.sqlite", *args, "--yes")
    assert first.returncode == 0, first.stderr
    second = run_cli(tmp_path / "b.sqlite", *args, "--yes")
    assert second.returncode == 0, second.stderr
    a, b = load(tmp_path / "a.sqlite"), load(tmp_path / "b.sqlite")
    assert len(a) == (4 + 3) * 30
    assert sorted(a["lane"].unique())[-1] == "SYN-0003"
    assert a["date"].max() == pd.Timestamp("2024-06-30")
    pd.testing.assert_frame_equal(a, b)


def test_cli_refuses_to_wipe_without_yes(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    assert run_cli(path, "--days", "10", "--end", "2024-01-31", "--yes").returncode == 0
    before = load(path)
    refused = run_cli(path, "--days", "5", "--seed", "1")  # stdin at EOF
    assert refused.returncode != 0
    assert "Aborted" in refused.stderr and "--yes" in refused.stderr
    pd.testing.assert_frame_equal(load(path), before)
    agreed = run_cli(path, "--days", "5", "--end", "2024-01-31", stdin="yes\n")
    assert agreed.returncode == 0, agreed.stderr
    assert len(load(path)) == 4 * 5


def test_cli_rejects_bad_arguments(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "d.sqlite", "--days", "0", "--yes")
    assert result.returncode == 2 and "--days" in result.stderr

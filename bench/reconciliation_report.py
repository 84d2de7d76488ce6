"""Plan vs last 365 days vs Monte Carlo twin for the seeded demo lanes (docs/METHODS.md table).

Run: ``python bench/reconciliation_report.py [--seed 1] [--replications 1000]``.
Prints one Markdown table: every figure with its unit, the twin's standard error and
whether plan and twin agree (3 SE, or 2 % / 1 percentage point).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import planning  # noqa: E402
import seed_data  # noqa: E402
from planning import reconciliation  # noqa: E402


def _show(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "—"
    if unit == "fraction":
        return f"{value:.2%}"
    return f"{value:,.1f}" if unit == "days/year" else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replications", type=int, default=reconciliation.DEFAULT_REPLICATIONS)
    args = parser.parse_args()
    frame, masters = seed_data.generate_scenarios(seed=args.seed)
    by_code = {m.code: m for m in masters}
    print("| lane | figure | unit | plan | last 365 days | twin ± SE | agree |")
    print("|---|---|---|---|---|---|---|")
    for lane, group in frame.groupby("lane"):
        plan = planning.plan_lane(group[["date", "demand"]], by_code[lane])
        rec = reconciliation.reconcile(plan, replications=args.replications)
        for row in rec.rows:
            se = f"{row.simulation_se:.2%}" if row.unit == "fraction" else f"{row.simulation_se:,.0f}"
            print(f"| {lane} | {row.figure} | {row.unit} | {_show(row.plan, row.unit)} | "
                  f"{_show(row.history, row.unit)} | {_show(row.simulation, row.unit)} ± {se} | "
                  f"{'yes' if row.agrees else 'no'} |")
        for sentence in rec.explanations:
            print(f"| {lane} | *note* | | {sentence} | | | |")


if __name__ == "__main__":
    main()

"""Write use-case: plan the network now and store the run (the watchtower's "Re-plan now")."""

from __future__ import annotations

from services import access, plan_runs
from services.context import WriteContext


def replan(ctx: WriteContext, *, full: bool = False,
           progress: plan_runs.ProgressCallback | None = None) -> plan_runs.RunResult:
    """Re-plan changed lanes (every lane with ``full``) and store the run.

    Same as ``python -m services.plan_runs plan-run``; needs the import right.
    """
    ctx.require(access.ACTION_IMPORT)
    result = plan_runs.run_planning(engine=ctx.engine, full=full, progress=progress,
                                    executor=plan_runs.executor_for(
                                        ctx.settings.dask_scheduler_address))
    ctx.log("planning run", run=result.run_id, mode=result.mode, lanes=result.lanes_planned)
    ctx.changed()
    return result

"""A backtest: simulate a flow over an export's period and set each week's actual counts
beside the simulated ones.

The run starts empty on the export's first day (as the export does: leads created before
it are not in it), with the flow's weekday shapes turned so that the run's day 0 is the
export's first weekday. Each full week gets, per stage (leads, MQLs, SQLs, customers),
the actual count, the simulated mean and the simulation's 95 % band: the 2.5th to 97.5th
percentile of that week's count over the replications. A week whose actual count falls
outside its band is a disagreement worth reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from flowsim.calibrate.records import Export
from flowsim.errors import SimulationError
from flowsim.model.flow import Flow

__all__ = ["WeekCount", "Backtest", "backtest", "BACKTEST_STAGES"]

BACKTEST_STAGES = ("leads", "mqls", "sqls", "customers")


@dataclass(frozen=True)
class WeekCount:
    stage: str
    week: int
    start: datetime
    actual: int
    mean: float
    low: float
    high: float

    @property
    def inside(self) -> bool:
        return self.low <= self.actual <= self.high


@dataclass(frozen=True)
class Backtest:
    weeks: tuple[WeekCount, ...]
    replications: int
    seed: int

    def coverage(self, stage: str | None = None) -> float:
        """The share of weeks (of one stage, or all) whose actual count is inside the band."""
        rows = [w for w in self.weeks if stage is None or w.stage == stage]
        return sum(w.inside for w in rows) / len(rows) if rows else math.nan

    def disagreements(self) -> list[WeekCount]:
        return [w for w in self.weeks if not w.inside]


def _turned(flow: Flow, first_weekday: int) -> Flow:
    """A copy of ``flow`` whose weekday shapes start on ``first_weekday`` (0 = Monday)."""
    twin = flow.copy()
    for node in twin.nodes:
        arrivals = node.params.get("arrivals")
        if node.kind == "source" and isinstance(arrivals, dict) and isinstance(arrivals.get("weekdays"), list):
            days = arrivals["weekdays"]
            node.params["arrivals"] = {**arrivals, "weekdays": days[first_weekday:] + days[:first_weekday]}
    return twin


def _weekly(times: Sequence[float | None], weeks: int) -> list[int]:
    counts = [0] * weeks
    for t in times:
        if t is not None:
            k = int(t // 7)
            if 0 <= k < weeks:
                counts[k] += 1
    return counts


def backtest(flow: Flow, export: Export, *, replications: int = 60, seed: int | None = None) -> Backtest:
    """Simulate ``flow`` over ``export``'s period ``replications`` times; compare by week."""
    import numpy as np

    from flowsim.sim.engine import Replication
    from flowsim.sim.plan import compile_flow

    start = export.start.replace(hour=0, minute=0, second=0, microsecond=0)
    days = max((export.end - start).total_seconds() / 86400, 1.0)
    weeks = int(days // 7)
    if weeks < 1:
        raise SimulationError("the export covers less than a week: a weekly backtest needs more")
    seed = int(flow.simulation.get("seed", 42) if seed is None else seed)
    plan = compile_flow(_turned(flow, start.weekday()))
    simulated = {stage: np.zeros((replications, weeks)) for stage in BACKTEST_STAGES}
    for index in range(replications):
        rep = Replication(plan, days=weeks * 7, warmup=0.0, seed=seed, index=index)
        rep.milestones = []
        rep.run()
        columns = list(zip(*rep.milestones)) if rep.milestones else [(), (), (), (), ()]
        for stage, times in zip(BACKTEST_STAGES, columns[1:]):
            simulated[stage][index] = _weekly(times, weeks)

    def offset(moment: datetime | None) -> float | None:
        return None if moment is None else (moment - start).total_seconds() / 86400

    actual = {
        "leads": _weekly([offset(r.created) for r in export.records], weeks),
        "mqls": _weekly([offset(r.mql) for r in export.records], weeks),
        "sqls": _weekly([offset(r.sql) for r in export.records], weeks),
        "customers": _weekly([offset(r.customer) for r in export.records], weeks),
    }
    rows = []
    for stage in BACKTEST_STAGES:
        low, high = np.percentile(simulated[stage], [2.5, 97.5], axis=0)
        mean = simulated[stage].mean(axis=0)
        for k in range(weeks):
            rows.append(WeekCount(stage, k, start + timedelta(days=7 * k), actual[stage][k],
                                  float(mean[k]), float(low[k]), float(high[k])))
    return Backtest(tuple(rows), replications, seed)

"""The run an animation plays and how long its parts last: the run, the totals, the end card."""

from __future__ import annotations

import math
from typing import Any, Callable

from flowsim.model.flow import Flow
from flowsim.sim.arrivals import expected_arrivals

__all__ = ["run_for_animation", "default_duration", "hold_seconds", "end_seconds", "ARRIVAL_BUDGET", "MAX_EVENTS"]

#: Traced arrivals a run aims at (one in N arrivals is traced beyond it) and events kept.
ARRIVAL_BUDGET = 80_000
MAX_EVENTS = 400_000


def default_duration(days: float) -> float:
    """Video seconds for a run of ``days``: 90 days play in 12 s, within 4–30 s."""
    return float(min(30.0, max(4.0, days * 12.0 / 90.0)))


def hold_seconds(duration: float) -> float:
    """How long the final totals stay on screen at the end of a ``duration``-second video."""
    return min(1.5, 0.2 * duration)


def run_for_animation(
    flow: Flow,
    *,
    days: float | None = None,
    seed: int | None = None,
    warmup_days: float | None = None,
    replications: int | None = 1,
    progress: Callable[[float], None] | None = None,
    cancel: Any = None,
    max_work: float | None = None,
) -> Any:
    """One replication of ``flow`` with an event trace fit for an animation.

    The flow's warm-up (``warmup_days``) is simulated and shown shaded; the counters count
    the leads born after it, as the results do, so this run is replication 1 of the flow's
    own runs, number for number. Busy flows trace one arrival in N of each source (the
    trace says which N) so memory stays bounded.
    """
    from flowsim.sim import SimConfig, TraceOptions, simulate

    run_days = days if days is not None else flow.setting("days")
    every = max(1, math.ceil(expected_arrivals(flow, run_days) / ARRIVAL_BUDGET))
    # One replication by default (quick); ``replications=None`` runs the flow's own count,
    # whose first replication is the same run, for totals that are means.
    if warmup_days is None and float(flow.setting("warmup_days") or 0) >= run_days:
        warmup_days = 0.0  # a run shorter than the flow's warm-up: count it all
    config = SimConfig(days=days, seed=seed, replications=replications, jobs=1 if replications == 1 else None,
                       warmup_days=warmup_days)
    results = None
    for _ in range(3):
        results = simulate(flow, config, progress=progress, cancel=cancel,
                           trace=TraceOptions(max_events=MAX_EVENTS, every=every), max_work=max_work)
        trace = results.trace
        if not trace.truncated:
            break
        # The trace filled up before the end: trace fewer arrivals and run again.
        covered = max(trace.complete_until, results.config.days * 0.01)
        every = math.ceil(every * results.config.days / covered * 1.25)
    return results


def end_seconds(duration: float) -> float:
    """How long the end card (the headline KPIs) closes a ``duration``-second video."""
    return min(2.5, 0.2 * duration)

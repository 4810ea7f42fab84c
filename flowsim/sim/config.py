"""How to run a simulation: :class:`SimConfig` and :class:`TraceOptions`."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Any

from flowsim.errors import SimulationError
from flowsim.model.flow import Flow

__all__ = ["SimConfig", "TraceOptions", "Cancelled", "MAX_HOPS"]

#: Nodes one lead may pass through before it is dropped as caught in a cycle.
MAX_HOPS = 1000
# How much a run may do is decided in one place, flowsim.sim.work.


@dataclass(frozen=True)
class SimConfig:
    """Run length, warm-up, replications, seed and worker processes.

    A field left ``None`` takes the flow's ``simulation:`` setting (or its default) when
    the run starts: see :meth:`resolve`. ``jobs`` ``None`` means one process per CPU;
    ``1`` runs every replication in this process. The numbers never depend on ``jobs``.
    """

    days: float | None = None
    warmup_days: float | None = None
    replications: int | None = None
    seed: int | None = None
    jobs: int | None = None

    def resolve(self, flow: Flow) -> "SimConfig":
        """This config with every ``None`` filled from ``flow`` and checked.

        Raises SimulationError for a run of 0 days or less, a warm-up as long as the run,
        fewer than one replication, a negative seed or fewer than one job.
        """
        days = self.days if self.days is not None else flow.setting("days")
        warmup = self.warmup_days if self.warmup_days is not None else flow.setting("warmup_days")
        reps = self.replications if self.replications is not None else flow.setting("replications")
        seed = self.seed if self.seed is not None else flow.setting("seed")
        jobs = self.jobs if self.jobs is not None else (os.cpu_count() or 1)
        if not _number(days) or days <= 0:
            raise SimulationError(f"simulation.days must be a number of days > 0, got {days!r}")
        if not _number(warmup) or warmup < 0:
            raise SimulationError(f"simulation.warmup_days must be a number ≥ 0, got {warmup!r}")
        if warmup >= days:
            raise SimulationError(
                f"the warm-up ({warmup:g} days) must be shorter than the run ({days:g} days)"
            )
        if not _whole(reps) or reps < 1:
            raise SimulationError(f"simulation.replications must be a whole number ≥ 1, got {reps!r}")
        if not _whole(seed) or seed < 0:
            raise SimulationError(f"simulation.seed must be a whole number ≥ 0, got {seed!r}")
        if not _whole(jobs) or jobs < 1:
            raise SimulationError(f"jobs must be a whole number ≥ 1, got {jobs!r}")
        return replace(
            self, days=days, warmup_days=warmup, replications=int(reps), seed=int(seed), jobs=int(jobs)
        )


@dataclass(frozen=True)
class TraceOptions:
    """What the event trace of the first replication keeps.

    ``every``: trace one arrival in ``every`` of each source (1 = all). ``max_events``:
    the most events kept; when more happen, the trace ends early and says so.
    """

    max_events: int = 200_000
    every: int = 1

    def __post_init__(self) -> None:
        if not _whole(self.max_events) or self.max_events < 1:
            raise ValueError(f"max_events must be a whole number ≥ 1, got {self.max_events!r}")
        if not _whole(self.every) or self.every < 1:
            raise ValueError(f"every must be a whole number ≥ 1, got {self.every!r}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any) -> bool:
    return _number(value) and value == int(value)


class Cancelled(Exception):
    """The run was cancelled (its ``cancel`` event was set) before it finished."""

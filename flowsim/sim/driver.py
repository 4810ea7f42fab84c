"""How a lead's walk runs on SimPy, and keeping the cycle collector out of a run."""

from __future__ import annotations

import contextlib
import gc
import math
from typing import Any, Generator, Iterator

import simpy

__all__ = ["Drive", "catch_up", "collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a run, then restore it.

    A run makes no reference cycles (tests/sim checks it), so the collector has nothing
    to find; yet it would walk every waiting lead again and again, which costs a fifth
    of a long run. Plain reference counting still frees every finished lead at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Drive:
    """Runs a walk on SimPy events: resumes it each time the event it waits for fires.

    A lighter driver than ``simpy.Process``: no start and no end event per lead (a third
    of a typical lead's events). It holds the generator and the generator never holds
    it, so a finished lead is freed at once, without the cycle collector. An exception
    in the walk propagates out of ``env.run``, as from a process nobody waits for.
    """

    __slots__ = ("send",)

    def __init__(self, walk: Generator[simpy.Event, Any, None]) -> None:
        self.send = walk.send

    def __call__(self, event: simpy.Event) -> None:
        try:
            following = self.send(None)
        except StopIteration:
            return
        following.callbacks.append(self)


def catch_up(clock: float, now: float) -> float:
    """The delay that takes SimPy's clock from ``clock`` to ``now``, or a hair past it but
    never short of it: ``clock + (now - clock)`` can round below ``now``, and a lead must
    not reach a server before the moment it left its previous node."""
    delay = now - clock
    while clock + delay < now:
        delay = math.nextafter(delay, math.inf)
    return delay

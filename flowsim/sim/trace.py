"""The event trace of one replication, for the animated export: bounded in memory.

Each event is ``(lead, time, source, target, event)``: the lead's id (an int, unique in
the replication), the simulated time in days, and:

========  ====================  ===================  =====================================
event     source                target               meaning
========  ====================  ===================  =====================================
arrive    None                  the source node      an arrival (visit or lead) appears
move      node it leaves        node it enters       it takes an edge (``nth`` says
                                                     which, when two nodes have several)
queue     the node              None                 it waits for a rep (all reps busy)
start     the node              None                 a rep starts working it
finish    the node              None                 the rep is done with it
leak      the node              None                 it is lost here (abandoned the form,
                                                     went cold, unsubscribed, leaked)
sink      the sink node         None                 it ends with that node's outcome
========  ====================  ===================  =====================================

Bounds: only one arrival in ``every`` per source is traced (chosen by arrival number, so
the same seed traces the same leads), and at most ``max_events`` events are kept. When
more would be recorded the trace is cut: ``complete_until`` is then the earliest time of
an event that was not kept, and every event before that time is in the trace (events at
or after it are dropped, so the trace never shows a lead half-way). Leads record their
events ahead of the run's clock (see :mod:`flowsim.sim.engine`), so a full recorder keeps
the earliest events it is given, not the first: later ones make way for earlier ones, and
the complete part is as long as ``max_events`` allows. Events are sorted by time, ties in
the order they happened.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["TraceEvent", "Trace", "TraceRecorder", "EVENTS"]

EVENTS = ("arrive", "move", "queue", "start", "finish", "leak", "sink")


class TraceEvent(NamedTuple):
    lead: int
    time: float
    source: str | None
    target: str | None
    event: str
    #: For a move: which of the edges from ``source`` to ``target`` the lead took, in file
    #: order (0 = the first; only flows with parallel edges have others).
    nth: int = 0


@dataclass(frozen=True)
class Trace:
    """The events of the first replication; ``truncated`` when ``max_events`` cut it."""

    events: tuple[TraceEvent, ...]
    truncated: bool
    complete_until: float  # every event before this time is present (the run's end if not cut)
    every: int
    max_events: int

    def to_rows(self) -> list[list[object]]:
        """The events as plain lists, for JSON or CSV."""
        return [list(event) for event in self.events]


class TraceRecorder:
    """Collects events during a run; :meth:`finish` makes the :class:`Trace`.

    Until ``max_events`` are held, events are appended. From then on the recorder is a
    max-heap on (time, order): an event earlier than the latest one held takes its place,
    and whatever is let go lowers ``first_dropped`` to its time.
    """

    def __init__(self, max_events: int, every: int) -> None:
        self.max_events = max_events
        self.every = every
        self.events: list[tuple[float, int, int, str | None, str | None, str, int]] = []
        self._heap: list[tuple[float, int, int, str | None, str | None, str, int]] | None = None
        self._seq = 0
        self.first_dropped = math.inf

    def add(self, lead: int, time: float, source: str | None, target: str | None, event: str,
            nth: int = 0) -> None:
        self._seq += 1
        if self._heap is None:
            if len(self.events) < self.max_events:
                self.events.append((time, self._seq, lead, source, target, event, nth))
                return
            # full: from here on, keep the earliest (negated keys make heapq's min-heap a max-heap)
            self._heap = [(-t, -seq, *rest) for t, seq, *rest in self.events]
            heapq.heapify(self._heap)
            self.events = []
        latest = self._heap[0]
        if (time, self._seq) < (-latest[0], -latest[1]):
            heapq.heapreplace(self._heap, (-time, -self._seq, lead, source, target, event, nth))
            dropped = -latest[0]
        else:
            dropped = time
        if dropped < self.first_dropped:
            self.first_dropped = dropped

    def finish(self, end: float) -> Trace:
        if self._heap is not None:
            self.events = [(-t, -seq, *rest) for t, seq, *rest in self._heap]
            self._heap = None
        # By time, ties in the order they happened (the order they were added). A numpy
        # lexsort, rather than sorted() on the tuples: it is one short C call that lets go
        # of the GIL, so an app running this in a thread never freezes meanwhile.
        import numpy

        times = numpy.array([row[0] for row in self.events], dtype=float)
        order = numpy.array([row[1] for row in self.events], dtype=numpy.int64)
        rows = [self.events[i] for i in numpy.lexsort((order, times)).tolist()]
        cut = self.first_dropped
        if cut < math.inf:
            rows = [row for row in rows if row[0] < cut]
        events = tuple(TraceEvent(lead, time, src, dst, ev, nth) for time, _, lead, src, dst, ev, nth in rows)
        return Trace(events, cut < math.inf, min(cut, end), self.every, self.max_events)

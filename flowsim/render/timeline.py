"""A run's event trace laid out in video time: what moves, leaks and waits, and when.

Simulated time maps linearly onto the video: day ``t`` of a ``days``-long run shows at
``t * seconds / days``. A move is instant in the simulation, but a dot needs time to travel
its edge, so each lead keeps its own visual clock: an event shows at its mapped time or
when the lead's dot is free for it, whichever is later. A lead that hops through several
instant steps therefore runs a little behind the calendar, and catches up whenever it
waits in a node. A lead that runs late (a fast loop) travels faster, and one that is
``max_lag`` behind skips its travels until the calendar catches up, so no dot ever lags by
more than that. Counters tick when the dot arrives, so they agree with what is seen.

Nothing here draws; :mod:`flowsim.render.animate` turns a :class:`Timeline` into frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from flowsim.model.graph import parallel_ordinals

__all__ = ["Timeline", "build_timeline", "count_before", "FADE"]

#: Video seconds a leaking dot takes to fade out.
FADE = 0.6


@dataclass(frozen=True, eq=False)
class Timeline:
    """Every traced lead's travels, leaks and waits, in video seconds.

    Arrays of one kind share their index. ``*_channel`` is the index (in ``channels``) of
    the source the lead arrived at; ``*_rank`` the lead's arrival number at that source
    among the traced leads, which picks the leads drawn as dots. Counts stand for
    ``every`` leads each (the trace kept one arrival in ``every``).
    """

    days: float
    seconds: float
    every: int
    node_ids: tuple[str, ...]
    channels: tuple[str, ...]
    # dots on edges, sorted by start
    travel_edge: np.ndarray
    travel_start: np.ndarray
    travel_end: np.ndarray
    travel_channel: np.ndarray
    travel_rank: np.ndarray
    travel_lead: np.ndarray
    # leaks, sorted by time; ``leak_edge`` is the edge the lead came in by (-1: it arrived there)
    leak_node: np.ndarray
    leak_edge: np.ndarray
    leak_time: np.ndarray
    leak_channel: np.ndarray
    leak_rank: np.ndarray
    leak_lead: np.ndarray
    # waits for a rep, sorted by start; an open wait ends at +inf
    queue_node: np.ndarray
    queue_start: np.ndarray
    queue_end: np.ndarray
    queue_channel: np.ndarray
    # per node: sorted video times at which a lead entered / leaked
    entered: tuple[np.ndarray, ...]
    leaked: tuple[np.ndarray, ...]
    #: The longest travel, for finding the dots on the way at a given time.
    longest_travel: float
    #: per node: sorted video times at which a lead left it for the next node
    left: tuple[np.ndarray, ...] = ()

    def video_time(self, day: float) -> float:
        """Where simulated ``day`` falls in the video (before any lag)."""
        return day * self.seconds / self.days

    def day_at(self, second: float) -> float:
        """The simulated day shown at video ``second`` (held at the run's end)."""
        return min(self.days, max(0.0, second * self.days / self.seconds))

    def counts_at(self, second: float) -> tuple[np.ndarray, np.ndarray]:
        """Leads that entered and that leaked at each node by video ``second``."""
        entered = np.array([count_before(t, second) for t in self.entered], dtype=np.int64)
        leaked = np.array([count_before(t, second) for t in self.leaked], dtype=np.int64)
        return entered * self.every, leaked * self.every

    def busiest(self, dot_every: int = 1, samples: int = 400) -> int:
        """The most dots (travelling or fading) on screen at once when one lead in
        ``dot_every`` of each source is drawn, sampled over the run."""
        if not len(self.travel_start) and not len(self.leak_time):
            return 0
        keep_t = self.travel_rank % dot_every == 0
        keep_l = self.leak_rank % dot_every == 0
        starts = np.sort(np.concatenate([self.travel_start[keep_t], self.leak_time[keep_l]]))
        ends = np.sort(np.concatenate([self.travel_end[keep_t], self.leak_time[keep_l] + FADE]))
        times = np.linspace(0.0, self.seconds, samples)
        on = np.searchsorted(starts, times, side="right") - np.searchsorted(ends, times, side="right")
        return int(on.max(initial=0))


def count_before(times: np.ndarray, second: float) -> int:
    """How many of the sorted ``times`` are at or before ``second``."""
    return int(np.searchsorted(times, second, side="right"))


def build_timeline(
    events: Sequence[tuple],
    *,
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    travel: Sequence[float],
    days: float,
    seconds: float,
    every: int = 1,
    sources: Sequence[str] = (),
    max_lag: float = 2.0,
    warmup: float = 0.0,
) -> Timeline:
    """Lay out trace ``events`` (``(lead, time, source, target, event[, nth])``, sorted by time).

    ``edges`` are the flow's (source, target) pairs and ``travel`` the video seconds a dot
    takes along each; a move between two nodes joined by several edges takes the ``nth``
    of them (in the order of ``edges``; the first when events carry no ``nth``).
    ``sources`` fixes the order of the channels (others follow in order of arrival).
    The counters (``entered``, ``leaked``) count leads that arrived at or after day
    ``warmup``, as the results do; every lead still moves.
    """
    index = {nid: i for i, nid in enumerate(node_ids)}
    edge_of = {(source, target, nth): i
               for i, ((source, target), nth) in enumerate(zip(edges, parallel_ordinals(edges)))}
    if events and len(events[0]) == 5:
        events = [(*e, 0) for e in events]
    scale = seconds / days
    channels: list[str] = list(dict.fromkeys(sources))
    channel_of: dict[str, int] = {c: i for i, c in enumerate(channels)}
    ranks: list[int] = [0] * len(channels)
    entered: list[list[float]] = [[] for _ in node_ids]
    leaked: list[list[float]] = [[] for _ in node_ids]
    left: list[list[float]] = [[] for _ in node_ids]
    travels: list[tuple[int, float, float, int, int, int]] = []
    leaks: list[tuple[int, int, float, int, int, int]] = []
    queues: list[tuple[int, float, float, int]] = []
    # lead -> [visual clock, node index, edge it came in by, waiting since, channel, rank, counted]
    state: dict[int, list] = {}
    add_travel, add_leak, add_queue = travels.append, leaks.append, queues.append
    node_of, get_state = index.get, state.get
    for lead, time, source, target, event, nth in events:
        v = time * scale
        if event == "arrive":
            node = index.get(target)
            if node is None:
                continue
            ch = channel_of.get(target)
            if ch is None:
                ch = channel_of[target] = len(channels)
                channels.append(target)
                ranks.append(0)
            counted = time >= warmup
            state[lead] = [v, node, -1, None, ch, ranks[ch], counted]
            ranks[ch] += 1
            if counted:
                entered[node].append(v)
            continue
        st = get_state(lead)
        if st is None:
            continue
        ready = st[0]
        w = v if v > ready else ready
        if event == "move":
            node = node_of(target)
            e = edge_of.get((source, target, nth), -1)
            end = w
            lag = w - v
            if st[6]:  # counted as the entries are: leads born after the warm-up
                left[st[1]].append(w)
            if e >= 0 and lag < max_lag:
                end = w + travel[e] * max(0.25, 1.0 - lag / max_lag)
                add_travel((e, w, end, st[4], st[5], lead))
            if node is None:
                del state[lead]
                continue
            if st[6]:
                entered[node].append(end)
            st[0], st[1], st[2] = end, node, e
        elif event == "queue":
            st[0] = w
            st[3] = w
        elif event == "start":
            st[0] = w
            if st[3] is not None:
                add_queue((st[1], st[3], w, st[4]))
                st[3] = None
        elif event == "leak":
            if st[3] is not None:
                add_queue((st[1], st[3], w, st[4]))
            add_leak((st[1], st[2], w, st[4], st[5], lead))
            if st[6]:
                leaked[st[1]].append(w)
            del state[lead]
        elif event == "sink":
            del state[lead]
        else:  # finish
            st[0] = w
    for st in state.values():  # still waiting when the run ended
        if st[3] is not None:
            queues.append((st[1], st[3], np.inf, st[4]))

    t = _columns(travels, 6, by=1)
    lk = _columns(leaks, 6, by=2)
    q = _columns(queues, 4, by=1)
    return Timeline(
        days=float(days), seconds=float(seconds), every=int(every),
        node_ids=tuple(node_ids), channels=tuple(channels),
        travel_edge=t[0].astype(np.int32), travel_start=t[1], travel_end=t[2],
        travel_channel=t[3].astype(np.int32), travel_rank=t[4].astype(np.int64), travel_lead=t[5].astype(np.int64),
        leak_node=lk[0].astype(np.int32), leak_edge=lk[1].astype(np.int32), leak_time=lk[2],
        leak_channel=lk[3].astype(np.int32), leak_rank=lk[4].astype(np.int64), leak_lead=lk[5].astype(np.int64),
        queue_node=q[0].astype(np.int32), queue_start=q[1], queue_end=q[2], queue_channel=q[3].astype(np.int32),
        entered=tuple(np.sort(np.asarray(x, dtype=float)) for x in entered),
        leaked=tuple(np.sort(np.asarray(x, dtype=float)) for x in leaked),
        longest_travel=float(max(travel, default=0.0)),
        left=tuple(np.sort(np.asarray(x, dtype=float)) for x in left),
    )


def _columns(rows: list[tuple], n: int, by: int) -> list[np.ndarray]:
    """The ``n`` columns of ``rows`` as arrays, the rows sorted by column ``by`` (stably)."""
    if not rows:
        return [np.zeros(0, dtype=float) for _ in range(n)]
    table = np.array(rows, dtype=float)  # lead ids stay exact: far below 2**53
    table = table[np.argsort(table[:, by], kind="stable")]
    return [np.ascontiguousarray(table[:, i]) for i in range(n)]

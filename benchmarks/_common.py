"""Helpers shared by the benchmark scripts: timing and generated flows."""

from __future__ import annotations

import statistics
import time
from typing import Callable

from flowsim.model import Edge, Flow, Node


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds (the least disturbed one)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def grid_flow(n: int) -> Flow:
    """A valid flow of ``n`` nodes: sources feeding chains of steps into two sinks."""
    flow = Flow(f"{n} nodes")
    chains = max(1, n // 10)
    kinds = ["capture", "score", "segment", "nurture", "handoff", "sales"]
    flow.add_node(Node("won", "sink", position=(2400, 0)))
    flow.add_node(Node("lost", "sink", position=(2400, 200)))
    made = 2
    chain = 0
    while made < n:
        prev = f"src_{chain}"
        flow.add_node(Node(prev, "source", label=f"Channel {chain}", position=(0, chain * 140),
                           params={"arrivals": {"per_day": 5}, "cost_per_lead": 50}))
        made += 1
        step = 0
        while made < n and step < 8:
            node_id = f"n_{chain}_{step}"
            flow.add_node(Node(node_id, kinds[step % len(kinds)], label=f"Step {step}",
                               position=(240 * (step + 1), chain * 140),
                               params={"capacity": 2, "service": {"dist": "exponential", "mean": "30m"}}))
            flow.add_edge(Edge(prev, node_id))
            prev = node_id
            made += 1
            step += 1
        flow.add_edge(Edge(prev, "won", probability=0.2))
        flow.add_edge(Edge(prev, "lost"))
        chain += 1
    return flow

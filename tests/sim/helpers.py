"""Tiny flows for the simulation tests, built in code (no files, no line numbers)."""

from __future__ import annotations

from typing import Any

from flowsim.model import Edge, Flow, Node
from flowsim.sim import Results, SimConfig, simulate


def make_flow(nodes: list[tuple[str, str, dict[str, Any]]], edges: list[dict[str, Any]], **simulation: Any) -> Flow:
    """A flow from ``(id, kind, params)`` triples and edge mappings (``from``, ``to``, ...)."""
    return Flow(
        "test flow",
        simulation=simulation,
        nodes=[Node(nid, kind, params=dict(params)) for nid, kind, params in nodes],
        edges=[
            Edge(e["from"], e["to"], when=e.get("when"), probability=e.get("probability"))
            for e in edges
        ],
    )


def run(flow: Flow, *, trace: Any = None, **config: Any) -> Results:
    """Simulate in this process unless ``jobs`` says otherwise."""
    config.setdefault("jobs", 1)
    return simulate(flow, SimConfig(**config), trace=trace)


def samples(results: Results, node: str, metric: str) -> list[float]:
    return list(results.nodes[node][metric].samples)

"""A run's overlay for the look: node badges and edge widths from simulation results."""

from __future__ import annotations

from typing import Any

from flowsim.model.flow import Flow
from flowsim.render.look import NodeStats

__all__ = ["run_overlay"]


def run_overlay(results: Any, flow: Flow) -> tuple[dict[str, NodeStats], list[float]]:
    """Node badges and edge volumes (0–1, one per edge of ``flow``) from ``results``.

    The bottleneck is the capacity-limited node whose leads wait longest (if any wait a
    noticeable time), else the busiest one above 85 % utilization.
    """
    waits = {}
    for node_id, metrics in results.nodes.items():
        waits[node_id] = (metrics["wait_days"].mean or 0.0, metrics["utilization"].mean or 0.0)
    candidates = [(w, u, n) for n, (w, u) in waits.items() if u > 0]
    bottleneck = None
    if candidates:
        wait, util, node_id = max(candidates)
        if wait > 1 / 24 or util >= 0.85:
            bottleneck = node_id
    stats = {
        node_id: NodeStats(
            entered=metrics["entered"].mean or 0.0,
            leaked=metrics["leaked"].mean or 0.0,
            wait_days=metrics["wait_days"].mean or 0.0,
            bottleneck=node_id == bottleneck,
        )
        for node_id, metrics in results.nodes.items()
    }
    counts: dict[tuple[str, str], list[float]] = {}
    for edge in results.edges:
        counts.setdefault((edge.source, edge.target), []).append(edge.count.mean or 0.0)
    ordered = []
    seen: dict[tuple[str, str], int] = {}
    for edge in flow.edges:
        key = (edge.source, edge.target)
        n = seen.get(key, 0)
        seen[key] = n + 1
        values = counts.get(key, [])
        ordered.append(values[n] if n < len(values) else 0.0)
    top = max(ordered, default=0.0) or 1.0
    return stats, [c / top for c in ordered]

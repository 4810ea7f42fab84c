"""A run's overlay for the look: node badges and edge widths from simulation results."""

from __future__ import annotations

from typing import Any

from flowsim.model.duration import is_number
from flowsim.model.flow import Flow, Node
from flowsim.render.look import NodeStats

__all__ = ["run_overlay", "expected_leak"]


def _p(value: Any) -> float | None:
    return float(value) if is_number(value) and 0.0 <= value <= 1.0 else None


def expected_leak(node: Node, flow: Flow) -> float:
    """The share of the leads entering ``node`` that its own parameters lose: a form's
    1 − conversion, ``leak``, a nurture stream's unsubscribes over its touches, and the
    share its probability edges leave unrouted. Leads lost waiting (``patience``) are not
    expected: they are what a bottleneck costs."""
    params = node.params
    kept = 1.0
    if node.kind == "capture" and _p(params.get("conversion")) is not None:
        kept *= _p(params["conversion"])
    if node.kind == "nurture" and _p(params.get("unsubscribe")) is not None:
        touches = params.get("touches")
        if is_number(touches) and touches > 0:
            kept *= (1.0 - _p(params["unsubscribe"])) ** touches
    if _p(params.get("leak")) is not None:
        kept *= 1.0 - _p(params["leak"])
    if node.kind != "sink":
        out = [e for e in flow.edges if e.source == node.id]
        if out and all(e.when is None for e in out) and all(e.probability is not None for e in out):
            shares = [_p(e.probability) for e in out]
            if all(s is not None for s in shares):
                kept *= max(0.0, min(1.0, sum(shares)))
    return max(0.0, min(1.0, 1.0 - kept))


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
            expected_leak=expected_leak(flow.node(node_id), flow) if flow.has_node(node_id) else 0.0,
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

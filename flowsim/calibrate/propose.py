"""From estimates to a reviewable change of the flow: which field gets which number, and why.

Each :class:`Change` names one field of a node or an edge, its current and its fitted
value and the evidence (the estimate with its interval). What the export says but no
single field holds (lead → MQL comes from scoring rules, for instance) becomes a note
instead, for the backtest to check. :func:`apply_changes` writes chosen changes into a
flow with a YAML comment on each key saying where the number came from; it returns what
undoes them, so the app can make the whole review one undo step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from flowsim.calibrate.estimate import Estimates, describe
from flowsim.model.flow import Comment, Edge, Flow, Node

__all__ = ["Change", "propose", "apply_changes", "undo_changes", "source_of_channel"]


@dataclass(frozen=True)
class Change:
    """Set ``key`` of a node (``edge`` None) or of ``flow.edges[edge]`` to ``fitted``."""

    node: str | None
    edge: int | None
    label: str  # what the review table shows: "paid_search.arrivals"
    key: str
    current: Any
    fitted: Any
    evidence: str


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def source_of_channel(flow: Flow, channel: str) -> Node | None:
    """The source node a channel of the export means: same id, or same label."""
    key = _norm(channel)
    for node in flow.nodes:
        if node.kind == "source" and (node.id == key or _norm(node.label or "") == key):
            return node
    return None


def _lead_share(flow: Flow, source: Node) -> tuple[float, str]:
    """The share of a source's arrivals that become leads when a capture form follows it
    directly, and a note saying so."""
    out = flow.out_edges(source.id)
    if len(out) == 1 and out[0].when is None and out[0].probability is None:
        target = flow.node(out[0].target)
        conversion = target.params.get("conversion")
        if target.kind == "capture" and isinstance(conversion, (int, float)) and conversion > 0:
            return float(conversion), f" ÷ {target.id}'s {conversion:g} conversion = visits"
    return 1.0, ""


def _sig(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def propose(flow: Flow, est: Estimates) -> tuple[list[Change], list[str]]:
    """The changes the estimates support for ``flow``, and notes on what they leave out."""
    changes: list[Change] = []
    notes: list[str] = []
    for channel, rate in est.arrivals.items():
        source = source_of_channel(flow, channel)
        if source is None:
            notes.append(f"channel {channel!r} ({rate.n:,} leads) has no source in the flow; "
                         "name it in the mapping file's channels to use it")
            continue
        share, how = _lead_share(flow, source)
        current = source.params.get("arrivals")
        fitted = {k: v for k, v in (current or {}).items() if k not in ("per_day", "per_week", "per_month")}
        fitted = {"per_day": _sig(rate.value / share), **fitted}
        shape = est.weekdays.get(channel)
        if shape is not None:
            fitted["weekdays"] = list(shape)
        evidence = f"{describe(rate, unit=' leads a day')}{how}"
        changes.append(Change(source.id, None, f"{source.id}.arrivals", "arrivals", current, fitted, evidence))
    _handoff(flow, est, changes, notes)
    _sales(flow, est, changes, notes)
    for step in ("lead->mql", "lead->sql"):
        rate = est.conversions.get(step)
        if rate is not None:
            notes.append(f"{step.replace('->', ' → ')} {describe(rate, percent=True)} comes from the flow's "
                         "scoring, nurture and handoff rules, not one field: the backtest compares it")
    return changes, notes


def _handoff(flow: Flow, est: Estimates, changes: list[Change], notes: list[str]) -> None:
    rate = est.conversions.get("mql->sql")
    handoffs = [n for n in flow.nodes if n.kind == "handoff"]
    if rate is None:
        return
    if len(handoffs) != 1:
        notes.append(f"MQL → SQL {describe(rate, percent=True)}: the flow has {len(handoffs)} handoffs, "
                     "so it is not set on one of them")
        return
    node = handoffs[0]
    queued = "capacity" in node.params and "service" in node.params
    evidence = describe(rate, percent=True) + (" (answered at once; the queue's speed to lead lowers it)"
                                                if queued else "")
    changes.append(Change(node.id, None, f"{node.id}.accept", "accept", node.params.get("accept"),
                          round(rate.value, 3), evidence))


def _sales(flow: Flow, est: Estimates, changes: list[Change], notes: list[str]) -> None:
    won = {n.id for n in flow.nodes if n.kind == "sink" and n.params.get("outcome", n.id) == "won"}
    sales = [n for n in flow.nodes if n.kind == "sales"]
    rate = est.conversions.get("sql->customer")
    wins = [(i, e) for i, e in enumerate(flow.edges)
            if e.target in won and e.probability is not None and flow.has_node(e.source)
            and flow.node(e.source).kind == "sales"]
    if rate is not None and len(wins) == 1:
        index, edge = wins[0]
        others = sum(e.probability for e in flow.out_edges(edge.source)
                     if e is not edge and isinstance(e.probability, (int, float)))
        fitted = round(rate.value, 3)
        if others + fitted <= 1:
            changes.append(Change(None, index, f"{edge.source} → {edge.target}.probability", "probability",
                                  edge.probability, fitted, describe(rate, percent=True)))
        else:
            notes.append(f"SQL → customer {describe(rate, percent=True)} does not fit beside the other "
                         f"probabilities of {edge.source} (they sum to {others:g})")
    elif rate is not None:
        notes.append(f"SQL → customer {describe(rate, percent=True)}: no single sales → won edge with a "
                     "probability to set")
    delay = est.delays.get("sql->customer")
    if delay is not None and len(sales) == 1:
        node = sales[0]
        evidence = f"median {delay.median.value:.3g} d ({delay.median.low:.3g}–{delay.median.high:.3g}, " \
                   f"n = {delay.median.n:,}); {delay.note}"
        changes.append(Change(node.id, None, f"{node.id}.delay", "delay", node.params.get("delay"),
                              delay.as_file_value(), evidence))


def apply_changes(flow: Flow, changes: Sequence[Change], basis: str) -> list[tuple[Change, Any, Comment | None]]:
    """Write ``changes`` into ``flow`` (through its evented setters), each key commented
    with ``basis``; return ``(change, old value, old comment)`` for :func:`undo_changes`."""
    undo = []
    for change in changes:
        target, path = _target(flow, change)
        old_comment = target.comments.get(path)
        if isinstance(target, Edge):
            old = flow.set_edge(target, change.key, change.fitted)
        else:
            old = flow.set_node(target.id, change.key, change.fitted)
        before = old_comment.before if old_comment is not None else ()
        target.comments[path] = Comment(before, f"# {basis}")
        undo.append((change, old, old_comment))
    return undo


def undo_changes(flow: Flow, undo: Sequence[tuple[Change, Any, Comment | None]]) -> None:
    """Put back what :func:`apply_changes` changed, in reverse order."""
    for change, old, old_comment in reversed(undo):
        target, path = _target(flow, change)
        if isinstance(target, Edge):
            flow.set_edge(target, change.key, old)
        else:
            flow.set_node(target.id, change.key, old)
        if old_comment is None:
            target.comments.pop(path, None)
        else:
            target.comments[path] = old_comment


def _target(flow: Flow, change: Change) -> tuple[Node | Edge, tuple]:
    if change.edge is not None:
        return flow.edges[change.edge], ()  # an edge is one line: its comment is the line's
    return flow.node(change.node), (change.key,)


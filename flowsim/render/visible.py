"""Which part of a flow a picture shows: all of it, or all but some nodes and edges."""

from __future__ import annotations

import difflib
from typing import Iterable

from flowsim.errors import ExportError
from flowsim.model.flow import Flow

__all__ = ["visible_part"]


def visible_part(flow: Flow, hide: Iterable[str] = ()) -> Flow:
    """A copy of ``flow`` without the hidden nodes (and their edges) and hidden edges.

    Each name is a node id (``nurture``) or an edge as ``from->to`` (every edge between
    those two nodes). A name that matches nothing is an ExportError with a suggestion, so
    a typo never silently shows what was meant to be hidden. The simulation behind an
    animation still runs on the whole flow; only the picture leaves things out.
    """
    names = [name.strip() for name in hide if name and name.strip()]
    if not names:
        return flow
    ids = {node.id for node in flow.nodes}
    pairs = {(edge.source, edge.target) for edge in flow.edges}
    hidden_nodes: set[str] = set()
    hidden_edges: set[tuple[str, str]] = set()
    for name in names:
        if "->" in name:
            source, target = (part.strip() for part in name.split("->", 1))
            if (source, target) not in pairs:
                raise ExportError(f"--hide: no edge {source}->{target} in the flow")
            hidden_edges.add((source, target))
        elif name in ids:
            hidden_nodes.add(name)
        else:
            close = difflib.get_close_matches(name, sorted(ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ExportError(f"--hide: no node has id {name!r}{hint}")
    shown = flow.copy()
    shown.nodes = [node for node in shown.nodes if node.id not in hidden_nodes]
    shown.edges = [
        edge for edge in shown.edges
        if edge.source not in hidden_nodes and edge.target not in hidden_nodes
        and (edge.source, edge.target) not in hidden_edges
    ]
    if not shown.nodes:
        raise ExportError("--hide leaves nothing to show")
    return Flow(shown.name, description=shown.description, simulation=shown.simulation,
                nodes=shown.nodes, edges=shown.edges, extra=shown.extra)

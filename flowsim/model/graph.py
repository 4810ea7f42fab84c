"""A flow as a networkx graph, for analysis (reachability, cycles) and layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from flowsim.model.flow import Flow

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["to_digraph", "parallel_ordinals"]


def parallel_ordinals(pairs: Iterable[tuple[str, str]]) -> list[int]:
    """For each edge given as ``(source, target)``, in order: how many edges before it go
    from the same source to the same target (0 for the first, 1 for a second, ...)."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for pair in pairs:
        n = seen.get(pair, 0)
        seen[pair] = n + 1
        out.append(n)
    return out


def to_digraph(flow: Flow) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` with one node per flow node and one edge per flow edge.

    Node attributes: ``kind``, ``label``, ``position``. Edge keys are the edges' indexes in
    ``flow.edges``; edge attributes ``when`` and ``probability`` as in the file. Edges to
    nodes that do not exist are left out (validation reports them).
    """
    import networkx as nx  # on first use: opening a file and painting it do not need it

    graph = nx.MultiDiGraph(name=flow.name)
    for node in flow.nodes:
        graph.add_node(node.id, kind=node.kind, label=node.title, position=tuple(node.position))
    for index, edge in enumerate(flow.edges):
        if edge.source in graph and edge.target in graph:
            graph.add_edge(
                edge.source, edge.target, key=index, when=edge.when, probability=edge.probability
            )
    return graph

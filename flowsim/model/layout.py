"""Automatic layout: left to right in layers, as a lead flows.

>>> from flowsim.model import Flow, Node, Edge
>>> flow = Flow()
>>> for node_id, kind in (("ads", "source"), ("form", "capture"), ("won", "sink")):
...     _ = flow.add_node(Node(node_id, kind))
>>> _ = flow.add_edge(Edge("ads", "form")); _ = flow.add_edge(Edge("form", "won"))
>>> layered_layout(flow)
{'ads': (0, 0), 'form': (280, 0), 'won': (560, 0)}
"""

from __future__ import annotations

from flowsim.model.flow import Flow

__all__ = ["layered_layout", "COLUMN", "ROW"]

COLUMN = 280
ROW = 150


def layered_layout(flow: Flow) -> dict[str, tuple[int, int]]:
    """Top-left positions for every node: a column per step from the nearest source, rows
    ordered to keep edges short (the mean row of each node's predecessors), each column
    centred on the tallest.

    Columns come from the shortest path from any source, so loops (sales back to nurture)
    point backwards instead of stretching the flow. Sinks go in the last column.
    """
    import networkx as nx  # on first use: the window paints before anyone asks for a layout

    graph = nx.DiGraph()
    ids = list(dict.fromkeys(node.id for node in flow.nodes))
    graph.add_nodes_from(ids)
    graph.add_edges_from((e.source, e.target) for e in flow.edges if e.source in graph and e.target in graph)
    kinds = {node.id: node.kind for node in flow.nodes}
    roots = [n for n in ids if kinds[n] == "source"] or [n for n in ids if graph.in_degree(n) == 0] or ids[:1]
    layer: dict[str, int] = {}
    frontier = list(roots)
    for root in roots:
        layer[root] = 0
    while frontier:  # breadth first from every source at once
        following = []
        for n in frontier:
            for child in graph.successors(n):
                if child not in layer:
                    layer[child] = layer[n] + 1
                    following.append(child)
        frontier = following
    for n in ids:  # nodes no source reaches: just after their first placed predecessor
        if n not in layer:
            placed = [layer[p] for p in graph.predecessors(n) if p in layer]
            layer[n] = max(placed) + 1 if placed else 0
    last = max(layer.values(), default=0)
    for n in ids:
        if kinds[n] == "sink" and any(kinds[m] != "sink" for m in ids):
            layer[n] = max(layer[n], last)
    columns: dict[int, list[str]] = {}
    for n in ids:
        columns.setdefault(layer[n], []).append(n)
    rows: dict[str, float] = {}
    for column in sorted(columns):
        def weight(n: str) -> float:
            parents = [rows[p] for p in graph.predecessors(n) if p in rows and layer[p] < layer[n]]
            return sum(parents) / len(parents) if parents else float(ids.index(n))
        members = sorted(columns[column], key=lambda n: (weight(n), ids.index(n)))
        for row, n in enumerate(members):
            rows[n] = row
    tallest = max((len(m) for m in columns.values()), default=1)
    top = {column: (tallest - len(members)) * ROW // 2 for column, members in columns.items()}
    return {n: (layer[n] * COLUMN, int(rows[n]) * ROW + top[layer[n]]) for n in ids}

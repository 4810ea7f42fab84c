"""Auto layout quality: edge crossings and edges through cards, before and after.

Prints figures; never passes or fails. "Before" is the networkx-era layout (breadth-first
columns, rows by the mean row of the predecessors; kept below as it was) drawn with one
curve per edge; "after" is flowsim's auto layout (igraph's Sugiyama, see
flowsim/model/layout.py) drawn by the look with edges routed around cards; "library" is
igraph's own Sugiyama layout with straight edges through its bends (the bar of issue 10:
the layout test asserts no edge through a card and no more crossings than this).
Flows: the four templates and 50 random flows of 10–60 nodes (tests/flows.py, seeded).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flowsim.io import load_flow  # noqa: E402
from flowsim.model.flow import Flow  # noqa: E402
from flowsim.render.arrange import auto_layout  # noqa: E402
from flowsim.render.quality import (  # noqa: E402
    crossings, drawing_of, library_drawing, plain_drawing_of, through_cards)
from tests.flows import random_flow  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def networkx_layout(flow: Flow) -> dict[str, tuple[int, int]]:
    """The layout flowsim shipped before igraph (flowsim/model/layout.py at c5852ac)."""
    import networkx as nx

    column, row = 280, 150
    graph = nx.DiGraph()
    ids = list(dict.fromkeys(node.id for node in flow.nodes))
    graph.add_nodes_from(ids)
    graph.add_edges_from((e.source, e.target) for e in flow.edges if e.source in graph and e.target in graph)
    kinds = {node.id: node.kind for node in flow.nodes}
    roots = [n for n in ids if kinds[n] == "source"] or [n for n in ids if graph.in_degree(n) == 0] or ids[:1]
    layer = {root: 0 for root in roots}
    frontier = list(roots)
    while frontier:
        following = []
        for n in frontier:
            for child in graph.successors(n):
                if child not in layer:
                    layer[child] = layer[n] + 1
                    following.append(child)
        frontier = following
    for n in ids:
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
    for c in sorted(columns):
        def weight(n: str) -> float:
            parents = [rows[p] for p in graph.predecessors(n) if p in rows and layer[p] < layer[n]]
            return sum(parents) / len(parents) if parents else float(ids.index(n))
        for r, n in enumerate(sorted(columns[c], key=lambda n: (weight(n), ids.index(n)))):
            rows[n] = r
    tallest = max((len(m) for m in columns.values()), default=1)
    top = {c: (tallest - len(m)) * row // 2 for c, m in columns.items()}
    return {n: (layer[n] * column, int(rows[n]) * row + top[layer[n]]) for n in ids}


def placed(flow: Flow, positions: dict[str, tuple[int, int]]) -> Flow:
    moved = flow.copy()
    for node in moved.nodes:
        node.position = list(positions[node.id])
    return moved


def main() -> None:
    flows = [(p.name.removesuffix(".flow.yaml"), load_flow(p)) for p in sorted((REPO / "templates").glob("*.flow.yaml"))]
    flows += [(f"random-{seed}", random_flow(seed, 10 + seed * 50 // 49)) for seed in range(50)]
    print(f"{'flow':24} {'nodes':>5} {'edges':>5} | {'before x':>8} {'through':>7} | "
          f"{'after x':>7} {'through':>7} | {'library x':>9} {'through':>7} | {'ms':>5}")
    totals = [0] * 6
    fewer = 0
    for name, flow in flows:
        before = plain_drawing_of(placed(flow, networkx_layout(flow)))
        start = time.perf_counter()
        positions = auto_layout(flow)
        ms = (time.perf_counter() - start) * 1000
        after = drawing_of(placed(flow, positions))
        library = library_drawing(flow)
        row = [crossings(before), through_cards(before), crossings(after), through_cards(after),
               crossings(library), through_cards(library)]
        totals = [a + b for a, b in zip(totals, row)]
        fewer += row[2] <= row[4]
        print(f"{name:24} {len(flow.nodes):5} {len(flow.edges):5} | {row[0]:8} {row[1]:7} | "
              f"{row[2]:7} {row[3]:7} | {row[4]:9} {row[5]:7} | {ms:5.0f}")
    print(f"{'total':36} | {totals[0]:8} {totals[1]:7} | {totals[2]:7} {totals[3]:7} | {totals[4]:9} {totals[5]:7} |")
    print(f"after / library crossings: {totals[2] / max(totals[4], 1):.3f}; "
          f"after / before: {totals[2] / max(totals[0], 1):.3f}; "
          f"flows where the drawing crosses no more than the library's: {fewer} of {len(flows)}")


if __name__ == "__main__":
    main()

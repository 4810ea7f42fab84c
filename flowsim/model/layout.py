"""Automatic layout: left to right in layers, as a lead flows (igraph's Sugiyama layout).

>>> from flowsim.model import Flow, Node, Edge
>>> flow = Flow()
>>> for node_id, kind in (("ads", "source"), ("form", "capture"), ("won", "sink")):
...     _ = flow.add_node(Node(node_id, kind))
>>> _ = flow.add_edge(Edge("ads", "form")); _ = flow.add_edge(Edge("form", "won"))
>>> layered_layout(flow)
{'ads': (0, 0), 'form': (280, 0), 'won': (560, 0)}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from flowsim.model.flow import Flow

__all__ = ["layered_layout", "sugiyama", "library_layout", "Layered", "crossings_of", "checked_bends", "COLUMN", "ROW"]

#: Distance between the left edges of two columns (a card is 200 wide: 80 between).
COLUMN = 280
#: Distance between the tops of two rows in a column (a card is 60 tall: 90 between).
ROW = 150
#: Up to this many edges, layouts of several ways of breaking loops are compared (one of
#: them exact, by integer programming); beyond, one fast way is taken.
EXACT_EDGES = 300


@dataclass(frozen=True)
class Layered:
    """What the layered layout decided: each node's top-left corner, and for each edge of
    the flow (by index) the points its dummy vertices hold in the library's drawing (the
    centres of the slots a long edge passes through; empty for short edges and for edges
    the layout does not place)."""

    positions: dict[str, tuple[int, int]]
    bends: list[list[tuple[float, float]]]


def sugiyama(
    flow: Flow,
    *,
    card: tuple[float, float] = (200.0, 60.0),
    score: Callable[[dict[str, tuple[int, int]]], float] | None = None,
) -> Layered:
    """igraph's Sugiyama layout of ``flow``, turned to run left to right.

    The flow's loops are broken five ways and each laid out by the library: every edge
    to a node no further from the sources (breadth first, then file order) turned back,
    so loops (sales → nurture) become the back edges rather than the main road; a
    minimum-weight feedback arc set where those edges weigh least (igraph's exact
    solver); the fewest edges reversed; Eades' heuristic; the library's own choice. Each
    layout's layers are then refined by swapping neighbours that cross less the other way
    round (dot's "transpose" pass). A way counts
    only if its drawing with straight edges through the library's bends crosses no more
    than the library's own; of those, the one ``score`` (positions → lower is better; the
    look's own crossing count, say) likes best wins, the first on a tie. Without
    ``score``, the straight drawing's crossings decide. Flows over :data:`EXACT_EDGES`
    edges take the first way without comparing.

    Layers become columns :data:`COLUMN` apart; places in a layer become rows :data:`ROW`
    apart. ``card`` (width, height) only places the bends, which are card centres in the
    straight drawing.
    """
    import igraph  # imported here: only layout needs it, and it is slow to import

    ids = list(dict.fromkeys(node.id for node in flow.nodes))
    if not ids:
        return Layered({}, [[] for _ in flow.edges])
    index = {node_id: i for i, node_id in enumerate(ids)}
    kinds = {node.id: node.kind for node in flow.nodes}
    placed = [
        (i, index[e.source], index[e.target])
        for i, e in enumerate(flow.edges)
        if e.source in index and e.target in index and e.source != e.target
    ]
    pairs = [(s, t) for _, s, t in placed]
    depth = _depth_keys(ids, kinds, pairs)
    backwards = {k for k, (s, t) in enumerate(pairs) if depth[t] <= depth[s]}
    if len(pairs) > EXACT_EDGES:
        return _laid_out(flow, ids, placed, backwards, card)
    graph = igraph.Graph(n=len(ids), edges=pairs, directed=True)
    weights = [1 if k in backwards else 3 for k in range(len(pairs))]
    ways = [
        backwards,
        set(graph.feedback_arc_set(weights=weights, method="ip")),
        set(graph.feedback_arc_set(method="ip")),
        set(graph.feedback_arc_set(method="eades")),
        None,
    ]
    laid = [_laid_out(flow, ids, placed, back, card) for back in ways]
    straight = [_straight_crossings(flow, layered, card) for layered in laid]
    fair = [k for k in range(len(laid)) if straight[k] <= straight[-1]]
    if score is None:
        return laid[min(fair, key=lambda k: (straight[k], k))]
    return laid[min(fair, key=lambda k: (score(laid[k].positions), k))]


def _straight_crossings(flow: Flow, layered: Layered, card: tuple[float, float]) -> int:
    at = layered.positions
    return crossings_of([
        (e.source, e.target, [_centre(at[e.source], card), *bends, _centre(at[e.target], card)])
        for e, bends in zip(flow.edges, layered.bends)
        if e.source in at and e.target in at and e.source != e.target
    ])


def _centre(corner: tuple[int, int], card: tuple[float, float]) -> tuple[float, float]:
    return (corner[0] + card[0] / 2, corner[1] + card[1] / 2)


def _laid_out(
    flow: Flow, ids: list[str], placed: list[tuple[int, int, int]], back: set[int] | None,
    card: tuple[float, float],
) -> Layered:
    """The library's layout with the edges in ``back`` reversed first (``None``: let the
    library break the loops itself)."""
    reverse = back or set()
    pairs = [(t, s) if k in reverse else (s, t) for k, (_, s, t) in enumerate(placed)]
    coords, raw = library_layout(len(ids), pairs)
    routing = [checked_bends(points, coords[s][1], coords[t][1]) for points, (s, t) in zip(raw, pairs)]
    chains = []
    at = len(ids)
    for (s, t), points in zip(pairs, routing):
        chains.append([s, *range(at, at + len(points)), t])
        at += len(points)
    items = coords + [point for points in routing for point in points]
    places = _separate(_transpose(items, chains), len(ids))
    positions = {
        node_id: (int(round(layer * COLUMN)), int(round(place * ROW)))
        for node_id, (place, layer) in zip(ids, places[: len(ids)])
    }
    half_w, half_h = card[0] / 2, card[1] / 2
    bends: list[list[tuple[float, float]]] = [[] for _ in flow.edges]
    at = len(ids)
    for k, ((edge_index, s, _), points) in enumerate(zip(placed, routing)):
        moved = [(layer * COLUMN + half_w, place * ROW + half_h) for place, layer in places[at : at + len(points)]]
        at += len(points)
        source_x = positions[ids[s]][0] + half_w
        # bends run from the source; the library lists those of an edge it turned round
        # from the other end
        if moved and abs(moved[0][0] - source_x) > abs(moved[-1][0] - source_x):
            moved.reverse()
        bends[edge_index] = moved
    return Layered(positions, bends)


def library_layout(
    count: int, pairs: Sequence[tuple[int, int]]
) -> tuple[list[tuple[float, int]], list[list[tuple[float, float]]]]:
    """igraph's Sugiyama layout of ``count`` vertices joined by ``pairs``: each vertex's
    ``(place in its layer, layer)``, and for each pair the points of the dummy vertices
    its edge runs through, from its first vertex on (empty for an edge to the next
    layer). The library breaks cycles itself by turning edges round."""
    import igraph  # imported here: only layout needs it, and it is slow to import

    graph = igraph.Graph(n=count, edges=list(pairs), directed=True)
    layout, extended = graph.layout_sugiyama(return_extended_graph=True)
    coords = [(float(p), int(round(l))) for p, l in layout.coords]
    steps: dict[int, dict[int, int]] = {}  # original edge -> {vertex: next vertex}
    for (u, v), eid in zip(extended.get_edgelist(), extended.es["_original_eid"] if extended.ecount() else []):
        steps.setdefault(eid, {})[u] = v
    routing: list[list[tuple[float, float]]] = []
    for eid, (s, t) in enumerate(pairs):
        chain = steps.get(eid, {})
        here, path = s, []
        while here in chain and len(path) <= len(chain):  # never loops on a broken chain
            here = chain[here]
            path.append(here)
        if not path or path[-1] != t:
            here, path = t, []  # an edge the library turned round runs from its target
            while here in chain and len(path) <= len(chain):
                here = chain[here]
                path.append(here)
            path = path[::-1][1:] + [t] if path and path[-1] == s else []
        routing.append([tuple(layout.coords[v]) for v in path[:-1] if v >= count])
    return coords[:count], routing


def checked_bends(points: Sequence[Sequence[float]], start: int, end: int) -> list[tuple[float, int]]:
    """An edge's dummy points as ``(place, layer)``, one per layer strictly between its
    ends, in order from ``start``; none when the library's answer is not that (igraph 1.0
    handed back garbage, huge or NaN numbers, for some edges), so the edge is drawn
    without them."""
    import math

    out = [(float(p), int(round(l))) for p, l in points if math.isfinite(p) and math.isfinite(l)]
    step = 1 if end > start else -1
    wanted = list(range(start + step, end, step))
    if [l for _, l in out][::-1] == wanted and len(out) > 1:
        out.reverse()  # an edge the library turned round lists its bends from the end
    if len(out) != len(points) or [l for _, l in out] != wanted:
        return []
    if any(abs(p) > 1e6 for p, _ in out):
        return []
    return out


def crossings_of(lines: Sequence[tuple[str, str, Sequence[tuple[float, float]]]]) -> int:
    """How many times the polylines ``(source, target, points)`` cross one another. Two
    lines that share a node never count: they meet at its card."""
    import numpy as np

    kept = [(s, t, np.asarray(points, dtype=float).reshape(-1, 2)) for s, t, points in lines]
    kept = [(s, t, p) for s, t, p in kept if len(p) >= 2]
    if len(kept) < 2:
        return 0
    names = {name: k for k, name in enumerate({n for s, t, _ in kept for n in (s, t)})}
    source = np.array([names[s] for s, _, _ in kept])
    target = np.array([names[t] for _, t, _ in kept])
    starts = np.concatenate([p[:-1] for _, _, p in kept])
    ends = np.concatenate([p[1:] for _, _, p in kept])
    owner = np.concatenate([np.full(len(p) - 1, k) for k, (_, _, p) in enumerate(kept)])
    low, high = np.minimum(starts, ends), np.maximum(starts, ends)
    total = 0
    for k in range(len(kept) - 1):
        others = (np.arange(len(kept)) > k) & (source != source[k]) & (source != target[k]) & (
            target != source[k]) & (target != target[k])
        mine = owner == k
        box_low, box_high = low[mine].min(axis=0), high[mine].max(axis=0)
        near = others[owner] & (low <= box_high).all(axis=1) & (high >= box_low).all(axis=1)
        if not near.any():
            continue
        a1, b1, a2, b2 = starts[mine], ends[mine], starts[near], ends[near]
        d1 = (b1 - a1)[:, None, :]
        d2 = (b2 - a2)[None, :, :]
        diff = a2[None, :, :] - a1[:, None, :]
        den = d1[..., 0] * d2[..., 1] - d1[..., 1] * d2[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (diff[..., 0] * d2[..., 1] - diff[..., 1] * d2[..., 0]) / den
            u = (diff[..., 0] * d1[..., 1] - diff[..., 1] * d1[..., 0]) / den
        # half-open in t and u, so a crossing exactly at a shared sample counts once
        total += int(np.count_nonzero((np.abs(den) > 1e-9) & (t >= 0) & (t < 1) & (u >= 0) & (u < 1)))
    return total


def layered_layout(
    flow: Flow, score: Callable[[dict[str, tuple[int, int]]], float] | None = None
) -> dict[str, tuple[int, int]]:
    """Top-left positions for every node, from :func:`sugiyama`: columns from the sources
    on the left, rows ordered by the library to keep edge crossings few, loops drawn as
    edges pointing back; ``score`` as for :func:`sugiyama`. The laid-out flow keeps the top-left corner the flow had, so the
    view does not jump."""
    positions = sugiyama(flow, score=score).positions
    if not positions:
        return positions
    old = [node.position for node in flow.nodes if _is_point(node.position)]
    left = min((float(p[0]) for p in old), default=0.0)
    top = min((float(p[1]) for p in old), default=0.0)
    dx = int(round(left)) - min(x for x, _ in positions.values())
    dy = int(round(top)) - min(y for _, y in positions.values())
    return {node_id: (x + dx, y + dy) for node_id, (x, y) in positions.items()}


def _is_point(value: object) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def _transpose(items: list[tuple[float, int]], chains: list[list[int]]) -> list[tuple[float, int]]:
    """``items`` (``(place, layer)`` of nodes and dummy points) with neighbours in a layer
    swapped wherever that removes crossings with the layers either side (the "transpose"
    refinement of Gansner et al.'s dot, after the library's barycentre ordering); places
    are the layer's own, handed out in the new order. ``chains`` are the items each edge
    runs through, layer by layer."""
    layers: dict[int, list[int]] = {}
    for i, (_, layer) in enumerate(items):
        layers.setdefault(layer, []).append(i)
    for members in layers.values():
        members.sort(key=lambda i: (items[i][0], i))
    up: dict[int, list[int]] = {}
    down: dict[int, list[int]] = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            if abs(items[a][1] - items[b][1]) != 1:
                continue  # an edge whose bends the library garbled: no segments to count
            if items[a][1] > items[b][1]:
                a, b = b, a
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)
    pos = {i: k for members in layers.values() for k, i in enumerate(members)}

    def crossed(u: int, v: int) -> int:
        """Crossings between the segments at ``u`` and at ``v`` with ``u`` just above ``v``."""
        return sum(pos[x] > pos[y] for near in (up, down) for x in near.get(u, ()) for y in near.get(v, ()))

    for _ in range(8):
        swapped = False
        for layer in sorted(layers):
            order = layers[layer]
            for k in range(len(order) - 1):
                u, v = order[k], order[k + 1]
                if crossed(u, v) > crossed(v, u):
                    order[k], order[k + 1] = v, u
                    pos[u], pos[v] = k + 1, k
                    swapped = True
        if not swapped:
            break
    out = list(items)
    for layer, order in layers.items():
        places = sorted(items[i][0] for i in order)
        for k, i in enumerate(order):
            out[i] = (places[k] + k * 1e-6, layer)  # strictly increasing: the order is kept
    return out


def _separate(items: list[tuple[float, int]], nodes: int) -> list[tuple[float, int]]:
    """``(place, layer)`` of the nodes (the first ``nodes`` items), then of every edge's
    dummy points, moved apart within their layer where the library left them closer than
    a card needs (a whole row between cards, half a row beside an edge's slot), keeping
    each layer's order and centre."""
    is_node = [True] * nodes + [False] * (len(items) - nodes)
    layers: dict[int, list[int]] = {}
    for i, (_, layer) in enumerate(items):
        layers.setdefault(layer, []).append(i)
    out = list(items)
    for layer, members in layers.items():
        members.sort(key=lambda i: (items[i][0], i))
        wanted = [items[i][0] for i in members]
        placed = list(wanted)
        for j in range(1, len(members)):
            gap = 1.0 if is_node[members[j]] and is_node[members[j - 1]] else 0.5
            placed[j] = max(wanted[j], placed[j - 1] + gap)
        shift = sum(w - p for w, p in zip(wanted, placed)) / len(members)
        shift = round(shift * 2) / 2  # keep places on the library's half-row grid
        for i, place in zip(members, placed):
            out[i] = (place + shift, layer)
    return out


def _depth_keys(ids: list[str], kinds: dict[str, str], pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each node, (steps from the nearest source breadth first, file order): an edge
    to a node whose key is not greater leads back (sales → nurture)."""
    children: dict[int, list[int]] = {}
    for s, t in pairs:
        children.setdefault(s, []).append(t)
    targets = {t for _, t in pairs}
    roots = [i for i, n in enumerate(ids) if kinds[n] == "source"]
    far = len(ids) + 1
    depth = [far] * len(ids)
    for wave in (roots, [i for i in range(len(ids)) if i not in targets]):
        frontier = [r for r in wave if depth[r] == far]
        for r in frontier:
            depth[r] = 0
        while frontier:
            following = []
            for n in frontier:
                for child in children.get(n, ()):
                    if depth[child] == far:
                        depth[child] = depth[n] + 1
                        following.append(child)
            frontier = following
    return [(d, i) for i, d in enumerate(depth)]

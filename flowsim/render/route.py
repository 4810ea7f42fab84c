"""Edge routing around cards: where the cards are, whether a line passes through one, and
an orthogonal route with rounded corners that keeps clear of them.

The look (:mod:`flowsim.render.look`) draws an edge as one smooth curve when that curve
touches no other card, and asks :func:`route` for a way around when it does. A route runs
on the grid of lines a margin away from each card's sides (the classic orthogonal
connector router of diagram editors), cheapest first: length plus a price per bend, so
it takes the corridors between rows and columns with few turns. Corners are rounded with
a radius small enough that the curve stays clear of the cards the straight lines clear.

>>> cards = Cards({"a": (0, 0), "b": (560, 0), "c": (280, 0)}, (200, 60))
>>> cards.hits([(200, 30), (560, 30)], skip=("a", "b"))
True
>>> path = route((200, 30), (1, 0), (560, 30), (1, 0), cards, margin=14)
>>> cards.hits(path, skip=("a", "b"))
False
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from typing import Hashable, Iterable, Mapping, Sequence

__all__ = ["Cards", "route", "through_columns", "rounded", "Point", "Piece"]

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom
#: A cubic Bézier piece: start, two controls, end.
Piece = tuple[Point, Point, Point, Point]

_DIRECTIONS: tuple[Point, ...] = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))
#: What a bend costs, in canvas units of length: a detour shorter than this is preferred
#: to one more turn.
BEND = 60.0
#: How far around the two ends a route looks for its way (it can widen to take in cards
#: that reach further).
REACH = 200.0


class Cards:
    """The cards of a flow as boxes, bucketed so asking what is near a line is cheap."""

    CELL = 400.0

    def __init__(self, corners: Mapping[Hashable, Sequence[float]], size: tuple[float, float]) -> None:
        w, h = size
        self.boxes: dict[Hashable, Box] = {}
        self._cells: dict[tuple[int, int], list[Hashable]] = {}
        #: The box around every card (an empty box when there are none).
        self.extent: Box = (0.0, 0.0, 0.0, 0.0)
        for key, corner in corners.items():
            x, y = float(corner[0]), float(corner[1])
            box = (x, y, x + w, y + h)
            self.extent = box if not self.boxes else (
                min(self.extent[0], x), min(self.extent[1], y), max(self.extent[2], x + w), max(self.extent[3], y + h))
            self.boxes[key] = box
            for cell in self._cells_of(box):
                self._cells.setdefault(cell, []).append(key)

    def _cells_of(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.CELL
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def near(self, box: Box) -> dict[Hashable, Box]:
        """The cards whose boxes overlap ``box`` (touching counts)."""
        found: dict[Hashable, Box] = {}
        for cell in self._cells_of(box):
            for key in self._cells.get(cell, ()):
                if key not in found:
                    other = self.boxes[key]
                    if other[0] <= box[2] and box[0] <= other[2] and other[1] <= box[3] and box[1] <= other[3]:
                        found[key] = other
        return found

    def hits(self, points: Sequence[Point], skip: Iterable[Hashable] = (), inset: float = 1.0) -> bool:
        """Whether the polyline through ``points`` passes inside a card other than those in
        ``skip`` (``inset`` pixels in from its sides, so grazing a side does not count)."""
        return bool(self.crossed(points, skip, inset, first=True))

    def crossed(
        self, points: Sequence[Point], skip: Iterable[Hashable] = (), inset: float = 1.0, *, first: bool = False
    ) -> set[Hashable]:
        """The cards (other than ``skip``) the polyline through ``points`` passes inside."""
        skipped = set(skip)
        found: set[Hashable] = set()
        for a, b in zip(points, points[1:]):
            span = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
            for key, box in self.near(span).items():
                if key in skipped or key in found:
                    continue
                inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
                if _segment_meets_box(a, b, inner):
                    found.add(key)
                    if first:
                        return found
        return found


def _segment_meets_box(a: Point, b: Point, box: Box) -> bool:
    """Liang–Barsky: whether segment ``a``–``b`` has a point strictly inside ``box``."""
    if box[0] >= box[2] or box[1] >= box[3]:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 >= t1:
            return False
    return True


def through_columns(
    start: Point, end: Point, cards: Cards, skip: Iterable[Hashable] = (), *, margin: float = 14.0
) -> list[Point] | None:
    """Where a line running across columns of cards (left to right, or back right to
    left) crosses each column: a point on each side of the column at a height between
    its cards, as a layered drawing routes a long edge through the slots its dummy
    vertices hold. The height is the one the straight way would take, moved into the
    nearest gap. ``None`` when a column has no gap (cards overlap) or columns overlap.

    The line between these points stays between columns, so drawing it as horizontal
    runs joined by S-curves keeps it out of every card.
    """
    lo, hi = sorted((start[0], end[0]))
    skipped = set(skip)
    band = (lo + 1.0, cards.extent[1], hi - 1.0, cards.extent[3])
    boxes = sorted((b for k, b in cards.near(band).items() if k not in skipped), key=lambda b: b[0])
    columns: list[list[Box]] = []
    for box in boxes:  # cards whose x ranges overlap (with margins) make one column
        if columns and box[0] - margin < max(b[2] for b in columns[-1]) + margin:
            columns[-1].append(box)
        else:
            columns.append([box])
    forward = end[0] >= start[0]
    if not forward:
        columns.reverse()
    points: list[Point] = []
    here = start
    for members in columns:
        left = min(b[0] for b in members) - margin
        right = max(b[2] for b in members) + margin
        enter, leave = (left, right) if forward else (right, left)
        if (enter - here[0]) * (1 if forward else -1) < 0:
            return None  # columns too close to pass between them
        share = (enter - here[0]) / (end[0] - here[0]) if end[0] != here[0] else 0.0
        ideal = here[1] + (end[1] - here[1]) * min(1.0, 2 * share)
        y = _nearest_gap(ideal, [(b[1] - margin, b[3] + margin) for b in members])
        points += [(enter, y), (leave, y)]
        here = (leave, y)
    return points


def _nearest_gap(ideal: float, spans: list[tuple[float, float]]) -> float:
    """The height nearest ``ideal`` outside every span."""
    spans.sort()
    merged: list[list[float]] = []
    for top, bottom in spans:
        if merged and top <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    for top, bottom in merged:
        if top < ideal < bottom:
            return top if ideal - top <= bottom - ideal else bottom
    return ideal


def route(
    start: Point, leave: Point, end: Point, arrive: Point, cards: Cards, *, margin: float = 14.0
) -> list[Point] | None:
    """The corners of an orthogonal way from ``start`` to ``end`` that keeps ``margin``
    clear of every card, leaving ``start`` in direction ``leave`` and reaching ``end``
    moving in direction ``arrive`` (unit axis vectors); ``None`` when there is none (a
    port hemmed in by overlapping cards)."""
    s1 = (start[0] + leave[0] * margin, start[1] + leave[1] * margin)
    e1 = (end[0] - arrive[0] * margin, end[1] - arrive[1] * margin)
    region = (min(s1[0], e1[0]) - REACH, min(s1[1], e1[1]) - REACH,
              max(s1[0], e1[0]) + REACH, max(s1[1], e1[1]) + REACH)
    boxes: dict[Hashable, Box] = {}
    for _ in range(4):  # take in the cards that reach past the region, and theirs
        boxes = cards.near(region)
        grown = region
        for x0, y0, x1, y1 in boxes.values():
            grown = (min(grown[0], x0 - 2 * margin), min(grown[1], y0 - 2 * margin),
                     max(grown[2], x1 + 2 * margin), max(grown[3], y1 + 2 * margin))
        if grown == region:
            break
        region = grown
    inflated = [(x0 - margin, y0 - margin, x1 + margin, y1 + margin) for x0, y0, x1, y1 in boxes.values()]
    xs = sorted({s1[0], e1[0], region[0], region[2], *(b[0] for b in inflated), *(b[2] for b in inflated)})
    ys = sorted({s1[1], e1[1], region[1], region[3], *(b[1] for b in inflated), *(b[3] for b in inflated)})
    blocked = _blocked_cells(xs, ys, inflated)
    path = _cheapest(xs, ys, blocked, s1, leave, e1, arrive)
    if path is None:
        return None
    return _simplify([start, *path, end])


def _blocked_cells(xs: list[float], ys: list[float], inflated: list[Box]) -> set[tuple[int, int]]:
    """Grid cells (between consecutive lines) that lie inside a card's margin."""
    blocked: set[tuple[int, int]] = set()
    for x0, y0, x1, y1 in inflated:
        for i in range(bisect_left(xs, x0), bisect_left(xs, x1)):
            for j in range(bisect_left(ys, y0), bisect_left(ys, y1)):
                blocked.add((i, j))
    return blocked


def _cheapest(
    xs: list[float], ys: list[float], blocked: set[tuple[int, int]], s1: Point, leave: Point, e1: Point, arrive: Point
) -> list[Point] | None:
    """Dijkstra over (grid point, heading): length plus :data:`BEND` a turn, no U-turns."""
    nx, ny = len(xs), len(ys)
    start = (xs.index(s1[0]), ys.index(s1[1]))
    goal = (xs.index(e1[0]), ys.index(e1[1]))
    first = _DIRECTIONS.index(leave)
    last = _DIRECTIONS.index(arrive)

    def free(i: int, j: int, d: int) -> bool:
        """Whether the step from grid point (i, j) in direction d stays out of the margins."""
        if d == 0:
            return i + 1 < nx and not ((i, j - 1) in blocked and (i, j) in blocked)
        if d == 2:
            return i > 0 and not ((i - 1, j - 1) in blocked and (i - 1, j) in blocked)
        if d == 1:
            return j + 1 < ny and not ((i - 1, j) in blocked and (i, j) in blocked)
        return j > 0 and not ((i - 1, j - 1) in blocked and (i, j - 1) in blocked)

    steps = ((1, 0), (0, 1), (-1, 0), (0, -1))
    best: dict[tuple[int, int, int], float] = {(start[0], start[1], first): 0.0}
    came: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    queue = [(0.0, start[0], start[1], first)]
    done = None
    while queue:
        cost, i, j, d = heapq.heappop(queue)
        if cost > best.get((i, j, d), math.inf):
            continue
        if (i, j) == goal:
            if d == last:
                done = (i, j, d)
                break
            turn = (i, j, last)  # one more bend at the end, into the port
            if abs(d - last) != 2 and cost + BEND < best.get(turn, math.inf):
                best[turn] = cost + BEND
                came[turn] = (i, j, d)
                heapq.heappush(queue, (cost + BEND, i, j, last))
            continue
        for nd in range(4):
            if abs(nd - d) == 2 or not free(i, j, nd):
                continue
            ni, nj = i + steps[nd][0], j + steps[nd][1]
            step = abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j])
            new = cost + step + (BEND if nd != d else 0.0)
            key = (ni, nj, nd)
            if new < best.get(key, math.inf):
                best[key] = new
                came[key] = (i, j, d)
                heapq.heappush(queue, (new, ni, nj, nd))
    if done is None:
        return None
    cells = [done]
    while cells[-1] in came:
        cells.append(came[cells[-1]])
    return [(xs[i], ys[j]) for i, j, _ in reversed(cells)]


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle of three points on one line."""
    out: list[Point] = []
    for p in points:
        if out and math.isclose(p[0], out[-1][0]) and math.isclose(p[1], out[-1][1]):
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if math.isclose((b[0] - a[0]) * (p[1] - b[1]) - (b[1] - a[1]) * (p[0] - b[0]), 0.0, abs_tol=1e-9) and (
                (b[0] - a[0]) * (p[0] - b[0]) + (b[1] - a[1]) * (p[1] - b[1]) >= 0
            ):
                out[-1] = p
                continue
        out.append(p)
    return out


def rounded(points: Sequence[Point], radius: float) -> list[Piece]:
    """The polyline through ``points`` as cubic pieces: straight runs, and each corner
    rounded with at most ``radius`` (less where a run is short)."""
    if len(points) < 2:
        return []
    pieces: list[Piece] = []
    cursor = points[0]
    for k in range(1, len(points) - 1):
        prev, corner, after = points[k - 1], points[k], points[k + 1]
        u_in, len_in = _unit(prev, corner)
        u_out, len_out = _unit(corner, after)
        r = min(radius, len_in / 2, len_out / 2)
        a = (corner[0] - u_in[0] * r, corner[1] - u_in[1] * r)
        b = (corner[0] + u_out[0] * r, corner[1] + u_out[1] * r)
        pieces.append(_line(cursor, a))
        k_ = 0.55 * r  # the usual cubic approximation of a quarter circle
        pieces.append((a, (a[0] + u_in[0] * k_, a[1] + u_in[1] * k_), (b[0] - u_out[0] * k_, b[1] - u_out[1] * k_), b))
        cursor = b
    pieces.append(_line(cursor, points[-1]))
    return [p for p in pieces if p[0] != p[3]]


def _unit(a: Point, b: Point) -> tuple[Point, float]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    return ((dx / length, dy / length) if length else (0.0, 0.0)), length


def _line(a: Point, b: Point) -> Piece:
    return (a, (a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
            (a[0] + (b[0] - a[0]) * 2 / 3, a[1] + (b[1] - a[1]) * 2 / 3), b)

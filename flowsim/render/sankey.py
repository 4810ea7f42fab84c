"""The Sankey (flow) diagram of a run: where leads go, node to node, and where they leak.

Nodes stand in columns by their x position on the canvas (top to bottom by y), as tall as
the leads that entered them; every edge is a stream as wide as the times leads took it,
and each node's leaks are a red stream of their own that drops away to the right. An
edge back to an earlier column (sales passing a lead back to nurture) runs under the
diagram in a lane of its own.

Where channels feed a capture form straight away, the diagram starts at the leads:
visitors who abandon the form usually outnumber leads twenty to one and would squeeze the
rest of the flow into a thread. The streams into the forms then carry each channel's
leads, and the subtitle says how many visitors were left out.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath

from flowsim.model.flow import Flow
from flowsim.render.look import node_color
from flowsim.render.theme import Theme

__all__ = ["Stream", "draw_sankey"]

_BAR = 0.06     # node bar width, in columns
_GAP = 0.1      # space between nodes in a column (room for a label), share of the height
_FONT = 7.5     # labels, in points
_C4 = (MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4)


@dataclass
class Stream:
    """One drawn stream: an edge (``edge`` = its index in the flow) or a node's leaks
    (``edge`` None); ``value`` leads a run, drawn ``width`` data units wide."""

    source: str
    target: str | None
    edge: int | None
    value: float
    width: float
    patch: Any = field(default=None, repr=False)


def _ribbon(x0: float, a: tuple[float, float], x1: float, b: tuple[float, float]) -> MPath:
    """A band from the vertical slot ``a`` at ``x0`` to the slot ``b`` at ``x1``."""
    xm = (x0 + x1) / 2
    verts = [(x0, a[1]), (xm, a[1]), (xm, b[1]), (x1, b[1]),
             (x1, b[0]), (xm, b[0]), (xm, a[0]), (x0, a[0]), (x0, a[1])]
    codes = [*_C4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
    return MPath(verts, codes)


def _loop(xs: float, a: tuple[float, float], xt: float, b: tuple[float, float], lane: tuple[float, float]) -> MPath:
    """A band leaving slot ``a`` at ``xs`` to the right, turning down into ``lane`` under
    the diagram, running left, and turning up into slot ``b`` at ``xt``."""
    r_in, r_out = 0.06, 0.06 + (a[1] - a[0]) * 1.2
    lo, hi = lane
    verts = [
        (xs, a[1]), (xs + r_out, a[1]), (xs + r_out, lo), (xs, lo),      # outer turn, right
        (xt, lo),                                                      # along the lane
        (xt - r_out, lo), (xt - r_out, b[1]), (xt, b[1]),                # outer turn, left
        (xt, b[0]),
        (xt - r_in, b[0]), (xt - r_in, hi), (xt, hi),                    # inner turn, left
        (xs, hi),
        (xs + r_in, hi), (xs + r_in, a[0]), (xs, a[0]),                  # inner turn, right
        (xs, a[1]),
    ]
    codes = [*_C4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO,
             MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4,
             MPath.CURVE4, MPath.CLOSEPOLY]
    return MPath(verts, codes)


def _from_leads(flow: Flow) -> set[str]:
    """The capture forms to start at: those fed only by channels that go nowhere else."""
    kinds = {node.id: node.kind for node in flow.nodes}
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for e in flow.edges:
        out.setdefault(e.source, []).append(e.target)
        into.setdefault(e.target, []).append(e.source)
    forms = set()
    for node in flow.nodes:
        feeders = into.get(node.id, [])
        if node.kind == "capture" and feeders and all(
            kinds.get(s) == "source" and out.get(s) == [node.id] for s in feeders
        ):
            forms.add(node.id)
    return forms


def draw_sankey(ax: Any, results: Any, flow: Flow, theme: Theme) -> list[Stream]:
    """Draw the diagram on ``ax``; return the streams drawn (also kept as ``ax.flowsim_streams``)."""
    nodes = [n for n in flow.nodes if n.id in results.nodes]
    forms = _from_leads(flow)
    value: dict[str, float] = {n.id: results.nodes[n.id]["entered"].mean or 0.0 for n in nodes}
    edge_value = [e.count.mean or 0.0 for e in results.edges]
    leak_value = {n.id: results.nodes[n.id]["leaked"].mean or 0.0 for n in nodes}
    skipped = 0.0
    if forms:
        for nid in forms:
            skipped += leak_value[nid]
            value[nid] = 0.0
            leak_value[nid] = 0.0
        for i, e in enumerate(flow.edges[: len(edge_value)]):
            if e.target in forms and e.source in results.channels:
                edge_value[i] = results.channels[e.source]["leads"].mean or 0.0
                value[e.source] = edge_value[i]
                value[e.target] += edge_value[i]  # a form is as tall as the leads it made
    if not nodes or max(value.values(), default=0.0) <= 0:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No lead entered the flow", ha="center", va="center", color=theme.muted, transform=ax.transAxes)
        return []
    # columns by canvas x (cards within a card's width share one), rows by canvas y
    xs = sorted({round(n.position[0] / 100) for n in nodes})
    column = {n.id: xs.index(round(n.position[0] / 100)) for n in nodes}
    by_column: dict[int, list[Any]] = {}
    for n in sorted(nodes, key=lambda n: n.position[1]):
        by_column.setdefault(column[n.id], []).append(n)
    tallest = max(sum(value[n.id] for n in col) for col in by_column.values())
    # A label stays within its column's gap: titles wrap to what the figure's width allows,
    # and nodes in a column keep their labels' height apart (sizes from the figure's).
    fig = ax.get_figure()
    column_px = fig.get_figwidth() * fig.dpi * 0.96 / (len(xs) - 1 + 0.8)
    chars = max(5, int((column_px * (1 - _BAR) - 12) / (_FONT / 72 * fig.dpi * 0.6)))
    # one text line in data units: the axes get ~70 % of the height, and loops under the
    # diagram stretch the y range to about 1.6
    line = (_FONT / 72 * fig.dpi * 1.15) / max(fig.get_figheight() * fig.dpi * 0.7, 1.0) * 1.6
    labels: dict[str, str] = {}
    for n in nodes:
        lines = textwrap.wrap(n.title, chars, break_long_words=False) or [n.id]
        if len(lines) > 2:
            lines = [lines[0], lines[1] + "…"]
        labels[n.id] = "\n".join(lines + [f"{value[n.id]:,.0f}"])
    rows = max(len(col) for col in by_column.values())
    gap = _GAP
    scale = (1.0 - gap * (rows - 1)) / tallest  # data units per lead
    span: dict[str, tuple[float, float]] = {}
    for c, col in by_column.items():
        height = sum(value[n.id] * scale for n in col) + gap * (len(col) - 1)
        top = 0.5 + height / 2
        last_mid, last_lines = None, 0
        for n in col:
            h = value[n.id] * scale
            lines = labels[n.id].count("\n") + 1 + (leak_value[n.id] > 0)
            apart = (last_lines + lines) / 2 * line + 0.01
            if last_mid is not None and last_mid - (top - h / 2) < apart:
                top = last_mid - apart + h / 2  # two small nodes: keep their labels apart
            span[n.id] = (top - h, top)
            last_mid, last_lines = top - h / 2, lines
            top -= h + gap
    y_of = {nid: (lo + hi) / 2 for nid, (lo, hi) in span.items()}
    out_next = {nid: hi for nid, (lo, hi) in span.items()}   # slots fill from the top down
    in_next = dict(out_next)
    bottom = min(lo for lo, _ in span.values())
    streams: list[Stream] = []
    order = sorted(range(len(edge_value)), key=lambda i: (y_of.get(flow.edges[i].target, 0.0) * -1))
    lane_top = bottom - 0.08
    back: list[int] = []
    for i in order:  # forward edges first (slots top down by the target's height), then back
        e = flow.edges[i]
        if e.source not in span or e.target not in span or edge_value[i] <= 0:
            continue
        if column[e.target] <= column[e.source]:
            back.append(i)
            continue
        w = edge_value[i] * scale
        a = (out_next[e.source] - w, out_next[e.source])
        out_next[e.source] -= w
        streams.append(Stream(e.source, e.target, i, edge_value[i], w))
        streams[-1].slots = (a, None)  # type: ignore[attr-defined]
    # incoming slots: from the higher source first, so streams do not cross needlessly
    for s in sorted(streams, key=lambda s: -y_of[s.source]):
        b = (in_next[s.target] - s.width, in_next[s.target])
        in_next[s.target] -= s.width
        s.slots = (s.slots[0], b)  # type: ignore[attr-defined]
    colors = {n.id: node_color(n) for n in nodes}
    for s in streams:
        a, b = s.slots  # type: ignore[attr-defined]
        path = _ribbon(column[s.source] + _BAR, a, column[s.target], b)
        s.patch = PathPatch(path, facecolor=colors[s.source], edgecolor="none", alpha=0.38,
                            gid=f"edge-{s.edge}", picker=True)
    lane = lane_top
    for i in back:
        e = flow.edges[i]
        w = edge_value[i] * scale
        a = (out_next[e.source] - w, out_next[e.source])
        out_next[e.source] -= w
        b = (in_next[e.target] - w, in_next[e.target])
        in_next[e.target] -= w
        stream = Stream(e.source, e.target, i, edge_value[i], w)
        stream.patch = PathPatch(_loop(column[e.source] + _BAR, a, column[e.target], b, (lane - w, lane)),
                                 facecolor=colors[e.source], edgecolor="none", alpha=0.2,
                                 gid=f"edge-{i}", picker=True)
        streams.append(stream)
        lane -= w + 0.03
    for n in nodes:
        leaked = leak_value[n.id]
        if leaked <= 0:
            continue
        w = leaked * scale
        x0 = column[n.id] + _BAR
        a = (out_next[n.id] - w, out_next[n.id])
        out_next[n.id] -= w
        drop = 0.12 + w / 2
        stream = Stream(n.id, None, None, leaked, w)
        stream.patch = PathPatch(_ribbon(x0, a, x0 + 0.22, (a[0] - drop, a[1] - drop)), facecolor=theme.alert,
                                 edgecolor="none", alpha=0.55, gid=f"leak-{n.id}", picker=True)
        streams.append(stream)
    for s in streams:
        ax.add_patch(s.patch)
    for n in nodes:
        lo, hi = span[n.id]
        c = column[n.id]
        ax.add_patch(Rectangle((c, lo), _BAR, max(hi - lo, 0.004), facecolor=colors[n.id], edgecolor="none",
                               gid=f"node-{n.id}"))
        box = {"boxstyle": "round,pad=0.15", "facecolor": theme.card, "edgecolor": "none", "alpha": 0.75}
        leaked = leak_value[n.id]
        # a node that leaks says how many under its name, in the leaks' red
        ax.text(c + _BAR + 0.03, (lo + hi) / 2, labels[n.id], ha="left", va="bottom" if leaked > 0 else "center",
                fontsize=_FONT, linespacing=1.05, bbox=box)
        if leaked > 0:
            ax.text(c + _BAR + 0.03, (lo + hi) / 2, f"lost {leaked:,.0f}", ha="left", va="top", fontsize=_FONT,
                    color=theme.alert, bbox=box, gid=f"lost-{n.id}")
    ax.set_xlim(-0.05, len(xs) - 1 + 0.75)
    ax.set_ylim(min(lane, bottom - 0.1) - 0.02, 1.02)
    ax.set_axis_off()
    if skipped > 0:
        ax.text(0.0, 0.0, f"Starts at the leads: the {skipped:,.0f} visitors a run who left the form are not drawn",
                transform=ax.transAxes, ha="left", va="top", fontsize=8, color=theme.muted)
    ax.flowsim_streams = streams
    ax.flowsim_scale = scale
    return streams

"""The parts of a slide frame around the flow, in frame pixels: the title band, the run's
caption, the time track (warm-up shaded), the legend, the "leaked" gutter and the end card.

Shapes only; :mod:`flowsim.render.animate` and the still exports draw them at scale 1.
"""

from __future__ import annotations

from typing import Any, Sequence

from flowsim.model.flow import Flow
from flowsim.render.shapes import Circle, Rect, Shape, Text
from flowsim.render.slide import SlideFrame
from flowsim.render.text import fit_text, text_width
from flowsim.render.theme import Theme

__all__ = ["title_band", "track", "legend", "gutter", "end_card", "headline_kpis", "run_caption", "TEXT_PX", "clock"]

#: Text sizes at 1080 lines (pixels), scaled with the frame's height.
TEXT_PX = {"title": 40.0, "subtitle": 22.0, "caption": 19.0, "legend": 19.0, "clock": 26.0,
           "kpi": 68.0, "kpi_label": 24.0}


def title_band(frame: SlideFrame, flow: Flow, theme: Theme, caption: Sequence[str] = ()) -> list[Shape]:
    """The flow's name and description on the left; ``caption`` lines on the right."""
    u = frame.unit
    x, y, w, _ = frame.title_band
    size_c = TEXT_PX["caption"] * u
    right = x + w
    caption_w = max((text_width(c, size_c) for c in caption), default=0.0)
    room = w - caption_w - (32 * u if caption else 0)
    shapes: list[Shape] = []
    t, s = TEXT_PX["title"] * u, TEXT_PX["subtitle"] * u
    if flow.name:
        shapes.append(Text(x, y + t, fit_text(flow.name, t, room, True), t, theme.text, bold=True))
    if flow.description:
        shapes.append(Text(x, y + t + s * 1.7, fit_text(flow.description, s, room), s, theme.muted))
    for k, line in enumerate(caption):
        shapes.append(Text(right, y + size_c * (1.2 + 1.45 * k), line, size_c, theme.muted, anchor="end"))
    return shapes


def run_caption(results: Any, replications: int | None = None, *, track: bool = True) -> list[str]:
    """What the numbers on the frame are: which replication moves, what the totals are, and
    the warm-up left out of both. ``replications``: how many the flow's own runs have, when
    ``results`` is just the first of them; ``track``: the frame shows the time track."""
    c = results.config
    reps = int(c.replications)
    lines = []
    if reps == 1:
        lines.append(f"One simulated run: replication 1 of {replications or 1}, seed {c.seed}")
    else:
        lines.append(f"Moving leads: replication 1 of {reps}; totals: mean of {reps}")
    if c.warmup_days:
        lines.append(f"Counts from day {c.warmup_days:g} of {c.days:g} "
                     f"({'warm-up shaded' if track else 'after the warm-up'})")
    else:
        lines.append(f"{c.days:g} days, seed {c.seed}")
    return lines


def track(frame: SlideFrame, theme: Theme, fraction: float, warmup: float) -> list[Shape]:
    """The run's time bar: filled to ``fraction``, its first ``warmup`` share shaded."""
    u = frame.unit
    x0, x1 = frame.title_band[0], frame.title_band[0] + frame.title_band[2]
    y, h = frame.track_y, 8 * u
    shapes: list[Shape] = [Rect(x0, y, x1 - x0, h, h / 2, fill=theme.grid)]
    if fraction > 0:
        shapes.append(Rect(x0, y, max(h, (x1 - x0) * fraction), h, h / 2, fill=theme.selection))
    if warmup > 0:
        shapes.append(Rect(x0, y - 3 * u, (x1 - x0) * warmup, h + 6 * u, 3 * u, fill=theme.muted, opacity=0.35))
    return shapes


def clock(frame: SlideFrame, theme: Theme, text: str) -> list[Shape]:
    """The run's clock ("Day 34 of 90") at the right end of the legend line."""
    u = frame.unit
    x1 = frame.title_band[0] + frame.title_band[2]
    return [Text(x1, frame.legend_y + 2 * u, text, TEXT_PX["clock"] * u, theme.text, bold=True, anchor="end")]


def legend(frame: SlideFrame, theme: Theme, items: list[tuple[str | None, str]], clock: str) -> list[Shape]:
    """Colour swatches and words along the bottom, leaving room for ``clock`` at the right;
    items that do not fit are dropped from the front (the channels: their colours still show)."""
    u = frame.unit
    size = TEXT_PX["legend"] * u
    x0, x1 = frame.title_band[0], frame.title_band[0] + frame.title_band[2]
    y = frame.legend_y
    r = 7 * u
    big = TEXT_PX["clock"] * u
    room = x1 - x0 - text_width(clock, big, True) - 3 * size

    def width_of(item: tuple[str | None, str]) -> float:
        return (0.0 if item[0] is None else 2 * r + 8 * u) + text_width(item[1], size) + size * 1.3

    items = list(items)
    while items and sum(width_of(i) for i in items) > room:
        items.pop(0)
    shapes: list[Shape] = []
    x = x0
    for color, label in items:
        if color is not None:
            shapes.append(Circle(x + r, y - size * 0.35, r, fill=color))
            x += 2 * r + 8 * u
        shapes.append(Text(x, y, label, size, theme.muted))
        x += text_width(label, size) + size * 1.3
    return shapes


def gutter(frame: SlideFrame, theme: Theme, leaked: int | None) -> list[Shape]:
    """The thin line leaks fade into, labelled with how many have leaked so far."""
    u = frame.unit
    x0, w = frame.flow_area[0], frame.flow_area[2]
    size = TEXT_PX["legend"] * u
    label = "leaked" if leaked is None else f"{leaked:,} leaked"
    lw = text_width(label, size, True) + 16 * u
    y = frame.gutter_y
    return [
        Rect(x0 + lw, y - 1.5 * u, w - lw, 3 * u, 1.5 * u, fill=theme.alert, opacity=0.25),
        Text(x0, y + size * 0.35, label, size, theme.alert, bold=True),
    ]


def headline_kpis(results: Any) -> list[tuple[str, str, float | None]]:
    """The numbers of an end card and a deck: (label, text, value) from ``results`` (means
    over its replications): six, and two more, revenue in the run and the lifetime ROI,
    when the flow has money keys (see :mod:`flowsim.sim.money`)."""
    f = results.funnel

    def mean(metric: Any) -> float | None:
        return None if metric is None else metric.mean

    cost = sum((mean(ch.get("cost")) or 0.0) for ch in results.channels.values())
    sqls = mean(f["sqls"])
    per_sql = cost / sqls if sqls and cost else None
    to_sql = mean(results.time_to["sql"]["mean"])

    def count(v: float | None) -> str:
        if v is None:
            return "–"
        # Means over replications: whole above 100, else to a tenth (16.8 customers).
        return f"{v:,.0f}" if v >= 100 or round(v, 1).is_integer() else f"{v:,.1f}"

    money = []
    totals = getattr(results, "totals", None) or {}
    if totals:
        revenue, roi = mean(totals["revenue"]), mean(totals["roi"])
        money = [
            ("revenue in the run", "–" if revenue is None else f"${revenue:,.0f}", revenue),
            ("ROI (lifetime value)", "–" if roi is None else f"{roi * 100:,.0f} %", roi),
        ]
    return [
        ("leads", count(mean(f["leads"])), mean(f["leads"])),
        ("MQLs", count(mean(f["mqls"])), mean(f["mqls"])),
        ("SQLs", count(sqls), sqls),
        ("customers", count(mean(f["customers"])), mean(f["customers"])),
        ("cost per SQL", "–" if per_sql is None else f"${per_sql:,.0f}", per_sql),
        ("time to SQL", "–" if to_sql is None else f"{to_sql:.1f} days", to_sql),
        *money,
    ]


def end_card(frame: SlideFrame, flow: Flow, theme: Theme, results: Any, caption: Sequence[str]) -> list[Shape]:
    """The headline KPIs in a grid of two rows (three or four a row; columns on a tall
    frame) under the title band, the caption under them."""
    u = frame.unit
    w, h = frame.size
    x, y, bw, bh = frame.flow_area
    shapes = title_band(frame, flow, theme)
    kpis = headline_kpis(results)
    per_line = -(-len(kpis) // 2)  # 3 for the six counts, 4 with the money figures
    cols, rows = (per_line, 2) if w >= h * 1.1 else (2, per_line)
    gap = 24 * u
    tw = (bw - gap * (cols - 1)) / cols
    th = min((bh - gap * (rows - 1) - 40 * u) / rows, 230 * u)
    top = y + (bh - 40 * u - th * rows - gap * (rows - 1)) / 2
    big = min(TEXT_PX["kpi"] * u, th * 0.42)
    small = TEXT_PX["kpi_label"] * u
    for k, (label, text, _) in enumerate(kpis):
        r, c = divmod(k, cols)
        tx, ty = x + c * (tw + gap), top + r * (th + gap)
        shapes.append(Rect(tx, ty, tw, th, 16 * u, fill=theme.card, stroke=theme.card_border, width=1.5 * u))
        shapes.append(Text(tx + tw / 2, ty + th / 2 + big * 0.3, fit_text(text, big, tw - 24 * u, True), big,
                           theme.text, bold=True, anchor="middle"))
        shapes.append(Text(tx + tw / 2, ty + th / 2 + big * 0.3 + small * 1.7, label, small, theme.muted,
                           anchor="middle"))
    note = " · ".join(caption)
    size = TEXT_PX["caption"] * u
    shapes.append(Text(x + bw / 2, top + rows * th + (rows - 1) * gap + 40 * u, fit_text(note, size, bw), size,
                       theme.muted, anchor="middle"))
    return shapes

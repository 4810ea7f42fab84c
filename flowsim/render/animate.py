"""Animated exports: a run's leads flowing through the flow, drawn frame by frame with cairo.

The still picture (cards, edges, title, legend) is drawn once into a cached surface; each
frame paints it, then the moving parts on top: dots travelling along edges in their
channel's colour, dots that leak falling and fading in the alert colour, leads waiting for
a rep stacked above capacity-limited nodes, a counter under every card (leads in, leads
leaked so far) and the run's clock. The last ~1.5 s hold the run's totals: the same picture
as a still export of the run's overlay. docs/export.md says how to read it.

Typical use (``export_flow`` does this and pipes the frames to ffmpeg)::

    results = run_for_animation(flow, days=90, seed=42)
    anim = Animation(flow, results, width=640, fps=15, duration=12)
    for i in range(anim.frame_count):
        surface = anim.draw(i)          # or anim.frame_rgb(i) for a numpy array
    anim.dots_at(6.0)                   # which leads are where, 6 s into the video
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import cairocffi as cairo
import numpy as np

from flowsim.model.colors import to_rgba
from flowsim.model.flow import Flow
from flowsim.render.look import CARD_H, CARD_W, NodeStats, edge_geometry, lanes, leak_alarm, node_color
from flowsim.render.overlay import run_overlay
from flowsim.render.raster import draw_scene, new_surface
from flowsim.render.scene import Scene, bounds_of, build_scene
from flowsim.render.shapes import Circle, Rect, Shape, Text
from flowsim.render.text import text_width
from flowsim.render.theme import LIGHT, Theme
from flowsim.render.timeline import FADE, build_timeline
from flowsim.sim.arrivals import expected_arrivals
from flowsim.sim.driver import collector_paused

__all__ = [
    "Animation", "Dots", "run_for_animation", "default_duration", "hold_seconds", "MAX_DOTS",
    "FRAME_PIXEL_FORMAT",
]

#: At most this many dots on screen at once; denser runs draw one lead in N.
MAX_DOTS = 220
#: Traced arrivals a run aims at (one in N arrivals is traced beyond it) and events kept.
ARRIVAL_BUDGET = 80_000
MAX_EVENTS = 400_000
#: cairo's ARGB32 as ffmpeg names its bytes in memory.
FRAME_PIXEL_FORMAT = "bgra" if sys.byteorder == "little" else "argb"
_CROSSFADE = 0.35
_STACK_ROW = 12
_STACK_ROWS = 3


def default_duration(days: float) -> float:
    """Video seconds for a run of ``days``: 90 days play in 12 s, within 4–30 s."""
    return float(min(30.0, max(4.0, days * 12.0 / 90.0)))


def hold_seconds(duration: float) -> float:
    """How long the final totals stay on screen at the end of a ``duration``-second video."""
    return min(1.5, 0.2 * duration)


def run_for_animation(
    flow: Flow,
    *,
    days: float | None = None,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: Any = None,
    max_work: float | None = None,
) -> Any:
    """One replication of ``flow`` with an event trace fit for an animation.

    No warm-up, so the counters start at zero. Busy flows trace one arrival in N of each
    source (the trace says which N) so memory stays bounded.
    """
    from flowsim.sim import SimConfig, TraceOptions, simulate

    run_days = days if days is not None else flow.setting("days")
    every = max(1, math.ceil(expected_arrivals(flow, run_days) / ARRIVAL_BUDGET))
    config = SimConfig(days=days, seed=seed, replications=1, jobs=1, warmup_days=0)
    results = None
    for _ in range(3):
        results = simulate(flow, config, progress=progress, cancel=cancel,
                           trace=TraceOptions(max_events=MAX_EVENTS, every=every), max_work=max_work)
        trace = results.trace
        if not trace.truncated:
            break
        # The trace filled up before the end: trace fewer arrivals and run again.
        covered = max(trace.complete_until, results.config.days * 0.01)
        every = math.ceil(every * results.config.days / covered * 1.25)
    return results


@dataclass(frozen=True)
class Dots:
    """Dots on screen at one moment, in picture pixels: travelling leads and leaking ones."""

    x: np.ndarray
    y: np.ndarray
    channel: np.ndarray  # index into Animation.channels
    alpha: np.ndarray
    leaking: np.ndarray  # bool
    lead: np.ndarray
    edge: np.ndarray  # the edge (index in flow.edges) a travelling dot is on; -1 for a leak

    def __len__(self) -> int:
        return len(self.x)


def _invisible(x: float, y: float) -> Rect:
    # Draws nothing; widens a scene's frame so every picture of an animation shares it.
    return Rect(x, y, 0.0, 0.0)


def _canvas_bounds(scene: Scene) -> tuple[float, float, float, float]:
    left, top, right, bottom = bounds_of(scene.shapes)
    dx, dy = scene.offset
    return left - dx, top - dy, right - dx, bottom - dy


def _ease(u: np.ndarray) -> np.ndarray:
    return u * u * (3.0 - 2.0 * u)


def _rgb(color: str) -> tuple[float, float, float]:
    r, g, b, _ = to_rgba(color)
    return r, g, b


class Animation:
    """The frames of an animated export of ``flow`` from ``results`` (with a trace).

    ``width`` is in pixels; the height follows the flow's shape (rounded to an even number
    when ``even``). Frame ``i`` shows video time ``i / fps``; there are exactly
    ``round(fps * duration)`` frames. ``dot_every`` draws one lead in N as a dot (by
    default the fewest that keep at most :data:`MAX_DOTS` on screen).
    """

    def __init__(
        self,
        flow: Flow,
        results: Any,
        *,
        width: int,
        fps: float,
        duration: float,
        theme: Theme = LIGHT,
        even: bool = False,
        dot_every: int | None = None,
    ) -> None:
        if results.trace is None:
            raise ValueError("the results carry no trace; run the simulation with trace=True")
        self.flow = flow
        self.theme = theme
        self.fps = float(fps)
        self.duration = float(duration)
        self.frame_count = max(1, round(self.fps * self.duration))
        hold = hold_seconds(self.duration)
        self.seconds = self.duration - hold  # the run plays in these
        self._crossfade = min(_CROSSFADE, 0.4 * hold)
        self.days = float(results.config.days)
        self._nodes = {}
        for node in flow.nodes:
            self._nodes.setdefault(node.id, node)
        self._capacity = [nid for nid, n in self._nodes.items() if "capacity" in n.params or "assignment" in n.params]
        self.final_stats, volumes = run_overlay(results, flow)
        self._frame(width, volumes, even)
        travel = self._place_edges()
        #: Video seconds a dot takes along each edge of ``flow`` (when on time).
        self.travel = tuple(travel)
        trace = results.trace
        # Laying out makes many small lists and no cycles: a collector pass here would only
        # walk the whole heap (and freeze an app that exports in a thread) for nothing.
        with collector_paused():
            self.timeline = tl = build_timeline(
                trace.events, node_ids=list(self._nodes), edges=[(e.source, e.target) for e in flow.edges],
                travel=travel, days=self.days, seconds=self.seconds, every=trace.every,
                sources=[nid for nid, n in self._nodes.items() if n.kind == "source"],
                max_lag=2.0 * min(1.0, self.seconds / 8),
            )
        self.channels = tl.channels
        self._channel_hex = [node_color(self._nodes[c]) for c in tl.channels]
        self._channel_rgb = [_rgb(c) for c in self._channel_hex]
        self.dot_every = int(dot_every if dot_every is not None else self._fewest_dots())
        #: Arrivals each dot stands for.
        self.per_dot = self.dot_every * tl.every
        keep = tl.travel_rank % self.dot_every == 0
        self._t_edge, self._t_start, self._t_end = tl.travel_edge[keep], tl.travel_start[keep], tl.travel_end[keep]
        self._t_channel, self._t_lead = tl.travel_channel[keep], tl.travel_lead[keep]
        keep = tl.leak_rank % self.dot_every == 0
        self._l_node, self._l_edge, self._l_time = tl.leak_node[keep], tl.leak_edge[keep], tl.leak_time[keep]
        self._l_channel, self._l_lead = tl.leak_channel[keep], tl.leak_lead[keep]

        w, h = self.size
        self._surface, self._ctx = new_surface(w, h)
        self._background = self._picture(self.scene, self._track(0.0) + self._legend())
        clock = self._clock_shapes(self.seconds, final=True)
        self._final = self._picture(self.final_scene, self._legend() + clock)

    def _frame(self, width: int, volumes: list[float], even: bool) -> None:
        """One frame for every picture: the plain flow, the totals, the stacks and the footer."""
        flow, theme, stats = self.flow, self.theme, self.final_stats
        b1 = _canvas_bounds(build_scene(flow, theme, title=False))
        b2 = _canvas_bounds(build_scene(flow, theme, stats=stats, volumes=volumes, title=False))
        box = (min(b1[0], b2[0]), min(b1[1], b2[1]), max(b1[2], b2[2]), max(b1[3], b2[3]))
        marks = [_invisible(box[0], box[1]), _invisible(box[2], box[3])]
        # What is added below keeps within the box's width, so the scale is known now.
        unit = build_scene(flow, theme, extra=marks).width / width  # canvas units a pixel
        # Sizes in canvas units, kept legible (in pixels) however small the picture.
        px_text, px_dot = min(9.5, max(6.0, width / 90)), min(2.6, max(1.5, width / 250))
        self.dot_r = max(4.5, px_dot * unit)
        self.stack_r = max(3.5, px_dot * 0.77 * unit)
        self._fall = max(34.0, px_dot * 4.6 * unit)
        self._font = max(12.0, px_text * unit)
        self._label = max(10.5, px_text * 0.85 * unit)
        step = self.stack_r * 2.6
        self._per_row = max(4, min(_STACK_ROW, int((CARD_W - 16) / step)))
        for nid in self._capacity:
            x, y = (float(v) for v in self._nodes[nid].position)
            marks.append(_invisible(x, y - 12 - step * _STACK_ROWS - self._label * 1.5))
        self._track_y = box[3] + max(14.0, 10 * unit)
        self._track_h = max(4.0, 3.0 * unit)
        self._text_y = self._track_y + self._track_h + self._font * 1.35
        marks.append(_invisible(box[0], self._text_y + self._font * 0.35))
        self._box = box
        self.scene = build_scene(flow, theme, extra=marks)
        self.final_scene = build_scene(flow, theme, stats=stats, volumes=volumes, extra=marks)
        self.scale = width / self.scene.width
        height = self.scene.height * self.scale
        height = max(2, 2 * round(height / 2)) if even else max(1, round(height))
        self.size = (int(width), int(height))
        self.offset = self.scene.offset

    def _place_edges(self) -> list[float]:
        """Each edge's curve (in picture pixels) and how long a dot takes along it."""
        (dx, dy), scale = self.offset, self.scale

        def to_px(x: float, y: float) -> tuple[float, float]:
            return (x + dx) * scale, (y + dy) * scale

        edges = self.flow.edges
        self._curves = np.zeros((len(edges), 4, 2))
        travel = []
        for i, (edge, lane) in enumerate(zip(edges, lanes(self.flow))):
            src, dst = self._nodes.get(edge.source), self._nodes.get(edge.target)
            if src is None or dst is None:
                travel.append(0.0)
                continue
            g = edge_geometry(src, dst, lane)
            self._curves[i] = [to_px(*p) for p in (g.p0, g.c1, g.c2, g.p3)]
            length = sum(math.dist(g.point(k / 16), g.point((k + 1) / 16)) for k in range(16))
            # About half a second, longer edges a little longer; quicker in a short video.
            travel.append(min(1.1, max(0.45, 0.35 + length / 700)) * min(1.0, self.seconds / 8))
        self._exit = np.array([to_px(float(n.position[0]) + CARD_W, float(n.position[1]) + CARD_H / 2)
                               for n in self._nodes.values()]).reshape(-1, 2)
        return travel

    def _fewest_dots(self) -> int:
        """The smallest N such that drawing one lead in N keeps to :data:`MAX_DOTS`."""
        tl = self.timeline
        busiest = tl.busiest(1)
        if busiest <= MAX_DOTS:
            return 1
        n = math.ceil(busiest / MAX_DOTS)
        while n < 10_000 and tl.busiest(n) > MAX_DOTS:
            n = math.ceil(n * 1.25)
        return n

    # --- time -------------------------------------------------------------------------
    def time_of(self, frame: int) -> float:
        """The video time (seconds) of ``frame``."""
        return frame / self.fps

    def day_at(self, second: float) -> float:
        """The simulated day shown at video ``second``."""
        return self.timeline.day_at(second)

    # --- what is where ----------------------------------------------------------------
    def dots_at(self, second: float) -> Dots:
        """The dots on screen at video ``second``, in picture pixels. Dots still on their way
        when the run ends fade out with the crossfade to the totals; after it there are none."""
        if second >= self.seconds + self._crossfade:
            return self._no_dots()
        start = self._t_start
        i0 = np.searchsorted(start, second - self.timeline.longest_travel, side="right")
        i1 = np.searchsorted(start, second, side="right")
        end = self._t_end[i0:i1]
        on = end > second
        s0, s1 = start[i0:i1][on], end[on]
        edge = self._t_edge[i0:i1][on]
        u = _ease(np.clip((second - s0) / np.maximum(s1 - s0, 1e-9), 0.0, 1.0))[:, None]
        c = self._curves[edge]
        v = 1.0 - u
        pos = v * v * v * c[:, 0] + 3 * v * v * u * c[:, 1] + 3 * v * u * u * c[:, 2] + u * u * u * c[:, 3]
        # Leaks: from where the lead came in, falling and fading.
        lt = self._l_time
        j0 = np.searchsorted(lt, second - FADE, side="right")
        j1 = np.searchsorted(lt, second, side="right")
        f = (second - lt[j0:j1]) / FADE
        le = self._l_edge[j0:j1]
        at = np.where(le[:, None] >= 0, self._curves[np.maximum(le, 0), 3], self._exit[self._l_node[j0:j1]])
        lead = self._l_lead[j0:j1]
        jitter = ((lead * 2654435761) % 1000 / 1000.0 - 0.5) * 3.0 * self.dot_r * self.scale
        lx = at[:, 0] + jitter * f
        ly = at[:, 1] + f ** 1.6 * self._fall * self.scale
        return Dots(
            x=np.concatenate([pos[:, 0], lx]),
            y=np.concatenate([pos[:, 1], ly]),
            channel=np.concatenate([self._t_channel[i0:i1][on], self._l_channel[j0:j1]]),
            alpha=np.concatenate([np.ones(len(s0)), 1.0 - f * f]),
            leaking=np.concatenate([np.zeros(len(s0), dtype=bool), np.ones(len(f), dtype=bool)]),
            lead=np.concatenate([self._t_lead[i0:i1][on], lead]),
            edge=np.concatenate([edge, np.full(len(f), -1)]).astype(np.int32),
        )

    def _no_dots(self) -> Dots:
        empty = np.zeros(0)
        return Dots(empty, empty, empty.astype(np.int32), empty, empty.astype(bool), empty.astype(np.int64),
                    empty.astype(np.int32))

    def queues_at(self, second: float) -> dict[str, list[int]]:
        """Leads waiting for a rep at video ``second``: node id → their channels, first in
        line first (each stands for ``timeline.every`` leads)."""
        tl = self.timeline
        i1 = np.searchsorted(tl.queue_start, second, side="right")
        on = tl.queue_end[:i1] > second
        nodes, channels = tl.queue_node[:i1][on], tl.queue_channel[:i1][on]
        out: dict[str, list[int]] = {}
        for n, ch in zip(nodes.tolist(), channels.tolist()):
            out.setdefault(tl.node_ids[n], []).append(ch)
        return out

    # --- drawing ----------------------------------------------------------------------
    def draw(self, frame: int) -> cairo.ImageSurface:
        """The picture of ``frame`` (a surface reused by the next call: read it first)."""
        second = self.time_of(frame)
        if second >= self.seconds + self._crossfade or frame >= self.frame_count - 1:
            return self._final
        ctx = self._ctx
        ending = second >= self.seconds
        ctx.set_operator(cairo.OPERATOR_SOURCE)
        ctx.set_source_surface(self._final if ending else self._background, 0, 0)
        ctx.paint()
        ctx.set_operator(cairo.OPERATOR_OVER)
        if not ending:
            shapes = self._queue_shapes(second) + self._counter_shapes(second) + self._clock_shapes(second)
            draw_scene(ctx, self.scene, self.scale, shapes=shapes)
            self._draw_dots(ctx, self.dots_at(second))
        else:  # the totals are up; the last leads on their way fade out over them
            ctx.push_group()
            draw_scene(ctx, self.scene, self.scale, shapes=self._queue_shapes(self.seconds))
            self._draw_dots(ctx, self.dots_at(second))
            ctx.pop_group_to_source()
            ctx.paint_with_alpha(max(0.0, 1.0 - (second - self.seconds) / self._crossfade))
        self._surface.flush()
        return self._surface

    def frame_rgb(self, frame: int) -> np.ndarray:
        """``frame`` as a new height × width × 3 array of RGB bytes."""
        return self.rgb_of(self.draw(frame))

    def rgb_of(self, surface: cairo.ImageSurface) -> np.ndarray:
        w, h = self.size
        data = np.frombuffer(surface.get_data(), dtype=np.uint8).reshape(h, surface.get_stride() // 4, 4)[:, :w]
        order = [2, 1, 0] if FRAME_PIXEL_FORMAT == "bgra" else [1, 2, 3]
        return data[..., order].copy()

    def frames(self, start: int = 0, stop: int | None = None) -> Iterator[memoryview]:
        """The raw bytes (:data:`FRAME_PIXEL_FORMAT`) of each frame, one buffer reused."""
        for i in range(start, self.frame_count if stop is None else stop):
            yield memoryview(self.draw(i).get_data())

    def _picture(self, scene: Scene, shapes: list[Shape]) -> cairo.ImageSurface:
        surface, ctx = new_surface(*self.size)
        draw_scene(ctx, scene, self.scale)
        draw_scene(ctx, scene, self.scale, shapes=shapes)
        surface.flush()
        return surface

    def _draw_dots(self, ctx: cairo.Context, dots: Dots) -> None:
        if not len(dots):
            return
        r = self.dot_r * self.scale
        halo = _rgb(self.theme.background)
        x, y, alpha = dots.x, dots.y, dots.alpha
        moving = ~dots.leaking
        # One path per colour and opacity: a few fills a frame, however many dots.
        if moving.any():
            self._fill_circles(ctx, x[moving], y[moving], r + max(0.8, r * 0.35), (*halo, 0.9))
            for ch in np.unique(dots.channel[moving]).tolist():
                sel = moving & (dots.channel == ch)
                self._fill_circles(ctx, x[sel], y[sel], r, (*self._channel_rgb[ch], 1.0))
        if dots.leaking.any():
            alert = _rgb(self.theme.alert)
            level = np.ceil(alpha * 6) / 6
            for a in np.unique(level[dots.leaking]).tolist():
                sel = dots.leaking & (level == a)
                self._fill_circles(ctx, x[sel], y[sel], r * 0.9, (*alert, a * 0.9))

    @staticmethod
    def _fill_circles(ctx: cairo.Context, xs: np.ndarray, ys: np.ndarray, r: float, rgba) -> None:
        tau = 2 * math.pi
        for x, y in zip(xs.tolist(), ys.tolist()):
            ctx.move_to(x + r, y)
            ctx.arc(x, y, r, 0.0, tau)
        ctx.set_source_rgba(*rgba)
        ctx.fill()

    # --- overlay shapes, in the scene's coordinates -------------------------------------
    def _queue_shapes(self, second: float) -> list[Shape]:
        shapes: list[Shape] = []
        dx, dy = self.offset
        r = self.stack_r
        step = r * 2.6
        every = self.timeline.every
        for nid, channels in self.queues_at(second).items():
            node = self._nodes[nid]
            x0 = float(node.position[0]) + dx + 8 + r
            y0 = float(node.position[1]) + dy - 8 - r
            per_row = self._per_row
            shown = channels[: per_row * _STACK_ROWS]
            for k, ch in enumerate(shown):
                row, col = divmod(k, per_row)
                shapes.append(Circle(x0 + col * step, y0 - row * step, r, fill=self._channel_hex[ch]))
            rows = (len(shown) + per_row - 1) // per_row
            label = f"{len(channels) * every:,} waiting"
            shapes.append(Text(x0 - r, y0 - (rows - 1) * step - r - 4, label, self._label, self.theme.alert, bold=True))
        return shapes

    def _counter_shapes(self, second: float) -> list[Shape]:
        entered, leaked = self.timeline.counts_at(second)
        dx, dy = self.offset
        theme = self.theme
        shapes: list[Shape] = []
        for nid, n_in, n_out in zip(self.timeline.node_ids, entered.tolist(), leaked.tolist()):
            node = self._nodes[nid]
            text = f"{n_in:,} in" + (f" · {n_out:,} leaked" if n_out else "")
            w = text_width(text, 10.5) + 14
            cx = float(node.position[0]) + dx + CARD_W / 2
            y = float(node.position[1]) + dy + CARD_H + 6
            # Red as the still's badge is: only leakage well above what the node is set to lose.
            expected = self.final_stats[nid].expected_leak if nid in self.final_stats else 0.0
            color = theme.alert if n_out and leak_alarm(NodeStats(n_in, n_out, expected_leak=expected)) else theme.muted
            shapes.append(Rect(cx - w / 2, y, w, 18, 9, fill=theme.label_background, stroke=color, width=1))
            shapes.append(Text(cx, y + 13, text, 10.5, color, anchor="middle"))
        return shapes

    def _track(self, fraction: float) -> list[Shape]:
        dx, dy = self.offset
        left, right = self._box[0] + dx, self._box[2] + dx
        y, h = self._track_y + dy, self._track_h
        shapes: list[Shape] = [Rect(left, y, right - left, h, h / 2, fill=self.theme.grid)]
        if fraction > 0:
            shapes.append(Rect(left, y, max(h, (right - left) * fraction), h, h / 2, fill=self.theme.selection))
        return shapes

    def _clock_shapes(self, second: float, final: bool = False) -> list[Shape]:
        day = self.day_at(second)
        days = self.days
        if final:
            text = f"Totals after {days:g} days"
        elif days < 3:
            text = f"Day {day:.1f} of {days:g}"
        else:
            text = f"Day {min(max(1, math.ceil(day)), math.ceil(days))} of {days:g}"
        dx, dy = self.offset
        shapes = self._track(1.0 if final else day / days)
        shapes.append(Text(self._box[2] + dx, self._text_y + dy, text, self._font, self.theme.text,
                           bold=True, anchor="end"))
        return shapes

    def _legend(self) -> list[Shape]:
        """Channel colours, leaks, waits and what a dot stands for, along the bottom."""
        theme, size = self.theme, self._font * 0.85
        dx, dy = self.offset
        y = self._text_y + dy
        r, q = self.dot_r, self.stack_r
        clock = text_width(f"Totals after {self.days:g} days", self._font, True)
        room = self._box[2] - self._box[0] - clock - 2 * size
        per = f"1 dot = {self.per_dot:,} arrival{'s' if self.per_dot != 1 else ''}"
        items: list[tuple[str | None, str]] = [(self._channel_hex[i], self._nodes[c].title)
                                               for i, c in enumerate(self.channels)]
        items.append((theme.alert, "leaked"))
        if self._capacity:
            items.append(("stack", "waiting for a rep"))
        items.append((None, per))

        def width_of(item: tuple[str | None, str]) -> float:
            mark = {None: 0.0, "stack": q * 7.8 + 4}.get(item[0], 2 * r + 6)
            return mark + text_width(item[1], size) + size * 1.4

        # The channels go first when room is short: their colours still show on the dots.
        while items and sum(width_of(item) for item in items) > room:
            items.pop(0)
        shapes: list[Shape] = []
        x = self._box[0] + dx
        for color, label in items:
            if color == "stack":
                for k in range(3):
                    shapes.append(Circle(x + q + k * q * 2.6, y - size * 0.35, q, fill=theme.muted))
                x += q * 7.8 + 4
            elif color is not None:
                shapes.append(Circle(x + r, y - size * 0.35, r, fill=color))
                x += 2 * r + 6
            shapes.append(Text(x, y, label, size, theme.muted))
            x += text_width(label, size) + size * 1.4
        return shapes

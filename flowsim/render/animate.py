"""Animated exports: a run's leads flowing through the flow, drawn frame by frame with cairo.

Frames are slides (:mod:`flowsim.render.slide`): a title band, the flow fitted to the
frame, a "leaked" gutter, the time track and the legend. The still picture is drawn once
into a cached surface; each frame paints it, then the moving parts on top: visits as
streams as wide as the visits a day up to the capture form, leads as dots in their
channel's colour from the form on, leaks sinking and fading into the gutter, leads waiting
for a rep stacked above capacity-limited nodes with their count, a counter under every
card (leads in, leads leaked so far) and the run's clock. Then the run's totals hold (the
same picture as a still export with the run's badges) and the end card shows the headline
KPIs. docs/export.md says how to read it.

Typical use (``export_flow`` does this and pipes the frames to ffmpeg)::

    results = run_for_animation(flow, days=90, seed=42)
    anim = Animation(flow, results, size=(1920, 1080), fps=30, duration=12)
    for i in range(anim.frame_count):
        surface = anim.draw(i)          # or anim.frame_rgb(i) for a numpy array
    anim.dots_at(6.0)                   # which leads are where, 6 s into the video
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from typing import Any, Iterator

import cairocffi as cairo
import numpy as np

from flowsim.model.colors import to_rgba
from flowsim.model.flow import Flow
from flowsim.render import frames
from flowsim.render.frames import run_caption
from flowsim.render.look import (
    CARD_H, CARD_W, LABEL_SIZE, NodeStats, badge_box, edge_geometries, leak_alarm, node_color,
)
from flowsim.render.overlay import run_overlay
from flowsim.render.raster import draw_scene, new_surface
from flowsim.render.scene import Scene, build_scene
from flowsim.render.shapes import Circle, Rect, Shape, Text, moved
from flowsim.render.slide import fit_flow
from flowsim.render.text import text_width
from flowsim.render.theme import LIGHT, Theme
from flowsim.render.timeline import FADE, build_timeline
from flowsim.render.dotstyle import STREAM_OPACITY, dot_layers
from flowsim.render.animrun import default_duration, end_seconds, hold_seconds, run_for_animation
from flowsim.sim.driver import collector_paused

__all__ = [
    "Animation", "Dots", "run_for_animation", "default_duration", "hold_seconds", "MAX_DOTS",
    "FRAME_PIXEL_FORMAT", "end_seconds",
]

#: At most this many dots on screen at once; denser runs draw one lead in N.
MAX_DOTS = 220
#: cairo's ARGB32 as ffmpeg names its bytes in memory.
FRAME_PIXEL_FORMAT = "bgra" if sys.byteorder == "little" else "argb"
_CROSSFADE = 0.35
_STACK_ROW = 12
#: Points kept along each edge's line for moving dots on it.
_SAMPLES = 33
_STACK_ROWS = 3
#: Video seconds over which a stream's visits a day are counted, and its widest (px at 1080p).
_STREAM_WINDOW = 0.6
_STREAM_MAX = 26.0
_TRAVEL = ("travel_edge", "travel_start", "travel_end", "travel_channel", "travel_rank", "travel_lead")
_LEAK = ("leak_node", "leak_edge", "leak_time", "leak_channel", "leak_rank", "leak_lead")


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


def _ease(u: np.ndarray) -> np.ndarray:
    return u * u * (3.0 - 2.0 * u)


def _rgb(color: str) -> tuple[float, float, float]:
    r, g, b, _ = to_rgba(color)
    return r, g, b


class Animation:
    """The frames of an animated export of ``flow`` from ``results`` (with a trace).

    Frames are ``size`` pixels (default 16:9: ``width`` wide, or 1280 × 720), laid out as
    a slide (:mod:`flowsim.render.slide`): title band, the flow fitted and if need be
    reflowed, the "leaked" gutter, the time track and legend. Frame ``i`` shows video time
    ``i / fps``; there are exactly ``round(fps * duration)`` frames: the run plays, its
    totals hold (the run's badges, the bottleneck outlined), then the end card with the
    headline KPIs closes the video (``end_card=False`` leaves it out). The title band says
    what the numbers are: one replication of ``replications`` (the flow's own count by
    default), or means over the results' replications.

    ``reflow=False`` keeps the flow as laid out (the canvas's playback); ``view`` (x, y,
    width, height on the canvas) is fitted instead of the whole flow; ``days_range``
    (first, last day) plays only those days in ``duration`` (frame ``i`` at video time
    ``second_of(first) + i / fps``), ending on the last of them.

    Visits (source → capture form) flow as streams whose width is the visits a day; from
    the form on, one dot is one lead (or ``dot_every`` leads, the fewest that keep at most
    :data:`MAX_DOTS` on screen). Counters and totals count the leads the results count
    (born after the warm-up).
    """

    def __init__(
        self,
        flow: Flow,
        results: Any,
        *,
        fps: float,
        duration: float,
        size: tuple[int, int] | None = None,
        width: int | None = None,
        theme: Theme = LIGHT,
        even: bool = False,
        dot_every: int | None = None,
        end_card: bool = True,
        replications: int | None = None,
        reflow: bool = True,
        view: tuple[float, float, float, float] | None = None,
        days_range: tuple[float, float] | None = None,
    ) -> None:
        if results.trace is None:
            raise ValueError("the results carry no trace; run the simulation with trace=True")
        run_days = float(results.config.days)
        if days_range is not None and not 0 <= days_range[0] < days_range[1] <= run_days:
            raise ValueError(f"days {days_range[0]:g}–{days_range[1]:g} are not within the run's {run_days:g}")
        self.days_range, end_card = days_range, end_card and days_range is None
        if size is None:
            w = int(width or 1280)
            size = (w, max(2, 2 * round(w * 9 / 32)) if even else max(1, round(w * 9 / 16)))
        self.theme = theme
        self.fps = float(fps)
        self.duration = float(duration)
        self.frame_count = max(1, round(self.fps * self.duration))
        hold = hold_seconds(self.duration) if days_range is None else 0.0
        tail = end_seconds(self.duration) if end_card else 0.0
        self._end_at = self.duration - tail if end_card else math.inf
        self.seconds = self.duration - hold - tail  # the run plays in these
        self._start = 0.0
        if days_range is not None:  # the whole run at the pace that plays these days in ``duration``
            self.seconds = self.duration * run_days / (days_range[1] - days_range[0])
            self._start = days_range[0] * self.seconds / run_days
        self._crossfade = min(_CROSSFADE, 0.4 * hold)
        self.days = float(results.config.days)
        self.warmup = float(results.config.warmup_days or 0.0)
        self.results = results
        self.slide = fit_flow(flow, size, theme, reflow=reflow and view is None, bounds=view)
        self.flow = flow = self.slide.flow  # laid out for the frame (reflowed if need be)
        self._nodes = {}
        for node in flow.nodes:
            self._nodes.setdefault(node.id, node)
        self._capacity = [nid for nid, n in self._nodes.items() if "capacity" in n.params or "assignment" in n.params]
        kinds = {nid: n.kind for nid, n in self._nodes.items()}
        #: Edges that carry visits (a source into a capture form): drawn as streams, not dots.
        self.stream_edges = tuple(i for i, e in enumerate(flow.edges)
                                  if kinds.get(e.source) == "source" and kinds.get(e.target) == "capture")
        self.final_stats, volumes = run_overlay(results, flow)
        self.size = self.slide.size
        self.scale = self.slide.scale
        self.offset = (self.slide.offset[0] / self.scale, self.slide.offset[1] / self.scale)
        self.scene = self._flow_scene(None, None)
        self.final_scene = self._flow_scene(self.final_stats, volumes)
        u = self.slide.unit
        self.dot_r = 7.0 * u / self.scale
        self.stack_r = 5.0 * u / self.scale
        self._label = LABEL_SIZE
        step = self.stack_r * 2.6
        self._per_row = max(4, min(_STACK_ROW, int((CARD_W - 16) / step)))
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
                max_lag=2.0 * min(1.0, self.seconds / 8), warmup=self.warmup,
            )
        self.channels = tl.channels
        self._channel_hex = [node_color(self._nodes[c]) for c in tl.channels]
        self._channel_rgb = [_rgb(c) for c in self._channel_hex]
        self.channel_colors = tuple(self._channel_hex)  # by index in ``channels``
        self._streams = self._stream_times(tl)
        visits = np.isin(tl.travel_edge, self.stream_edges)
        node_kind = np.array([kinds[n] for n in tl.node_ids] or ["x"])
        visit_leak = np.isin(tl.leak_edge, self.stream_edges) | (
            (tl.leak_edge < 0) & (node_kind[tl.leak_node] == "source") if len(tl.leak_node) else False)
        #: The timeline of the leads drawn as dots (visits are streams).
        self.dot_timeline = dot_tl = replace(
            tl, **{k: getattr(tl, k)[~visits] for k in _TRAVEL},
            **{k: getattr(tl, k)[~visit_leak] for k in _LEAK})
        self.dot_every = int(dot_every if dot_every is not None else self._fewest_dots())
        #: Arrivals each dot stands for.
        self.per_dot = self.dot_every * tl.every
        keep = dot_tl.travel_rank % self.dot_every == 0
        self._t_edge, self._t_start, self._t_end = (dot_tl.travel_edge[keep], dot_tl.travel_start[keep],
                                                    dot_tl.travel_end[keep])
        self._t_channel, self._t_lead = dot_tl.travel_channel[keep], dot_tl.travel_lead[keep]
        keep = dot_tl.leak_rank % self.dot_every == 0
        self._l_node, self._l_edge, self._l_time = dot_tl.leak_node[keep], dot_tl.leak_edge[keep], dot_tl.leak_time[keep]
        self._l_channel, self._l_lead = dot_tl.leak_channel[keep], dot_tl.leak_lead[keep]
        self._gutter_nodes = np.array([kinds[n] not in ("source", "capture") for n in tl.node_ids], dtype=bool)
        self._counter_w = self._counter_widths()
        #: Frame-pixel boxes (x0, y0, x1, y1) of every badge a frame may show: no dot covers one.
        self.badge_boxes = self._badge_boxes()

        # A one-replication run is the first of the flow's own runs: say of how many.
        self.caption = run_caption(results, replications or int(flow.setting("replications") or 1))
        w, h = self.size
        self._surface, self._ctx = new_surface(w, h)
        self._background = self._picture(self.scene, [], self._static_px())
        final_px = (self._static_px() + frames.track(self.slide, theme, 1.0, self.warmup / self.days)
                    + frames.clock(self.slide, theme, f"Totals after {self.days:g} days")
                    + frames.gutter(self.slide, theme, self._final_leaked()))
        self._final = self._picture(self.final_scene, [], final_px)
        self._end = None
        if end_card:
            self._end = self._picture(None, [], frames.end_card(self.slide, flow, theme, results, self.caption))

    def _flow_scene(self, stats, volumes) -> Scene:
        """The flow drawn in this frame: canvas units, scaled by ``scale`` to frame pixels."""
        sc = build_scene(self.flow, self.theme, stats=stats, volumes=volumes, title=False, wrapped=self.slide.wrapped)
        dx, dy = self.offset[0] - sc.offset[0], self.offset[1] - sc.offset[1]
        w, h = self.slide.size
        return Scene(w / self.scale, h / self.scale, self.theme.background,
                     tuple(moved(s, dx, dy) for s in sc.shapes), self.offset)

    def _static_px(self) -> list[Shape]:
        """What every playing frame shows in frame pixels: the title band and the legend."""
        theme, slide = self.theme, self.slide
        items: list[tuple[str | None, str]] = [(self._channel_hex[i], self._nodes[c].title)
                                               for i, c in enumerate(self.channels)]
        if self.stream_edges:
            items.append((None, "stream width = visits a day"))
        items.append((None, f"1 dot = {self.per_dot:,} lead{'s' if self.per_dot != 1 else ''}"))
        if self._capacity:
            items.append((None, "stacks: waiting for a rep"))
        clock_room = f"Totals after {self.days:g} days"
        return (frames.title_band(slide, self.flow, theme, self.caption)
                + frames.legend(slide, theme, items, clock_room))

    def _stream_times(self, tl) -> list[np.ndarray]:
        """For each stream edge, the sorted video times at which visits set off along it."""
        return [np.sort(tl.travel_start[tl.travel_edge == e]) for e in self.stream_edges]

    def stream_rates(self, second: float) -> list[float]:
        """Visits a day along each stream edge around video ``second`` (0 after the run)."""
        if second >= self.seconds:
            return [0.0] * len(self.stream_edges)
        window = _STREAM_WINDOW * min(1.0, self.seconds / 8)
        lo = max(0.0, second - window)
        span = max(1e-9, second - lo) if second > 0 else window
        per_day = self.seconds / self.days
        return [float(np.searchsorted(t, second, side="right") - np.searchsorted(t, lo, side="right"))
                * self.timeline.every / span * per_day for t in self._streams]

    def _counter_widths(self) -> dict[str, float]:
        entered, leaked = self.timeline.counts_at(math.inf)
        return {nid: text_width(_counter_text(int(a), int(b) or 1), LABEL_SIZE) + 14
                for nid, a, b in zip(self.timeline.node_ids, entered.tolist(), leaked.tolist())}

    def _badge_boxes(self) -> np.ndarray:
        boxes = []
        s, (dx, dy) = self.scale, self.offset
        for nid, node in self._nodes.items():
            x, y = (float(v) for v in node.position)
            w = self._counter_w.get(nid, 0.0)
            rects = [(CARD_W / 2 - w / 2, CARD_H + 6, w, 18.0)]
            if nid in self.final_stats:
                rects.append(badge_box(node, self.final_stats[nid]))
            for bx, by, bw, bh in rects:
                boxes.append(((x + bx + dx) * s, (y + by + dy) * s, (x + bx + bw + dx) * s, (y + by + bh + dy) * s))
        return np.array(boxes, dtype=float).reshape(-1, 4)

    def _final_leaked(self) -> int:
        return int(round(sum(st.leaked for nid, st in self.final_stats.items()
                             if nid in self._nodes and self._nodes[nid].kind not in ("source", "capture"))))

    def _place_edges(self) -> list[float]:
        """Each edge's curve (in picture pixels) and how long a dot takes along it."""
        (dx, dy), scale = self.offset, self.scale

        def to_px(x: float, y: float) -> tuple[float, float]:
            return (x + dx) * scale, (y + dy) * scale

        edges = self.flow.edges
        # Each edge's line as _SAMPLES points evenly along it (routed lines have many pieces).
        self._curves = np.zeros((len(edges), _SAMPLES, 2))
        travel = []
        for i, g in enumerate(edge_geometries(self.flow, wrapped=self.slide.wrapped)):
            if g is None:
                travel.append(0.0)
                continue
            self._curves[i] = [to_px(*g.point(k / (_SAMPLES - 1))) for k in range(_SAMPLES)]
            length = sum(math.dist(g.point(k / 16), g.point((k + 1) / 16)) for k in range(16))
            # About half a second, longer edges a little longer; quicker in a short video.
            travel.append(min(1.1, max(0.45, 0.35 + length / 700)) * min(1.0, self.seconds / 8))
        self._exit = np.array([to_px(float(n.position[0]) + CARD_W, float(n.position[1]) + CARD_H / 2)
                               for n in self._nodes.values()]).reshape(-1, 2)
        return travel

    def _fewest_dots(self) -> int:
        """The smallest N such that drawing one lead in N keeps to :data:`MAX_DOTS`."""
        tl = self.dot_timeline
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
        return self._start + frame / self.fps

    def day_at(self, second: float) -> float:
        """The simulated day shown at video ``second``."""
        return self.timeline.day_at(second)

    # --- what is where ----------------------------------------------------------------
    def dots_at(self, second: float) -> Dots:
        """The dots on screen at video ``second``, in picture pixels. Dots still on their way
        when the run ends fade out with the crossfade to the totals; after it there are none.
        A dot passing behind a badge is not drawn (no dot covers a badge)."""
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
        along = u[:, 0] * (_SAMPLES - 1)
        k = np.minimum(along.astype(np.int64), _SAMPLES - 2)
        frac = (along - k)[:, None]
        pos = self._curves[edge, k] * (1.0 - frac) + self._curves[edge, k + 1] * frac
        # Leaks: from where the lead came in, sinking towards the "leaked" gutter and fading.
        lt = self._l_time
        j0 = np.searchsorted(lt, second - FADE, side="right")
        j1 = np.searchsorted(lt, second, side="right")
        f = (second - lt[j0:j1]) / FADE
        le = self._l_edge[j0:j1]
        at = np.where(le[:, None] >= 0, self._curves[np.maximum(le, 0), -1], self._exit[self._l_node[j0:j1]])
        lead = self._l_lead[j0:j1]
        jitter = ((lead * 2654435761) % 1000 / 1000.0 - 0.5) * 6.0 * self.dot_r * self.scale
        lx = at[:, 0] + jitter * f
        ly = at[:, 1] + _ease(f) * np.maximum(0.0, self.slide.gutter_y - at[:, 1])
        dots = Dots(
            x=np.concatenate([pos[:, 0], lx]),
            y=np.concatenate([pos[:, 1], ly]),
            channel=np.concatenate([self._t_channel[i0:i1][on], self._l_channel[j0:j1]]),
            alpha=np.concatenate([np.ones(len(s0)), 1.0 - f * f]),
            leaking=np.concatenate([np.zeros(len(s0), dtype=bool), np.ones(len(f), dtype=bool)]),
            lead=np.concatenate([self._t_lead[i0:i1][on], lead]),
            edge=np.concatenate([edge, np.full(len(f), -1)]).astype(np.int32),
        )
        return self._clear_of_badges(dots)

    def _clear_of_badges(self, dots: Dots) -> Dots:
        if not len(dots) or not len(self.badge_boxes):
            return dots
        r = self.dot_r * self.scale + 1.0
        b = self.badge_boxes
        x, y = dots.x[:, None], dots.y[:, None]
        hit = ((x + r > b[:, 0]) & (x - r < b[:, 2]) & (y + r > b[:, 1]) & (y - r < b[:, 3])).any(axis=1)
        if not hit.any():
            return dots
        keep = ~hit
        return Dots(*(getattr(dots, k)[keep] for k in ("x", "y", "channel", "alpha", "leaking", "lead", "edge")))

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
    def overlay_shapes(self, second: float) -> tuple[list[Shape], list[Shape]]:
        """What a playing frame draws over its cached picture, besides streams and dots:
        (shapes in the scene's units: stacks and counters, shapes in frame pixels)."""
        slide, theme = self.slide, self.theme
        units = self._queue_shapes(second) + self._counter_shapes(second)
        day = self.day_at(second)
        if day < self.warmup:
            text = f"Warm-up: day {max(1, math.ceil(day))} of {self.days:g}"
        elif self.days < 3:
            text = f"Day {day:.1f} of {self.days:g}"
        else:
            text = f"Day {min(max(1, math.ceil(day)), math.ceil(self.days))} of {self.days:g}"
        entered, leaked = self.timeline.counts_at(second)
        gone = int(leaked[self._gutter_nodes].sum()) if len(leaked) else 0
        px = (frames.track(slide, theme, day / self.days, self.warmup / self.days) + frames.clock(slide, theme, text)
              + frames.gutter(slide, theme, gone))
        return units, px

    def draw(self, frame: int) -> cairo.ImageSurface:
        """The picture of ``frame`` (a surface reused by the next call: read it first)."""
        second = self.time_of(frame)
        if self._end is not None and (second >= self._end_at or frame >= self.frame_count - 1):
            return self._end
        if second >= self.seconds + self._crossfade or (frame >= self.frame_count - 1 and self.days_range is None):
            return self._final
        ctx = self._ctx
        ending = second >= self.seconds
        ctx.set_operator(cairo.OPERATOR_SOURCE)
        ctx.set_source_surface(self._final if ending else self._background, 0, 0)
        ctx.paint()
        ctx.set_operator(cairo.OPERATOR_OVER)
        if not ending:
            self._draw_streams(ctx, second)
            units, px = self.overlay_shapes(second)
            draw_scene(ctx, self.scene, self.scale, shapes=units)
            draw_scene(ctx, self.scene, 1.0, shapes=px)
            self._draw_dots(ctx, self.dots_at(second))
        else:  # the totals are up; the last leads on their way fade out over them
            ctx.push_group()
            draw_scene(ctx, self.scene, self.scale, shapes=self._queue_shapes(self.seconds))
            self._draw_dots(ctx, self.dots_at(second))
            ctx.pop_group_to_source()
            ctx.paint_with_alpha(max(0.0, 1.0 - (second - self.seconds) / self._crossfade))
        self._surface.flush()
        return self._surface

    def final_surface(self) -> cairo.ImageSurface:
        """The run's totals: the still a poster frame shows."""
        return self._final

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

    def _picture(self, scene: Scene | None, shapes: list[Shape], px: list[Shape]) -> cairo.ImageSurface:
        surface, ctx = new_surface(*self.size)
        ctx.set_source_rgba(*_rgb(self.theme.background), 1.0)
        ctx.paint()
        if scene is not None:
            draw_scene(ctx, scene, self.scale)
            draw_scene(ctx, scene, self.scale, shapes=shapes)
        draw_scene(ctx, self.scene, 1.0, shapes=px)
        surface.flush()
        return surface

    def _draw_streams(self, ctx: cairo.Context, second: float) -> None:
        """Visits as bands along their edges, as wide as the visits a day, moving."""
        rates = self.stream_rates(second)
        if not rates:
            return
        u = self.slide.unit
        ctx.save()
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        for e, rate in zip(self.stream_edges, rates):
            if rate <= 0:
                continue
            ch = self.channels.index(self.flow.edges[e].source) if self.flow.edges[e].source in self.channels else 0
            points = self._curves[e].tolist()  # the edge's line, sampled evenly along it
            ctx.move_to(*points[0])
            for x, y in points[1:]:
                ctx.line_to(x, y)
            ctx.set_line_width(self.stream_width(rate))
            ctx.set_source_rgba(*self._channel_rgb[ch], STREAM_OPACITY)
            ctx.stroke_preserve()
            ctx.set_dash([10 * u, 16 * u], -second * 90 * u)
            ctx.set_source_rgba(1, 1, 1, 0.45)
            ctx.stroke()
            ctx.set_dash([])
        ctx.restore()

    def stream_width(self, rate: float) -> float:
        """A stream's width in frame pixels when it carries ``rate`` visits a day."""
        return max(2.0 * self.slide.unit, _STREAM_MAX * self.slide.unit * rate / self._stream_top)

    @property
    def _stream_top(self) -> float:
        if self._stream_max is None:
            samples = np.linspace(0.0, self.seconds, 120, endpoint=False)
            self._stream_max = max([max(self.stream_rates(t), default=0.0) for t in samples] + [1e-9])
        return self._stream_max

    _stream_max: float | None = None

    def _draw_dots(self, ctx: cairo.Context, dots: Dots) -> None:
        # One path per colour and opacity: a few fills a frame, however many dots.
        for sel, r, color, opacity in dot_layers(dots.leaking, dots.channel, dots.alpha, self.dot_r * self.scale,
                                                 self.theme, self._channel_hex):
            self._fill_circles(ctx, dots.x[sel], dots.y[sel], r, (*_rgb(color), opacity))

    @staticmethod
    def _fill_circles(ctx: cairo.Context, xs: np.ndarray, ys: np.ndarray, r: float, rgba) -> None:
        tau = 2 * math.pi
        for x, y in zip(xs.tolist(), ys.tolist()):
            ctx.move_to(x + r, y)
            ctx.arc(x, y, r, 0.0, tau)
        ctx.set_source_rgba(*rgba)
        ctx.fill()

    # --- overlay shapes, in the scene's coordinates -------------------------------------
    def queue_shapes(self, second: float) -> list[Shape]:
        """The leads waiting for a rep at video ``second``: stacks and counts, in the scene's units."""
        return self._queue_shapes(second)

    def _queue_shapes(self, second: float) -> list[Shape]:
        shapes: list[Shape] = []
        dx, dy = self.offset
        r = self.stack_r
        step = r * 2.6
        every = self.timeline.every
        for nid, channels in self.queues_at(second).items():
            node = self._nodes[nid]
            x0 = float(node.position[0]) + dx + 8 + r
            y0 = float(node.position[1]) + dy - 6 - r
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
            w = self._counter_w[nid]
            cx = float(node.position[0]) + dx + CARD_W / 2
            y = float(node.position[1]) + dy + CARD_H + 6
            # Red as the still's badge is: only leakage well above what the node is set to lose.
            expected = self.final_stats[nid].expected_leak if nid in self.final_stats else 0.0
            color = theme.alert if n_out and leak_alarm(NodeStats(n_in, n_out, expected_leak=expected)) else theme.muted
            shapes.append(Rect(cx - w / 2, y, w, 18, 9, fill=theme.label_background, stroke=color, width=1))
            shapes.append(Text(cx, y + 13, _counter_text(n_in, n_out), LABEL_SIZE, color, anchor="middle"))
        return shapes


def _counter_text(n_in: int, n_out: int) -> str:
    return f"{n_in:,} in" + (f" · {n_out:,} leaked" if n_out else "")

"""A still made for a slide: the flow fitted into a fixed frame under its title band, with
a run's badges when there is a run. Also the first and last frame an animation will show,
for previews, without simulating anything."""

from __future__ import annotations

from typing import Any

from flowsim.model.flow import Flow
from flowsim.render import frames
from flowsim.render.overlay import run_overlay
from flowsim.render.scene import Scene, build_scene
from flowsim.render.shapes import moved
from flowsim.render.slide import SlideFrame, fit_flow
from flowsim.render.theme import LIGHT, Theme

__all__ = ["slide_scene", "preview_scenes"]


def _flow_shapes(frame: SlideFrame, theme: Theme, stats=None, volumes=None) -> list:
    sc = build_scene(frame.flow, theme, stats=stats, volumes=volumes, title=False, wrapped=frame.wrapped)
    s = frame.scale
    ox, oy = frame.offset
    return [moved(shape, ox - sc.offset[0] * s, oy - sc.offset[1] * s, s) for shape in sc.shapes]


def slide_scene(flow: Flow, size: tuple[int, int], theme: Theme = LIGHT, *, results: Any = None,
                badges: bool = True, transparent: bool = False) -> Scene:
    """``flow`` in a ``size`` frame (pixels) under its title band. With ``results`` and
    ``badges``: every card's badge (volume, leakage), edges as wide as their traffic and
    the bottleneck outlined, and a caption saying what the numbers are."""
    frame = fit_flow(flow, size, theme, footer=False)
    stats = volumes = None
    caption: list[str] = []
    if results is not None and badges:
        stats, volumes = run_overlay(results, frame.flow)
        caption = frames.run_caption(results, track=False)
    shapes = frames.title_band(frame, frame.flow, theme, caption) + _flow_shapes(frame, theme, stats, volumes)
    w, h = frame.size
    return Scene(w, h, None if transparent else theme.background, tuple(shapes))


def preview_scenes(flow: Flow, size: tuple[int, int], theme: Theme = LIGHT, results: Any = None) -> tuple[Scene, Scene]:
    """What an animation of ``flow`` in a ``size`` frame starts and ends with (before the
    end card): the plain flow with the legend and an empty track, and the flow with the
    run's badges (those of ``results`` if given; else the plain flow) and a full track."""
    frame = fit_flow(flow, size, theme)
    w, h = frame.size
    head = frames.title_band(frame, frame.flow, theme, frames.run_caption(results) if results is not None else ())
    items = [(None, "stream width = visits a day"), (None, "1 dot = 1 lead")]
    days = float(flow.setting("days"))
    warm = float(flow.setting("warmup_days") or 0) / days if days else 0.0
    first = (head + _flow_shapes(frame, theme) + frames.legend(frame, theme, items, "Totals after 90 days")
             + frames.track(frame, theme, 0.0, warm) + frames.clock(frame, theme, f"Day 1 of {days:g}")
             + frames.gutter(frame, theme, 0))
    stats = volumes = None
    if results is not None:
        stats, volumes = run_overlay(results, frame.flow)
    last = (head + _flow_shapes(frame, theme, stats, volumes)
            + frames.legend(frame, theme, items, "Totals after 90 days") + frames.track(frame, theme, 1.0, warm)
            + frames.clock(frame, theme, f"Totals after {days:g} days") + frames.gutter(frame, theme, None))
    return Scene(w, h, theme.background, tuple(first)), Scene(w, h, theme.background, tuple(last))

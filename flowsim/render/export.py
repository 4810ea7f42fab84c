"""Export a flow: a still (SVG, PNG), its simulated leads flowing (GIF, MP4), or a deck (PPTX).

One entry point, :func:`export_flow`, for the command line and the app. Options are
checked before any work starts; every refusal is an :class:`~flowsim.errors.ExportError`
that names the option. The file appears whole or not at all: it is written beside the
target under a temporary name and renamed at the end; on failure or cancel the temporary
file is removed and an existing target is left as it was.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from flowsim.errors import ExportError
from flowsim.model.flow import Flow
from flowsim.render.visible import visible_part

__all__ = ["export_flow", "ExportOptions", "check_options", "check_target", "FORMATS", "DEFAULT_FPS"]

FORMATS = (".svg", ".png", ".gif", ".mp4", ".pptx")
#: Formats that simulate a run and animate it (a deck holds the animation).
ANIMATED = (".gif", ".mp4", ".pptx")
DEFAULT_FPS = {".gif": 15, ".mp4": 30, ".pptx": 30}
MIN_WIDTH, MAX_WIDTH = 16, 8192
#: GIF frame delays are whole hundredths of a second and browsers slow anything under
#: 2/100 s, so a GIF stops at 50 fps.
MAX_FPS = {".gif": 50, ".mp4": 60, ".pptx": 60}
MAX_DURATION = 600.0
#: The tallest picture made (cairo draws at most 32,767 pixels a side).
MAX_HEIGHT = 16384
#: Pixels a video frame may have (8K: 8192 × 4320).
MAX_VIDEO_PIXELS = 8192 * 4320


@dataclass(frozen=True)
class ExportOptions:
    """Checked options of one export; ``None`` means the format's default."""

    suffix: str
    width: int | None
    fps: float | None
    duration: float | None
    days: float | None
    seed: int | None
    theme: str
    transparent: bool
    #: The frame in pixels (a preset's or ``size``); None: a still at the flow's own shape.
    size: tuple[int, int] | None = None
    badges: bool = True

    @property
    def animated(self) -> bool:
        return self.suffix in ANIMATED


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_options(
    out: str | os.PathLike[str], *, width: Any = None, fps: Any = None, duration: Any = None,
    days: Any = None, seed: Any = None, theme: Any = "light", transparent: Any = False,
    preset: Any = None, size: Any = None, badges: Any = True,
) -> ExportOptions:
    """The options for writing ``out``, checked; ExportError naming the first bad one.

    Animations and decks are slide frames: ``size`` (``"WxH"`` or a pair), else ``preset``
    (``slide-16x9`` by default) at the format's height (MP4 1080, GIF 720), else
    ``width`` wide at 16:9. Stills take a frame only when ``preset`` or ``size`` asks."""
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        got = f"{suffix!r}" if suffix else "no extension"
        raise ExportError(f"cannot export to {os.fspath(out)!r} ({got}): the file name must end in "
                          f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}")
    animated = suffix in ANIMATED
    frame = _frame_of(suffix, preset, size, width)
    if not isinstance(badges, bool):
        raise ExportError(f"badges must be true or false, got {badges!r}")
    if width is not None:
        if not _number(width) or width != int(width) or not MIN_WIDTH <= width <= MAX_WIDTH:
            raise ExportError(f"width must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}, got {width!r}")
        width = int(width)
        if suffix == ".mp4" and width % 2:
            raise ExportError(f"width must be even for an MP4 (H.264 in yuv420p needs even sizes), "
                              f"got {width}; try {width - 1} or {width + 1}")
    if theme not in ("light", "dark"):
        raise ExportError(f"theme must be light or dark, got {theme!r}")
    if not isinstance(transparent, bool):
        raise ExportError(f"transparent must be true or false, got {transparent!r}")
    still_only = [name for name, value in (("fps", fps), ("duration", duration), ("days", days), ("seed", seed))
                  if value is not None]
    if not animated:
        if still_only:
            raise ExportError(f"{', '.join(still_only)} appl{'y' if len(still_only) > 1 else 'ies'} to "
                              f"animations (.gif, .mp4) only, not to a {suffix} still")
        return ExportOptions(suffix, width, None, None, None, None, theme, transparent, frame, badges)
    if transparent:
        raise ExportError(f"transparent applies to stills (.svg, .png) only; {suffix} frames are opaque")
    top = MAX_FPS[suffix]
    if fps is not None and (not _number(fps) or not 0 < fps <= top):
        raise ExportError(f"fps must be a number above 0 and at most {top} for {suffix}, got {fps!r}")
    if duration is not None and (not _number(duration) or not 0 < duration <= MAX_DURATION):
        raise ExportError(f"duration must be a number of seconds above 0 and at most {MAX_DURATION:g}, "
                          f"got {duration!r}")
    if fps is not None and duration is not None and round(fps * duration) < 1:
        raise ExportError(f"a {duration:g}-second video at {fps:g} fps has no frames; make it longer")
    if days is not None and (not _number(days) or days <= 0):
        raise ExportError(f"days must be a number of days above 0, got {days!r}")
    if seed is not None and (not _number(seed) or seed != int(seed) or seed < 0):
        raise ExportError(f"seed must be a whole number ≥ 0, got {seed!r}")
    if suffix in (".mp4", ".pptx") and (frame[0] % 2 or frame[1] % 2):
        raise ExportError(f"size must be even on both sides for an MP4 (H.264 in yuv420p), got {frame[0]}x{frame[1]}")
    return ExportOptions(suffix, width, None if fps is None else float(fps),
                         None if duration is None else float(duration), None if days is None else float(days),
                         None if seed is None else int(seed), theme, False, frame, badges)


def _frame_of(suffix: str, preset: Any, size: Any, width: Any) -> tuple[int, int] | None:
    """The frame an export draws into, from ``size``, ``preset`` or ``width``."""
    from flowsim.render.slide import DEFAULT_PRESET, parse_size, preset_size

    if size is not None and preset is not None:
        raise ExportError("give either a preset or a size, not both")
    if size is not None and width is not None:
        raise ExportError("give either a size or a width, not both")
    if size is not None:
        return tuple(size) if isinstance(size, (tuple, list)) else parse_size(size)  # type: ignore[return-value]
    if preset is not None:
        w, h = preset_size(preset, suffix)
        if width is not None and _number(width) and width > 0:
            return int(width), max(2, 2 * round(width * h / w / 2))
        return w, h
    if suffix not in ANIMATED:
        return None
    if width is not None and _number(width) and width > 0:
        w = int(width)
        return w, max(2, 2 * round(w * 9 / 32)) if suffix != ".gif" else max(1, round(w * 9 / 16))
    return preset_size(DEFAULT_PRESET, suffix)


def check_target(target: Path) -> None:
    """ExportError unless ``target`` can be written: a sound name in a folder that exists
    and takes files, or an existing device or FIFO (written in place, see
    :mod:`flowsim.io.output`)."""
    from flowsim.errors import FlowError
    from flowsim.io.output import check_output, is_special, is_stdout

    try:
        check_output(target)
    except FlowError as err:
        raise ExportError(err.message) from None
    if is_stdout(target) or is_special(target):
        return
    folder = target.parent
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    if not folder.exists():
        raise ExportError(f"cannot write {target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {target}: no permission to write in {folder}")
    if target.exists() and not os.access(target, os.W_OK):
        raise ExportError(f"cannot write {target}: the file is read-only")


def export_flow(
    flow: Flow | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    width: int | None = None,
    fps: float | None = None,
    duration: float | None = None,
    days: float | None = None,
    seed: int | None = None,
    theme: str = "light",
    transparent: bool = False,
    progress: Callable[[float], None] | None = None,
    cancel: Any = None,
    results: Any = None,
    hide: Sequence[str] = (),
    max_work: float | None = None,
    preset: str | None = None,
    size: str | tuple[int, int] | None = None,
    badges: bool = True,
    days_range: tuple[float, float] | None = None,
    frame: tuple[float, float, float, float] | None = None,
) -> Path:
    """Write ``flow`` (a Flow or a flow file) to ``out``; the format follows its extension.

    ``.svg``/``.png``: the diagram (with a run's badges and edge widths when ``results`` is
    given); ``width`` in pixels (default: the flow's own size), ``transparent`` background.
    ``.gif``/``.mp4``: one simulated run (``days``, ``seed``; the flow's settings by
    default, no warm-up) as moving leads: ``width`` (GIF 960, MP4 1280; the height follows
    the flow's shape, even for MP4), ``fps`` (GIF 15, MP4 30), ``duration`` in seconds
    (12 s for 90 days). ``results`` with a trace (its first replication) is animated
    instead of a new run; ``days`` and ``seed`` must then be left out.

    ``.pptx``: a deck (:mod:`flowsim.render.deck`) of a full run (the flow's replications
    unless ``results`` are given): title, diagram, the animation as a movie, the KPIs.

    ``preset`` (``slide-16x9``, ``slide-4x3``, ``square``) or ``size`` (``"1920x1080"``)
    gives the frame: animations and decks always have one (16:9, MP4 1920 × 1080, GIF
    1280 × 720 by default); a still gets a slide frame only when asked. ``badges=False``
    leaves a run's badges off a still.

    ``hide`` leaves nodes (by id) and edges (``from->to``) out of the picture; an
    animation still simulates the whole flow (see :func:`flowsim.render.visible.visible_part`).

    An animation may show part of the run and part of the flow, as the window's playback
    does: ``days_range`` (first, last day) plays those days at the default pace (the
    ``duration`` by default is theirs), and ``frame`` (x, y, width, height in canvas
    coordinates: a view) is fitted into the picture instead of the whole flow.

    ``progress(fraction)`` is called as the work advances; ``cancel.is_set()`` stops it,
    raising :class:`flowsim.sim.Cancelled` and leaving no file. Returns the path written.
    Raises ExportError for bad options or an unwritable path, before doing any work, and
    SimulationError when the run and the video together are estimated above ``max_work``
    steps (see :mod:`flowsim.sim.work`).
    """
    options = check_options(out, width=width, fps=fps, duration=duration, days=days, seed=seed,
                            theme=theme, transparent=transparent, preset=preset, size=size, badges=badges)
    _check_part(options, days_range, frame)
    target = Path(out)
    check_target(target)
    if not isinstance(flow, Flow):
        from flowsim.io import load_flow

        flow = load_flow(flow)
    shown = visible_part(flow, hide)
    report = _Progress(progress)
    if options.suffix == ".pptx":
        _check_export_work(shown, flow, options, results, max_work)
        _export_deck(flow, target, options, results, report, cancel, shown, max_work)
    elif options.animated:
        _export_animation(flow, target, options, results, report, cancel, shown, max_work, days_range, frame)
    else:
        _export_still(shown, target, options, results)
    report(1.0)
    return target


class _Progress:
    """Reports fractions that only rise, each part of the work mapped into its share."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        if self.callback is not None and fraction > self.last:
            self.last = min(1.0, fraction)
            self.callback(self.last)

    def part(self, start: float, end: float) -> Callable[[float], None]:
        return lambda f: self(start + (end - start) * f)


def _height(scene: Any, width: int) -> int:
    return round(scene.height * width / scene.width)


def _export_still(flow: Flow, target: Path, options: ExportOptions, results: Any) -> None:
    from flowsim.render.overlay import run_overlay
    from flowsim.render.scene import build_scene
    from flowsim.render.theme import theme_named

    if options.size is not None:
        from flowsim.render.still import slide_scene

        scene = slide_scene(flow, options.size, theme_named(options.theme), results=results,
                            badges=options.badges, transparent=options.transparent)
        _write_still(scene, target, options, flow, options.size[0])
        return
    stats = volumes = None
    if results is not None and options.badges:
        stats, volumes = run_overlay(results, flow)
    scene = build_scene(flow, theme_named(options.theme), stats=stats, volumes=volumes,
                        transparent=options.transparent)
    _write_still(scene, target, options, flow, options.width or round(scene.width))


def _write_still(scene: Any, target: Path, options: ExportOptions, flow: Flow, width: int) -> None:
    from flowsim.io.output import write_output

    height = _height(scene, width)
    if height > MAX_HEIGHT:
        raise ExportError(f"at width {width} the picture would be {height} pixels tall (at most {MAX_HEIGHT}); "
                          "choose a smaller width")
    if options.suffix == ".svg":
        from flowsim.render.svg import scene_to_svg

        data = scene_to_svg(scene, title=flow.name, width=width if options.size else options.width).encode("utf-8")
    else:
        from flowsim.render.raster import scene_to_png

        data = scene_to_png(scene, width)
    try:
        write_output(target, data)
    except OSError as err:
        raise ExportError(f"cannot write {target}: {err.strerror or err}") from None


def _check_part(options: ExportOptions, days_range: Any, frame: Any) -> None:
    """ExportError unless ``days_range`` and ``frame`` are absent or usable."""
    for name, value, size in (("days_range", days_range, 2), ("frame", frame, 4)):
        if value is None:
            continue
        if not options.animated:
            raise ExportError(f"{name} applies to animations (.gif, .mp4) only, not to a {options.suffix} file")
        if not isinstance(value, (tuple, list)) or len(value) != size or not all(_number(v) for v in value):
            raise ExportError(f"{name} must be {size} numbers, got {value!r}")
    if frame is not None and not (frame[2] > 0 and frame[3] > 0):
        raise ExportError(f"frame must have a width and height above 0, got {frame[2]:g} × {frame[3]:g}")
    if days_range is not None and not 0 <= days_range[0] < days_range[1]:
        raise ExportError(f"days_range must go from a day ≥ 0 to a later day, got {days_range[0]:g} to {days_range[1]:g}")


def _export_animation(flow: Flow, target: Path, options: ExportOptions, results: Any,
                      report: _Progress, cancel: Any, shown: Flow | None = None,
                      max_work: float | None = None, days_range: Any = None, frame: Any = None) -> None:
    from flowsim.render.animate import (
        FRAME_PIXEL_FORMAT, Animation, default_duration, end_seconds, hold_seconds, run_for_animation,
    )
    from flowsim.render.encode import RawVideo, encode_gif, encode_mp4, ffmpeg_exe
    from flowsim.render.theme import theme_named
    from flowsim.sim import Cancelled

    ffmpeg_exe()  # refuse before simulating when there is no ffmpeg
    _check_export_work(flow if shown is None else shown, flow, options, results, max_work)
    suffix = options.suffix
    if results is not None and results.trace is not None and (options.days is not None or options.seed is not None):
        raise ExportError("days and seed choose a new run; leave them out to animate the results given")
    # The temporary file first: a folder we may not write into is refused before any work.
    with _temporary_beside(target) as tmp:
        if results is None or results.trace is None:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            results = run_for_animation(flow, days=options.days, seed=options.seed,
                                        progress=report.part(0.0, 0.15), cancel=cancel, max_work=max_work)
        days = float(results.config.days)
        duration = options.duration or default_duration(days)
        if days_range is not None:
            if days_range[1] > days:
                raise ExportError(f"days_range ends on day {days_range[1]:g}, after the run's {days:g} days")
            if options.duration is None:  # the default pace: the days as long as a whole run plays them
                run = duration - hold_seconds(duration) - end_seconds(duration)
                duration = run * (days_range[1] - days_range[0]) / days
        fps = options.fps or DEFAULT_FPS[suffix]
        if round(fps * duration) < 1:
            raise ExportError(f"a {duration:g}-second video at {fps:g} fps has no frames; make it longer")
        anim = Animation(shown if shown is not None else flow, results, size=options.size, fps=fps,
                         duration=duration, theme=theme_named(options.theme),
                         replications=int(flow.setting("replications")),
                         view=None if frame is None else tuple(float(v) for v in frame),
                         days_range=None if days_range is None else (float(days_range[0]), float(days_range[1])))
        w, h = anim.size
        if h > MAX_HEIGHT or w * h > MAX_VIDEO_PIXELS:
            raise ExportError(f"at width {w} the video would be {w}×{h} pixels, more than a video may have; "
                              "choose a smaller width")
        video = RawVideo(anim.size, fps, anim.frame_count, lambda i: anim.draw(i).get_data(), FRAME_PIXEL_FORMAT)
        encode = encode_mp4 if suffix == ".mp4" else encode_gif
        encode(video, tmp, progress=report.part(0.15, 1.0), cancel=cancel)
        _finish(tmp, target)


def _check_export_work(shown: Flow, flow: Flow, options: ExportOptions, results: Any,
                       max_work: float | None) -> None:
    """Refuse, before any work, an animation whose run and frames are estimated above
    ``max_work`` steps: the run's own estimate plus the pixels of every frame."""
    from dataclasses import replace

    from flowsim.render.animrun import MAX_EVENTS, default_duration
    from flowsim.render.scene import build_scene
    from flowsim.render.theme import theme_named
    from flowsim.sim import SimConfig
    from flowsim.sim.work import Work, check_work, estimate_work

    if results is not None and results.trace is not None:
        days = float(results.config.days)
        work = Work(arrivals=0.0, visits=0.0, touches=0.0, days=days, replications=0)
    else:
        config = SimConfig(days=options.days, seed=options.seed, replications=1, jobs=1, warmup_days=0)
        work = estimate_work(flow, config)
        days = work.days
    fps = options.fps or DEFAULT_FPS[options.suffix]
    frames = max(1, round(fps * (options.duration or default_duration(days))))
    if options.size is not None:
        width, height = options.size
    else:
        width = options.width or DEFAULT_WIDTH[options.suffix]
        scene = build_scene(shown, theme_named(options.theme))
        # The frame adds a footer and the totals to the flow's own shape: a third more at most.
        height = min(MAX_HEIGHT, round(width * scene.height / max(scene.width, 1.0) * 4 / 3) + 1)
    check_work(replace(work, events=float(MAX_EVENTS), pixels=float(width * height * frames)),
               max_work, what="export")


def _export_deck(flow: Flow, target: Path, options: ExportOptions, results: Any,
                 report: _Progress, cancel: Any, shown: Flow | None = None, max_work: float | None = None) -> None:
    from flowsim.io.output import write_output
    from flowsim.render.animate import default_duration, run_for_animation
    from flowsim.render.deck import build_deck
    from flowsim.render.encode import ffmpeg_exe
    from flowsim.render.theme import theme_named

    ffmpeg_exe()
    if results is not None and results.trace is not None and (options.days is not None or options.seed is not None):
        raise ExportError("days and seed choose a new run; leave them out to use the results given")
    if results is None or results.trace is None:
        from flowsim.sim import Cancelled

        if cancel is not None and cancel.is_set():
            raise Cancelled()
        results = run_for_animation(flow, days=options.days, seed=options.seed, replications=None,
                                    progress=report.part(0.0, 0.3), cancel=cancel, max_work=max_work)
    duration = options.duration or default_duration(float(results.config.days))
    data = build_deck(shown if shown is not None else flow, results, theme=theme_named(options.theme),
                      size=options.size, fps=options.fps or DEFAULT_FPS[".pptx"], duration=duration,
                      progress=report.part(0.3, 1.0), cancel=cancel)
    try:
        write_output(target, data)  # atomic for a file; standard output and devices as they are
    except OSError as err:
        raise ExportError(f"cannot write {target}: {err.strerror or err}") from None


@contextlib.contextmanager
def _temporary_beside(target: Path):
    """A fresh temporary path in ``target``'s folder (for standard output or a device,
    the system's temporary folder), removed unless renamed into place."""
    from flowsim.io.atomic import temporary_beside
    from flowsim.io.output import is_special, is_stdout

    if is_stdout(target) or is_special(target):
        with tempfile.TemporaryDirectory(prefix="flowsim-") as folder:
            yield os.path.join(folder, "out" + target.suffix)
        return
    try:
        beside = temporary_beside(target)
        name = beside.__enter__()
    except OSError as err:
        raise ExportError(f"cannot write {target}: {err.strerror or err}") from None
    try:
        yield name
    finally:
        beside.__exit__(None, None, None)


def _finish(tmp: str, target: Path) -> None:
    """Give ``tmp`` the permissions a new file (or the old target) has and rename it;
    standard output or a device gets a copy of its bytes instead."""
    from flowsim.io.atomic import move_into_place
    from flowsim.io.output import is_special, is_stdout, write_output

    try:
        if is_stdout(target) or is_special(target):
            with open(tmp, "rb") as handle:
                write_output(target, handle.read())
        else:
            move_into_place(tmp, target)
    except OSError as err:
        raise ExportError(f"cannot write {target}: {err.strerror or err}") from None

"""``flowsim export FILE -o OUT.{svg,png,gif,mp4,pptx}``: the command line of :func:`export_flow`.

Kept light: nothing heavy is imported until the command runs, so ``flowsim --help`` and
``flowsim validate`` stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TextIO

__all__ = ["add_arguments", "run", "ProgressBar"]


def _number(text: str) -> float | int:
    """A number as typed; range and wholeness are checked (and worded) by the export."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    return int(value) if value.is_integer() else value


def _max_work(text: str) -> float:
    from flowsim.sim.work import parse_max_work

    try:
        return parse_max_work(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The export command's arguments."""
    parser.add_argument("file", metavar="FILE", help="the .flow.yaml file")
    parser.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the file to write: .svg or .png (the diagram), .gif or .mp4 (the leads flowing), "
                             ".pptx (a deck: title, diagram, the animation, the KPIs)")
    parser.add_argument("--width", type=_number, metavar="W",
                        help="width in pixels, 16–8192 (default: the flow's own size; GIF 1280; MP4 1920); "
                             "a still's height follows the flow's shape, a video's the preset's")
    parser.add_argument("--preset", choices=("slide-16x9", "slide-4x3", "square"),
                        help="a slide frame: 16:9 (the default for videos and decks: MP4 1920×1080, GIF 1280×720), "
                             "4:3 or square; stills get a frame only when asked")
    parser.add_argument("--size", metavar="WxH", help="any other frame size in pixels, such as 1600x900")
    parser.add_argument("--no-badges", dest="badges", action="store_false",
                        help="leave a run's badges off a still")
    parser.add_argument("--fps", type=_number, metavar="F", help="frames a second (GIF 15, MP4 30)")
    parser.add_argument("--duration", type=_number, metavar="SEC",
                        help="length of the video in seconds (default: 12 s for 90 days; at most 600)")
    parser.add_argument("--days", type=_number, metavar="D", help="days to simulate (default: the flow's setting)")
    parser.add_argument("--seed", type=_number, metavar="S", help="random seed (default: the flow's setting)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (default: light)")
    parser.add_argument("--transparent", action="store_true",
                        help="no background (SVG and PNG only)")
    parser.add_argument("--format", choices=("svg", "png", "gif", "mp4", "pptx"), metavar="FORMAT",
                        help="svg, png, gif, mp4 or pptx, for an OUT whose name does not say it (such as - for "
                             "standard output)")
    parser.add_argument("--max-work", type=_max_work, metavar="STEPS", dest="max_work",
                        help="run an export estimated above the usual limit of work (see 'flowsim validate')")
    parser.add_argument("--hide", action="append", default=[], metavar="ID[,ID…]",
                        help="leave nodes (by id) or edges (from->to) out of the picture; may repeat")


class ProgressBar:
    """A one-line bar on ``stream``, redrawn at most every 0.1 s; silent unless it is a TTY."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = label
        self.width = width
        self.shown = -1.0
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if fraction < 1.0 and now - self.last < 0.1:
            return
        self.last = now
        filled = round(fraction * self.width)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%}")
        self.stream.flush()
        self.shown = fraction

    def close(self) -> None:
        if self.enabled and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _size(nbytes: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if nbytes < 1024 or unit == "MB":
            return f"{nbytes:,.0f} {unit}" if unit == "bytes" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1024
    return ""  # pragma: no cover


def run(args: argparse.Namespace) -> int:
    """Export as ``args`` say; FlowError (ExportError, SimulationError…) for bad input."""
    from flowsim.errors import FlowError
    from flowsim.io import load_flow
    from pathlib import Path

    from flowsim.render.export import check_options, check_target, export_flow

    from flowsim.errors import ExportError
    from flowsim.io.output import is_special, is_stdout, write_output

    options = dict(width=args.width, fps=args.fps, duration=args.duration, days=args.days,
                   seed=args.seed, theme=args.theme, transparent=args.transparent,
                   preset=args.preset, size=args.size, badges=args.badges)
    fmt = getattr(args, "format", None)
    if fmt is None and is_stdout(args.output):
        raise ExportError("name the format of standard output with --format svg, png, gif, mp4 or pptx")
    # With --format the picture is made under a name that says it, then written to OUT.
    named = f"out.{fmt}" if fmt else args.output
    check_options(named, **options)  # refuse bad options before reading the flow
    check_target(Path(args.output))
    try:
        flow = load_flow(args.file)
    except FlowError as err:
        raise err.with_file(err.file or args.file) from None
    bar = ProgressBar(f"exporting {os.path.basename(args.output)}")
    hide = [name for group in args.hide for name in group.split(",")]
    try:
        max_work = getattr(args, "max_work", None)
        if fmt is None:
            path = export_flow(flow, args.output, progress=bar, hide=hide, max_work=max_work, **options)
        else:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="flowsim-") as folder:
                made = export_flow(flow, Path(folder) / named, progress=bar, hide=hide, max_work=max_work, **options)
                try:
                    write_output(args.output, made.read_bytes())
                except OSError as err:
                    raise ExportError(f"cannot write {args.output}: {err.strerror or err}") from None
            path = Path(args.output)
    finally:
        bar.close()
    if is_stdout(args.output):
        return 0  # standard output holds the picture: nothing else goes there
    from flowsim.safetext import for_terminal

    # A device or FIFO has no size worth telling.
    print(for_terminal(f"wrote {path}" if is_special(path) else f"wrote {path} ({_size(path.stat().st_size)})"))
    return 0

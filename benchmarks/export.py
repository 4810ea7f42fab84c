"""Export speed on the default template: stills, and seconds of work per second of video.

Prints figures; never passes or fails. Targets: a still SVG or PNG in < 0.3 s (issue 6);
an animated export (simulation, drawing and encoding together) in the default slide frame
at ≤ 0.6 s of wall time per second of video for MP4 1920 × 1080 at 30 fps and ≤ 0.4 s for
GIF 1280 × 720 at 15 fps (issue 12). Beside each, drawing the frames alone and drawing
while ffmpeg encodes (the rest of the whole is the simulation and the layout). Then a whole
deck (.pptx), for scale. On a busy machine wall time swings: read it beside the load
average printed with it, and beside the CPU time (this process and ffmpeg), which the
load does not inflate much: on two idle cores the wall time is about half of it or more.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import best_of  # noqa: E402
from flowsim.io import load_flow  # noqa: E402
from flowsim.render.animate import FRAME_PIXEL_FORMAT, Animation, run_for_animation  # noqa: E402
from flowsim.render.encode import RawVideo, encode_gif, encode_mp4  # noqa: E402
from flowsim.render.export import export_flow  # noqa: E402
from flowsim.resources import template_path  # noqa: E402

DURATION = 12.0  # the default for the template's 90 days
#: (format, frame, fps, encoder, target seconds per second of video).
CASES = [
    ("mp4", (1920, 1080), 30, encode_mp4, 0.6),
    ("gif", (1280, 720), 15, encode_gif, 0.4),
]


def clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children (ffmpeg)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    flow = load_flow(template_path("lead-flow"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print("stills of the default template (export_flow, best of 5):")
        for suffix in ("svg", "png"):
            seconds = best_of(lambda: export_flow(flow, tmp / f"still.{suffix}"))
            print(f"  {suffix.upper()}  {seconds * 1000:7.1f} ms (target < 300 ms)")

        print(f"animations of the default template, {DURATION:g} s of video:")
        sim = clock(lambda: run_for_animation(flow))
        results = run_for_animation(flow)
        print(f"  simulation with trace (one run, 90 days): {sim:.2f} s "
              f"({len(results.trace.events):,} events, one arrival in {results.trace.every} traced)")
        for suffix, size, fps, encode, target in CASES:
            measure(flow, results, tmp / f"anim.{suffix}", size, fps, encode, target)
        deck = clock(lambda: export_flow(flow, tmp / "deck.pptx"))
        print(f"  PPTX deck (all {flow.setting('replications')} replications, diagram, 1080p movie, KPIs): "
              f"{deck:.1f} s, {(tmp / 'deck.pptx').stat().st_size / 2**20:.1f} MB")


def measure(flow, results, out: Path, size: tuple[int, int], fps: int, encode, target: float) -> None:
    suffix = out.suffix[1:]
    cpu = cpu_seconds()
    whole = clock(lambda: export_flow(flow, out, size=size, fps=fps, duration=DURATION))
    cpu = cpu_seconds() - cpu
    setup = clock(lambda: Animation(flow, results, size=size, fps=fps, duration=DURATION))
    anim = Animation(flow, results, size=size, fps=fps, duration=DURATION)
    w, h = anim.size
    draw = clock(lambda: [anim.draw(i) for i in range(anim.frame_count)])
    live = RawVideo(anim.size, fps, anim.frame_count, lambda i: anim.draw(i).get_data(), FRAME_PIXEL_FORMAT)
    piped = clock(lambda: encode(live, out))
    print(f"  {suffix.upper()} {w}×{h} @ {fps} fps, {anim.frame_count} frames, "
          f"{out.stat().st_size / 1024:,.0f} KB; seconds per second of video:")
    print(f"    whole export (simulate, lay out, draw, encode): {whole / DURATION:.3f} (target ≤ {target}: "
          f"{whole / DURATION / target:.2f} of it; load average {os.getloadavg()[0]:.1f})")
    print(f"    CPU time of the whole export:                   {cpu / DURATION:.3f} "
          f"(two idle cores: wall ≈ {cpu / DURATION / 2:.2f} or more)")
    print(f"    drawing and encoding at once:                    {piped / DURATION:.3f}")
    print(f"    drawing alone: {draw / DURATION:.3f} ({draw / anim.frame_count * 1000:.2f} ms a frame); "
          f"layout {setup:.2f} s; 1 dot = {anim.per_dot} leads")


if __name__ == "__main__":
    main()

"""Export speed on the default template: stills, and seconds of work per second of video.

Prints figures; never passes or fails. Targets (issue 6): a still SVG or PNG in < 0.3 s;
an animated export (simulation, drawing and encoding together) at ≤ 0.5 s of wall time
per second of video for MP4 at 1280 wide, 30 fps, and GIF at 640 wide, 15 fps. Beside each,
the same frames drawn beforehand and piped to ffmpeg alone: the floor set by the encoder.
The height follows the flow's shape (the default template is about 3.3 : 1).
"""

from __future__ import annotations

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
#: (format, width, fps, encoder, what it stands for). The template is wide, so a 1280-wide
#: frame has fewer pixels than 1280×720; the second row of each has as many as the target.
CASES = [
    ("mp4", 1280, 30, encode_mp4, "the default"),
    ("mp4", 1656, 30, encode_mp4, "the pixels of 1280×720"),
    ("gif", 640, 15, encode_gif, "the default"),
    ("gif", 828, 15, encode_gif, "the pixels of 640×360"),
]


def clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


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
        for suffix, width, fps, encode, asked in CASES:
            measure(flow, results, tmp / f"anim.{suffix}", width, fps, encode, asked)


def measure(flow, results, out: Path, width: int, fps: int, encode, asked: str) -> None:
    suffix = out.suffix[1:]
    even = suffix == "mp4"
    whole = clock(lambda: export_flow(flow, out, width=width, fps=fps, duration=DURATION))
    setup = clock(lambda: Animation(flow, results, width=width, fps=fps, duration=DURATION, even=even))
    anim = Animation(flow, results, width=width, fps=fps, duration=DURATION, even=even)
    w, h = anim.size
    frames: list[bytes] = []
    draw = clock(lambda: frames.extend(bytes(anim.draw(i).get_data()) for i in range(anim.frame_count)))
    video = RawVideo(anim.size, fps, anim.frame_count, frames.__getitem__, FRAME_PIXEL_FORMAT)
    raw = clock(lambda: encode(video, out))
    frames.clear()
    live = RawVideo(anim.size, fps, anim.frame_count, lambda i: anim.draw(i).get_data(), FRAME_PIXEL_FORMAT)
    piped = clock(lambda: encode(live, out))
    print(f"  {suffix.upper()} {w}×{h} @ {fps} fps ({asked}), {anim.frame_count} frames, "
          f"{out.stat().st_size / 1024:,.0f} KB; seconds per second of video:")
    print(f"    whole export (simulate, lay out, draw, encode): {whole / DURATION:.3f} (target ≤ 0.5)")
    print(f"    drawing and encoding at once:                    {piped / DURATION:.3f}")
    print(f"    ffmpeg alone on the same frames, drawn before:    {raw / DURATION:.3f}")
    print(f"    drawing alone: {draw / DURATION:.3f} ({draw / anim.frame_count * 1000:.2f} ms a frame); "
          f"layout {setup:.2f} s; 1 dot = {anim.per_dot} arrivals")


if __name__ == "__main__":
    main()

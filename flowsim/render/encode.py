"""Raw frames piped to ffmpeg (the binary imageio-ffmpeg ships): MP4 (H.264) and GIF.

No intermediate files: frames go through ffmpeg's stdin as they are drawn. ffmpeg writes
straight to the path it is given (the caller passes a temporary one and renames it).
Cancel (anything with ``is_set()``) stops within a frame: ffmpeg is killed and waited for,
so no process is left behind, and :class:`~flowsim.sim.Cancelled` is raised.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any, Callable

from flowsim.errors import ExportError

__all__ = ["RawVideo", "encode_mp4", "encode_gif", "ffmpeg_exe", "mp4_args", "gif_args", "pipe_frames"]

#: H.264 quality (lower is better; 18–23 looks clean on flat graphics) and speed preset.
CRF = 18
PRESET = "veryfast"
#: Frames sampled across the video to choose a GIF's 256 colours.
PALETTE_SAMPLES = 16


@dataclass(frozen=True)
class RawVideo:
    """Frames to encode: ``frame(i)`` gives frame ``i``'s bytes in ``pix_fmt`` (row after
    row, no padding) for ``i`` in ``range(count)``."""

    size: tuple[int, int]
    fps: float
    count: int
    frame: Callable[[int], Any]
    pix_fmt: str = "rgb24"


def ffmpeg_exe() -> str:
    """The ffmpeg binary; ExportError if imageio-ffmpeg has none for this platform."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as err:  # a missing binary raises RuntimeError, a broken install others
        raise ExportError(f"GIF and MP4 export need ffmpeg, which was not found: {err}") from None


def _input_args(video: RawVideo) -> list[str]:
    w, h = video.size
    return ["-f", "rawvideo", "-pix_fmt", video.pix_fmt, "-s", f"{w}x{h}",
            "-framerate", f"{video.fps:g}", "-i", "pipe:0"]


def mp4_args(video: RawVideo, out: str, *, crf: int = CRF, preset: str = PRESET) -> list[str]:
    """ffmpeg's arguments for an H.264 yuv420p MP4 that PowerPoint, Keynote and browsers play."""
    w, h = video.size
    if w % 2 or h % 2:
        raise ExportError(f"an MP4 needs an even width and height, got {w}×{h}")
    return [
        *_input_args(video), "-an",
        # BT.709, tagged, as players assume for HD; the default would shift the colours.
        "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
               "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv",
        "-c:v", "libx264", "-preset", preset, "-tune", "animation", "-crf", str(crf),
        "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-f", "mp4", out,
    ]


def gif_args(video: RawVideo, out: str, samples: int) -> list[str]:
    """ffmpeg's arguments for a looping GIF whose palette comes from the first ``samples``
    frames piped (a spread of the video), followed by the video's own frames."""
    graph = (
        f"[0:v]split[s][v];[s]trim=end_frame={samples},palettegen=max_colors=256:stats_mode=full[p];"
        f"[v]trim=start_frame={samples},setpts=PTS-STARTPTS[m];"
        # Flat colours: dithering only adds shimmer and bytes (measured: larger, no closer).
        "[m][p]paletteuse=dither=none:diff_mode=rectangle"
    )
    return [*_input_args(video), "-filter_complex", graph, "-loop", "0", "-f", "gif", out]


def encode_mp4(video: RawVideo, out: str | os.PathLike[str], *, progress=None, cancel=None,
               crf: int = CRF, preset: str = PRESET) -> None:
    """Write ``video`` to ``out`` as MP4 (H.264, yuv420p, +faststart), every frame kept."""
    pipe_frames(mp4_args(video, os.fspath(out), crf=crf, preset=preset), video,
                range(video.count), progress=progress, cancel=cancel)


def encode_gif(video: RawVideo, out: str | os.PathLike[str], *, progress=None, cancel=None,
               samples: int = PALETTE_SAMPLES) -> None:
    """Write ``video`` to ``out`` as a looping GIF with a palette made for its colours."""
    samples = max(1, min(samples, video.count))
    # Spread over the video, the last frame (the totals) included.
    picks = sorted({round(k * (video.count - 1) / max(1, samples - 1)) for k in range(samples)})
    pipe_frames(gif_args(video, os.fspath(out), len(picks)), video, [*picks, *range(video.count)],
                progress=progress, cancel=cancel)


def pipe_frames(args: list[str], video: RawVideo, order, *, progress: Callable[[float], None] | None = None,
                cancel: Any = None) -> None:
    """Run ffmpeg with ``args``, piping ``video``'s frames in ``order``; report the share
    written to ``progress``. ExportError (with ffmpeg's reason) if ffmpeg fails."""
    from flowsim.sim import Cancelled

    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", "-y", *args]
    order = list(order)
    total = len(order)
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty ffmpeg cannot block
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        except OSError as err:
            raise ExportError(f"cannot start ffmpeg: {err.strerror or err}") from None
        try:
            try:
                for k, i in enumerate(order):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled()
                    proc.stdin.write(video.frame(i))
                    if progress is not None and (k % 4 == 3 or k == total - 1):
                        progress((k + 1) / total)
                proc.stdin.close()
            except (BrokenPipeError, ConnectionResetError):  # ffmpeg stopped early: its log says why
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            while True:
                try:
                    status = proc.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled() from None
        except BaseException:
            _stop(proc)
            raise
        if status != 0:
            log.seek(0)
            raise ExportError(f"ffmpeg could not encode the video: {_reason(log.read(), status)}")


def _reason(log: bytes, status: int) -> str:
    """The cause ffmpeg gave (its first error) and what it made of it (its last)."""
    lines = [re.sub(r"^\[[^]]* @ 0x[0-9a-f]+\] ", "", ln.strip())
             for ln in log.decode("utf-8", "replace").splitlines() if ln.strip()]
    if not lines:
        return f"exit status {status}"
    return lines[0] if len(lines) == 1 else f"{lines[0]} ({lines[-1]})"


def _stop(proc: subprocess.Popen) -> None:
    """Kill ffmpeg and reap it, so neither a zombie nor an orphan stays behind."""
    if proc.poll() is None:
        proc.kill()
    with contextlib.suppress(OSError):  # a broken pipe: nothing left to flush
        proc.stdin.close()
    proc.wait()

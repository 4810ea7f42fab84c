"""Bad options, unwritable paths, ffmpeg failures and cancels: a clear ExportError (or
Cancelled), no file, no temporary file, an existing file untouched, no ffmpeg left running."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import flowsim.render.animate as animate
import flowsim.render.encode as encode
from flowsim.errors import ExportError, FlowError
from flowsim.render.export import export_flow
from flowsim.sim import Cancelled


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch):
    """Options are refused before any work: a simulation here is a bug."""
    def refuse(*args, **kwargs):
        raise AssertionError("simulated although the options are bad")

    monkeypatch.setattr(animate, "run_for_animation", refuse)


def refused(tmp_path: Path, flow, name: str, match: str, **options) -> ExportError:
    with pytest.raises(ExportError, match=match) as caught:
        export_flow(flow, tmp_path / name, **options)
    assert list(tmp_path.iterdir()) == []
    message = str(caught.value)
    assert "\n" not in message and isinstance(caught.value, FlowError)
    return caught.value


@pytest.mark.parametrize("name", ["flow.avi", "flow.jpeg", "flow", "flow.svg.txt"])
def test_an_unknown_extension_lists_the_supported_ones(tmp_path, valid_flow, name):
    error = refused(tmp_path, valid_flow, name, "must end in")
    assert all(ext in str(error) for ext in (".svg", ".png", ".gif", ".mp4"))


def test_the_extension_is_read_whatever_its_case(tmp_path, valid_flow, monkeypatch):
    assert export_flow(valid_flow, tmp_path / "Flow.SVG").read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("name, options, match", [
    ("a.mp4", {"fps": 0}, "fps"),
    ("a.gif", {"fps": -5}, "fps"),
    ("a.mp4", {"fps": 61}, "fps"),
    ("a.gif", {"fps": 55}, "fps"),
    ("a.mp4", {"fps": float("nan")}, "fps"),
    ("a.png", {"width": 100_000}, "width"),
    ("a.mp4", {"width": 100_000}, "width"),
    ("a.gif", {"width": 12.5}, "width"),
    ("a.svg", {"width": 0}, "width"),
    ("a.png", {"width": 15}, "width"),
    ("a.png", {"width": True}, "width"),
    ("a.mp4", {"width": 641}, "even"),
    ("a.gif", {"duration": 0}, "duration"),
    ("a.mp4", {"duration": -1}, "duration"),
    ("a.mp4", {"duration": 601}, "duration"),
    ("a.gif", {"fps": 1, "duration": 0.2}, "no frames"),
    ("a.mp4", {"days": 0}, "days"),
    ("a.mp4", {"seed": -1}, "seed"),
    ("a.gif", {"seed": 1.5}, "seed"),
    ("a.png", {"theme": "neon"}, "theme"),
    ("a.mp4", {"transparent": True}, "transparent"),
    ("a.png", {"fps": 30}, "fps applies to animations"),
    ("a.svg", {"days": 30, "seed": 1}, "days, seed apply to animations"),
])
def test_bad_options_are_refused_naming_the_option(tmp_path, valid_flow, name, options, match):
    refused(tmp_path, valid_flow, name, match, **options)


def test_an_unwritable_path_is_refused(tmp_path, valid_flow):
    with pytest.raises(ExportError, match="does not exist"):
        export_flow(valid_flow, tmp_path / "missing" / "flow.png")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        export_flow(valid_flow, tmp_path / "file" / "flow.gif")
    (tmp_path / "dir.mp4").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_flow(valid_flow, tmp_path / "dir.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.mp4", "file"]


@pytest.mark.parametrize("name", ["flow.png", "flow.gif"])
def test_a_folder_we_may_not_write_into_is_refused(tmp_path, valid_flow, monkeypatch, name):
    # Root writes anywhere, so the refusal the OS would give is simulated at its source.
    from flowsim.io import atomic

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic, "_open_temporary", denied)  # where saves make their temporary file
    monkeypatch.setattr(atomic, "_create_named", denied)
    with pytest.raises(ExportError, match="(?i)permission"):
        export_flow(valid_flow, tmp_path / name, **({"fps": 5, "duration": 1} if name.endswith("gif") else {}))
    assert list(tmp_path.iterdir()) == []


def test_a_failing_write_of_a_still_leaves_the_old_file(tmp_path, valid_flow, monkeypatch):
    target = tmp_path / "flow.png"
    target.write_bytes(b"old")

    def broken(fd, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(ExportError, match="No space left"):
        export_flow(valid_flow, target)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["flow.png"]


# --- while encoding -------------------------------------------------------------------


class CancelAfter:
    """Set after ``n`` looks (the encoder looks once a frame)."""

    def __init__(self, n: int, raising: type[BaseException] | None = None) -> None:
        self.n = n
        self.raising = raising

    def is_set(self) -> bool:
        self.n -= 1
        if self.n < 0 and self.raising is not None:
            raise self.raising()
        return self.n < 0


@pytest.fixture
def processes(monkeypatch):
    """Every ffmpeg process the encoder starts."""
    started: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        proc = real(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(encode.subprocess, "Popen", popen)
    return started


def children_named(name: str) -> list[str]:
    """Processes (zombies too) whose parent is this one and whose name is ``name``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        if ppid == os.getpid() and comm.startswith(name):
            found.append(text)
    return found


def assert_reaped(started: list[subprocess.Popen]) -> None:
    assert started, "ffmpeg never started"
    for proc in started:
        assert proc.returncode is not None  # waited for: no zombie
        if sys.platform.startswith("linux"):
            assert not Path(f"/proc/{proc.pid}").exists()
    if sys.platform.startswith("linux"):
        assert children_named("ffmpeg") == []


@pytest.mark.parametrize("suffix", ["mp4", "gif"])
def test_cancel_mid_encode_stops_ffmpeg_and_leaves_no_file(tmp_path, valid_flow, valid_run, processes, suffix):
    target = tmp_path / f"leads.{suffix}"
    target.write_bytes(b"old")
    with pytest.raises(Cancelled):
        export_flow(valid_flow, target, width=160, fps=10, duration=3, results=valid_run, cancel=CancelAfter(8))
    assert_reaped(processes)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_an_interrupt_mid_encode_cleans_up_as_well(tmp_path, valid_flow, valid_run, processes):
    with pytest.raises(KeyboardInterrupt):
        export_flow(valid_flow, tmp_path / "leads.mp4", width=160, fps=10, duration=3, results=valid_run,
                    cancel=CancelAfter(5, raising=KeyboardInterrupt))
    assert_reaped(processes)
    assert list(tmp_path.iterdir()) == []


def test_an_ffmpeg_failure_is_an_export_error_with_its_reason_and_no_file(tmp_path, valid_flow, valid_run,
                                                                          processes, monkeypatch):
    def bad_args(video, out, **kwargs):
        return ["-f", "rawvideo", "-pix_fmt", video.pix_fmt, "-s", "%dx%d" % video.size, "-i", "pipe:0",
                "-c:v", "no_such_codec", "-f", "mp4", out]

    monkeypatch.setattr(encode, "mp4_args", bad_args)
    with pytest.raises(ExportError, match="ffmpeg could not encode the video: .*no_such_codec"):
        export_flow(valid_flow, tmp_path / "leads.mp4", width=160, fps=10, duration=1, results=valid_run)
    assert_reaped(processes)
    assert list(tmp_path.iterdir()) == []


def test_cancel_before_the_run_leaves_no_file(tmp_path, valid_flow, monkeypatch):
    monkeypatch.setattr(animate, "run_for_animation", lambda *a, **k: (_ for _ in ()).throw(Cancelled()))
    with pytest.raises(Cancelled):
        export_flow(valid_flow, tmp_path / "leads.gif", cancel=CancelAfter(0))
    assert list(tmp_path.iterdir()) == []


def test_hiding_a_name_that_is_not_there_is_refused_with_a_suggestion(tmp_path, valid_flow):
    with pytest.raises(ExportError, match=r"no node has id 'sdr'.*did you mean 'sdrs'"):
        export_flow(valid_flow, tmp_path / "x.svg", hide=["sdr"])
    with pytest.raises(ExportError, match="no edge ads->won"):
        export_flow(valid_flow, tmp_path / "x.svg", hide=["ads->won"])
    assert list(tmp_path.iterdir()) == []

"""Output paths behave as in a Unix tool: standard output, devices, FIFOs and symlinks
are written where they are, regular files atomically; bad names are one clear line."""

import json
import os
import stat
import subprocess
import sys
import threading

import pytest

from flowsim.cli import main
from tests.flows import VALID

NAME_MAX = 255


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "small.flow.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def simulate_args(flow_file, out):
    return ["simulate", str(flow_file), "--days", "5", "--replications", "1", "--json", str(out)]


def node_type(path):
    return stat.S_IFMT(os.stat(path).st_mode)


def is_results(data: bytes) -> bool:
    return json.loads(data)["flowsim_results"] == 1


@pytest.mark.parametrize("out", ["-", "/dev/stdout"])
def test_results_go_to_standard_output_and_the_table_to_stderr(flow_file, tmp_path, out):
    # Standard output is a regular file here: it must be written through, not replaced.
    captured = tmp_path / "captured.txt"
    with open(captured, "wb") as stdout:
        inode = os.fstat(stdout.fileno()).st_ino
        done = subprocess.run([sys.executable, "-m", "flowsim", *simulate_args(flow_file, out)],
                              stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert is_results(captured.read_bytes())
    assert os.stat(captured).st_ino == inode
    assert "Funnel" in done.stderr and "Traceback" not in done.stderr


def test_a_fifo_is_written_in_place(flow_file, tmp_path):
    fifo = tmp_path / "results.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    assert main(simulate_args(flow_file, fifo)) == 0
    reader.join(timeout=30)
    assert is_results(got[0])
    assert node_type(fifo) == stat.S_IFIFO


def test_a_symlink_to_a_regular_file_keeps_the_link_and_replaces_the_file(flow_file, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(simulate_args(flow_file, link)) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert is_results(real.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json", "small.flow.yaml"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_and_a_symlink_to_it_stay_devices(flow_file, tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device
    link = tmp_path / "diagram.svg"
    link.symlink_to(device)
    assert main(simulate_args(flow_file, device)) == 0
    assert main(["export", str(flow_file), "-o", str(link)]) == 0
    assert node_type(device) == stat.S_IFCHR and link.is_symlink()
    assert os.stat(device).st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagram.svg", "null", "small.flow.yaml"]


def test_an_export_into_a_fifo_carries_the_same_bytes_as_a_file(flow_file, tmp_path):
    assert main(["export", str(flow_file), "-o", str(tmp_path / "file.png")]) == 0
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    assert main(["export", str(flow_file), "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert got[0] == (tmp_path / "file.png").read_bytes()
    assert node_type(fifo) == stat.S_IFIFO


def long_name(tmp_path, total, suffix):
    return str(tmp_path / ("n" * (total - len(suffix)) + suffix))


@pytest.mark.parametrize("command", ["simulate", "export", "new"])
def test_a_name_of_255_bytes_is_written(flow_file, tmp_path, command, capsys):
    out = long_name(tmp_path, NAME_MAX, {"simulate": ".json", "export": ".svg", "new": ".flow.yaml"}[command])
    args = {"simulate": simulate_args(flow_file, out), "export": ["export", str(flow_file), "-o", out],
            "new": ["new", "lead-flow", out]}[command]
    assert main(args) == 0
    assert os.path.isfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([os.path.basename(out), flow_file.name])


@pytest.mark.parametrize("command", ["simulate", "export", "new", "gui"])
def test_a_name_of_256_bytes_is_one_clear_line_before_any_work(flow_file, tmp_path, command):
    out = long_name(tmp_path, NAME_MAX + 1, {"simulate": ".json", "export": ".svg", "new": ".flow.yaml",
                                             "gui": ".flow.yaml"}[command])
    args = {"simulate": simulate_args(flow_file, out), "export": ["export", str(flow_file), "-o", out],
            "new": ["new", "lead-flow", out], "gui": ["gui", out]}[command]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "flowsim", *args], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "256" in lines[0] and "255" in lines[0], done.stderr
    assert done.stdout == ""  # no table: refused before the run
    assert [p.name for p in tmp_path.iterdir()] == [flow_file.name]


@pytest.mark.parametrize("out", ["-", "/dev/stdout"])
def test_an_export_to_standard_output_names_its_format_and_carries_the_file_bytes(flow_file, tmp_path, out):
    assert main(["export", str(flow_file), "-o", str(tmp_path / "file.png")]) == 0
    done = subprocess.run([sys.executable, "-m", "flowsim", "export", str(flow_file), "-o", out, "--format", "png"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (tmp_path / "file.png").read_bytes()
    unnamed = subprocess.run([sys.executable, "-m", "flowsim", "export", str(flow_file), "-o", out],
                             capture_output=True, text=True, timeout=120)
    assert unnamed.returncode == 1 and len(unnamed.stderr.splitlines()) == 1 and "--format" in unnamed.stderr

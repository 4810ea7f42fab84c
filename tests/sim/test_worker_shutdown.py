"""No worker process outlives a `flowsim simulate --jobs 2` run, however the run ends;
a worker that dies on its own is reported in one line."""

import os
import signal
import subprocess
import sys
import time

import pytest

from flowsim.resources import template_path

LONG_RUN = ["--days", "2000", "--replications", "40", "--jobs", "2", "--max-work", "inf"]  # minutes of work, on purpose


def children(pid):
    """Pids of the live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_long_run():
    """The run and its two workers, once both are busy."""
    proc = subprocess.Popen([sys.executable, "-m", "flowsim", "simulate", str(template_path("lead-flow")), *LONG_RUN],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(children(proc.pid)) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the workers never started"
        signal.sigtimedwait([], 0.05)
    return proc, children(proc.pid)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_no_worker_is_left_three_seconds_after_the_run_is_ended_by(signum):
    proc, workers = start_long_run()
    os.kill(proc.pid, signum)
    # Returns only once nobody holds the run's stdout and stderr open any more.
    out, err = proc.communicate(timeout=30)
    signal.sigtimedwait([], 3.0)
    assert [pid for pid in workers if alive(pid)] == []
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:  # as Ctrl+C ends it: one line, 128 + the signal
        assert proc.returncode == 128 + signum
        assert err.splitlines() == ["flowsim simulate: interrupted"]


def test_a_worker_killed_on_its_own_is_one_line_and_status_1():
    proc, workers = start_long_run()
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "replication" in lines[0] and "SIGKILL" in lines[0]
    assert "Traceback" not in err and out == ""
    signal.sigtimedwait([], 3.0)
    assert [pid for pid in workers if alive(pid)] == []

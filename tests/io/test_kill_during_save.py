"""A save killed at any moment leaves the old bytes or the new ones, and the next save
leaves no temporary file behind."""

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flowsim.io import dumps_flow, load_flow, loads_flow, save_flow
from tests.conftest import REPO
from tests.flows import VALID

TRIALS = 100


@pytest.fixture
def saver(tmp_path, request):
    """A fork server whose children save over ``target`` until killed (see saver.py)."""
    target = tmp_path / "campaign.flow.yaml"
    target.write_text(VALID, encoding="utf-8")
    args = [sys.executable, str(Path(__file__).with_name("saver.py")), str(target)] + request.param
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    yield proc, target
    proc.stdin.close()
    proc.wait(timeout=10)


def ask(proc, line):
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


@pytest.mark.parametrize("saver", [[], ["named"]], indirect=True, ids=["unnamed temporary", "named temporary"])
def test_a_save_killed_at_random_moments_leaves_old_or_new_bytes_and_nothing_after_the_next_save(saver):
    proc, target = saver
    first = loads_flow(VALID)
    second = loads_flow(VALID)
    second.set_node("ads", "label", "Changed by the saver " * 20)
    allowed = {dumps_flow(first).encode(), dumps_flow(second).encode(), VALID.encode()}
    rng = random.Random(18)
    left_behind = 0
    for trial in range(TRIALS):
        pid = int(ask(proc, "go"))
        # The child saves back to back, so any moment is inside some save: formatting,
        # writing, fsync, linking or renaming.
        if rng.random() < 0.9:
            signal.sigtimedwait([], rng.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        assert ask(proc, f"reap {pid}") == "reaped"
        assert target.read_bytes() in allowed, f"trial {trial}: the target is neither old nor new"
        others = [p for p in target.parent.iterdir() if p != target]
        left_behind += bool(others)
        if trial % 2:
            save_flow(first, target)  # the next save cleans up...
        else:
            load_flow(target)  # ...and so does the next open
        assert [p.name for p in target.parent.iterdir()] == [target.name], f"trial {trial}"
    print(f"{left_behind} of {TRIALS} kills left a temporary file for the next save to remove")
    if proc.args[-1] == "named":
        # Evidence that the kills really land inside saves: a named temporary file exists
        # only while one runs.
        assert left_behind > 0


def test_a_temporary_file_of_a_live_writer_is_left_alone(tmp_path):
    target = tmp_path / "campaign.flow.yaml"
    target.write_text(VALID, encoding="utf-8")
    from flowsim.io.atomic import temporary_beside

    with temporary_beside(target) as busy:  # held by this process, which lives
        save_flow(loads_flow(VALID), target)
        assert Path(busy).exists()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_any_legal_name_can_be_saved(tmp_path):
    target = tmp_path / ("x" * (255 - len(".flow.yaml")) + ".flow.yaml")
    save_flow(loads_flow(VALID), target)
    assert load_flow(target) == loads_flow(VALID)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]

"""Recovery copies between windows in different processes: a copy is offered only when
its owner is gone, each window has its own, and trouble is one line, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.flows import VALID

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="drives POSIX processes and signals")


class Instance:
    """A flowsim window in its own process (tests/gui/instance.py)."""

    def __init__(self, home: Path, name: str) -> None:
        env = dict(os.environ, XDG_DATA_HOME=str(home / "data"), HOME=str(home), PYTHONPATH=str(REPO),
                   QT_QPA_PLATFORM="offscreen")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("instance.py")), str(home / f"{name}.ini")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
        self.stderr = None
        assert self.read() == {"ready": True}

    def read(self) -> dict:
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return json.loads(line)

    def do(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.read()

    def crash(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)

    def finish(self) -> str:
        """End it (if it still runs); its stderr."""
        if self.stderr is None:
            if self.proc.poll() is None:
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
            self.stderr = self.proc.stderr.read()
        return self.stderr


@pytest.fixture
def start(tmp_path):
    started = []

    def start(name: str = "window") -> Instance:
        started.append(Instance(tmp_path, name))
        return started[-1]

    yield start
    for instance in started:
        assert "Traceback" not in instance.finish()


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "campaign.flow.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def recovery_folder(tmp_path):
    return tmp_path / "data" / "flowsim" / "flowsim" / "recovery"


def test_a_live_windows_copy_is_not_offered_to_a_second_one_but_is_after_a_crash(start, flow_file):
    first = start("first")
    first.do(f"open {flow_file}")
    first.do("edit Only in the first window")
    first.do("autosave")
    copy = Path(first.do("state")["copy"])
    second = start("second")
    # Even answering "discard" to everything, a live window's copy is not offered.
    assert second.do("offer discard")["offered"] == []
    assert copy.is_file()
    first.crash()
    offered = second.do("offer open")["offered"]
    assert len(offered) == 1 and "campaign.flow.yaml" in offered[0]
    state = second.do("state")
    assert state["label"] == "Only in the first window" and state["modified"]
    assert state["path"] == str(flow_file)
    assert not copy.exists()  # adopted: now in the second window's own copy
    assert "Only in the first window" in Path(state["copy"]).read_text(encoding="utf-8")
    assert flow_file.read_text(encoding="utf-8") == VALID


def test_two_windows_on_one_file_keep_their_own_copies(start, flow_file):
    first, second = start("first"), start("second")
    for window, label in ((first, "Edited in the first"), (second, "Edited in the second")):
        window.do(f"open {flow_file}")
        window.do(f"edit {label}")
        window.do("autosave")
    copies = {Path(w.do("state")["copy"]) for w in (first, second)}
    assert len(copies) == 2 and all(c.is_file() for c in copies)
    assert second.do("close")["ok"]  # a clean close removes its own copy only
    assert "Traceback" not in second.finish()
    assert sorted(c.exists() for c in copies) == [False, True]
    assert Path(first.do("state")["copy"]).read_text(encoding="utf-8").count("Edited in the first") == 1
    first.crash()
    third = start("third")
    assert len(third.do("offer open")["offered"]) == 1
    assert third.do("state")["label"] == "Edited in the first"


def test_an_autosave_onto_a_full_disk_is_told_once_and_retried(start, flow_file):
    window = start()
    window.do(f"open {flow_file}")
    window.do("edit Kept despite the full disk")
    window.do("limit 0")  # every write now fails as on a full disk (EFBIG)
    for _ in range(3):
        window.do("autosave")
    state = window.do("state")
    assert len(state["notices"]) == 1 and "could not be copied aside" in state["notices"][0]
    assert "could not be copied aside" in state["status"]
    window.do("limit -1")  # space again: the next tick succeeds
    window.do("autosave")
    state = window.do("state")
    assert len(state["notices"]) == 2
    window.crash()
    later = start("later")
    assert len(later.do("offer open")["offered"]) == 1
    assert later.do("state")["label"] == "Kept despite the full disk"


def test_a_file_where_the_recovery_folder_should_be_is_one_line_and_the_app_runs(start, flow_file, tmp_path):
    folder = recovery_folder(tmp_path)
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")
    window = start()
    window.do("offer open")
    assert "is a file, not a folder" in window.do("state")["status"]
    window.do(f"open {flow_file}")
    window.do("edit Still editable")
    window.do("autosave")
    window.do("autosave")
    state = window.do("state")
    assert state["label"] == "Still editable" and state["modified"]  # the work is still there
    assert len(state["notices"]) == 1 and "not a folder" in state["notices"][0]
    assert folder.read_text() == "not a folder"


def test_a_damaged_copy_is_put_aside_in_one_line_and_not_offered_again(start, tmp_path):
    folder = recovery_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / "4242-0badc0de.flow.yaml").write_text("flowsim: 1\nnodes: [{id: a\n")
    (folder / "4242-0badc0de.json").write_text(json.dumps({"original": None, "pid": 4242}))
    window = start()
    assert len(window.do("offer open")["offered"]) == 1
    status = window.do("state")["status"]
    assert "put aside" in status and "\n" not in status
    assert (folder / "damaged" / "4242-0badc0de.flow.yaml").is_file()
    assert window.do("offer open")["offered"] == []
    assert start("next").do("offer open")["offered"] == []

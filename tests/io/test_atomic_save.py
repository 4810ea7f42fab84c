"""Saving never leaves a half-written file, nor a temporary one."""

import os

import pytest

from flowsim.errors import FlowFileError
from flowsim.io import atomic, load_flow, loads_flow, save_flow
from flowsim.io import files as files_module
from tests.flows import VALID


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "my.flow.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "my.flow.yaml")


def test_save_writes_the_flow(saved):
    flow = load_flow(saved)
    flow.set_node("ads", "label", "Paid search")
    save_flow(flow, saved)
    assert load_flow(saved) == flow
    assert leftovers(saved.parent) == []


@pytest.mark.parametrize("failing", ["fsync", "replace", "write"])
def test_a_save_interrupted_by_an_exception_leaves_the_original_untouched(saved, monkeypatch, failing):
    original = saved.read_bytes()
    flow = load_flow(saved)
    flow.set_node("ads", "label", "Changed")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt  # the harshest interruption: not even an Exception

    if failing == "write":
        real_fdopen = os.fdopen

        class BrokenFile:
            def __init__(self, fd, mode):
                self.handle = real_fdopen(fd, mode)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                self.handle.write(data[: len(data) // 2])
                boom()

        monkeypatch.setattr(atomic.os, "fdopen", BrokenFile)
    else:
        monkeypatch.setattr(atomic.os, failing, boom)
    with pytest.raises(KeyboardInterrupt):
        save_flow(flow, saved)
    assert saved.read_bytes() == original
    assert leftovers(saved.parent) == []


def test_a_flow_that_cannot_be_written_out_leaves_the_file_alone(saved, monkeypatch):
    original = saved.read_bytes()
    monkeypatch.setattr(files_module, "dumps_flow", lambda flow: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_flow(loads_flow(VALID), saved)
    assert saved.read_bytes() == original
    assert leftovers(saved.parent) == []


def test_saving_through_a_symlink_writes_the_file_it_points_at(saved, tmp_path):
    link = tmp_path / "link.flow.yaml"
    link.symlink_to(saved)
    flow = load_flow(link)
    flow.set_node("ads", "label", "Via link")
    save_flow(flow, link)
    assert link.is_symlink()
    assert load_flow(saved).node("ads").label == "Via link"


def test_saving_keeps_the_file_permissions(saved):
    os.chmod(saved, 0o640)
    save_flow(load_flow(saved), saved)
    assert saved.stat().st_mode & 0o777 == 0o640


def test_saving_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FlowFileError) as caught:
        save_flow(loads_flow(VALID), tmp_path / "no" / "such" / "x.flow.yaml")
    assert "cannot save" in str(caught.value) and "x.flow.yaml" in str(caught.value)

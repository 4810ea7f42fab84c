"""A file that loads can be saved within a known bound; what is not text is refused with
its line and column; what is not a file is refused at once."""

from __future__ import annotations

import os
import threading
import tracemalloc

import pytest

from flowsim.errors import FlowFileError
from flowsim.io import load_flow, loads_flow, save_flow
from flowsim.io.files import MAX_FILE_BYTES
from flowsim.io.yamlread import MAX_ALIAS_CHARS, read_yaml


def alias_bomb(length: int, nodes: int) -> str:
    """One long string anchored once and used as the label and notes of many nodes: the
    file is small, the flow in memory and its saved text are length × nodes × 2."""
    lines = ["flowsim: 1", "name: Amplified", "nodes:",
             f"  - {{id: n0, kind: source, label: &big {'x' * length}}}"]
    for i in range(1, nodes):
        lines.append(f"  - {{id: n{i}, kind: sink, label: *big, notes: *big}}")
    lines.append("edges: []")
    return "\n".join(lines) + "\n"


def test_the_1_mb_string_used_6000_times_is_refused_at_load_with_its_line(tmp_path):
    text = alias_bomb(1_000_000, 3_000)
    assert len(text) < MAX_FILE_BYTES  # a small file, under every other limit
    path = tmp_path / "amplified.flow.yaml"
    path.write_text(text)
    tracemalloc.start()
    try:
        with pytest.raises(FlowFileError) as info:
            load_flow(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.line == 5  # the second node: its first alias passes the limit
    assert "characters" in str(info.value)
    assert peak < 300 * 1024 * 1024


def test_what_loads_saves_within_a_bound_of_its_own_size(tmp_path):
    # Just under the limit: the biggest expansion a file may have still saves.
    text = alias_bomb(MAX_ALIAS_CHARS // 40, 21)  # 20 nodes × 2 aliases × length
    flow = loads_flow(text)
    out = tmp_path / "saved.flow.yaml"
    tracemalloc.start()
    try:
        save_flow(flow, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.stat().st_size <= len(text) + MAX_ALIAS_CHARS + 10_000
    assert peak < 300 * 1024 * 1024


def test_aliases_of_short_values_still_load():
    doc = read_yaml("a: &m {VP: 0.5, Manager: 0.5}\n" + "".join(f"k{i}: *m\n" for i in range(500)))
    assert doc.data["k499"] == {"VP": 0.5, "Manager": 0.5}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("flowsim: 1\nname: \"ab\x1b[2J\"\n", 2, 10),
        ("flowsim: 1\x07\n", 1, 11),
        ("flowsim: 1\nname: x\nnodes: []\n\x7f\n", 4, 1),
        ("flowsim: 1\nname: caf\u00e9 \x9b\n", 2, 12),
    ],
    ids=["escape", "bell", "DEL", "C1 CSI"],
)
def test_control_characters_in_a_file_are_reported_with_line_and_column(text, line, column):
    with pytest.raises(FlowFileError) as info:
        loads_flow(text, file="f.flow.yaml")
    assert (info.value.line, info.value.column) == (line, column)
    assert str(info.value).startswith(f"f.flow.yaml:{line}:{column}: ")
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)


def test_tabs_and_line_breaks_are_text_not_control_characters():
    flow = loads_flow("flowsim: 1\r\nname: \"a\\tb\"\r\nnodes: []\r\nedges: []\r\n")
    assert flow.name == "a\tb"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_with_one_line_instead_of_blocking(tmp_path):
    pipe = tmp_path / "flow.yaml"
    os.mkfifo(pipe)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            load_flow(pipe)
            outcome.append(None)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome.append(err)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if reader.is_alive():  # it blocked: unblock it by opening the pipe for writing
        with open(pipe, "w"):
            pass
        reader.join()
        pytest.fail("reading a named pipe blocked")
    (err,) = outcome
    assert isinstance(err, FlowFileError)
    assert "named pipe" in str(err) and "\n" not in str(err)


def test_a_device_is_refused(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with pytest.raises(FlowFileError) as info:
        load_flow("/dev/zero")
    assert "not a regular file" in str(info.value)

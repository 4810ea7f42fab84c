"""The acceptance suite: each broken file gives exit 1 and one line with its line number.

One file per validation error, plus malformed YAML, an unsafe tag, an alias bomb, deep
nesting, a 50 MB file and a binary file. Each runs the real ``flowsim validate`` in a child
process, so a traceback, a hang or a crash cannot hide. (Speed is measured by
``benchmarks/io.py``, not asserted here.)
"""

import subprocess
import sys

import pytest

from tests.flows import VALID, broken, line_of
from tests.io.test_reading_safely import BILLION_LAUGHS


def _extra_node(node, edges):
    return VALID.replace("edges:\n", node + "\nedges:\n" + edges)


# name → (file text or bytes, the line the message must name)
CASES = {
    "unknown kind": (broken("kind: capture", "kind: captur"), "kind: captur"),
    "duplicate id": (_extra_node("  - id: won\n    kind: sink\n", ""), "id: won\n    kind: sink\n\nedges"),
    "edge to a missing node": (broken("{from: form, to: sdrs}", "{from: form, to: sdr}"), "to: sdr}"),
    "probabilities above 1": (broken("{from: sdrs, to: lost}", "{from: sdrs, to: lost, probability: 0.8}"), "probability: 0.8"),
    "non-sink without a way out": (
        _extra_node("  - id: stuck\n    kind: nurture\n", "  - {from: form, to: stuck, probability: 0.1}\n"),
        "id: stuck",
    ),
    "node no source reaches": (_extra_node("  - id: orphan\n    kind: capture\n", "  - {from: orphan, to: won}\n"), "id: orphan"),
    "cycle with no exit": (
        _extra_node(
            "  - id: loop_a\n    kind: nurture\n\n  - id: loop_b\n    kind: nurture\n",
            "  - {from: form, to: loop_a, probability: 0.1}\n  - {from: loop_a, to: loop_b}\n  - {from: loop_b, to: loop_a}\n",
        ),
        "id: loop_a",
    ),
    "bad duration": (broken("patience: 2d", "patience: 2 days"), "patience"),
    "bad distribution": (broken("{dist: exponential, mean: 30m}", "{dist: exponetial, mean: 30m}"), "service:"),
    "bad colour": (broken("position: [280, 0]", 'position: [280, 0]\n    color: "#12345"'), "color"),
    "malformed YAML": (broken("arrivals: {per_day: 40}", "arrivals: {per_day: 40"), "cost_per_lead"),
    "python tag": (broken("name: Test flow", "name: !!python/object/apply:os.system ['echo pwned']"), "name:"),
    "alias bomb": (BILLION_LAUGHS, "e: &e"),
    "1,000-deep nesting": ("flowsim: 1\nname: " + "[" * 1000 + "]" * 1000 + "\n", "name:"),
    "node without an id": (_extra_node("  - kind: sink\n", ""), "- kind: sink"),
    "id that is a list": (_extra_node("  - id: [x]\n    kind: sink\n", ""), "id: [x]"),
    "an integer id in an edge": (broken("{from: sdrs, to: lost}", "{from: sdrs, to: 6}"), "to: 6"),
    "a 400-digit number": (broken("capacity: 2", "capacity: " + "9" * 400), "capacity:"),
    "!!bool that is not one": (broken("name: Test flow", "name: !!bool maybe"), "name:"),
    "!!int of nothing": (broken("capacity: 2", 'capacity: !!int ""'), "capacity:"),
    "binary file": (b"flowsim: 1\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "\x00"),  # names the NUL byte's line
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_broken_file_is_one_line_naming_its_line(tmp_path, case):
    content, needle = CASES[case]
    path = tmp_path / "broken.flow.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
        line = content[: content.index(needle.encode("latin-1"))].count(b"\n") + 1
    else:
        path.write_text(content, encoding="utf-8")
        line = line_of(content, needle)
    done = subprocess.run(
        [sys.executable, "-m", "flowsim", "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith(f"{path}:{line}: "), lines[0]


def test_a_50_mb_file_is_one_line_too(tmp_path):
    path = tmp_path / "huge.flow.yaml"
    with open(path, "wb") as handle:
        handle.write(b"flowsim: 1\nnodes:\n")
        handle.write(b"  - {id: a, kind: sink}\n" * 2_200_000)
    assert path.stat().st_size > 50_000_000
    done = subprocess.run([sys.executable, "-m", "flowsim", "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    size = path.stat().st_size / 1e6
    assert done.stdout.splitlines() == [f"{path}:1: the file is {size:.1f} MB; flow files are limited to 8 MB"]


def test_several_files_are_checked_in_one_call(tmp_path):
    good, bad = tmp_path / "good.flow.yaml", tmp_path / "bad.flow.yaml"
    good.write_text(VALID)
    bad.write_text(broken("capacity: 2", "capacity: two"))
    done = subprocess.run(
        [sys.executable, "-m", "flowsim", "validate", str(good), str(bad)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{good}: valid (5 nodes, 4 edges)",
        f"{bad}:{line_of(VALID, 'capacity')}: node 'sdrs', capacity: must be a whole number ≥ 1, got 'two'",
    ]

"""Text from a file reaches a terminal and a spreadsheet neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from flowsim.cli import main
from flowsim.errors import FlowError
from flowsim.safetext import csv_cell, for_terminal

HOSTILE = """\
flowsim: 1
name: "Q3 \\e[2J\\e]0;pwned\\a\\nSecond line \\u202e"
simulation: {days: 5, replications: 1, seed: 1}
nodes:
  - {id: ads, kind: source, arrivals: {per_day: 5}}
  - {id: won, kind: sink, outcome: "=1+1"}
  - {id: lost, kind: sink, outcome: "@SUM(A1)"}
edges:
  - {from: ads, to: won, probability: 0.5}
  - {from: ads, to: lost}
"""

CONTROL = set(map(chr, range(0x20))) - {"\n"} | {"\x7f", "\x9b", "\u202e"}


def assert_clean(text: str) -> None:
    for line in text.splitlines():
        assert not CONTROL & set(line), repr(line)


def test_the_simulate_header_prints_the_name_escaped(tmp_path, capsys):
    path = tmp_path / "hostile.flow.yaml"
    path.write_text(HOSTILE)
    assert main(["simulate", str(path), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert_clean(out)
    assert out.splitlines()[0].startswith("Q3 \\x1b[2J\\x1b]0;pwned\\x07\\nSecond line \\u202e: 5 days")


def test_validate_prints_an_unknown_key_escaped(tmp_path, capsys):
    path = tmp_path / "hostile.flow.yaml"
    path.write_text(HOSTILE.replace("nodes:", '"evil\\e[31mkey\\r": 1\nnodes:'))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert_clean(out)
    assert "evil\\x1b[31mkey\\r" in out


def test_an_error_message_never_carries_control_characters():
    err = FlowError("unknown node 'a\x1b[2Jb'\nnext", file="x\x07.flow.yaml", line=3)
    assert_clean(str(err))
    assert "\n" not in str(err)


def test_csv_cells_from_the_file_cannot_become_formulas(tmp_path, capsys):
    path = tmp_path / "hostile.flow.yaml"
    path.write_text(HOSTILE)
    out = tmp_path / "out.csv"
    assert main(["simulate", str(path), "--jobs", "1", "--csv", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    ids = {row[1] for row in rows if row[0] == "outcome"}
    assert ids == {"'=1+1", "'@SUM(A1)"}
    for row in rows[1:]:
        for cell in row[:3]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
        for number in row[3:]:
            if number:
                float(number)  # computed numbers stay numbers, negative ones included


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1", "-2+3", "@x", "\t=1", "\r=1"])
def test_every_formula_trigger_is_neutralised(text):
    assert csv_cell(text).startswith("'")


@pytest.mark.parametrize("text", ["won", "Paid search", "", "a=b", "café ☕"])
def test_plain_text_is_left_alone(text):
    assert csv_cell(text) == text
    assert for_terminal(text) == text

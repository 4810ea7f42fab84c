"""``flowsim simulate`` as the command line runs it: add_arguments + run."""

from __future__ import annotations

import argparse
import json

import pytest

from flowsim.errors import FlowError, SimulationError
from flowsim.sim import command

from tests.flows import VALID, broken


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="flowsim simulate")
    command.add_arguments(parser)
    return parser.parse_args(argv)


def test_simulate_prints_a_table_and_writes_json_and_csv(tmp_path, capsys):
    flow = tmp_path / "demo.flow.yaml"
    flow.write_text(VALID, encoding="utf-8")
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    status = command.run(parse(str(flow), "--days", "20", "--replications", "2", "--jobs", "1",
                               "--seed", "3", "--json", str(out_json), "--csv", str(out_csv)))
    assert status == 0
    printed = capsys.readouterr()
    assert "Funnel" in printed.out and "sdrs" in printed.out and "cost per SQL" in printed.out
    assert "time from lead to" in printed.out
    assert printed.err == ""  # no progress bar when stderr is not a terminal
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["days"] == 20 and doc["replications"] == 2 and doc["seed"] == 3
    assert out_csv.read_text(encoding="utf-8").startswith("section,id,metric,mean,ci95_low,ci95_high\n")


def test_a_flow_with_errors_is_listed_and_refused(tmp_path, capsys):
    flow = tmp_path / "bad.flow.yaml"
    flow.write_text(broken("conversion: 0.5", "conversion: 5"), encoding="utf-8")
    with pytest.raises(SimulationError) as info:
        command.run(parse(str(flow), "--jobs", "1"))
    assert str(info.value).startswith(f"{flow}: cannot simulate")
    assert "conversion" in capsys.readouterr().err


def test_bad_options_and_missing_files_are_flow_errors(tmp_path):
    flow = tmp_path / "demo.flow.yaml"
    flow.write_text(VALID, encoding="utf-8")
    with pytest.raises(FlowError, match="no such file"):
        command.run(parse(str(tmp_path / "missing.flow.yaml")))
    with pytest.raises(SimulationError, match="days"):
        command.run(parse(str(flow), "--days", "-3", "--jobs", "1"))
    with pytest.raises(FlowError, match="does not exist"):
        command.run(parse(str(flow), "--json", str(tmp_path / "no" / "r.json")))

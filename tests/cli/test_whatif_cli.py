"""flowsim compare and flowsim sweep: tables, JSON, CSV, and one-line refusals."""

from __future__ import annotations

import csv
import json

import pytest

from flowsim.cli import main

FLOW = """flowsim: 1
name: Queue
simulation: {days: 30, replications: 3, seed: 4}

nodes:
  - id: ads
    kind: source
    position: [0, 0]
    arrivals: {per_day: 30}

  - id: sdrs
    kind: handoff
    position: [1, 0]
    capacity: 1
    service: {dist: exponential, mean: 40m}
    patience: {dist: exponential, mean: 2h}

  - id: won
    kind: sink
    position: [2, 0]
    outcome: won

edges:
  - {from: ads, to: sdrs}
  - {from: sdrs, to: won}

scenarios:
  - {name: two SDRs, set: {sdrs.capacity: 2}}
  - {name: faster, set: {sdrs.service.mean: 20m}}
"""


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "queue.flow.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def test_compare_prints_differences_and_writes_the_comparison(flow_file, tmp_path, capsys):
    out = tmp_path / "comparison.json"
    assert main(["compare", str(flow_file), "--scenario", "two SDRs", "--jobs", "1", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "two SDRs" in table and "faster" not in table and "funnel.sqls" in table
    doc = json.loads(out.read_text())
    assert list(doc["scenarios"]) == ["baseline", "two SDRs"]
    assert doc["scenarios"]["two SDRs"]["diff"]["funnel.sqls"]["significant"] is True


def test_compare_json_to_standard_output_is_the_json_alone(flow_file, capsys):
    assert main(["compare", str(flow_file), "--jobs", "1", "--replications", "2", "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc["scenarios"]) == ["baseline", "two SDRs", "faster"]
    assert doc["scenarios"]["faster"]["results"]["replications"] == 2


def test_sweep_finds_the_cheapest_capacity_and_writes_json_and_csv(flow_file, tmp_path, capsys):
    js, table = tmp_path / "sweep.json", tmp_path / "sweep.csv"
    status = main(["sweep", str(flow_file), "--vary", "sdrs.capacity=1,2,3,4", "--goal",
                   "nodes.sdrs.wait_days <= 0.01", "--jobs", "1", "--json", str(js), "--csv", str(table)])
    assert status == 0
    printed = capsys.readouterr().out
    doc = json.loads(js.read_text())
    best = doc["best"]["values"]["sdrs.capacity"]
    assert best in (2, 3, 4) and f"sdrs.capacity = {best}" in printed
    waits = [p["results"]["nodes"]["sdrs"]["wait_days"]["ci95"][1] for p in doc["points"]]
    assert waits[best - 1] <= 0.01 and all(w > 0.01 for w in waits[:best - 1])
    rows = list(csv.DictReader(table.open()))
    assert {r["sdrs.capacity"] for r in rows} == {"1", "2", "3", "4"}


@pytest.mark.parametrize("args, fragment", [
    (["compare", "{file}", "--scenario", "three SDRs"], "no scenario named 'three SDRs'"),
    (["compare", "{file}", "--scenario", "baseline"], "besides the baseline"),
    (["sweep", "{file}", "--vary", "sdrs.capacity"], "PATH=V1"),
    (["sweep", "{file}", "--vary", "nobody.capacity=1,2"], "no node has id 'nobody'"),
    (["sweep", "{file}", "--vary", "sdrs.capacity=1,2", "--goal", "fast"], "METRIC OP NUMBER"),
    (["sweep", "{file}", "--vary", "sdrs.capacity=0,1"], "must be a whole number"),
    (["compare", "{file}", "--cluster", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
])
def test_bad_what_if_input_is_one_line_and_exit_one(flow_file, capsys, args, fragment):
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):  # nobody listens there
        status = main([a.format(file=flow_file) for a in args] + ["--jobs", "1", "--replications", "1"])
    err = capsys.readouterr().err
    assert status == 1
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err

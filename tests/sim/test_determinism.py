"""One seed, one set of numbers: sequential or parallel, whatever PYTHONHASHSEED is."""

from __future__ import annotations

import os
import subprocess
import sys

from flowsim.io import load_flow
from flowsim.sim import SimConfig, simulate

from tests.conftest import REPO

TEMPLATE = REPO / "templates" / "lead-flow.flow.yaml"
CONFIG = dict(days=40, replications=3, seed=7)

SCRIPT = """
import sys
from flowsim.io import load_flow
from flowsim.sim import SimConfig, simulate
flow = load_flow(sys.argv[1])
config = SimConfig(days=40, replications=3, seed=7, jobs=int(sys.argv[2]))
sys.stdout.write(simulate(flow, config).to_json())
"""


def json_of(jobs: int) -> str:
    return simulate(load_flow(TEMPLATE), SimConfig(jobs=jobs, **CONFIG)).to_json()


def json_in_subprocess(hash_seed: str, jobs: int) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(TEMPLATE), str(jobs)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sequential_and_parallel_runs_give_byte_identical_json():
    assert json_of(1) == json_of(2)


def test_the_hash_seed_changes_nothing():
    here = json_of(1)
    assert json_in_subprocess("0", 1) == here
    assert json_in_subprocess("4242", 2) == here


def test_another_seed_gives_other_numbers():
    other = simulate(load_flow(TEMPLATE), SimConfig(jobs=1, **dict(CONFIG, seed=8))).to_json()
    assert other != json_of(1)


def test_replications_are_independent_streams():
    results = simulate(load_flow(TEMPLATE), SimConfig(jobs=1, **CONFIG))
    leads = results.funnel["leads"].samples
    assert len(set(leads)) == len(leads)


def test_the_trace_comes_back_the_same_from_a_worker():
    flow = load_flow(TEMPLATE)
    config = dict(days=10, replications=2, seed=7)
    here = simulate(flow, SimConfig(jobs=1, **config), trace=True).trace
    there = simulate(flow, SimConfig(jobs=2, **config), trace=True).trace
    assert here == there and len(here.events) > 1000


def test_spawned_workers_give_the_same_numbers_as_forked_ones(monkeypatch):
    # The app spawns its workers (a fork beside Qt's threads is unsafe); the command line
    # forks them. Seven replications on two workers: one worker runs more than the other.
    import multiprocessing

    from flowsim.sim import runner

    flow = load_flow(TEMPLATE)
    config = SimConfig(days=20, replications=7, seed=3, jobs=2)
    forked = simulate(flow, config).to_json()
    monkeypatch.setattr(runner, "_context", lambda: multiprocessing.get_context("spawn"))
    assert simulate(flow, config).to_json() == forked
    assert forked == simulate(flow, SimConfig(days=20, replications=7, seed=3, jobs=1)).to_json()

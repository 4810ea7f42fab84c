"""The same sweep on a Dask cluster: the same bytes, even when a worker dies mid-run."""

from __future__ import annotations

import os
import signal

import pytest

distributed = pytest.importorskip("distributed")

from flowsim.sim.sweep import sweep  # noqa: E402

from tests.sim.helpers import make_flow  # noqa: E402


def queue():
    return make_flow(
        [("ads", "source", {"arrivals": {"per_day": 20}}),
         ("reps", "handoff", {"capacity": 2, "service": {"dist": "exponential", "mean": "2h"},
                              "patience": {"dist": "exponential", "mean": "1d"}}),
         ("won", "sink", {"outcome": "won"})],
        [{"from": "ads", "to": "reps"}, {"from": "reps", "to": "won"}],
        days=60,
    )


VARY = [("reps.capacity", [1, 2, 3]), ("ads.arrivals.per_day", [10, 20])]
GOAL = "nodes.reps.wait_days <= 0.1"


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, as `--cluster local` would start."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as running:
        yield running


@pytest.fixture(scope="module")
def here():
    return sweep(queue(), VARY, goal=GOAL, replications=4, seed=9, jobs=1).to_json()


def test_a_sweep_on_a_cluster_gives_the_json_of_a_local_run(cluster, here):
    there = sweep(queue(), VARY, goal=GOAL, replications=4, seed=9, cluster=cluster.scheduler_address)
    assert there.to_json() == here


def test_flowsim_sweep_cluster_local_starts_its_own_cluster_and_writes_the_same_json(tmp_path, capsys):
    from flowsim.cli import main
    from flowsim.io import save_flow

    path = tmp_path / "queue.flow.yaml"
    save_flow(queue(), path)
    args = ["sweep", str(path), "--vary", "reps.capacity=1,2,3", "--vary", "ads.arrivals.per_day=10,20",
            "--goal", GOAL, "--replications", "4", "--seed", "9"]
    assert main(args + ["--jobs", "1", "--json", str(tmp_path / "here.json")]) == 0
    assert main(args + ["--jobs", "2", "--cluster", "local", "--json", str(tmp_path / "there.json")]) == 0
    assert (tmp_path / "there.json").read_bytes() == (tmp_path / "here.json").read_bytes()
    capsys.readouterr()


def test_a_sweep_survives_a_worker_killed_in_the_middle(cluster, here):
    with distributed.Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)  # worker address → the process that runs its tasks
    victim = sorted(pids.values())[0]
    killed = []

    def kill_one_worker(fraction: float) -> None:
        if not killed and fraction < 1.0:
            os.kill(victim, signal.SIGKILL)
            killed.append(fraction)

    # Killed after the first task is done: the tasks it was running, and the results it
    # held for gathering, are lost and must be run again on the other (or its restarted) worker.
    there = sweep(queue(), VARY, goal=GOAL, replications=4, seed=9, cluster=cluster.scheduler_address,
                  progress=kill_one_worker)
    assert killed and killed[0] < 0.5, "the worker was killed while most of the sweep was still to run"
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)
    assert there.to_json() == here

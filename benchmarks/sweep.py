"""Sweep throughput: 40 variants × 10 replications of the default template, run by local
worker processes and by a 2-worker Dask LocalCluster. Prints figures and the ratio;
asserts nothing except that both give the same bytes (run by ``make bench``).

    .venv/bin/python benchmarks/sweep.py [--quick]

The grid is ``sdr_handoff.capacity`` 1–5 × ``linkedin_ads.arrivals.per_day`` 8 values
(400 tasks of one replication each). Both ways use 2 workers, best of 2 alternating rounds. The cluster is started
before the clock starts (as a standing cluster would be) and its start-up is printed
apart; the local pool's start-up is inside its time, as it is in every run.
Target: the cluster's overhead under 20 % (ratio ≥ 0.83), on this 2-core machine.
``--quick`` runs 8 variants × 4 replications.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flowsim.io import load_flow  # noqa: E402
from flowsim.sim.sweep import sweep  # noqa: E402

TEMPLATE = REPO / "templates" / "lead-flow.flow.yaml"


def main() -> None:
    import dask
    from dask.distributed import LocalCluster

    quick = "--quick" in sys.argv
    flow = load_flow(TEMPLATE)
    rates = [100, 150] if quick else [75, 100, 125, 150, 200, 250, 300, 400]
    capacities = [1, 2, 3, 4] if quick else [1, 2, 3, 4, 5]
    reps = 4 if quick else 10
    vary = [("sdr_handoff.capacity", capacities), ("linkedin_ads.arrivals.per_day", rates)]
    tasks = len(rates) * len(capacities) * reps
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{len(rates) * len(capacities)} variants × {reps} replications of {TEMPLATE.name} = {tasks} tasks, 2 workers")

    rounds = 1 if quick else 2
    local_times, cluster_times = [], []
    start = time.perf_counter()
    # As --cluster local starts it: without the workers' sampling profiler (flowsim.sim.whatif).
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        started = time.perf_counter() - start
        # Alternate the two, so a burst of other work on the machine falls on both alike.
        for _ in range(rounds):
            start = time.perf_counter()
            local = sweep(flow, vary, replications=reps, seed=1, jobs=2)
            local_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            there = sweep(flow, vary, replications=reps, seed=1, cluster=cluster.scheduler_address)
            cluster_times.append(time.perf_counter() - start)
    local_s, cluster_s = min(local_times), min(cluster_times)
    shown = lambda times: ", ".join(f"{t:.2f}" for t in times)  # noqa: E731
    print(f"  local processes  : {local_s:6.2f} s  {tasks / local_s:6.1f} replications/s   (runs: {shown(local_times)})")
    print(f"  Dask LocalCluster: {cluster_s:6.2f} s  {tasks / cluster_s:6.1f} replications/s   (runs: {shown(cluster_times)};"
          f" +{started:.1f} s to start the cluster)")
    ratio = local_s / cluster_s
    print(f"  cluster throughput / local: {ratio:.2f}  (overhead {max(0.0, 1 / ratio - 1) * 100:.0f} %; target < 20 %)")
    same = there.to_json() == local.to_json()
    print(f"  same JSON both ways: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()

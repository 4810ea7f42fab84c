"""Peak memory and time of one replication with 1 million and 10 million leads.

    .venv/bin/python benchmarks/memory.py [--quick]     (--quick: 1 million only)

Each size runs in a fresh child process, which reports its own peak resident memory
(``ru_maxrss``) and wall-clock time, so one run's heap never inflates the next. The
baseline is a child that loads and compiles the same flow but simulates no lead: the
difference is what the leads cost. Target: flat in the leads (10 M no more than a few MB
above 1 M), under 500 MB. Before the time-to quantiles came from a bounded sketch
(flowsim/sim/quantiles.py), every MQL, SQL and customer kept a float: about 66 bytes a
lead, 3 GB for 45 million.

Figures only, never pass/fail; the 10 M run takes a minute or two, so it lives here and
not in ``make test``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAYS = 100

FLOW = """\
flowsim: 1
name: Memory benchmark
simulation: {{days: {days}, replications: 1, seed: 7}}
nodes:
  - {{id: ads, kind: source, arrivals: {{per_day: {rate}}}}}
  - id: scoring
    kind: score
    threshold: 5
    fit: [{{when: "channel == 'ads'", points: 10}}]
  - {{id: sdr, kind: handoff, accept: 0.5, delay: {{dist: exponential, mean: 2d}}}}
  - {{id: sales, kind: sales, delay: {{dist: lognormal, mean: 20d, sd: 10d}}}}
  - {{id: won, kind: sink, outcome: won}}
  - {{id: lost, kind: sink, outcome: lost}}
edges:
  - {{from: ads, to: scoring}}
  - {{from: scoring, to: sdr}}
  - {{from: sdr, to: sales, when: "accepted"}}
  - {{from: sdr, to: lost}}
  - {{from: sales, to: won, probability: 0.3}}
  - {{from: sales, to: lost}}
"""

CHILD = textwrap.dedent("""
    import json, math, resource, sys, time
    sys.path.insert(0, {repo!r})
    from flowsim.io import loads_flow
    from flowsim.sim import SimConfig, simulate
    from flowsim.sim.plan import compile_flow
    flow = loads_flow(sys.stdin.read())
    leads = {leads}
    start = time.perf_counter()
    if leads:
        results = simulate(flow, SimConfig(jobs=1), max_work=math.inf)
        counts = {{k: results.time_to[k]["count"].mean for k in ("mql", "sql", "customer")}}
        p90 = results.time_to["customer"]["p90"].mean
    else:
        compile_flow(flow)
        counts, p90 = {{}}, None
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb, "counts": counts, "p90": p90}}))
""")


def measure(leads: int) -> dict:
    text = FLOW.format(days=DAYS, rate=max(leads, 1) / DAYS)
    done = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO), leads=leads)],
                          input=text, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    sizes = [1_000_000] if "--quick" in sys.argv else [1_000_000, 10_000_000]
    base = measure(0)
    print(f"baseline (flow loaded, no leads): peak {base['peak_mb']:7.1f} MB")
    first = None
    for leads in sizes:
        m = measure(leads)
        first = first or m
        counts = ", ".join(f"{k} {v:,.0f}" for k, v in m["counts"].items())
        print(f"{leads:>12,} leads: peak {m['peak_mb']:7.1f} MB "
              f"({m['peak_mb'] - base['peak_mb']:+6.1f} MB over the baseline; "
              f"{(m['peak_mb'] - base['peak_mb']) * 2**20 / leads:5.1f} bytes a lead), "
              f"{m['seconds']:6.1f} s ({m['seconds'] / leads * 1e6:4.1f} µs a lead); {counts}; "
              f"p90 to customer {m['p90']:.1f} d")
    if len(sizes) > 1:
        last = m
        print(f"10 M against 1 M: memory × {last['peak_mb'] / first['peak_mb']:.2f}, "
              f"time × {last['seconds'] / first['seconds']:.1f} (target: memory flat, under 500 MB)")


if __name__ == "__main__":
    main()

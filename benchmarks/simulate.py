"""Simulation speed: the engine against a hand-written SimPy program, 100,000 leads, and
the parallel speed-up. Prints figures and ratios; asserts nothing (run by ``make bench``).

    .venv/bin/python benchmarks/simulate.py [--quick]

1. The default template (templates/lead-flow.flow.yaml) for a year, through the engine
   and through ``handwritten()`` below — the same flow written directly in SimPy the way
   a modeller would (a process per visitor, a timeout per nurture touch, a Resource for
   the SDRs and AEs, ``random.Random`` for draws) — in the same run. Both funnels are
   printed so you can see they model the same thing. Target: engine ≥ 0.8× hand-written.
2. 100,000 leads (visitors converted at the form; ~2.5 million visits) through the
   seven-component default template on one core. Target: under 5 s.
3. 20 replications of the default template, 1 process vs 2. Target: ≥ 1.8× on 2 cores.

Wall-clock figures move with whatever else the machine runs (on a shared VM, the same
work has taken anywhere from 1× to 1.6× as long). Figures 2 and 3 are therefore the best
of a few runs, with every run printed beside them; figure 1 prints CPU seconds too.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from pathlib import Path

import simpy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flowsim.io import load_flow  # noqa: E402
from flowsim.sim import SimConfig, simulate  # noqa: E402
from flowsim.sim.plan import compile_flow  # noqa: E402
from flowsim.sim.runner import run_replication  # noqa: E402

TEMPLATE = REPO / "templates" / "lead-flow.flow.yaml"


# --- the default template, written by hand in SimPy ----------------------------------------

CHANNELS = {  # rate a day, cost per lead, job titles, company size (mean, sd), industries, behaviours
    "paid_search": (250, 180, {"VP": 0.1, "Director": 0.2, "Manager": 0.4, "Individual": 0.3}, (250, 400),
                    {"SaaS": 0.35, "Finance": 0.2, "Healthcare": 0.15, "Manufacturing": 0.15, "Other": 0.15},
                    {"pricing_page": 0.25, "webinar": 0.05, "email_open": 0.45}),
    "linkedin_ads": (150, 320, {"VP": 0.15, "Director": 0.3, "Manager": 0.35, "Individual": 0.2}, (900, 1500),
                     {"SaaS": 0.3, "Finance": 0.25, "Healthcare": 0.15, "Manufacturing": 0.15, "Other": 0.15},
                     {"pricing_page": 0.15, "webinar": 0.1, "email_open": 0.4}),
    "organic": (300, 60, {"VP": 0.05, "Director": 0.15, "Manager": 0.35, "Individual": 0.45}, (150, 300),
                {"SaaS": 0.4, "Finance": 0.15, "Healthcare": 0.15, "Manufacturing": 0.1, "Other": 0.2},
                {"pricing_page": 0.2, "webinar": 0.08, "email_open": 0.5}),
}


def handwritten(days: float, seed: int, warmup: float = 0.0) -> dict[str, float]:
    """The default template as a plain SimPy program; returns its funnel counts."""
    rng = random.Random(seed)
    env = simpy.Environment()
    sdrs = simpy.Resource(env, capacity=2)
    aes = simpy.Resource(env, capacity=4)
    n = {"arrivals": 0, "leads": 0, "mqls": 0, "sqls": 0, "customers": 0, "cold": 0}

    def pick(mix):
        return rng.choices(list(mix), weights=list(mix.values()))[0]

    def lognormal(mean, sd):
        s2 = math.log1p((sd / mean) ** 2)
        return rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))

    def score(lead, now):
        fit = 0
        if lead["job_title"] in ("VP", "Director"):
            fit += 30
        elif lead["job_title"] == "Manager":
            fit += 15
        if lead["company_size"] >= 1000:
            fit += 25
        elif lead["company_size"] >= 200:
            fit += 15
        if lead["industry"] == "Other":
            fit -= 10
        fit = min(fit, 50)
        engagement = 0.0
        for earned, points, _ in lead["points"]:
            engagement += points * 0.75 ** math.floor((now - earned) / 30 + 1e-9)
        engagement = min(engagement, 60)
        lead["score"] = max(0.0, min(fit + engagement, 100))
        if lead["score"] >= 60:
            milestone(lead, "mql")

    def milestone(lead, name):  # counted when reached, like the engine (MQL ⇐ SQL ⇐ won)
        for step in ("mql", "sql", "won")[: ("mql", "sql", "won").index(name) + 1]:
            if lead.get(step) is None:
                lead[step] = env.now
                n[{"mql": "mqls", "sql": "sqls", "won": "customers"}[step]] += lead["measured"]

    def multiplier(wait):
        points = ((5 / 1440, 1.0), (1 / 24, 0.5), (1.0, 0.1))
        if wait <= points[0][0]:
            return points[0][1]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if wait <= x1:
                return y0 + (y1 - y0) * (wait - x0) / (x1 - x0)
        return points[-1][1]

    def visitor(channel):
        rate, cost, titles, (size_mean, size_sd), industries, behaviours = CHANNELS[channel]
        measured = env.now >= warmup
        n["arrivals"] += measured
        yield env.timeout(5 / 1440)  # reading the landing page
        if rng.random() >= 0.04:
            return  # abandoned the form
        lead = {"job_title": pick(titles), "company_size": lognormal(size_mean, size_sd),
                "industry": pick(industries), "points": [], "measured": measured}
        for name, p in behaviours.items():
            lead[name] = rng.random() < p
        n["leads"] += measured
        node = "scoring"
        while node:
            if node == "scoring":
                lead["points"] = [(e, p, touch) for e, p, touch in lead["points"] if touch]  # keep touch points
                first = lead.setdefault("rules_at", env.now)
                for name, points in (("pricing_page", 30), ("webinar", 20), ("email_open", 10)):
                    if lead[name]:
                        lead["points"].append((first, points, False))
                score(lead, env.now)
                node = "sdr" if lead["score"] >= 60 else "nurture"
            elif node == "nurture":
                node = "disqualified"
                for _ in range(8):
                    yield env.timeout(7)
                    if rng.random() < 0.005:
                        node = None  # unsubscribed
                        break
                    if rng.random() < 0.2:
                        lead["points"].append((env.now, 10, True))
                    score(lead, env.now)
                    if lead["score"] >= 60:
                        break
                if node is not None:
                    node = "scoring" if lead["score"] >= 60 else "disqualified"
            elif node == "sdr":
                milestone(lead, "mql")
                asked = env.now
                request = sdrs.request()
                yield request | env.timeout(3)
                if not request.triggered:
                    request.cancel()
                    n["cold"] += measured
                    node = None
                    continue
                wait = env.now - asked
                yield env.timeout(rng.expovariate(1 / (45 / 1440)))
                sdrs.release(request)
                if rng.random() < 0.25 * multiplier(wait):
                    milestone(lead, "sql")
                    node = "sales"
                else:
                    node = "nurture" if rng.random() < 0.4 else "disqualified"
            elif node == "sales":
                milestone(lead, "sql")
                with aes.request() as request:  # the AE's own time (queue, service), then the cycle
                    yield request
                    yield env.timeout(lognormal(3 / 24, 1 / 24))
                yield env.timeout(lognormal(21, 10))
                u = rng.random()
                node = "won" if u < 0.15 else "nurture" if u < 0.35 else "lost"
            else:  # a sink
                if node == "won":
                    milestone(lead, "won")
                node = None

    def source(channel):
        rate = CHANNELS[channel][0]
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(visitor(channel))

    for channel in CHANNELS:
        env.process(source(channel))
    env.run(until=days)
    return n


# --- the measurements ------------------------------------------------------------------


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def engine_vs_handwritten(days: float) -> None:
    flow = load_flow(TEMPLATE)
    config = SimConfig(days=days, warmup_days=0, replications=1, seed=1, jobs=1)
    results, e_wall, e_cpu = timed(lambda: simulate(flow, config))
    counts, h_wall, h_cpu = timed(lambda: handwritten(days, seed=1))
    f = {k: results.funnel[k].mean for k in ("arrivals", "leads", "mqls", "sqls", "customers")}
    print(f"1. default template, {days:g} days, one replication, same run")
    print(f"   {'':12}{'arrivals':>10}{'leads':>9}{'MQLs':>8}{'SQLs':>8}{'customers':>11}{'wall s':>9}{'cpu s':>8}{'leads/s':>10}{'arrivals/s':>12}")
    for name, c, wall, cpu in (("engine", f, e_wall, e_cpu), ("hand-written", counts, h_wall, h_cpu)):
        print(f"   {name:12}{c['arrivals']:>10,.0f}{c['leads']:>9,.0f}{c['mqls']:>8,.0f}{c['sqls']:>8,.0f}"
              f"{c['customers']:>11,.0f}{wall:>9.2f}{cpu:>8.2f}{c['leads'] / wall:>10,.0f}{c['arrivals'] / wall:>12,.0f}")
    ratio = (f["leads"] / e_wall) / (counts["leads"] / h_wall)
    print(f"   engine / hand-written (leads/s): {ratio:.2f}×   (target ≥ 0.8×)")
    # The engine settles visits that abandon the form in bulk; without that shortcut it
    # simulates every visit one by one, as the hand-written program does.
    plan = compile_flow(flow)
    for index in plan.sources:
        plan.nodes[index].fast_capture = None
    (raw, _), s_wall, s_cpu = timed(lambda: run_replication(plan, config, 0, None))
    s_leads = raw["funnel"]["leads"]
    print(f"   engine, every visit one by one: {s_wall:.2f} s wall, {s_cpu:.2f} s cpu, "
          f"{s_leads / s_wall:,.0f} leads/s: {(s_leads / s_wall) / (counts['leads'] / h_wall):.2f}× hand-written")


def best_of(runs: int, fn):
    """Time ``fn`` ``runs`` times: its value and every wall time, fastest first is min().

    The fastest run is the figure: on a shared machine a slower one measures the
    neighbours as much as the code (as ``timeit`` advises).
    """
    walls = []
    for _ in range(runs):
        value, wall, _ = timed(fn)
        walls.append(wall)
    return value, walls


def _walls(walls: list[float]) -> str:
    return ", ".join(f"{w:.2f}" for w in walls)


def hundred_thousand_leads(runs: int = 3) -> None:
    flow = load_flow(TEMPLATE)
    per_day = sum(n.params["arrivals"]["per_day"] for n in flow.nodes if n.kind == "source")
    days = math.ceil(100_000 / (per_day * flow.node("landing_page").params["conversion"]))
    config = SimConfig(days=days, warmup_days=0, replications=1, seed=2, jobs=1)
    results, walls = best_of(runs, lambda: simulate(flow, config))
    leads = results.funnel["leads"].mean
    arrivals = results.funnel["arrivals"].mean
    print(f"2. {leads:,.0f} leads ({arrivals:,.0f} visits, {days:,} days) through the default template on one core")
    print(f"   best of {runs}: {min(walls):.2f} s wall, {leads / min(walls):,.0f} leads/s   (target < 5 s)"
          f"; every run: {_walls(walls)} s")


def _spin(seconds_of_work: int) -> float:
    """Pure-Python busy work (no I/O, no shared state): the machine's own ceiling."""
    total = 0
    for i in range(seconds_of_work):
        total += i * i
    return float(total)


def machine_speedup(n: int = 12_000_000) -> tuple[float, float]:
    """Seconds for two equal pure-CPU jobs in one process, and in two: what the cores of
    this machine give right now (a shared VM's vCPUs can give far below 2×)."""
    import multiprocessing

    start = time.perf_counter()
    _spin(n)
    _spin(n)
    one = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [1, 1])  # workers up before the clock starts
        start = time.perf_counter()
        pool.map(_spin, [n, n])
        two = time.perf_counter() - start
    return one, two


def parallel_speedup(replications: int = 20, rounds: int = 3) -> None:
    """1 process against 2, ``rounds`` times in turn, and the best of each side."""
    flow = load_flow(TEMPLATE)
    ones, twos, spin_ones, spin_twos = [], [], [], []
    same = True
    for _ in range(rounds):
        one, t1, _ = timed(lambda: simulate(flow, SimConfig(replications=replications, jobs=1)))
        two, t2, _ = timed(lambda: simulate(flow, SimConfig(replications=replications, jobs=2)))
        same = same and one.to_json() == two.to_json()
        ones.append(t1)
        twos.append(t2)
        s1, s2 = machine_speedup()
        spin_ones.append(s1)
        spin_twos.append(s2)
    speedup = min(ones) / min(twos)
    ceiling = min(spin_ones) / min(spin_twos)
    print(f"3. {replications} replications of the default template ({flow.setting('days')} days each), "
          f"{os.cpu_count()} CPUs here, best of {rounds} rounds")
    print(f"   1 process {min(ones):.2f} s, 2 processes {min(twos):.2f} s: speed-up {speedup:.2f}×   "
          f"(target ≥ 1.8×); identical results: {same}")
    print(f"   every run: 1 process {_walls(ones)} s; 2 processes {_walls(twos)} s")
    print(f"   the machine's own 2-process speed-up on pure busy work, same rounds: {ceiling:.2f}× "
          f"(the engine reaches {speedup / ceiling:.0%} of it)")


def main() -> None:
    quick = "--quick" in sys.argv
    engine_vs_handwritten(90 if quick else 365)
    print()
    if not quick:
        hundred_thousand_leads()
        print()
    parallel_speedup(4 if quick else 20, rounds=1 if quick else 5)


if __name__ == "__main__":  # workers re-import this file when they start with spawn
    main()

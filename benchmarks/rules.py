"""Rule speed: evaluations per second beside plain Python, and how fast hostile rules die.

Prints figures; never passes or fails. Targets (issue 3): a typical compiled rule runs at
least 1,000,000 times a second and within 3x of the same check written in plain Python;
every hostile rule is refused within 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from flowsim.errors import RuleError  # noqa: E402
from flowsim.rules import Router, ScoringModel, compile_rule  # noqa: E402
from tests.rules.hostile import HOSTILE_RULES  # noqa: E402

TYPICAL = 'score >= 50 and industry == "SaaS"'
LEAD = {"score": 72, "industry": "SaaS", "job_title": "VP", "company_size": 1200,
        "pricing_page": True, "webinar": False, "segment": "enterprise", "age": 3.5}


def rate(fn, lead, number: int = 1_000_000, repeat: int = 7) -> float:
    """Best evaluations per second of ``fn(lead)`` over ``repeat`` runs of ``number``."""
    timer = timeit.Timer("fn(lead)", globals={"fn": fn, "lead": lead})
    return number / min(timer.repeat(repeat=repeat, number=number))


def refusal_seconds(text: str, repeat: int = 7) -> tuple[float, float]:
    """(median, slowest) of ``repeat`` refusals; refusals are never cached. The slowest
    includes any garbage-collector pause that happens to land in the call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            compile_rule(text)
        except RuleError:
            pass
        else:
            print(f"  NOT REFUSED: {text[:60]!r}")
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    rule = compile_rule(TYPICAL)
    plain = lambda d: d["score"] >= 50 and d["industry"] == "SaaS"  # noqa: E731
    print(f"typical rule: {TYPICAL}")
    print(f"  compiles to: {rule.python}")
    # Alternate the two so that a slow patch of the machine hits both alike.
    compiled_rates, plain_rates = [], []
    for _ in range(3):
        compiled_rates.append(rate(rule.fn, LEAD))
        plain_rates.append(rate(plain, LEAD))
    compiled, python = max(compiled_rates), max(plain_rates)
    print(f"  compiled rule (rule.fn):   {compiled:14,.0f} evaluations/s")
    print(f"  plain Python lambda:       {python:14,.0f} evaluations/s")
    print(f"  slowdown vs plain Python:  {python / compiled:14.2f} x   (target <= 3x)")
    print(f"  target 1,000,000/s:        {'met' if compiled >= 1_000_000 else 'NOT met'}")
    missing = {"industry": "SaaS"}
    print(f"  lead without 'score':      {rate(rule.fn, missing):14,.0f} evaluations/s")
    print(f"  through Rule.__call__:     {rate(rule, LEAD):14,.0f} evaluations/s")

    start = time.perf_counter()
    for i in range(2000):  # distinct texts, so the compile cache does not help
        compile_rule(f"score >= {i} and industry in ['SaaS', 'Fintech'] and age < days(30)")
    print(f"  compile (uncached):        {(time.perf_counter() - start) / 2000 * 1e6:14.1f} µs/rule")

    scoring = ScoringModel.from_config({
        "fit": [{"when": "job_title in ['VP', 'Director']", "points": 20},
                {"when": "company_size >= 1000", "points": 15},
                {"when": "job_title == 'Student'", "points": -10}],
        "engagement": [{"when": "pricing_page", "points": 15},
                       {"when": "webinar", "points": 10}],
        "caps": {"total": 100}, "decay": {"half_life": "30d"}, "threshold": 60,
    })
    print(f"scoring, 5 rules + caps:     {rate(scoring.score, LEAD, 200_000):14,.0f} leads/s")
    router = Router.from_edges([{"when": "score >= 60"}, {"probability": 0.2}, {}])
    u = float(np.random.default_rng(1).random())
    route = lambda lead: router.route(lead, u)  # noqa: E731
    print(f"routing, when + probability: {rate(route, {'score': 10}, 200_000):14,.0f} leads/s")

    print(f"hostile rules ({len(HOSTILE_RULES)}), 7 refusals each (median / slowest):")
    timed = sorted(
        ((*refusal_seconds(text)[::-1], what) for what, text in HOSTILE_RULES), reverse=True
    )
    for worst, median, what in timed[:8]:
        print(f"  {what:<40} {median * 1000:8.3f} ms / {worst * 1000:8.3f} ms")
    worst, _, name = timed[0]
    verdict = "met" if worst < 0.050 else "NOT met"
    print(f"  worst refusal: {worst * 1000:.3f} ms ({name}); target < 50 ms each: {verdict}")


if __name__ == "__main__":
    main()

"""Compare a flow's scenarios on common random numbers, with paired differences.

>>> from flowsim.model import Flow, Node, Edge, Scenario
>>> flow = Flow("Demo", nodes=[Node("ads", "source", params={"arrivals": {"per_day": 20}}),
...     Node("won", "sink", params={"outcome": "won"})], edges=[Edge("ads", "won")],
...     scenarios=[Scenario("more ads", {"ads.arrivals.per_day": 30})])
>>> comparison = compare(flow, replications=3, jobs=1)
>>> list(comparison.results)
['baseline', 'more ads']
>>> comparison.diffs["more ads"]["funnel.customers"].significant
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from flowsim.errors import SimulationError
from flowsim.model import Flow
from flowsim.model.scenarios import BASELINE
from flowsim.sim.results import Metric, Results, _dump, _round
from flowsim.sim.whatif import Progress, Variant, metric_table, run_variants

__all__ = ["Comparison", "Difference", "compare", "paired", "DIFF_NODE_METRICS"]

FORMAT = 1
#: Node numbers a comparison differences (besides every funnel, time-to, outcome,
#: channel and totals number): where leads leak and how long they wait.
DIFF_NODE_METRICS = ("leaked", "wait_days")
_DIFF_SECTIONS = ("funnel", "time_to", "outcomes", "channels", "totals")


@dataclass(frozen=True)
class Difference:
    """A scenario's number minus the baseline's, paired replication by replication:
    ``mean``, its 95 % Student t interval ``ci95``, and ``significant`` when that interval
    excludes zero (never with one replication, which gives no interval)."""

    mean: float | None
    ci95: tuple[float | None, float | None]
    significant: bool

    def to_json(self) -> dict[str, Any]:
        return {"mean": _round(self.mean), "ci95": [_round(self.ci95[0]), _round(self.ci95[1])],
                "significant": self.significant}


def paired(scenario: Metric, baseline: Metric) -> Difference:
    """The paired difference ``scenario − baseline`` over the replications both define."""
    deltas = [s - b for s, b in zip(scenario.samples, baseline.samples) if s is not None and b is not None]
    metric = Metric.of(deltas)
    low, high = metric.ci95
    significant = len(deltas) > 1 and low is not None and (low > 0 or high < 0)
    return Difference(metric.mean, metric.ci95, significant)


def compared_metrics(results: Results) -> list[str]:
    """The METRIC paths a comparison differences, in the results' order."""
    out = []
    for path in metric_table(results):
        section, _, rest = path.partition(".")
        if section in _DIFF_SECTIONS or (section == "nodes" and rest.rpartition(".")[2] in DIFF_NODE_METRICS):
            out.append(path)
    return out


@dataclass(frozen=True)
class Comparison:
    """Each scenario's results (the baseline first) and its differences from the baseline."""

    results: Mapping[str, Results]
    diffs: Mapping[str, Mapping[str, Difference]]
    baseline: str = BASELINE

    def to_dict(self) -> dict[str, Any]:
        return {
            "flowsim_comparison": FORMAT,
            "baseline": self.baseline,
            "scenarios": {
                name: {"results": results.to_dict(),
                       "diff": {k: d.to_json() for k, d in self.diffs[name].items()}}
                for name, results in self.results.items()
            },
        }

    def to_json(self) -> str:
        """design.md's comparison JSON: fixed key order, one metric a line."""
        return _dump(self.to_dict(), 0) + "\n"

    def table(self) -> str:
        """A plain-text table: the headline numbers, and every other difference that is
        significant; ``*`` marks a difference whose 95 % interval excludes zero."""
        names = list(self.results)
        base = metric_table(self.results[self.baseline])
        tables = {name: metric_table(r) for name, r in self.results.items()}
        rows = []
        for path in self.diffs[names[1]] if len(names) > 1 else compared_metrics(self.results[self.baseline]):
            headline = path.startswith("funnel.") or path in ("time_to.sql.mean", "time_to.customer.mean")
            if not headline and not any(self.diffs[n][path].significant for n in names[1:] if path in self.diffs[n]):
                continue
            cells = [path, _fmt(base[path].mean)]
            for name in names[1:]:
                d = self.diffs[name].get(path)
                value = tables[name][path].mean if path in tables[name] else None
                cells.append(_fmt(value))
                cells.append("" if d is None or d.mean is None else
                             f"{d.mean:+.4g} [{d.ci95[0]:+.3g}, {d.ci95[1]:+.3g}]{' *' if d.significant else ''}")
            rows.append(cells)
        head = ["metric", self.baseline]
        for name in names[1:]:
            head += [name, "difference"]
        widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows]
        return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def compare(
    flow: Flow, names: Sequence[str] | None = None, *, replications: int | None = None,
    seed: int | None = None, jobs: int | None = None, cluster: str | None = None,
    progress: Progress = None, cancel: Any = None,
) -> Comparison:
    """Run the baseline and the scenarios ``names`` (default: all of the flow's) on the
    same seed and replications, and difference each from the baseline, pairing the
    replications. A scenario identical to the baseline differs by exactly zero.

    Raises SimulationError for an unknown scenario name, a flow without scenarios, or what
    :func:`~flowsim.sim.whatif.run_variants` raises.
    """
    known = {s.name: s for s in flow.scenarios}
    if names:
        missing = [n for n in names if n not in known and n != BASELINE]
        if missing:
            listed = ", ".join(repr(n) for n in known) or "none"
            raise SimulationError(f"no scenario named {missing[0]!r}; the flow has: {listed}")
    chosen = [n for n in (names or list(known)) if n != BASELINE]
    chosen = list(dict.fromkeys(chosen))  # a name given twice runs once
    if not chosen and known:
        raise SimulationError(f"nothing to compare: choose a scenario besides the baseline ({', '.join(map(repr, known))})")
    if not chosen:
        raise SimulationError(
            "nothing to compare: the flow has no scenarios; add them under 'scenarios:' "
            "(see docs/scenarios.md) or save edits as a scenario in the app"
        )
    variants = [Variant(BASELINE, {})] + [Variant(n, dict(known[n].values)) for n in chosen]
    runs = run_variants(flow, variants, replications=replications, seed=seed, jobs=jobs,
                        cluster=cluster, progress=progress, cancel=cancel)
    results = {v.name: r for v, r in zip(variants, runs)}
    base = metric_table(runs[0])
    paths = compared_metrics(runs[0])
    diffs: dict[str, dict[str, Difference]] = {BASELINE: {}}
    for variant, run in zip(variants[1:], runs[1:]):
        table = metric_table(run)
        diffs[variant.name] = {p: paired(table[p], base[p]) for p in paths if p in table}
    return Comparison(results, diffs)

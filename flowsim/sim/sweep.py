"""Sweep a flow over a grid of values, and find the cheapest variant that meets a goal.

Every point of the grid runs on the same seed and replications (common random numbers),
so neighbouring points differ by what was varied, not by noise.

>>> from flowsim.model import Flow, Node, Edge
>>> flow = Flow("Demo", nodes=[Node("ads", "source", params={"arrivals": {"per_day": 20}}),
...     Node("won", "sink", params={"outcome": "won"})], edges=[Edge("ads", "won")])
>>> result = sweep(flow, [("ads.arrivals.per_day", [10, 20, 40])], goal="funnel.customers >= 1500",
...                replications=3, jobs=1)
>>> result.best_values
{'ads.arrivals.per_day': 20}
"""

from __future__ import annotations

import csv
import io
import itertools
import numbers
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from flowsim.errors import SimulationError
from flowsim.model import Flow
from flowsim.model.scenarios import PathError, check_target
from flowsim.sim.results import Results, _dump
from flowsim.sim.whatif import Goal, Progress, Variant, goal_metric, metric_table, parse_goal, run_variants

__all__ = ["Sweep", "sweep", "parse_vary"]

FORMAT = 1


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,...`` as ``(PATH, [values])``; each value is read as YAML reads a
    plain scalar (``3`` a number, ``30m`` text, ``null`` nothing). SimulationError if bad."""
    import yaml

    path, eq, listed = text.partition("=")
    if not eq or not path.strip() or not listed.strip():
        raise SimulationError(f"--vary {text!r}: write PATH=V1,V2,..., such as sdr_handoff.capacity=1,2,3")
    values = []
    for item in listed.split(","):
        try:
            values.append(yaml.safe_load(item.strip()) if item.strip() else None)
        except yaml.YAMLError:
            raise SimulationError(f"--vary {text!r}: cannot read the value {item.strip()!r}") from None
    return path.strip(), values


@dataclass(frozen=True)
class Sweep:
    """The points of a sweep (values by PATH, with their results) in grid order, and the
    best point for the goal (``best`` its index, ``None`` without a goal or when no point
    meets it)."""

    vary: tuple[str, ...]
    points: tuple[tuple[Mapping[str, Any], Results], ...]
    goal: Goal | None = None
    minimize: str | None = None
    best: int | None = None

    @property
    def best_values(self) -> dict[str, Any] | None:
        return None if self.best is None else dict(self.points[self.best][0])

    def meets(self, index: int) -> bool:
        """Whether point ``index`` meets the goal with 95 % confidence."""
        return self.goal is not None and self.goal.met_by(metric_table(self.points[index][1]).get(self.goal.metric))

    def to_dict(self) -> dict[str, Any]:
        best = None
        if self.best is not None and self.goal is not None:
            values, results = self.points[self.best]
            best = {"values": dict(values), "metric": metric_table(results)[self.goal.metric].to_json()}
        out: dict[str, Any] = {"flowsim_sweep": FORMAT, "vary": list(self.vary)}
        if self.goal is not None:
            out["goal"] = str(self.goal)
            out["minimize"] = self.minimize
        out["points"] = [{"values": dict(v), "results": r.to_dict()} for v, r in self.points]
        out["best"] = best
        return out

    def to_json(self) -> str:
        """design.md's sweep JSON: fixed key order, one metric a line."""
        return _dump(self.to_dict(), 0) + "\n"

    def to_csv(self) -> str:
        """One row per point and number: the varied values, then
        ``section,id,metric,mean,ci95_low,ci95_high`` as :meth:`Results.to_csv` writes."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("point", *self.vary, "section", "id", "metric", "mean", "ci95_low", "ci95_high"))
        for number, (values, results) in enumerate(self.points):
            head = [number, *(_cell(values[p]) for p in self.vary)]
            for row in results.rows():
                writer.writerow((*head, *row[:3], *("" if v is None else repr(v) for v in row[3:])))
        return out.getvalue()

    def table(self, metrics: Sequence[str] = ("funnel.sqls", "funnel.customers")) -> str:
        """A plain-text table, a row per point: the varied values and ``metrics`` (and the
        goal's metric) as mean [95 % interval]; ``ok`` marks points that meet the goal,
        ``best`` the one chosen."""
        shown = list(metrics)
        if self.goal is not None and self.goal.metric not in shown:
            shown.append(self.goal.metric)
        head = [*self.vary, *shown] + (["goal"] if self.goal is not None else [])
        rows = []
        for index, (values, results) in enumerate(self.points):
            table = metric_table(results)
            cells = [_cell(values[p]) for p in self.vary]
            for path in shown:
                m = table.get(path)
                cells.append("–" if m is None or m.mean is None else f"{m.mean:.4g} [{m.ci95[0]:.3g}, {m.ci95[1]:.3g}]")
            if self.goal is not None:
                cells.append("best" if index == self.best else "ok" if self.meets(index) else "")
            rows.append(cells)
        widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
        return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows) + "\n"


def _cell(value: Any) -> str:
    return "null" if value is None else str(value)


def sweep(
    flow: Flow, vary: Sequence[tuple[str, Sequence[Any]]], *, goal: str | Goal | None = None,
    minimize: str | None = None, replications: int | None = None, seed: int | None = None,
    jobs: int | None = None, cluster: str | None = None, progress: Progress = None, cancel: Any = None,
) -> Sweep:
    """Run every combination of the ``vary`` values (the first PATH varies slowest).

    With a ``goal`` (``"METRIC OP X"``), ``best`` is the point that meets it with 95 %
    confidence (see :meth:`Goal.met_by`) at the lowest value of ``minimize`` (a varied
    PATH with numbers; default: the first), the first in grid order among equals.

    Raises SimulationError for a path the flow does not have, an empty list of values,
    a goal metric the results lack, ``minimize`` not among the varied paths or with
    values that are not numbers, or what :func:`~flowsim.sim.whatif.run_variants` raises.
    """
    if not vary:
        raise SimulationError("a sweep needs at least one --vary PATH=V1,V2,...")
    paths = [path for path, _ in vary]
    if len(set(paths)) != len(paths):
        raise SimulationError("each PATH may be varied once; list all its values in one --vary")
    for path, values in vary:
        try:
            check_target(flow, path)
        except PathError as err:
            raise SimulationError(f"--vary {err}") from None
        if not values:
            raise SimulationError(f"--vary {path}: give at least one value")
    parsed = parse_goal(goal) if isinstance(goal, str) else goal
    if parsed is not None:
        minimize = minimize or paths[0]
        if minimize not in paths:
            raise SimulationError(f"--minimize {minimize}: not one of the varied paths ({', '.join(paths)})")
        values = dict(vary)[minimize]
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            raise SimulationError(f"--minimize {minimize}: its values must be numbers, got {list(values)!r}")
    grid = [dict(zip(paths, combo)) for combo in itertools.product(*(values for _, values in vary))]
    variants = [Variant(", ".join(f"{p}={_cell(v)}" for p, v in point.items()), point) for point in grid]
    runs = run_variants(flow, variants, replications=replications, seed=seed, jobs=jobs,
                        cluster=cluster, progress=progress, cancel=cancel)
    points = tuple(zip(grid, runs))
    best = None
    if parsed is not None:
        goal_metric(parsed, runs[0])  # an unknown metric is an error, not "nothing met it"
        meeting = [i for i, (_, r) in enumerate(points) if parsed.met_by(metric_table(r).get(parsed.metric))]
        if meeting:
            best = min(meeting, key=lambda i: (points[i][0][minimize], i))
    return Sweep(tuple(paths), points, parsed, minimize if parsed is not None else None, best)

"""Results over replications: each number a mean with its 95 % Student t interval.

:meth:`Results.to_json` writes the contract of design.md ("Simulation results"), plus
``funnel``, ``time_to``, ``outcomes`` and ``warnings``. Keys come in a fixed order (nodes,
edges and channels in file order) and every float is rounded to 9 significant digits, so
one seed gives byte-identical JSON, whatever the process count or hash seed.
"""

from __future__ import annotations

import csv
import io
import json
import platform
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

import simpy

from flowsim import __version__
from flowsim.safetext import csv_cell
from flowsim.sim.config import SimConfig
from flowsim.sim.series import mean_series
from flowsim.sim.stats import CHANNEL_METRICS, FUNNEL_METRICS, NODE_METRICS, TIME_STATS, TIME_TO
from flowsim.sim.tdist import mean_ci95
from flowsim.sim.trace import Trace

__all__ = ["Metric", "EdgeCount", "DaySeries", "Results", "aggregate", "versions"]

FORMAT = 1
#: Metrics that can be below zero, whose intervals are therefore not clipped at 0.
SIGNED = frozenset({"roi"})


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return float(f"{value:.9g}")


@dataclass(frozen=True)
class Metric:
    """A number over replications: ``mean`` and ``ci95 = (low, high)``; ``samples`` holds
    the value of each replication (``None`` where undefined). All ``None`` when no
    replication defines it (e.g. cost per SQL without any SQL). The interval of a
    quantity that cannot be negative (made with ``floor=0``) never goes below 0."""

    mean: float | None
    ci95: tuple[float | None, float | None]
    samples: tuple[float | None, ...] = field(repr=False, default=())

    @classmethod
    def of(cls, samples: Sequence[float | None], floor: float | None = None) -> "Metric":
        values = [float(v) for v in samples if v is not None]
        if not values:
            return cls(None, (None, None), tuple(samples))
        mean, low, high = mean_ci95(values)
        if floor is not None and low < floor:
            # t intervals are symmetric, so with few replications and small counts the low
            # end of a count, a time or a cost can fall below 0, which no run can give
            low = floor
        return cls(mean, (low, high), tuple(samples))

    def to_json(self) -> dict[str, Any]:
        return {"mean": _round(self.mean), "ci95": [_round(self.ci95[0]), _round(self.ci95[1])]}


@dataclass(frozen=True)
class EdgeCount:
    source: str
    target: str
    count: Metric


@dataclass(frozen=True)
class DaySeries:
    """A count's average over each day of the run (day ``d`` is ``[d, d + 1)``): the mean
    over replications and its 95 % interval (clipped at 0), one number a day."""

    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]

    @classmethod
    def of(cls, per_rep: Sequence[Sequence[float]]) -> "DaySeries":
        mean, low, high = mean_series(per_rep)
        return cls(tuple(mean), tuple(low), tuple(high))


@dataclass(frozen=True)
class Results:
    """What :func:`flowsim.sim.simulate` returns. Read it; do not change it.

    ``nodes[id][metric]``, ``channels[source id][metric]``, ``funnel[metric]``,
    ``time_to["mql"|"sql"|"customer"]["mean"|"median"|"p90"|"count"]`` and
    ``outcomes[outcome]`` are :class:`Metric` objects; metric names are listed in
    :mod:`flowsim.sim.stats`. ``trace`` is the first replication's event trace when one
    was asked for.

    For the charts (not part of the JSON): ``time_samples[key]`` holds each replication's
    days to the milestone as ``(values, weights)`` arrays (replication order): every
    lead's time with weight 1 in a run of up to 200,000 such leads, else the time sketch's
    buckets with their counts, so memory stays bounded; ``in_flow`` is the
    :class:`DaySeries` of leads in the flow (visitors included, warm-up too) and
    ``queues[node id]`` that of each queue's length, for nodes with a queue.
    """

    flow_name: str
    config: SimConfig
    nodes: Mapping[str, Mapping[str, Metric]]
    edges: tuple[EdgeCount, ...]
    channels: Mapping[str, Mapping[str, Metric]]
    funnel: Mapping[str, Metric]
    time_to: Mapping[str, Mapping[str, Metric]]
    outcomes: Mapping[str, Metric]
    warnings: tuple[str, ...]
    versions: Mapping[str, str]
    trace: Trace | None = field(default=None, repr=False)
    #: The flow's money totals (spend, team_cost, revenue, roi); empty without money keys.
    totals: Mapping[str, Metric] = field(default_factory=dict)
    time_samples: Mapping[str, tuple[Any, ...]] = field(default_factory=dict, repr=False)
    in_flow: DaySeries | None = field(default=None, repr=False)
    queues: Mapping[str, DaySeries] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as plain data, keys in their fixed order."""
        c = self.config
        return {
            "flowsim_results": FORMAT,
            "flow": self.flow_name,
            "days": c.days,
            "warmup_days": c.warmup_days,
            "replications": c.replications,
            "seed": c.seed,
            "nodes": {nid: {k: m.to_json() for k, m in metrics.items()} for nid, metrics in self.nodes.items()},
            "edges": [{"from": e.source, "to": e.target, "count": e.count.to_json()} for e in self.edges],
            "channels": {cid: {k: m.to_json() for k, m in metrics.items()} for cid, metrics in self.channels.items()},
            "funnel": {k: m.to_json() for k, m in self.funnel.items()},
            "time_to": {k: {s: m.to_json() for s, m in stats.items()} for k, stats in self.time_to.items()},
            "outcomes": {k: m.to_json() for k, m in self.outcomes.items()},
            **({"totals": {k: m.to_json() for k, m in self.totals.items()}} if self.totals else {}),
            "warnings": list(self.warnings),
            "versions": dict(self.versions),
        }

    def to_json(self) -> str:
        """The results as JSON text: 2-space indent, one metric (or edge) a line, one
        trailing newline."""
        return _dump(self.to_dict(), 0) + "\n"

    def rows(self) -> Iterator[tuple[str, str, str, float | None, float | None, float | None]]:
        """``(section, id, metric, mean, ci95 low, ci95 high)`` for every number."""
        def row(section: str, ident: str, name: str, m: Metric):
            return (section, ident, name, _round(m.mean), _round(m.ci95[0]), _round(m.ci95[1]))

        for nid, metrics in self.nodes.items():
            for name, m in metrics.items():
                yield row("node", nid, name, m)
        for e in self.edges:
            yield row("edge", f"{e.source}->{e.target}", "count", e.count)
        for cid, metrics in self.channels.items():
            for name, m in metrics.items():
                yield row("channel", cid, name, m)
        for name, m in self.funnel.items():
            yield row("funnel", "", name, m)
        for key, stats in self.time_to.items():
            for name, m in stats.items():
                yield row("time_to", key, name, m)
        for name, m in self.outcomes.items():
            yield row("outcome", name, "count", m)
        for name, m in self.totals.items():
            yield row("totals", "", name, m)

    def to_csv(self) -> str:
        """One row per metric (nodes first): ``section,id,metric,mean,ci95_low,ci95_high``."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("section", "id", "metric", "mean", "ci95_low", "ci95_high"))
        for section, ident, name, mean, low, high in self.rows():
            # ids and outcomes come from the file: never let a spreadsheet run them
            writer.writerow((section, csv_cell(ident), csv_cell(name),
                             *("" if v is None else repr(v) for v in (mean, low, high))))
        return out.getvalue()


def _dump(value: Any, level: int) -> str:
    """JSON with nested mappings indented, but metrics, edges and lists on one line."""
    inline = not isinstance(value, dict) or {"mean", "ci95"} <= set(value) or "from" in value
    if inline or not value:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            pad = "  " * (level + 1)
            items = ",\n".join(pad + _dump(item, level + 1) for item in value)
            return "[\n" + items + "\n" + "  " * level + "]"
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    pad = "  " * (level + 1)
    items = ",\n".join(
        f"{pad}{json.dumps(key, ensure_ascii=False)}: {_dump(item, level + 1)}" for key, item in value.items()
    )
    return "{\n" + items + "\n" + "  " * level + "}"


def versions() -> dict[str, str]:
    import numpy

    return {
        "flowsim": __version__,
        "simpy": simpy.__version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }


def aggregate(
    raws: Sequence[Mapping[str, Any]],
    *,
    flow_name: str,
    config: SimConfig,
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    source_ids: Sequence[str],
    warnings: Sequence[str] = (),
    trace: Trace | None = None,
) -> Results:
    """Combine the replications' raw numbers (in replication order) into :class:`Results`."""
    def over(get, name: str = "") -> Metric:
        # counts, times, ratios and costs cannot be negative; a return on investment can
        return Metric.of([get(raw) for raw in raws], floor=None if name in SIGNED else 0.0)

    nodes = {
        nid: {m: over(lambda r, i=i, m=m: r["nodes"][i][m]) for m in NODE_METRICS}
        for i, nid in enumerate(node_ids)
    }
    edge_counts = tuple(
        EdgeCount(src, dst, over(lambda r, i=i: r["edges"][i])) for i, (src, dst) in enumerate(edges)
    )
    # Channels carry the money metrics too when the flow has money keys (every
    # replication of one flow has the same keys).
    channel_metrics = tuple(raws[0]["channels"][0]) if raws and raws[0]["channels"] else CHANNEL_METRICS
    channels = {
        cid: {m: over(lambda r, i=i, m=m: r["channels"][i][m], m) for m in channel_metrics}
        for i, cid in enumerate(source_ids)
    }
    totals = ({m: over(lambda r, m=m: r["totals"][m], m) for m in raws[0]["totals"]}
              if raws and raws[0].get("totals") else {})
    funnel = {m: over(lambda r, m=m: r["funnel"][m]) for m in FUNNEL_METRICS}
    time_to = {k: {s: over(lambda r, k=k, s=s: r["time_to"][k][s]) for s in TIME_STATS} for k in TIME_TO}
    names: list[str] = []
    for raw in raws:
        for name in raw["outcomes"]:
            if name not in names:
                names.append(name)
    outcomes = {name: over(lambda r, name=name: r["outcomes"].get(name, 0)) for name in names}
    notes = list(warnings)
    looped = [raw["looped"] for raw in raws]
    if any(looped):
        notes.append(
            f"{sum(looped) / len(raws):g} leads a run were dropped (counted as leaked) after "
            "1000 steps in a cycle; check the rules and probabilities of the loops"
        )
    unassigned: dict[str, int] = {}
    for raw in raws:
        for nid, n in raw["unassigned"].items():
            unassigned[nid] = unassigned.get(nid, 0) + n
    for nid, n in unassigned.items():
        notes.append(f"node {nid!r}: {n / len(raws):g} leads a run found no available rep and leaked")
    time_samples = {k: tuple(raw["time_samples"][k] for raw in raws) for k in TIME_TO if "time_samples" in raws[0]}
    in_flow = DaySeries.of([raw["series"]["in_flow"] for raw in raws]) if "series" in raws[0] else None
    queues = {
        nid: DaySeries.of([raw["series"]["queues"][i] for raw in raws])
        for i, nid in enumerate(node_ids)
        if "series" in raws[0] and raws[0]["series"]["queues"][i] is not None
    }
    return Results(flow_name, config, nodes, edge_counts, channels, funnel, time_to, outcomes,
                   tuple(notes), versions(), trace, totals, time_samples, in_flow, queues)

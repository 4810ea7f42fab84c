"""How much work a run is, worked out before it starts: the one place that decides.

``flowsim validate`` warns with this estimate, and ``simulate``, ``export`` and the app
refuse a run above :data:`DEFAULT_MAX_WORK` with it (in well under a second, before any
lead is simulated); ``--max-work`` raises the limit on purpose. The estimate is in
*steps*, each about a microsecond of one core's time, summed over what costs time:

* **lead visits**: expected arrivals × the node visits one lead may make. Branches count
  by their probabilities (a capture form's conversion, a node's leak, ``probability``
  edges); a ``when`` rule is assumed to send a lead whichever way makes the most work,
  since its truth is only known at run time. A loop that takes no simulated time can go
  round until the lead is dropped (:data:`~flowsim.sim.config.MAX_HOPS` steps); one
  that takes time goes round at most as often as the run's days allow;
* **nurture touches**: each visit of a nurture node works its touches that fall inside
  the run;
* **days**: each simulated day of each replication (the clock and the statistics);
* **replications** multiply all of the above;
* **trace events** and **pixels × frames** for an animated export.

It is an upper-leaning estimate, not a promise: a rule that never holds makes the real
run smaller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
import networkx as nx
import numpy as np

from flowsim.errors import SimulationError
from flowsim.model.distribution import Distribution
from flowsim.model.flow import Flow
from flowsim.sim.config import MAX_HOPS, SimConfig
from flowsim.sim.plan import NodePlan, Plan, compile_flow

__all__ = [
    "Work", "estimate_work", "estimate_plan", "check_work", "work_warning", "parse_max_work",
    "DEFAULT_MAX_WORK", "VISIT_STEPS", "TOUCH_STEPS", "DAY_STEPS", "PIXEL_STEPS",
]

#: The most steps a run may take unless the user raises the limit (about a minute of
#: one core; the replications of a run share the cores).
DEFAULT_MAX_WORK = 1e8
#: Steps one lead's visit of one node costs (measured by benchmarks/simulate.py).
VISIT_STEPS = 2.0
#: Steps one nurture touch costs.
TOUCH_STEPS = 1.0
#: Steps one simulated day of one replication costs.
DAY_STEPS = 1.0
#: Steps a pixel of an animation frame costs to draw and encode.
PIXEL_STEPS = 0.02


@dataclass(frozen=True)
class Work:
    """A run's estimated work and where it comes from (per replication, then in all)."""

    arrivals: float  # expected arrivals in one replication
    visits: float  # lead visits in one replication
    touches: float  # nurture touches in one replication
    days: float
    replications: int
    events: float = 0.0  # trace events (animations)
    pixels: float = 0.0  # pixels × frames (animations)
    #: The source whose leads make the most work, and its line: where to look first.
    source: str | None = None
    source_line: int | None = None

    @property
    def steps(self) -> float:
        per_rep = self.visits * VISIT_STEPS + self.touches * TOUCH_STEPS + self.days * DAY_STEPS
        return per_rep * self.replications + self.events + self.pixels * PIXEL_STEPS

    def describe(self) -> str:
        """``about 2.4e+08 steps (60,000 arrivals, up to 1,000 visits each, ...)``."""
        parts: list[str] = []
        if self.replications:
            parts.append(f"{_count(self.arrivals)} arrivals")
            if self.source is not None:
                parts[0] += f", most from node {self.source!r}"
            if self.arrivals > 0:
                parts.append(f"about {_count(self.visits / self.arrivals)} node visits each")
            if self.touches >= 1:
                parts.append(f"{_count(self.touches)} nurture touches")
            parts.append(f"{self.days:,.6g} days")
            if self.replications != 1:
                parts.append(f"× {self.replications:,} replications")
        if self.pixels:
            parts.append(f"{_count(self.pixels)} pixels of video")
        return f"about {_steps(self.steps)} steps of work ({', '.join(parts)})"


def _count(value: float) -> str:
    return f"{value:,.0f}" if value < 1e9 else f"{value:.2g}"


def _steps(value: float) -> str:
    return f"{value:.2g}" if value >= 1e4 else f"{value:,.0f}"


def parse_max_work(text: str) -> float:
    """``--max-work`` as typed: a number of steps (``2e9``, ``500000000``) or ``inf``."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number of steps: {text!r}") from None
    if math.isnan(value) or value <= 0:
        raise ValueError(f"must be a number of steps above 0, got {text!r}")
    return value


def check_work(work: Work, max_work: float | None = None, *, what: str = "run") -> None:
    """Raise SimulationError with the estimate when ``work`` is above the limit."""
    limit = DEFAULT_MAX_WORK if max_work is None else max_work
    if work.steps > limit:
        raise SimulationError(
            f"this {what} is {work.describe()}, above the limit of {_steps(limit)}; shorten "
            f"the run, lower the rates or replications, check loops and nurture touches, or "
            f"pass --max-work {_steps(work.steps * 1.1)} to run it anyway",
            line=work.source_line,
        )


def work_warning(flow: Flow, max_work: float | None = None) -> str | None:
    """For ``flowsim validate``: the warning that ``simulate`` would refuse this flow with
    its own settings, or None. The flow must have no validation errors."""
    try:
        work = estimate_work(flow)
        check_work(work, max_work)
    except SimulationError as err:
        return err.message
    return None


def estimate_work(flow: Flow, config: SimConfig | None = None) -> Work:
    """The work of simulating ``flow`` with ``config`` (the flow's own settings by
    default); SimulationError for a flow that cannot be compiled."""
    config = (config or SimConfig(jobs=1)).resolve(flow)
    return estimate_plan(compile_flow(flow), config)


def estimate_plan(plan: Plan, config: SimConfig) -> Work:
    """The work of running ``plan`` with a resolved ``config``."""
    days = float(config.days)
    arrivals = [plan.nodes[i].shape.expected(0.0, days) for i in plan.sources]
    visits, touches = _per_arrival(plan, days)
    shares = [a * (visits[i] * VISIT_STEPS + touches[i] * TOUCH_STEPS) for a, i in zip(arrivals, plan.sources)]
    top = plan.nodes[plan.sources[int(np.argmax(shares))]] if shares and max(shares) > 0 else None
    return Work(
        arrivals=float(sum(arrivals)),
        visits=float(sum(a * visits[i] for a, i in zip(arrivals, plan.sources))),
        touches=float(sum(a * touches[i] for a, i in zip(arrivals, plan.sources))),
        days=days, replications=int(config.replications),
        source=top.id if top is not None else None, source_line=top.line if top is not None else None,
    )


def _min_time(dist: Distribution | None) -> float:
    """The least time a draw of ``dist`` can take (0 where it can be as short as it likes)."""
    if dist is None:
        return 0.0
    if dist.kind == "fixed":
        return max(float(dist["value"]), 0.0)
    if dist.kind in ("uniform", "triangular"):
        return max(float(dist["min"]), 0.0)
    return 0.0


def _least_time(node: NodePlan) -> float:
    """The least simulated time a lead spends at ``node`` when it goes on from it."""
    least = _min_time(node.delay) + (_min_time(node.service) if node.queues else 0.0)
    if node.kind == "nurture" and node.touches and node.every > 0:
        least += node.every * (1 if node.exit_rule is not None else node.touches)
    return least


def _quickest_round(graph: nx.DiGraph, members: list[int], least: list[float]) -> float:
    """The least simulated time of any cycle through ``members`` (a strongly connected
    part of the graph), each node weighing its least time; 0 when unknown (too large a
    part to search: the caller then keeps its coarser bound)."""
    if len(members) > 300:
        return 0.0
    inside = graph.subgraph(members)
    weighted = nx.DiGraph()
    weighted.add_weighted_edges_from((u, v, least[v]) for u, v in inside.edges)
    best = math.inf
    for u in members:
        lengths = nx.single_source_dijkstra_path_length(weighted, u)
        for p in inside.predecessors(u):
            if p in lengths:
                best = min(best, lengths[p] + least[u])
    return best if math.isfinite(best) else 0.0


def _touches_in_run(node: NodePlan, days: float) -> float:
    if node.kind != "nurture" or not node.touches or node.every <= 0:
        return 0.0
    return float(min(node.touches, math.floor(days / node.every) + 1))


def _per_arrival(plan: Plan, days: float) -> tuple[np.ndarray, np.ndarray]:
    """``(visits, touches)`` one lead starting at each node may cause (see module notes).

    A value iteration over the graph, each node's value being its own cost plus the
    continuing share of the largest of its ways out; loops are capped by
    :func:`_loop_caps`. Converges in as many rounds as the longest walk, at most
    MAX_HOPS, each a few numpy operations over the edges.
    """
    nodes = plan.nodes
    n = len(nodes)
    touch = np.array([_touches_in_run(node, days) for node in nodes])
    go_on = np.empty(n)
    # Options: each a weighted set of targets; a node's value takes its best option.
    opt_node: list[int] = []
    entry_opt: list[int] = []
    entry_target: list[int] = []
    entry_weight: list[float] = []

    def option(node: int, pairs: list[tuple[int, float]]) -> None:
        k = len(opt_node)
        opt_node.append(node)
        for target, weight in pairs:
            entry_opt.append(k)
            entry_target.append(target)
            entry_weight.append(weight)

    for node in nodes:
        i = node.index
        share = 1.0 - node.leak
        if node.kind == "capture" and node.conversion is not None:
            share *= node.conversion
        if node.kind == "nurture" and node.touches:
            # Without exit_when every touch is sent (each may lose the lead); with it, a
            # lead may leave after the first.
            sent = 1.0 if node.exit_rule is not None else _touches_in_run(node, days)
            share *= (1.0 - node.unsubscribe) ** sent
        go_on[i] = share
        router = node.router
        if router is None or not node.targets:
            option(i, [])
            continue
        for edge, _rule in router.conditions:
            option(i, [(node.targets[edge], 1.0)])  # the rule may hold for every lead
        rest = [(node.targets[edge], float(p)) for edge, p in router.probabilities]
        remainder = 1.0 - sum(p for _, p in rest)
        if router.default is not None and remainder > 0:
            rest.append((node.targets[router.default], remainder))
        option(i, rest)

    caps = _loop_caps(plan, days)
    opt_of = np.array(opt_node, dtype=np.int64)
    e_opt = np.array(entry_opt, dtype=np.int64)
    e_target = np.array(entry_target, dtype=np.int64)
    e_weight = np.array(entry_weight, dtype=float)
    n_opts = len(opt_node)

    def iterate(own: np.ndarray, cap: np.ndarray) -> np.ndarray:
        value = np.minimum(own, cap)
        for _ in range(MAX_HOPS):
            reach = np.bincount(e_opt, weights=e_weight * value[e_target], minlength=n_opts)
            best = np.zeros(n)
            np.maximum.at(best, opt_of, reach)
            new = np.minimum(own + go_on * best, cap)
            if np.allclose(new, value, rtol=1e-6, atol=1e-9):
                return new
            value = new
        return value

    visits = iterate(np.ones(n), caps)
    # Touches: a walk's visits are capped as above, each working at most the most touches.
    touches = iterate(touch, caps * touch.max()) if touch.any() else np.zeros(n)
    return visits, touches


def _loop_caps(plan: Plan, days: float) -> np.ndarray:
    """Per node, the most visits a lead's walk from it can make (as a multiple of one
    node's cost): MAX_HOPS, or fewer when every loop it can enter takes simulated time."""
    nodes = plan.nodes
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(nodes)))
    for node in nodes:
        graph.add_edges_from((node.index, t) for t in node.targets)
    least = [_least_time(node) for node in nodes]
    cap = np.full(len(nodes), float(MAX_HOPS))
    # A loop's rounds: unbounded (to MAX_HOPS) when it can go round in no time; else the
    # run's days over the least time a round takes, plus one.
    bound_of: dict[int, float] = {}
    for component in nx.strongly_connected_components(graph):
        members = sorted(component)
        looped = len(members) > 1 or graph.has_edge(members[0], members[0])
        if not looped:
            continue
        timeless = [m for m in members if least[m] <= 0]
        sub = graph.subgraph(timeless)
        if timeless and not nx.is_directed_acyclic_graph(sub):
            bound = float(MAX_HOPS)
        else:
            # Each round passes a node that takes time, and between two such nodes at
            # most the longest chain of timeless ones.
            slowest_needed = min(least[m] for m in members if least[m] > 0)
            rounds = math.floor(days / slowest_needed) + 1
            chain = nx.dag_longest_path_length(sub) + 1 if timeless else 0
            bound = min(float(MAX_HOPS), rounds * (1 + chain) + chain)
            # Or: whole rounds of the quickest cycle, each at most every member long.
            quickest = _quickest_round(graph, members, least)
            if quickest > 0:
                bound = min(bound, (math.floor(days / quickest) + 1) * len(members))
        for m in members:
            bound_of[m] = bound
    if not bound_of:
        return cap
    # A walk may pass several loops one after the other: the cap from a node adds the
    # bounds of the loops downstream, never more than MAX_HOPS.
    condensed = nx.condensation(graph)
    mapping = condensed.graph["mapping"]
    weight = {c: max((bound_of.get(m, 1.0) for m in condensed.nodes[c]["members"]), default=1.0)
              for c in condensed.nodes}
    total: dict[int, float] = {}
    for c in reversed(list(nx.topological_sort(condensed))):
        after = max((total[d] for d in condensed.successors(c)), default=0.0)
        total[c] = min(float(MAX_HOPS), weight[c] + after)
    for i in range(len(nodes)):
        cap[i] = total[mapping[i]]
    return cap


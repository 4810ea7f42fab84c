"""Compile a flow once into a :class:`Plan`: parsed distributions, compiled rules and a
router per node, ready for many replications.

A plan is immutable and holds no run state (queues, counters and random streams belong to
one replication), so one plan serves every replication run in a process. Anything that
makes a flow impossible to simulate is found here and raised as a
:class:`~flowsim.errors.SimulationError` that names the node (or edge) and its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flowsim.errors import RuleError, SimulationError
from flowsim.model.distribution import Distribution, parse_distribution
from flowsim.model.duration import ValueProblem, is_number, parse_duration
from flowsim.model.flow import Edge, Flow, Node
from flowsim.model.graph import parallel_ordinals
from flowsim.rules import (
    LEAD_FIELDS,
    Assigner,
    AttributeGenerator,
    Router,
    Rule,
    ScoringModel,
    Segmenter,
    compile_rule,
    known_fields,
)
from flowsim.sim.arrivals import ArrivalShape, parse_arrivals
from flowsim.sim.money import MoneyPlan, compile_money

__all__ = [
    "Plan", "NodePlan", "ScorePlan", "compile_flow", "speed_multiplier", "DEFAULT_SPEED_TO_LEAD",
    "SIM_FIELDS", "SCORE_FIELDS",
]

#: Lead fields the simulation sets beyond :data:`flowsim.rules.LEAD_FIELDS`.
SIM_FIELDS: tuple[str, ...] = tuple(f for f in ("accepted",) if f not in LEAD_FIELDS)
#: Fields that change as engagement decays: rules reading them see a fresh score.
SCORE_FIELDS = frozenset({"score", "fit_score", "engagement_score"})
#: Fields that change while a lead sits in a nurture stream.
DYNAMIC_FIELDS = SCORE_FIELDS | {"touches", "age", "waited"}
#: Every field the engine sets on a lead after it arrives.
ENGINE_FIELDS = DYNAMIC_FIELDS | {"segment", "accepted"}
#: ``every`` of a nurture node that gives ``touches`` but no ``every``.
DEFAULT_EVERY = 7.0

_MINUTE, _HOUR = 1.0 / 1440.0, 1.0 / 24.0
#: A handoff's speed-to-lead curve when it sets none: the published response-time effects
#: as multipliers of ``accept``, relative to an answer within 5 minutes.
#: 30 min: 1/21 (MIT / InsideSales 2007: 21x the odds of qualifying at 5 vs 30 minutes);
#: 1 h: no further drop within the hour; 2 h: a seventh of that (HBR 2011: nearly 7x
#: likelier within an hour than an hour later); 24 h: a sixtieth (HBR 2011: more than 60x
#: likelier within an hour than after 24 hours). Linear between points, flat beyond.
DEFAULT_SPEED_TO_LEAD: tuple[tuple[float, float], ...] = (
    (5 * _MINUTE, 1.0),
    (30 * _MINUTE, 1 / 21),
    (1 * _HOUR, 1 / 21),
    (2 * _HOUR, 1 / 21 / 7),
    (24 * _HOUR, 1 / 21 / 60),
)


@dataclass(frozen=True)
class ScorePlan:
    """A score node's model, unpacked for the hot loop (see :mod:`flowsim.sim.leads`)."""

    key: int  # node index: engagement rules are told apart by (key, rule index)
    model: ScoringModel
    fit: tuple[tuple[Callable[[Any], Any], float, Rule], ...]
    engagement: tuple[tuple[int, Callable[[Any], Any], float, Rule], ...]
    cap_fit: float | None
    cap_engagement: float | None
    cap_total: float | None
    threshold: float | None
    factor: Callable[[float], float] | None  # None without decay
    dynamic: bool  # some rule reads a field that changes with time or touches
    stable: bool  # no rule reads a field the engine sets: same lead, same points
    # the caps and threshold as plain floats (no limit: infinity), for the hot loop
    engagement_cap: float = math.inf
    total_cap: float = math.inf
    mql_at: float = math.inf


class NodePlan:
    """One node, parsed. Attributes a kind does not use are None (or 0 for ``leak``)."""

    def __init__(self, index: int, node: Node) -> None:
        self.index = index
        self.id: str = node.id
        self.kind: str = node.kind
        self.title: str = node.title
        self.line: int | None = node.line_of()
        self.delay: Distribution | None = None
        self.capacity: int | None = None
        self.service: Distribution | None = None
        self.patience: Distribution | None = None
        self.leak = 0.0
        self.conversion: float | None = None
        self.scoring: ScorePlan | None = None
        self.segmenter: Segmenter | None = None
        self.touches = 0
        self.every = DEFAULT_EVERY
        self.engage = 0.0
        self.points = 0.0
        self.unsubscribe = 0.0
        self.exit_rule: Rule | None = None
        self.rescoring: ScorePlan | None = None  # nurture: the nearest score node upstream
        self.accept: float | None = None
        self.curve: tuple[tuple[float, float], ...] | None = None
        self.assignment: Mapping[str, Any] | None = None
        self.outcome: str | None = None
        self.shape: ArrivalShape | None = None
        self.cost = 0.0
        self.attributes: AttributeGenerator | None = None
        self.visits = False  # a source whose arrivals are visitors until a capture form
        self.traits_early = True  # draw attributes on arrival (a rule may read them before a form)
        self.fast_capture: int | None = None  # see Plan docs
        self.router: Router | None = None
        self.targets: tuple[int, ...] = ()  # node index of each outgoing edge
        self.edge_index: tuple[int, ...] = ()  # flow.edges index of each outgoing edge
        self.edge_nth: tuple[int, ...] = ()  # which of the edges to the same target each is
        self.edge_names: tuple[str, ...] = ()
        self.refresh = False  # rules here read the score: decay it to now first
        self.reads: frozenset[str] = frozenset()

    @property
    def queues(self) -> bool:
        """Whether leads queue here: servers (capacity or reps) and a service time."""
        return self.service is not None and (self.capacity is not None or self.assignment is not None)

    def __repr__(self) -> str:
        return f"<NodePlan {self.id} ({self.kind})>"


@dataclass(frozen=True)
class Plan:
    """A compiled flow.

    ``fast_capture`` of a source is the index of the capture node its arrivals go to
    straight away when nothing can happen in between (the source has no delay, queue or
    leak and one default edge; the capture has no queue). The engine then settles the
    visits that abandon the form in bulk, without simulating each one.
    """

    name: str
    nodes: tuple[NodePlan, ...]
    edges: tuple[tuple[str, str], ...]
    sources: tuple[int, ...]
    fields: frozenset[str]
    reads_age: bool
    reads_waited: bool
    money: MoneyPlan | None = None  # None: the flow has no money keys

    def node(self, node_id: str) -> NodePlan:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


def compile_flow(flow: Flow) -> Plan:
    """The plan of ``flow``; SimulationError naming the node or edge for what cannot run."""
    index = {node.id: i for i, node in enumerate(flow.nodes)}
    plans = [NodePlan(i, node) for i, node in enumerate(flow.nodes)]
    for plan, node in zip(plans, flow.nodes):
        if node.kind == "source":
            _source(plan, node)
    generated = [p.attributes.fields for p in plans if p.attributes is not None]
    fields = known_fields(*generated) | frozenset(SIM_FIELDS)
    for plan, node in zip(plans, flow.nodes):
        _common(plan, node)
        _kind(plan, node, fields)
    out_edges: dict[str, list[int]] = {}
    for i, edge in enumerate(flow.edges):
        out_edges.setdefault(edge.source, []).append(i)
    for plan, node in zip(plans, flow.nodes):
        if node.kind != "sink":
            _routing(plan, flow, out_edges.get(node.id, []), index, fields)
    reads: set[str] = set()
    for plan in plans:
        reads |= plan.reads
    _visits(plans, flow, index)
    _rescoring(plans)
    return Plan(
        name=flow.name,
        nodes=tuple(plans),
        edges=tuple((e.source, e.target) for e in flow.edges),
        sources=tuple(p.index for p in plans if p.kind == "source"),
        fields=fields,
        reads_age="age" in reads,
        reads_waited="waited" in reads,
        money=compile_money(flow),
    )


# --- errors -----------------------------------------------------------------------------


def node_error(node: Node | NodePlan, message: str, line: int | None = None, column: int | None = None) -> SimulationError:
    """A SimulationError about ``node``: ``node 'id': message`` at its line."""
    if line is None:
        line = node.line_of() if isinstance(node, Node) else node.line
    return SimulationError(f"node {node.id!r}: {message}", line=line, column=column)


def route_error(node: NodePlan, fields: dict[str, Any], err: RuleError) -> SimulationError:
    """The error of a routing rule that failed on a lead at ``node``: names the edge whose
    ``when`` failed (the first that fails on these fields), else the node."""
    for i, rule in node.router.conditions:
        try:
            rule.fn(fields)
        except Exception:
            return SimulationError(f"node {node.id!r}, {node.edge_names[i]}: {err.message}",
                                   line=err.line, column=err.column)
    return node_error(node, err.message, err.line, err.column)


def _rule_error(node: Node, err: RuleError) -> SimulationError:
    return node_error(node, err.message, err.line or node.line_of(), err.column)


# --- per node ---------------------------------------------------------------------------


def _dist(node: Node, key: str, *, durations: bool = True) -> Distribution | None:
    raw = node.params.get(key)
    if raw is None:
        return None
    try:
        return parse_distribution(raw, durations=durations)
    except ValueProblem as problem:
        sub = f".{problem.key}" if problem.key else ""
        raise node_error(node, f"{key}{sub}: {problem}", node.line_of(key)) from None


def _probability(node: Node, key: str, default: float | None = None) -> float | None:
    raw = node.params.get(key)
    if raw is None:
        return default
    if not is_number(raw) or not 0 <= raw <= 1:
        raise node_error(node, f"{key} must be a probability between 0 and 1, got {raw!r}", node.line_of(key))
    return float(raw)


def _number(node: Node, key: str, default: float, *, low: float | None = None) -> float:
    raw = node.params.get(key)
    if raw is None:
        return default
    if not is_number(raw) or (low is not None and raw < low):
        floor = f" ≥ {low:g}" if low is not None else ""
        raise node_error(node, f"{key} must be a number{floor}, got {raw!r}", node.line_of(key))
    return float(raw)


def _common(plan: NodePlan, node: Node) -> None:
    plan.delay = _dist(node, "delay")
    if plan.delay is not None and plan.delay.kind == "fixed" and plan.delay["value"] == 0:
        plan.delay = None  # "delay: 0" is no delay at all
    plan.service = _dist(node, "service")
    plan.patience = _dist(node, "patience")
    plan.leak = _probability(node, "leak", 0.0) or 0.0
    raw = node.params.get("capacity")
    if raw is not None:
        if not is_number(raw) or raw != int(raw) or raw < 1:
            raise node_error(
                node,
                f"capacity {raw!r}: leads that arrive here could never be worked; "
                "give at least 1 (or leave capacity out for no limit)",
                node.line_of("capacity"),
            )
        plan.capacity = int(raw)


def _source(plan: NodePlan, node: Node) -> None:
    raw = node.params.get("arrivals")
    if raw is None:
        plan.shape = ArrivalShape(0.0)
    else:
        if not isinstance(raw, Mapping):
            raise node_error(node, "arrivals must be a mapping such as {per_day: 40}", node.line_of("arrivals"))
        try:
            plan.shape = parse_arrivals(raw)
        except (ValueError, TypeError, ValueProblem, KeyError) as err:
            raise node_error(node, f"arrivals: {err}", node.line_of("arrivals")) from None
    plan.cost = _number(node, "cost_per_lead", 0.0, low=0.0)
    try:
        plan.attributes = AttributeGenerator.from_config(
            node.params, line=node.line_of(), line_of=lambda path: node.line_of(*path)
        )
    except RuleError as err:
        raise _rule_error(node, err) from None


def _kind(plan: NodePlan, node: Node, fields: frozenset[str]) -> None:
    line_of = lambda path: node.line_of(*path)  # noqa: E731
    kind = node.kind
    try:
        if kind == "capture":
            plan.conversion = _probability(node, "conversion")
        elif kind == "score":
            model = ScoringModel.from_config(node.params, fields=fields, line=node.line_of(), line_of=line_of)
            plan.scoring = _score_plan(plan.index, model)
            plan.reads |= {f for rule in model.rules() for f in rule.fields}
        elif kind == "segment":
            plan.segmenter = Segmenter.from_config(node.params, fields=fields, line=node.line_of(), line_of=line_of)
            plan.reads |= {f for r in plan.segmenter.rules for f in r.rule.fields}
        elif kind == "nurture":
            _nurture(plan, node, fields)
        elif kind in ("handoff", "sales"):
            if kind == "handoff":
                plan.accept = _probability(node, "accept", 1.0)
                plan.curve = _curve(node)
            raw = node.params.get("assignment")
            if raw is not None:
                assigner = Assigner.from_config(raw, fields=fields, line=node.line_of(), line_of=line_of)
                if not any(rep.available for rep in assigner.reps):
                    raise node_error(
                        node, "assignment: no rep is available, so leads here could never be worked",
                        node.line_of("assignment"),
                    )
                plan.assignment = raw
                if plan.service is None:
                    raise node_error(node, "assignment needs a service time: how long a rep works one lead",
                                     node.line_of("assignment"))
            if kind == "handoff" and plan.curve is None and plan.queues:
                plan.curve = DEFAULT_SPEED_TO_LEAD  # leads can wait here, and waiting costs
        elif kind == "sink":
            raw = node.params.get("outcome")
            plan.outcome = str(raw) if raw is not None else node.id
    except RuleError as err:
        raise _rule_error(node, err) from None


def _score_plan(key: int, model: ScoringModel) -> ScorePlan:
    reads = {f for rule in model.rules() for f in rule.fields}
    return ScorePlan(
        key=key,
        model=model,
        fit=tuple((p.rule.fn, p.points, p.rule) for p in model.fit),
        engagement=tuple((i, p.rule.fn, p.points, p.rule) for i, p in enumerate(model.engagement)),
        cap_fit=model.cap_fit,
        cap_engagement=model.cap_engagement,
        cap_total=model.cap_total,
        threshold=model.threshold,
        factor=model.decay_rule.curve() if model.decay_rule is not None else None,
        dynamic=bool(reads & DYNAMIC_FIELDS),
        stable=not reads & ENGINE_FIELDS,
        engagement_cap=math.inf if model.cap_engagement is None else model.cap_engagement,
        total_cap=math.inf if model.cap_total is None else model.cap_total,
        mql_at=math.inf if model.threshold is None else model.threshold,
    )


def _nurture(plan: NodePlan, node: Node, fields: frozenset[str]) -> None:
    raw = node.params.get("touches")
    if raw is not None:
        if not is_number(raw) or raw != int(raw) or raw < 0:
            raise node_error(node, f"touches must be a whole number ≥ 0, got {raw!r}", node.line_of("touches"))
        plan.touches = int(raw)
    if node.params.get("every") is not None:
        try:
            plan.every = parse_duration(node.params["every"])
        except ValueProblem as problem:
            raise node_error(node, f"every: {problem}", node.line_of("every")) from None
        if plan.every <= 0:
            raise node_error(node, "every: touches must be spaced by more than 0", node.line_of("every"))
    plan.engage = _probability(node, "engage", 0.0) or 0.0
    plan.points = _number(node, "points", 0.0)
    plan.unsubscribe = _probability(node, "unsubscribe", 0.0) or 0.0
    text = node.params.get("exit_when")
    if text is not None:
        plan.exit_rule = compile_rule(text, fields=fields, line=node.line_of("exit_when"))
        plan.reads |= set(plan.exit_rule.fields)


def _curve(node: Node) -> tuple[tuple[float, float], ...] | None:
    raw = node.params.get("speed_to_lead")
    if raw is None:
        return None
    line = node.line_of("speed_to_lead")
    if not isinstance(raw, Mapping) or not raw:
        raise node_error(node, "speed_to_lead must map waits to multipliers, such as {5m: 1.0, 1h: 0.5, 24h: 0.1}", line)
    points: dict[float, float] = {}
    for key, value in raw.items():
        try:
            wait = parse_duration(key)
        except ValueProblem as problem:
            raise node_error(node, f"speed_to_lead: {problem}", node.line_of("speed_to_lead", key)) from None
        if not is_number(value) or value < 0:
            raise node_error(node, f"speed_to_lead: the multiplier for {key} must be a number ≥ 0, got {value!r}",
                             node.line_of("speed_to_lead", key))
        if wait in points:
            raise node_error(node, f"speed_to_lead: {key} repeats a wait given already", node.line_of("speed_to_lead", key))
        points[wait] = float(value)
    return tuple(sorted(points.items()))


def _routing(plan: NodePlan, flow: Flow, edge_ids: list[int], index: Mapping[str, int], fields: frozenset[str]) -> None:
    edges: list[Edge] = [flow.edges[i] for i in edge_ids]
    for edge in edges:
        if edge.target not in index:
            raise SimulationError(f"edge {edge.source} → {edge.target}: no node has id {edge.target!r}",
                                  line=edge.line_of("to"))
    names = [f"edge {e.source} → {e.target}" for e in edges]
    try:
        router = Router.from_edges(
            edges, fields=fields, line=plan.line,
            line_of=lambda path: edges[path[0]].line_of(*path[1:]), names=names,
        )
    except RuleError as err:
        raise SimulationError(err.message, line=err.line, column=err.column) from None
    plan.router = router
    plan.targets = tuple(index[e.target] for e in edges)
    plan.edge_index = tuple(edge_ids)
    plan.edge_nth = tuple(parallel_ordinals((e.source, e.target) for e in edges))
    plan.edge_names = tuple(names)
    plan.reads |= {f for _, rule in router.conditions for f in rule.fields}
    plan.refresh = bool(plan.reads & SCORE_FIELDS)


def _rescoring(plans: list[NodePlan]) -> None:
    """Give each nurture node the model of the nearest score node upstream.

    Nearest means fewest edges back along the graph (whether or not a given lead came
    that way); among equally near ones, the first in the file.
    """
    feeders: dict[int, list[int]] = {}
    for plan in plans:
        for target in plan.targets:
            feeders.setdefault(target, []).append(plan.index)
    for plan in plans:
        if plan.kind != "nurture":
            continue
        seen, ring = {plan.index}, [plan.index]
        while ring and plan.rescoring is None:
            ring = sorted({f for i in ring for f in feeders.get(i, ()) if f not in seen})
            seen.update(ring)
            scored = [plans[i] for i in ring if plans[i].scoring is not None]
            if scored:
                plan.rescoring = scored[0].scoring


def _reads_lead(plan: NodePlan) -> bool:
    """Whether anything at this node may look at the lead's fields."""
    return bool(plan.reads) or plan.assignment is not None or plan.kind in ("score", "segment", "nurture")


def _visits(plans: list[NodePlan], flow: Flow, index: Mapping[str, int]) -> None:
    """Mark sources whose arrivals are visitors (a capture can follow) and fast paths."""
    for plan in plans:
        if plan.kind != "source":
            continue
        seen, todo = {plan.index}, [plan.index]
        while todo:
            current = plans[todo.pop()]
            for target in current.targets:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        plan.visits = any(plans[i].kind == "capture" for i in seen)
        # Nodes a visitor can pass before any form: if none reads the lead, its
        # attributes can wait until it becomes a lead (most visitors never do).
        before, todo = {plan.index}, [plan.index]
        while todo:
            current = plans[todo.pop()]
            for target in current.targets:
                if target not in before and plans[target].kind != "capture":
                    before.add(target)
                    todo.append(target)
        plan.traits_early = not plan.visits or any(_reads_lead(plans[i]) for i in before)
        router = plan.router
        plain = plan.delay is None and not plan.queues and plan.leak == 0.0
        if plain and router is not None and len(plan.targets) == 1 and router.default == 0:
            target = plans[plan.targets[0]]
            if target.kind == "capture" and not target.queues:
                plan.fast_capture = target.index


def speed_multiplier(curve: tuple[tuple[float, float], ...], wait: float) -> float:
    """The speed-to-lead multiplier at ``wait``: linear between points, flat beyond."""
    x0, y0 = curve[0]
    if wait <= x0:
        return y0
    for x1, y1 in curve[1:]:
        if wait <= x1:
            return y0 + (y1 - y0) * (wait - x0) / (x1 - x0)
        x0, y0 = x1, y1
    return y0

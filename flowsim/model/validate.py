"""Every problem in a flow, found at once, each naming the node or edge, field and line.

:func:`validate` never raises on a bad flow: it returns :class:`Issue` objects, errors and
warnings, sorted by line. A flow with no errors can be simulated. Rules (``when``,
``exit_when``, scoring and segment rules) are checked for syntax by a ``rule_checker`` the
caller passes in, since the rule language lives in a higher layer.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator


from flowsim.model.colors import is_color
from flowsim.model.duration import is_number
from flowsim.model.fieldcheck import check_type, check_value
from flowsim.model.flow import EDGE_KEYS, ID_PATTERN, SIMULATION_DEFAULTS, Edge, Flow, Node
from flowsim.model.kinds import KIND_FIELDS, NodeKind, fields_of
from flowsim.safetext import for_terminal

__all__ = ["Issue", "validate", "errors_in", "RuleChecker"]

ERROR = "error"
WARNING = "warning"

#: Called with a rule's text; raises an exception with ``message`` and ``column`` if bad.
RuleChecker = Callable[[str], Any]

_ID = re.compile(rf"^{ID_PATTERN}$")
#: The keys a flow file has at its top, in order.
TOP_KEYS = ("flowsim", "name", "description", "simulation", "nodes", "edges", "scenarios")
_KINDS = [k.value for k in NodeKind]


@dataclass(frozen=True)
class Issue:
    """One problem: where it is (line, node id or edge index, field) and what it is."""

    message: str
    line: int | None = None
    node: str | None = None
    edge: int | None = None
    field: str | None = None
    severity: str = ERROR
    column: int | None = None
    #: What the issue is about, for people: ``node 'sdr_team', capacity``,
    #: ``edge scoring → handoff, when`` or ``simulation.days``.
    subject: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == WARNING else ""
        body = f"{self.subject}: {self.message}" if self.subject else self.message
        return for_terminal(prefix + body)  # keys and names come from the file

    def format(self, file: str | None = None) -> str:
        """``FILE:LINE: message`` (or ``FILE: message`` for an issue with no line)."""
        where = [p for p in (file, self.line) if p is not None]
        if self.column is not None and self.line is not None:
            where.append(self.column)
        head = for_terminal(":".join(str(p) for p in where))
        return f"{head}: {self}" if head else str(self)


def _shown(value: Any, quote: bool = False) -> str:
    """An id as a message shows it: plain if it is a tidy id, else as Python writes it,
    so an id with a line break cannot break the one-line output."""
    if isinstance(value, str) and _ID.match(value):
        return f"'{value}'" if quote else value
    return repr(value)


def _path_shown(path: tuple) -> str | None:
    """A key path as a message shows it: keys with a line break or other unprintable
    characters as Python writes them, so a message stays one line."""
    def part(key: Any) -> str:
        if isinstance(key, str):
            return key if key.isprintable() else repr(key)
        return str(key)

    return ".".join(part(key) for key in path) or None


def errors_in(issues: Iterable[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.is_error]


def _suggest(word: Any, options: Iterable[Any]) -> str:
    if not isinstance(word, str):
        return ""
    names = [o for o in options if isinstance(o, str)]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Report:
    """Collects issues with their subject and line."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def node(self, node: Node, message: str, *path: Any, severity: str = ERROR, column: int | None = None) -> None:
        field = ".".join(str(p) for p in path) or None
        shown = _path_shown(path)
        subject = f"node {_shown(node.id, quote=True)}" + (f", {shown}" if shown else "")
        node_id = node.id if isinstance(node.id, str) else None  # only text ids name a node
        self.issues.append(Issue(message, node.line_of(*path), node=node_id, field=field,
                                 severity=severity, column=column, subject=subject))

    def edge(self, edge: Edge, index: int, message: str, *path: Any, severity: str = ERROR, column: int | None = None) -> None:
        field = ".".join(str(p) for p in path) or None
        shown = _path_shown(path)
        subject = f"edge {_shown(edge.source)} → {_shown(edge.target)}" + (f", {shown}" if shown else "")
        self.issues.append(Issue(message, edge.line_of(*path), edge=index, field=field,
                                 severity=severity, column=column, subject=subject))

    def flow(self, flow: Flow, message: str, *path: Any, severity: str = ERROR) -> None:
        field = ".".join(str(p) for p in path) or None
        line = None
        probe = tuple(path)
        while probe and line is None:
            line = flow.lines.get(probe)
            probe = probe[:-1]
        if line is None and flow.lines:
            line = 1  # a key the file lacks: the top of the file is where it belongs
        self.issues.append(Issue(message, line, field=field, severity=severity, subject=_path_shown(path) or ""))


def validate(flow: Flow, *, rule_checker: RuleChecker | None = None) -> list[Issue]:
    """All issues of ``flow``, sorted by line (issues without a line last)."""
    report = _Report()
    _check_settings(flow, report)
    known = _check_nodes(flow, report, rule_checker)
    _check_edges(flow, report, known, rule_checker)
    _check_graph(flow, report, known)
    if flow.scenarios:
        from flowsim.model.scenarios import scenario_issues  # it validates with this module

        report.issues.extend(scenario_issues(flow, rule_checker=rule_checker))
    order = {id(issue): n for n, issue in enumerate(report.issues)}
    return sorted(report.issues, key=lambda i: (i.line is None, i.line or 0, order[id(i)]))


def _check_settings(flow: Flow, report: _Report) -> None:
    if not isinstance(flow.name, str) or not flow.name.strip():
        report.flow(flow, f"the flow needs a name, got {flow.name!r}", "name")
    if not isinstance(flow.description, str):
        report.flow(flow, f"must be text, got {flow.description!r}", "description")
    for key in flow.extra:
        report.flow(flow, f"unknown key{_suggest(key, TOP_KEYS)}", key)
    sim = flow.simulation
    for key in sim:
        if key not in SIMULATION_DEFAULTS:
            report.flow(flow, f"unknown setting{_suggest(key, SIMULATION_DEFAULTS)}", "simulation", key)
    days = sim.get("days", SIMULATION_DEFAULTS["days"])
    if not is_number(days) or days <= 0:
        report.flow(flow, f"must be a number of days > 0, got {days!r}", "simulation", "days")
    for key, type_ in (("replications", "count"), ("seed", "whole")):
        if key in sim and (problem := check_type(type_, sim[key])):
            report.flow(flow, problem[0], "simulation", key)
    warmup = sim.get("warmup_days", 0)
    if not is_number(warmup) or warmup < 0:
        report.flow(flow, f"must be a number of days ≥ 0, got {warmup!r}", "simulation", "warmup_days")
    elif is_number(days) and days > 0 and warmup >= days:
        report.flow(flow, f"the warm-up ({warmup:g} days) must be shorter than the run ({days:g} days)", "simulation", "warmup_days")


def _check_nodes(flow: Flow, report: _Report, rule_checker: RuleChecker | None) -> set[str]:
    """Check each node on its own; return the ids of nodes that edges may refer to."""
    first_line: dict[str, int | None] = {}
    for node in flow.nodes:
        if node.id is None:
            report.node(node, "needs an id such as 'paid_search'")
        elif not isinstance(node.id, str) or not _ID.match(node.id):
            report.node(node, "ids use lowercase letters, digits and _ only, such as 'paid_search'", "id")
        if isinstance(node.id, str) and node.id in first_line:
            where = f" (first on line {first_line[node.id]})" if first_line[node.id] else ""
            report.node(node, f"duplicate id{where}", "id")
        elif isinstance(node.id, str):
            first_line[node.id] = node.line_of("id")
        if node.kind is None:
            report.node(node, f"needs a kind: one of {', '.join(_KINDS)}")
        elif not isinstance(node.kind, str) or node.kind not in _KINDS:
            report.node(node, f"unknown kind {node.kind!r}{_suggest(node.kind, _KINDS)}; use one of {', '.join(_KINDS)}", "kind")
        if not isinstance(node.label, str):
            report.node(node, f"must be text, got {node.label!r}", "label")
        pos = node.position
        if not isinstance(pos, (list, tuple)) or len(pos) != 2 or not all(is_number(v) for v in pos):
            report.node(node, f"must be two numbers [x, y], got {pos!r}", "position")
        if node.color is not None and not is_color(node.color):
            report.node(node, f"{node.color!r} is not a colour; use #rrggbb or a name such as 'teal'", "color")
        if isinstance(node.kind, str) and node.kind in _KINDS:
            _check_params(node, report, rule_checker)
    return set(first_line)


def _check_params(node: Node, report: _Report, rule_checker: RuleChecker | None) -> None:
    specs = {spec.key: spec for spec in fields_of(node.kind)}
    for key, value in node.params.items():
        spec = specs.get(key)
        if spec is None:
            owners = [k.value for k, fs in KIND_FIELDS.items() if any(f.key == key for f in fs)]
            if owners:
                report.node(node, f"{node.kind} nodes don't take {key!r}; it belongs to {' and '.join(owners)} nodes", key)
            else:
                report.node(node, f"unknown field{_suggest(key, specs)}", key)
            continue
        problem = check_value(key, spec.type, value)
        if problem:
            message, sub = problem
            path = (key, sub) if sub is not None else (key,)
            report.node(node, message, *path)
            continue
        if rule_checker is not None:
            for path, text in _rules_in(key, value):
                _check_rule(text, rule_checker, lambda msg, col, p=path: report.node(
                    node, msg, *p, column=_file_column(node, p, col)))
    if "patience" in node.params and "capacity" not in node.params:
        report.node(node, "patience has no effect without capacity: leads never queue here", "patience", severity=WARNING)
    if "capacity" in node.params and "service" not in node.params:
        report.node(node, "capacity without service: leads are worked instantly, so none ever queue", "capacity", severity=WARNING)
    if "cost_per_rep" in node.params and "capacity" not in node.params and "assignment" not in node.params:
        report.node(node, "cost_per_rep needs capacity (or assignment): unlimited reps cannot be costed", "cost_per_rep")
    if node.kind == NodeKind.SINK.value and node.params.get("outcome", node.id) != "won":
        for key in ("deal_value", "recurring"):
            if key in node.params:
                report.node(node, f"{key} counts only on a sink with outcome: won (customers end there)", key)


def _rules_in(key: str, value: Any) -> Iterable[tuple[tuple, str]]:
    """The rule texts inside a parameter, with their paths."""
    # The rules inside scoring and segment lists are checked with those structures, by
    # flowsim.check, which knows their shape.
    if key == "exit_when" and isinstance(value, str):
        yield (key,), value


def _check_rule(text: str, rule_checker: RuleChecker, report: Callable[[str, int | None], None]) -> None:
    try:
        rule_checker(text)
    except Exception as err:  # the checker's own error type lives in a higher layer
        report(getattr(err, "message", str(err)), getattr(err, "column", None))


def _check_edges(flow: Flow, report: _Report, known: set[str], rule_checker: RuleChecker | None) -> None:
    kinds = {node.id: node.kind for node in flow.nodes if isinstance(node.id, str)}
    totals: dict[str, list[tuple[int, Edge]]] = {}
    defaults: dict[str, list[tuple[int, Edge]]] = {}
    for index, edge in enumerate(flow.edges):
        ok_ends = True
        for key, end in (("from", edge.source), ("to", edge.target)):
            if end is None:
                report.edge(edge, index, f"needs '{key}': the id of a node")
                ok_ends = False
            elif not isinstance(end, str) or end not in known:
                report.edge(edge, index, f"no node has id {end!r}{_suggest(end, known)}", key)
                ok_ends = False
        for key in edge.extra:
            report.edge(edge, index, f"unknown key{_suggest(key, EDGE_KEYS)}", key)
        source = edge.source if ok_ends else None
        if source is not None and kinds.get(source) == NodeKind.SINK.value:
            report.edge(edge, index, f"{source!r} is a sink: leads end there and cannot leave", "from")
        if edge.when is not None and edge.probability is not None:
            report.edge(edge, index, "an edge takes either 'when' or 'probability', not both", "probability")
        if edge.when is not None:
            if not isinstance(edge.when, str) or not edge.when.strip():
                report.edge(edge, index, f"must be a rule such as \"score >= 60\", got {edge.when!r}", "when")
            elif rule_checker is not None:
                _check_rule(edge.when, rule_checker, lambda msg, col, e=edge, i=index: report.edge(
                    e, i, msg, "when", column=_file_column(e, "when", col)))
        if edge.probability is not None:
            problem = check_type("probability", edge.probability)
            if problem:
                report.edge(edge, index, problem[0], "probability")
            elif edge.when is None and source is not None:
                totals.setdefault(source, []).append((index, edge))
        if edge.is_default and source is not None:
            defaults.setdefault(source, []).append((index, edge))
        if edge.label is not None and not isinstance(edge.label, str):
            report.edge(edge, index, f"must be text, got {edge.label!r}", "label")
    for source, edges in totals.items():
        total = math.fsum(e.probability for _, e in edges)  # type: ignore[misc]
        if total > 1 + 1e-9:
            index, edge = edges[-1]
            shares = " + ".join(f"{e.probability:g}" for _, e in edges)
            report.edge(edge, index, f"probabilities out of {source!r} sum to {total:g} ({shares}), more than 1", "probability")
    for source, edges in defaults.items():
        for index, edge in edges[1:]:
            report.edge(edge, index, f"{source!r} already has a default way out (an edge with neither 'when' nor 'probability')")


def _file_column(owner: Node | Edge, key: str | tuple, column: int | None) -> int | None:
    """A rule's column as an editor counts it in the file: where the rule's text starts
    on its line, plus the column within the rule."""
    start = owner.columns.get(key if isinstance(key, tuple) else (key,))
    if column is None or start is None:
        return column
    return start + column


class _Graph:
    """The flow's nodes and edges as successor and predecessor sets, in file order.

    Plain Python rather than networkx: validation runs when the app opens a file, before
    the window first paints, and networkx takes longer to import than all of this takes.
    """

    def __init__(self, nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> None:
        self.succ: dict[str, dict[str, None]] = {n: {} for n in nodes}
        self.pred: dict[str, dict[str, None]] = {n: {} for n in self.succ}
        for a, b in edges:
            if a in self.succ and b in self.succ:
                self.succ[a][b] = None
                self.pred[b][a] = None

    def has_edge(self, a: str, b: str) -> bool:
        return b in self.succ.get(a, ())

    def strongly_connected_components(self) -> Iterator[set[str]]:
        """Tarjan's components, without recursion (a 5,000-node chain is deep)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        for root in self.succ:
            if root in index:
                continue
            index[root] = low[root] = len(index)
            stack.append(root)
            on_stack.add(root)
            work = [(root, iter(self.succ[root]))]
            while work:
                node, children = work[-1]
                for child in children:
                    if child not in index:
                        index[child] = low[child] = len(index)
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(self.succ[child])))
                        break
                    if child in on_stack:
                        low[node] = min(low[node], index[child])
                else:
                    work.pop()
                    if work:
                        parent = work[-1][0]
                        low[parent] = min(low[parent], low[node])
                    if low[node] == index[node]:
                        component = set()
                        while True:
                            member = stack.pop()
                            on_stack.discard(member)
                            component.add(member)
                            if member == node:
                                break
                        yield component


def _reach(graph: _Graph, starts: Iterable[str], *, backwards: bool = False) -> set[str]:
    """Every node reachable from any of ``starts`` (or reaching them, ``backwards``)."""
    step = graph.pred if backwards else graph.succ
    seen = set(starts)
    frontier = list(seen)
    while frontier:
        following = []
        for n in frontier:
            for m in step.get(n, ()):
                if m not in seen:
                    seen.add(m)
                    following.append(m)
        frontier = following
    return seen


def _check_graph(flow: Flow, report: _Report, known: set[str]) -> None:
    nodes: dict[str, Node] = {}
    for node in flow.nodes:
        if isinstance(node.id, str):
            nodes.setdefault(node.id, node)  # the first of duplicates wins, as in Flow.node()
    # Ends that are not text (a mapping, a list) are reported already and join no edge.
    graph = _Graph(nodes, ((e.source, e.target) for e in flow.edges
                           if isinstance(e.source, str) and isinstance(e.target, str)))
    sources = [n for n, node in nodes.items() if node.kind == NodeKind.SOURCE.value]
    sinks = [n for n, node in nodes.items() if node.kind == NodeKind.SINK.value]
    if flow.nodes and not sources:
        report.flow(flow, "the flow has no source node, so no lead ever arrives", "nodes")
    reached = _reach(graph, sources)
    to_sink = _reach(graph, sinks, backwards=True)
    leaving = {edge.source for edge in flow.edges if isinstance(edge.source, str)}
    # An edge that names a missing node is reported already; the node it was surely meant
    # for (the close match), and what follows it, would only be "unreachable" because of
    # that one typo, so they are not reported again.
    meant = set()
    for edge in flow.edges:
        for end in (edge.source, edge.target):
            if isinstance(end, str) and end not in nodes:
                meant.update(difflib.get_close_matches(end, list(nodes), n=1, cutoff=0.6))
            elif end is not None and not isinstance(end, str):
                meant.update(nodes)  # an id that is not even text: do not guess
    shadowed = _reach(graph, meant)
    for node in nodes.values():
        if node.kind not in _KINDS:
            continue
        if node.kind != NodeKind.SINK.value and node.id not in leaving:
            report.node(node, "has no way out: add an edge from it, or make it a sink")
        if sources and node.id not in reached and node.id not in shadowed:
            report.node(node, "no source reaches this node, so no lead ever enters it")
    for component in graph.strongly_connected_components():
        looped = len(component) > 1 or any(graph.has_edge(n, n) for n in component)
        if looped and not component & to_sink:
            members = [n for n in nodes if n in component]  # in file order
            names = ", ".join(repr(n) for n in members)
            report.node(nodes[members[0]], f"{names} form a cycle with no exit: leads that enter never reach a sink")

"""What-if scenarios: named sets of overrides applied to a copy of a flow.

A scenario is a name and ``set: {PATH: value}``. PATH is a dotted path into the flow
(design.md): ``NODE.FIELD[.SUBFIELD...]`` for a node's parameter
(``sdr_handoff.capacity``, ``linkedin_ads.arrivals.per_day``), ``FROM->TO.FIELD`` for the
first edge from FROM to TO (``when`` or ``probability``) and ``simulation.FIELD`` for
``days`` or ``warmup_days``. A value of ``null`` removes the field (``capacity: null``:
unlimited). The base flow is the scenario :data:`BASELINE`.

Replications and the seed belong to the whole comparison, not to one scenario: every
scenario runs on the same random streams, which is what makes the differences sharp.

>>> from flowsim.model import Flow, Node
>>> flow = Flow("Demo", nodes=[Node("team", "handoff", params={"capacity": 2})])
>>> twin = apply_overrides(flow, {"team.capacity": 3})
>>> twin.node("team").params["capacity"], flow.node("team").params["capacity"]
(3, 2)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from flowsim.model.flow import NODE_HEAD_KEYS, Edge, Flow, _Annotated
from flowsim.model.kinds import NodeKind, fields_of

if TYPE_CHECKING:
    from flowsim.model.validate import Issue, RuleChecker

__all__ = [
    "BASELINE", "Scenario", "Target", "PathError", "parse_path", "apply_overrides",
    "scenario_issues", "SCENARIO_KEYS", "overrides_between",
]

#: The name of the unchanged flow in comparisons.
BASELINE = "baseline"
#: Keys of one scenario, in file order.
SCENARIO_KEYS = ("name", "set")
#: Simulation settings a scenario may change; the rest are the comparison's.
SCENARIO_SETTINGS = ("days", "warmup_days")
_EDGE_FIELDS = ("when", "probability")


class PathError(ValueError):
    """A PATH that names nothing the flow has, or that a scenario may not set."""


@dataclass(eq=False)
class Scenario(_Annotated):
    """One what-if: ``name`` and the overrides ``values`` (``set:`` in the file), by PATH.

    ``extra`` keeps keys this version does not know, for the file and the validator.
    """

    name: str
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.name == other.name and self.values == other.values and self.extra == other.extra

    def copy(self) -> "Scenario":
        return copy.deepcopy(self)


@dataclass(frozen=True)
class Target:
    """Where a PATH points: ``kind`` is ``node``, ``edge`` or ``simulation``; ``owner``
    the node id or ``(from, to)``; ``keys`` the field and any subfields."""

    kind: str
    owner: Any
    keys: tuple[str, ...]


def parse_path(path: Any) -> Target:
    """The :class:`Target` of ``path``'s syntax alone; PathError if it has none."""
    if not isinstance(path, str) or not path.strip():
        raise PathError(f"a path is text such as 'sdr_handoff.capacity', got {path!r}")
    text = path.strip()
    if "->" in text:
        source, _, rest = text.partition("->")
        target, dot, name = rest.partition(".")
        if not source or not target or not dot or not name or "." in name:
            raise PathError(f"{path!r}: an edge path is FROM->TO.FIELD, such as 'scoring->nurture.probability'")
        return Target("edge", (source.strip(), target.strip()), (name,))
    parts = text.split(".")
    if len(parts) < 2 or not all(parts):
        raise PathError(f"{path!r}: a path is NODE.FIELD, FROM->TO.FIELD or simulation.FIELD")
    if parts[0] == "simulation":
        if len(parts) != 2:
            raise PathError(f"{path!r}: a setting path is simulation.FIELD")
        return Target("simulation", None, (parts[1],))
    return Target("node", parts[0], tuple(parts[1:]))


def check_target(flow: Flow, path: str) -> Target:
    """The target of ``path`` in ``flow``; PathError naming what is missing or not allowed."""
    target = parse_path(path)
    if target.kind == "simulation":
        key = target.keys[0]
        if key in ("replications", "seed"):
            raise PathError(
                f"{path!r}: replications and the seed are the same for every scenario "
                "(that is what pairs them); set them for the run instead"
            )
        if key not in SCENARIO_SETTINGS:
            raise PathError(f"{path!r}: a scenario may set simulation.{' or simulation.'.join(SCENARIO_SETTINGS)}")
        return target
    if target.kind == "edge":
        source, dest = target.owner
        if _edge(flow, source, dest) is None:
            raise PathError(f"{path!r}: no edge goes from {source!r} to {dest!r}")
        if target.keys[0] not in _EDGE_FIELDS:
            raise PathError(f"{path!r}: a scenario may set an edge's {' or '.join(_EDGE_FIELDS)}")
        return target
    if not flow.has_node(target.owner):
        raise PathError(f"{path!r}: no node has id {target.owner!r}")
    node = flow.node(target.owner)
    key = target.keys[0]
    if key in NODE_HEAD_KEYS:
        raise PathError(f"{path!r}: {key} does not change what the simulation does")
    try:
        known = [spec.key for spec in fields_of(NodeKind(node.kind))]
    except ValueError:
        known = []
    if key not in known:
        raise PathError(f"{path!r}: {node.kind} nodes have no field {key!r}")
    return target


def _edge(flow: Flow, source: str, dest: str) -> Edge | None:
    return next((e for e in flow.edges if e.source == source and e.target == dest), None)


def apply_overrides(flow: Flow, values: Mapping[str, Any]) -> Flow:
    """A copy of ``flow`` with ``values`` set, without scenarios; ``flow`` is unchanged.

    Raises PathError for a path that names nothing in the flow, one a scenario may not
    set, or a subfield inside a value that is not a mapping.
    """
    twin = flow.copy()
    twin.scenarios = []
    for path, value in values.items():
        target = check_target(twin, path)
        value = copy.deepcopy(value)
        if target.kind == "simulation":
            _put(twin.simulation, target.keys, value, path)
        elif target.kind == "edge":
            edge = _edge(twin, *target.owner)
            setattr(edge, Edge.attribute_of(target.keys[0]), value)
        else:
            _put(twin.node(target.owner).params, target.keys, value, path)
    return twin


def _put(holder: dict, keys: tuple[str, ...], value: Any, path: str) -> None:
    for depth, key in enumerate(keys[:-1]):
        inner = holder.get(key)
        if inner is None:
            if value is None:
                return  # removing from nothing: nothing to do
            inner = holder[key] = {}
        elif not isinstance(inner, dict):
            where = ".".join(keys[: depth + 1])
            raise PathError(f"{path!r}: {where} is {inner!r}, not a mapping with fields")
        holder = inner
    if value is None:
        holder.pop(keys[-1], None)
    else:
        holder[keys[-1]] = value


def overrides_between(base: Flow, edited: Flow) -> dict[str, Any]:
    """The overrides that turn ``base`` into ``edited``, one per changed field, in file
    order: ``NODE.FIELD``, ``FROM->TO.when|probability`` and ``simulation.days|warmup_days``
    (``None`` for a field ``edited`` lacks). What no scenario can hold (labels, positions,
    colours, the seed, replications) is left out.

    Raises PathError when the two differ in their nodes or edges: a scenario changes
    fields, it does not add, remove or rewire steps.
    """
    if [n.id for n in base.nodes] != [n.id for n in edited.nodes] or [
        (e.source, e.target) for e in base.edges
    ] != [(e.source, e.target) for e in edited.edges]:
        raise PathError("a scenario changes fields of nodes and edges; it cannot add, remove or rewire them")
    values: dict[str, Any] = {}
    for old, new in zip(base.nodes, edited.nodes):
        if old.kind != new.kind:
            raise PathError(f"node {new.id!r} changed its kind; a scenario cannot change a kind")
        for key in dict.fromkeys([*old.params, *new.params]):
            if old.params.get(key) != new.params.get(key):
                values[f"{new.id}.{key}"] = copy.deepcopy(new.params.get(key))
    seen: set[tuple[str, str]] = set()
    for old, new in zip(base.edges, edited.edges):
        pair = (new.source, new.target)
        for key in _EDGE_FIELDS:
            if old.get(key) != new.get(key):
                if pair in seen:  # a PATH names the first such edge only
                    raise PathError(f"edge {pair[0]} → {pair[1]} is not the first between those nodes; "
                                    "a scenario can change only the first")
                values[f"{pair[0]}->{pair[1]}.{key}"] = new.get(key)
        seen.add(pair)
    for key in SCENARIO_SETTINGS:
        if base.simulation.get(key) != edited.simulation.get(key):
            values[f"simulation.{key}"] = edited.simulation.get(key)
    return values


def scenario_issues(flow: Flow, *, rule_checker: "RuleChecker | None" = None) -> list["Issue"]:
    """The problems of ``flow``'s scenarios, each on the line of the scenario or override.

    A scenario is checked by validating the flow it makes: a problem that the base flow
    does not have is the scenario's (``capacity: 0``, a probability sum above 1).
    """
    from flowsim.model.validate import ERROR, Issue

    issues: list[Issue] = []

    def report(scenario: Scenario, message: str, *path: Any, severity: str = ERROR) -> None:
        subject = f"scenario {scenario.name!r}" if isinstance(scenario.name, str) else "scenario"
        if path:
            subject += f", {path[-1]}" if path[0] == "set" else f", {path[0]}"
        issues.append(Issue(message, scenario.line_of(*path), field=".".join(map(str, path)) or None,
                            severity=severity, subject=subject))

    if not flow.scenarios:
        return issues
    base = None
    seen: dict[str, int | None] = {}
    for scenario in flow.scenarios:
        name = scenario.name
        if not isinstance(name, str) or not name.strip():
            report(scenario, f"needs a name such as 'two more SDRs', got {name!r}", "name")
        elif name.strip().lower() == BASELINE:
            report(scenario, f"{BASELINE!r} is the flow as it is; pick another name", "name")
        elif name in seen:
            where = f" (first on line {seen[name]})" if seen[name] else ""
            report(scenario, f"duplicate scenario name{where}", "name")
        else:
            seen[name] = scenario.line_of("name")
        for key in scenario.extra:
            report(scenario, "unknown key; a scenario has a name and set: {PATH: value}", key)
        if not isinstance(scenario.values, dict):
            report(scenario, f"set must map paths to values, such as {{sdr_handoff.capacity: 3}}, got {scenario.values!r}", "set")
            continue
        usable = {}
        for path, value in scenario.values.items():
            try:
                check_target(flow, path)
                apply_overrides(flow, {path: value})
            except PathError as err:  # the subject names the path already
                report(scenario, str(err).removeprefix(f"{path!r}: "), "set", path)
            else:
                usable[path] = value
        if not usable:
            continue
        if base is None:
            base = {(i.severity, i.subject, i.message) for i in _plain_issues(flow, rule_checker)}
        for issue in _plain_issues(apply_overrides(flow, usable), rule_checker):
            if (issue.severity, issue.subject, issue.message) in base:
                continue
            path = _path_of(issue, usable)
            report(scenario, f"makes {issue.subject}: {issue.message}" if issue.subject else issue.message,
                   *(("set", path) if path else ("set",)), severity=issue.severity)
    return issues


def _plain_issues(flow: Flow, rule_checker: "RuleChecker | None") -> list["Issue"]:
    from flowsim.model.validate import validate

    if flow.scenarios:
        flow = flow.copy()
        flow.scenarios = []
    return validate(flow, rule_checker=rule_checker)


def _path_of(issue: "Issue", values: Mapping[str, Any]) -> str | None:
    """The override most likely behind ``issue``: one on its node or edge, else the first."""
    for path in values:
        target = parse_path(path)
        if target.kind == "node" and issue.node == target.owner:
            return path
        if target.kind == "simulation" and issue.subject.startswith("simulation"):
            return path
    for path in values:
        if parse_path(path).kind == "edge" and issue.edge is not None:
            return path
    return next(iter(values), None)

"""All checks of a flow that the app and ``flowsim validate`` run: structure and rules.

:func:`flowsim.model.validate` checks the structure and the type of each value; this adds
what the rules layer knows: whether each rule compiles and names only fields a lead can
have, and whether scoring, segments, assignment and attribute mixes are well formed. A
flow with no errors here can be simulated.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Collection, Mapping

from flowsim.errors import RuleError
from flowsim.model import Flow, Issue, Node, validate
from flowsim.rules import LEAD_FIELDS, compile_rule
from flowsim.rules.assignment import Assigner
from flowsim.rules.attributes import SOURCE_KEYS, AttributeGenerator
from flowsim.rules.scoring import SCORING_KEYS, ScoringModel
from flowsim.rules.segmentation import SEGMENT_KEYS, Segmenter
from flowsim.rules.typecheck import LEAD_FIELD_TYPES, FieldTypes, value_types

__all__ = ["check_flow", "fields_at", "flow_fields", "flow_field_types", "rule_problem"]


def flow_fields(flow: Flow) -> frozenset[str]:
    """Every field a lead of ``flow`` can have: the built-in ones and what sources generate."""
    names = set(LEAD_FIELDS)
    for node in flow.nodes:
        if node.kind != "source":
            continue
        for key in ("attributes", "behaviours"):
            value = node.params.get(key)
            if isinstance(value, Mapping):
                names.update(str(name) for name in value)
    return frozenset(names)


def flow_field_types(flow: Flow) -> FieldTypes:
    """Every field a lead of ``flow`` can have, with the types its value may take.

    An attribute that some source does not generate may also be missing (``none``).
    Passed as ``fields`` to ``compile_rule``, it makes every rule type checked as well.
    """
    types: dict[str, set[str]] = {name: set(kinds) for name, kinds in LEAD_FIELD_TYPES.items()}
    sources = [node for node in flow.nodes if node.kind == "source"]
    seen_in: dict[str, int] = {}
    for node in sources:
        mine: dict[str, set[str]] = {}
        attributes = node.params.get("attributes")
        if isinstance(attributes, Mapping):
            for name, spec in attributes.items():
                mine[str(name)] = set(_spec_types(spec))
        behaviours = node.params.get("behaviours")
        if isinstance(behaviours, Mapping):
            for name in behaviours:
                mine.setdefault(str(name), set()).add("bool")
        for name, kinds in mine.items():
            if name in LEAD_FIELD_TYPES:
                continue  # refused elsewhere; the built-in field keeps its own type
            types.setdefault(name, set()).update(kinds)
            seen_in[name] = seen_in.get(name, 0) + 1
    for name, count in seen_in.items():
        if count < len(sources):
            types[name].add("none")
    return FieldTypes(types)


def _spec_types(spec: Any) -> frozenset[str]:
    """The types of the values an attribute spec generates (see rules/attributes.py)."""
    if isinstance(spec, Mapping) and "dist" not in spec:
        found: set[str] = set()
        for value in spec:
            found |= value_types(value)
        return frozenset(found) or frozenset({"none"})
    if isinstance(spec, Mapping) or (isinstance(spec, (int, float)) and not isinstance(spec, bool)):
        return frozenset({"num"})
    if isinstance(spec, (str, bool)):
        return value_types(spec)
    return frozenset({"num", "str", "bool", "none"})


def fields_at(flow: Flow, node_id: str) -> frozenset[str]:
    """The fields a lead can have when it reaches ``node_id``: the built-in ones and what
    the sources that lead there generate (every source's, if none leads there)."""
    feeders: dict[str, list[str]] = {}
    for edge in flow.edges:
        feeders.setdefault(edge.target, []).append(edge.source)
    seen = {node_id}
    todo = [node_id]
    while todo:
        for before in feeders.get(todo.pop(), ()):
            if before not in seen:
                seen.add(before)
                todo.append(before)
    sources = [n for n in flow.nodes if n.kind == "source" and n.id in seen]
    if not sources:
        return flow_fields(flow)
    names = set(LEAD_FIELDS)
    for node in sources:
        for key in ("attributes", "behaviours"):
            value = node.params.get(key)
            if isinstance(value, Mapping):
                names.update(str(name) for name in value)
    return frozenset(names)


def rule_problem(text: str, fields: Collection[str] | None = None) -> tuple[str, int | None] | None:
    """``(message, column)`` if the rule ``text`` does not compile, else None."""
    try:
        compile_rule(text, fields=fields)
    except RuleError as err:
        return err.message, err.column
    return None


# kind → (the node keys a parser reads, the parser given params, fields, line_of)
_Parser = Callable[[Mapping[str, Any], frozenset, Callable], Any]
_PARSERS: dict[str, list[tuple[tuple[str, ...], _Parser]]] = {
    "score": [(SCORING_KEYS, lambda p, f, lo: ScoringModel.from_config(p, fields=f, line_of=lo))],
    "segment": [(SEGMENT_KEYS, lambda p, f, lo: Segmenter.from_config(p, fields=f, line_of=lo))],
    "source": [(SOURCE_KEYS, lambda p, f, lo: AttributeGenerator.from_config(p, line_of=lo))],
    "handoff": [(("assignment",), lambda p, f, lo: Assigner.from_config(p["assignment"], fields=f, line_of=lo))],
    "sales": [(("assignment",), lambda p, f, lo: Assigner.from_config(p["assignment"], fields=f, line_of=lo))],
}


def check_flow(flow: Flow) -> list[Issue]:
    """Every issue of ``flow``, errors and warnings, sorted by line.

    Rules are compiled against the flow's field types, so a rule that fails for every
    lead (``score / 0``, ``job_title > 5``) is an error here with its column.
    """
    fields = flow_field_types(flow)

    def checker(text: str) -> None:
        compile_rule(text, fields=fields)

    issues = validate(flow, rule_checker=checker)
    flagged = {(i.node, (i.field or "").split(".")[0]) for i in issues if i.node is not None}
    for node in flow.nodes:
        for keys, parse in _PARSERS.get(str(node.kind), ()):
            present = [k for k in keys if k in node.params]
            # A value the structural check already refused would only be reported twice.
            node_id = node.id if isinstance(node.id, str) else None  # a mapping as an id is not hashable
            if not present or any((node_id, k) in flagged for k in present):
                continue
            issue = _parse_issue(node, parse, fields)
            if issue is not None:
                issues.append(issue)
    order = {id(issue): n for n, issue in enumerate(issues)}
    return sorted(issues, key=lambda i: (i.line is None, i.line or 0, order[id(i)]))


def _parse_issue(node: Node, parse: _Parser, fields: frozenset) -> Issue | None:
    try:
        parse(node.params, fields, lambda path: node.line_of(*path))
    except RuleError as err:
        line = err.line if err.line is not None else node.line_of()
        subject = f"node {node.id!r}"
        column = err.column
        start = node.columns.get(_path_of(err.message))
        if column is not None and start is not None:
            column += start  # the rule's own column, counted from the start of its line
        return Issue(err.message, line, node=node.id, field=_field_of(err.message), column=column, subject=subject)
    return None


def _path_of(message: str) -> tuple:
    """``("fit", 2, "when")`` from a message that starts ``fit[2].when: …``."""
    head = message.split(":", 1)[0].strip()
    path: list = []
    for part in re.findall(r"[A-Za-z_]\w*|\[\d+\]", head):
        path.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(path)


def _field_of(message: str) -> str | None:
    head = message.split(":", 1)[0]
    key = head.split("[", 1)[0].split(".", 1)[0].strip()
    return key if key.isidentifier() else None

"""Plain data (as the file holds it) to a :class:`~flowsim.model.Flow` and back.

The first phase (:mod:`flowsim.io.yamlread`) gives plain data with a line for every key;
this module makes model objects of it, moving each line and comment onto the node or edge
it belongs to, and writes a flow back as plain data in the file's canonical key order.
"""

from __future__ import annotations

from typing import Any, Mapping

from flowsim.errors import FormatError
from flowsim.model.flow import EDGE_KEYS, NODE_HEAD_KEYS, SIMULATION_DEFAULTS, Comment, Edge, Flow, Node
from flowsim.model.kinds import NodeKind, fields_of
from flowsim.model.scenarios import SCENARIO_KEYS, Scenario

__all__ = ["flow_from_data", "data_from_flow", "TOP_KEYS"]

#: Top-level keys in the order files write them.
TOP_KEYS = ("flowsim", "name", "description", "simulation", "nodes", "edges", "scenarios")


def flow_from_data(
    data: Any,
    lines: Mapping[tuple, int],
    comments: Mapping[tuple, Comment],
    columns: Mapping[tuple, int] | None = None,
) -> Flow:
    """Build a flow from version-current plain data; raise FormatError on a wrong shape.

    Only the shape is checked here (a mapping at the top, lists of mappings for nodes and
    edges); values are kept as they are, for :func:`flowsim.model.validate` to judge.
    """
    if not isinstance(data, dict):
        raise FormatError("a flow file is a mapping that starts with 'flowsim: 1'", line=1)
    nodes_data = _list_of_mappings(data, "nodes", lines)
    edges_data = _list_of_mappings(data, "edges", lines)
    simulation = data.get("simulation") or {}
    if not isinstance(simulation, dict):
        raise FormatError("'simulation' must be a mapping such as {days: 90, seed: 42}", line=lines.get(("simulation",)))
    nodes = [_node(item) for item in nodes_data]
    edges = [_edge(item) for item in edges_data]
    scenarios = [_scenario(item) for item in _list_of_mappings(data, "scenarios", lines)]
    extra = {k: v for k, v in data.items() if k not in TOP_KEYS}
    flow = Flow(data.get("name", ""), description=data.get("description", ""), simulation=simulation,
                nodes=nodes, edges=edges, extra=extra, scenarios=scenarios)
    owners = {"nodes": nodes, "edges": edges, "scenarios": scenarios}
    for mapping, attribute in ((lines, "lines"), (comments, "comments"), (columns or {}, "columns")):
        for path, value in mapping.items():
            owned = _owned(path, owners)
            holder = owners[path[0]][path[1]] if owned else flow
            getattr(holder, attribute)[path[2:] if owned else path] = value
    return flow


def _owned(path: tuple, owners: Mapping[str, list]) -> bool:
    return len(path) >= 2 and path[0] in owners and isinstance(path[1], int) and path[1] < len(owners[path[0]])


def _list_of_mappings(data: dict, key: str, lines: Mapping[tuple, int]) -> list[dict]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"'{key}' must be a list", line=lines.get((key,)))
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise FormatError(f"{key} item {index + 1} must be a mapping of keys to values", line=lines.get((key, index)))
    return value


def _node(item: dict) -> Node:
    position = item.get("position", (0, 0))
    params = {k: v for k, v in item.items() if k not in NODE_HEAD_KEYS}
    return Node(
        id=item.get("id"),  # type: ignore[arg-type]  # validate() names a missing id
        kind=item.get("kind"),  # type: ignore[arg-type]
        label="" if item.get("label") is None else item["label"],
        position=tuple(position) if isinstance(position, list) else position,
        color=item.get("color"),
        params=params,
    )


def _edge(item: dict) -> Edge:
    return Edge(
        source=item.get("from"),  # type: ignore[arg-type]
        target=item.get("to"),  # type: ignore[arg-type]
        when=item.get("when"),
        probability=item.get("probability"),
        label=item.get("label"),
        extra={k: v for k, v in item.items() if k not in EDGE_KEYS},
    )


def _scenario(item: dict) -> Scenario:
    values = item.get("set")
    return Scenario(
        name=item.get("name"),  # type: ignore[arg-type]  # validate() names a missing name
        values={} if values is None else values,
        extra={k: v for k, v in item.items() if k not in SCENARIO_KEYS},
    )


def _ordered(values: Mapping[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``values`` with the keys of ``order`` first, in that order, then the rest as they are."""
    out = {k: values[k] for k in order if k in values}
    out.update((k, v) for k, v in values.items() if k not in out)
    return out


def data_from_flow(flow: Flow, version: int) -> tuple[dict[str, Any], dict[tuple, Comment]]:
    """The plain data of ``flow`` in canonical key order, and its comments by path."""
    comments: dict[tuple, Comment] = dict(flow.comments)
    nodes = []
    for index, node in enumerate(flow.nodes):
        nodes.append(_node_data(node))
        comments.update((("nodes", index) + path, c) for path, c in node.comments.items())
    edges = []
    for index, edge in enumerate(flow.edges):
        entry = {"from": edge.source, "to": edge.target}
        for key, value in (("when", edge.when), ("probability", edge.probability), ("label", edge.label)):
            if value is not None:
                entry[key] = value
        entry.update(edge.extra)
        edges.append(entry)
        comments.update((("edges", index) + path, c) for path, c in edge.comments.items())
    data: dict[str, Any] = {"flowsim": version, "name": flow.name}
    # Empty values are left out, unless a comment is attached to them (a TODO, say).
    if flow.description or ("description",) in flow.comments:
        data["description"] = flow.description
    if flow.simulation or ("simulation",) in flow.comments:
        data["simulation"] = _ordered(flow.simulation, tuple(SIMULATION_DEFAULTS))
    data["nodes"] = nodes
    data["edges"] = edges
    if flow.scenarios:
        scenarios = []
        for index, scenario in enumerate(flow.scenarios):
            scenarios.append({"name": scenario.name, "set": scenario.values, **scenario.extra})
            comments.update((("scenarios", index) + path, c) for path, c in scenario.comments.items())
        data["scenarios"] = scenarios
    data.update(flow.extra)
    return data, comments


def _node_data(node: Node) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": node.id, "kind": node.kind}
    if node.label or ("label",) in node.comments:
        entry["label"] = node.label
    position = node.position
    entry["position"] = list(position) if isinstance(position, tuple) else position
    if node.color is not None:
        entry["color"] = node.color
    try:
        order = tuple(spec.key for spec in fields_of(NodeKind(node.kind)))
    except ValueError:  # an unknown kind: keep the file's order
        order = ()
    entry.update(_ordered(node.params, order))
    return entry

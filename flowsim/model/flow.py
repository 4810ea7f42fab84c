"""The lead flow: nodes, edges and simulation settings, with change events.

A :class:`Flow` is the document the app edits and the file stores. Nodes and edges keep
their parameters as the plain values the file holds (numbers, strings, lists, mappings),
so a flow with mistakes can still be opened, shown and fixed; typed views of them
(durations, distributions, rules) are parsed where they are used and checked by
:mod:`flowsim.model.validate`.

Change a flow only through its methods: each emits one event that views follow, and each
has an exact inverse (the app's undo commands rely on that).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from flowsim.model.signal import Signal

__all__ = ["Node", "Edge", "Flow", "Comment", "ID_PATTERN", "SIMULATION_DEFAULTS"]

#: Node ids are short, stable, lowercase names: they appear in rules, results and URLs.
ID_PATTERN = r"[a-z0-9_]+"

#: What the simulation uses for a setting the file leaves out.
SIMULATION_DEFAULTS: dict[str, Any] = {"days": 90, "replications": 10, "seed": 42, "warmup_days": 0}

#: Keys a node carries outside ``params``, in file order.
NODE_HEAD_KEYS = ("id", "kind", "label", "position", "color")
#: Keys an edge carries outside ``extra``, in file order.
EDGE_KEYS = ("from", "to", "when", "probability", "label")
_EDGE_ATTRIBUTES = dict(zip(EDGE_KEYS, ("source", "target", "when", "probability", "label")))

Path = tuple  # a key path inside a node, an edge or the flow: ("arrivals", "per_day")


@dataclass
class Comment:
    """YAML comments kept with the key they annotate: whole lines before it, one after it."""

    before: tuple[str, ...] = ()
    after: str | None = None


@dataclass(eq=False)
class _Annotated:
    # Where each key was in the file (1-based lines) and the comments around it. Neither is
    # part of a node's or an edge's value, so neither takes part in equality.
    lines: dict[Path, int] = field(default_factory=dict, repr=False, compare=False, kw_only=True)
    comments: dict[Path, Comment] = field(default_factory=dict, repr=False, compare=False, kw_only=True)
    #: Where the text of a value starts on its line (0-based, inside any quote), for
    #: pointing at a column within a rule.
    columns: dict[Path, int] = field(default_factory=dict, repr=False, compare=False, kw_only=True)

    def line_of(self, *path: Any) -> int | None:
        """The file line of ``path`` or of the nearest enclosing key that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


@dataclass(eq=False)
class Node(_Annotated):
    """One step of the flow. ``params`` holds every field beyond the head keys."""

    id: str
    kind: str
    label: str = ""
    position: tuple[float, float] = (0, 0)
    color: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """What the canvas shows: the label, or the id when there is none."""
        return self.label or self.id

    def get(self, key: str, default: Any = None) -> Any:
        """A head key or a parameter, by its file key."""
        if key in NODE_HEAD_KEYS:
            return getattr(self, key)
        return self.params.get(key, default)

    def copy(self) -> "Node":
        """A deep copy with the same lines and comments."""
        return copy.deepcopy(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return (
            self.id == other.id
            and self.kind == other.kind
            and self.label == other.label
            and _as_tuple(self.position) == _as_tuple(other.position)
            and self.color == other.color
            and self.params == other.params
        )


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


@dataclass(eq=False)
class Edge(_Annotated):
    """A way out of ``source`` into ``target``.

    ``when`` (a rule) or ``probability`` decide which leads take it; with neither it is the
    node's default way out. ``extra`` keeps keys this version does not know, for the file.
    """

    source: str
    target: str
    when: str | None = None
    probability: float | None = None
    label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        return self.when is None and self.probability is None

    @staticmethod
    def attribute_of(key: str) -> str | None:
        """The attribute that holds file key ``key`` (``from`` → ``source``), or None for
        a key kept in ``extra``."""
        return _EDGE_ATTRIBUTES.get(key)

    def get(self, key: str) -> Any:
        """A value by its file key (``from``, ``to``, ``when``, …)."""
        attr = self.attribute_of(key)
        return getattr(self, attr) if attr else self.extra.get(key)

    def copy(self) -> "Edge":
        return copy.deepcopy(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Edge):
            return NotImplemented
        return (
            self.source == other.source
            and self.target == other.target
            and self.when == other.when
            and self.probability == other.probability
            and self.label == other.label
            and self.extra == other.extra
        )

    def __repr__(self) -> str:
        rule = f", when={self.when!r}" if self.when is not None else ""
        prob = f", probability={self.probability!r}" if self.probability is not None else ""
        return f"Edge({self.source!r} -> {self.target!r}{rule}{prob})"


class Flow:
    """A lead flow: a name, simulation settings, nodes in order, edges in order.

    Events (each a :class:`~flowsim.model.signal.Signal`):

    - ``node_added(node, index)``, ``node_removed(node, index)``, ``node_changed(node, key)``
    - ``edge_added(edge, index)``, ``edge_removed(edge, index)``, ``edge_changed(edge, key)``
    - ``changed(key)`` for the flow's own keys (``name``, ``description``, ``simulation``)
    - ``scenarios_changed()`` when a what-if scenario is added, removed, renamed or edited

    Edge order matters: ``when`` edges are tested in file order.
    """

    def __init__(
        self,
        name: str = "Untitled flow",
        *,
        description: str = "",
        simulation: Mapping[str, Any] | None = None,
        nodes: list[Node] | None = None,
        edges: list[Edge] | None = None,
        extra: Mapping[str, Any] | None = None,
        scenarios: list[Any] | None = None,
    ) -> None:
        self.name = name
        #: One or two sentences for the template gallery and the file's readers.
        self.description = description
        self.simulation: dict[str, Any] = dict(simulation or {})
        self.nodes: list[Node] = list(nodes or [])
        self._by_id: dict[str, Node] = {}
        self._reindex()
        self.edges: list[Edge] = list(edges or [])
        #: Top-level keys this version does not know, kept for the file.
        self.extra: dict[str, Any] = dict(extra or {})
        #: What-if variants (:class:`flowsim.model.scenarios.Scenario`), in file order.
        self.scenarios: list[Any] = list(scenarios or [])
        #: File lines and comments of the flow's own keys: ("name",), ("simulation", "days").
        self.lines: dict[Path, int] = {}
        self.comments: dict[Path, Comment] = {}
        self.columns: dict[Path, int] = {}
        self.node_added = Signal()
        self.node_removed = Signal()
        self.node_changed = Signal()
        self.edge_added = Signal()
        self.edge_removed = Signal()
        self.edge_changed = Signal()
        self.changed = Signal()
        self.scenarios_changed = Signal()

    def _reindex(self) -> None:
        # With duplicate ids (a broken file) the first node wins, as the validator says.
        self._by_id = {}
        for node in self.nodes:
            if isinstance(node.id, str):  # a broken file may hold anything; validate() says so
                self._by_id.setdefault(node.id, node)

    # -- reading -------------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        """The node with ``node_id``; KeyError if there is none."""
        return self._by_id[node_id]

    def has_node(self, node_id: str) -> bool:
        return node_id in self._by_id

    def out_edges(self, node_id: str) -> list[Edge]:
        """Edges leaving ``node_id``, in file order (the order rules are tested in)."""
        return [e for e in self.edges if e.source == node_id]

    def in_edges(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.target == node_id]

    def edges_of(self, node_id: str) -> list[Edge]:
        """Every edge that touches ``node_id``."""
        return [e for e in self.edges if node_id in (e.source, e.target)]

    def setting(self, key: str) -> Any:
        """A simulation setting, or its default when the file leaves it out."""
        return self.simulation.get(key, SIMULATION_DEFAULTS.get(key))

    def unique_id(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``… whichever no node has yet."""
        taken = {node.id for node in self.nodes}
        if base not in taken:
            return base
        n = 2
        while f"{base}_{n}" in taken:
            n += 1
        return f"{base}_{n}"

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Flow):
            return NotImplemented
        return (
            self.name == other.name
            and self.description == other.description
            and self.simulation == other.simulation
            and self.nodes == other.nodes
            and self.edges == other.edges
            and self.extra == other.extra
            and self.scenarios == other.scenarios
        )

    __hash__ = None  # type: ignore[assignment]  # a mutable document

    def __repr__(self) -> str:
        return f"<Flow {self.name!r}: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    def copy(self) -> "Flow":
        """A deep copy, with lines and comments, and no connected handlers."""
        twin = Flow(
            self.name,
            description=self.description,
            simulation=copy.deepcopy(self.simulation),
            nodes=[n.copy() for n in self.nodes],
            edges=[e.copy() for e in self.edges],
            extra=copy.deepcopy(self.extra),
            scenarios=[s.copy() for s in self.scenarios],
        )
        twin.lines = dict(self.lines)
        twin.comments = copy.deepcopy(self.comments)
        return twin

    # -- editing: each method emits one kind of event and has an exact inverse ----------
    def set_name(self, name: str) -> None:
        self.name = name
        self.changed.emit("name")

    def set_description(self, text: str) -> None:
        self.description = text
        self.changed.emit("description")

    def set_setting(self, key: str, value: Any) -> None:
        """Set a simulation setting; ``None`` removes it (back to the default)."""
        if value is None:
            self.simulation.pop(key, None)
        else:
            self.simulation[key] = value
        self.changed.emit("simulation")

    def add_node(self, node: Node, index: int | None = None) -> int:
        """Insert ``node`` at ``index`` (default: the end); return the index used.

        Raises ValueError if a node already has its id, so edges stay unambiguous.
        """
        if self.has_node(node.id):
            raise ValueError(f"a node with id {node.id!r} already exists")
        index = len(self.nodes) if index is None else index
        self.nodes.insert(index, node)
        self._by_id[node.id] = node
        self.node_added.emit(node, index)
        return index

    def remove_node(self, node_id: str) -> tuple[Node, int, list[tuple[Edge, int]]]:
        """Remove a node and its edges; return them with their indexes, for undo.

        The edges go first (each with an ``edge_removed`` event, last first), so re-adding
        the node and then the edges in the returned order restores the flow exactly.
        """
        node = self.node(node_id)
        removed = [(e, i) for i, e in enumerate(self.edges) if node_id in (e.source, e.target)]
        for edge, index in reversed(removed):
            del self.edges[index]
            self.edge_removed.emit(edge, index)
        index = self.nodes.index(node)
        del self.nodes[index]
        self._reindex()
        self.node_removed.emit(node, index)
        return node, index, removed

    def set_node(self, node_id: str, key: str, value: Any) -> Any:
        """Set a node's field by file key; ``None`` removes a parameter. Returns the old value.

        ``id`` and ``kind`` have their own methods (:meth:`rename_node`); a head key
        (label, position, color) is set on the node, anything else in ``params``.
        """
        node = self.node(node_id)
        if key in ("id", "kind"):
            raise ValueError(f"use rename_node/set_kind to change a node's {key}")
        old = node.get(key)
        if key in NODE_HEAD_KEYS:
            setattr(node, key, tuple(value) if key == "position" else value)
        elif value is None:
            node.params.pop(key, None)
        else:
            node.params[key] = value
        self.node_changed.emit(node, key)
        return old

    def set_kind(self, node_id: str, kind: str) -> str:
        """Change a node's kind, keeping its parameters (the validator flags misfits)."""
        node = self.node(node_id)
        old, node.kind = node.kind, kind
        self.node_changed.emit(node, "kind")
        return old

    def rename_node(
        self, old_id: str, new_id: str, *, edges: list[tuple[Edge, str]] | None = None
    ) -> list[tuple[Edge, str]]:
        """Give a node a new id and point its edges at it; return the (edge, end) changed.

        ``edges``, when given, re-points exactly those ends and no others: passing what a
        rename returned undoes it exactly, even where another edge already named the new
        id (a dangling edge stays dangling).
        """
        if old_id == new_id:
            return []
        if self.has_node(new_id):
            raise ValueError(f"a node with id {new_id!r} already exists")
        node = self.node(old_id)
        node.id = new_id
        self._reindex()
        self.node_changed.emit(node, "id")
        if edges is None:
            edges = [(e, end) for e in self.edges for end, v in (("from", e.source), ("to", e.target)) if v == old_id]
        for edge, end in edges:
            if end == "from":
                edge.source = new_id
            else:
                edge.target = new_id
            self.edge_changed.emit(edge, end)
        return list(edges)

    def add_edge(self, edge: Edge, index: int | None = None) -> int:
        """Insert ``edge`` at ``index`` (default: the end); return the index used."""
        index = len(self.edges) if index is None else index
        self.edges.insert(index, edge)
        self.edge_added.emit(edge, index)
        return index

    def remove_edge(self, edge: Edge) -> int:
        """Remove this very edge object; return the index it had."""
        index = next(i for i, e in enumerate(self.edges) if e is edge)
        del self.edges[index]
        self.edge_removed.emit(edge, index)
        return index

    def set_edge(self, edge: Edge, key: str, value: Any) -> Any:
        """Set an edge's value by file key; return the old value."""
        old = edge.get(key)
        attr = Edge.attribute_of(key)
        if attr:
            setattr(edge, attr, value)
        elif value is None:
            edge.extra.pop(key, None)
        else:
            edge.extra[key] = value
        self.edge_changed.emit(edge, key)
        return old

    # -- what-if scenarios: each change emits scenarios_changed and has an exact inverse --
    def add_scenario(self, scenario: Any, index: int | None = None) -> int:
        """Insert ``scenario`` at ``index`` (default: the end); return the index used."""
        index = len(self.scenarios) if index is None else index
        self.scenarios.insert(index, scenario)
        self.scenarios_changed.emit()
        return index

    def remove_scenario(self, index: int) -> Any:
        """Remove the scenario at ``index`` and return it."""
        scenario = self.scenarios.pop(index)
        self.scenarios_changed.emit()
        return scenario

    def rename_scenario(self, index: int, name: str) -> str:
        """Give the scenario at ``index`` a new name; return the old one."""
        scenario = self.scenarios[index]
        old, scenario.name = scenario.name, name
        self.scenarios_changed.emit()
        return old

    def set_scenario_values(self, index: int, values: dict[str, Any]) -> dict[str, Any]:
        """Replace the overrides of the scenario at ``index``; return the old ones."""
        scenario = self.scenarios[index]
        old, scenario.values = scenario.values, dict(values)
        self.scenarios_changed.emit()
        return old

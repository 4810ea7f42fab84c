"""Undo commands: each changes only the model, through the Flow's methods, and undoes exactly.

Views follow the model's events, so a command never touches a widget or a scene item,
and never pushes another command.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from flowsim.model import Edge, Flow, Node

__all__ = [
    "AddItems", "RemoveItems", "MoveNodes", "SetNodeField", "RenameNode", "SetKind",
    "AddEdge", "SetEdgeField", "SetFlowField", "ApplyCalibration",
]

_MERGE_NODE_FIELD = 1001
_MERGE_EDGE_FIELD = 1002
_MERGE_FLOW_FIELD = 1003


class AddItems(QUndoCommand):
    """Add nodes, then edges (a new node, a paste, a duplicate), at the end of the flow."""

    def __init__(self, flow: Flow, nodes: Iterable[Node], edges: Iterable[Edge] = (), text: str = "") -> None:
        self.nodes, self.edges = list(nodes), list(edges)
        what = f"{len(self.nodes)} nodes" if len(self.nodes) != 1 else f"“{self.nodes[0].title}”" if self.nodes else "edges"
        super().__init__(text or f"Add {what}")
        self.flow = flow

    def redo(self) -> None:
        for node in self.nodes:
            self.flow.add_node(node)
        for edge in self.edges:
            self.flow.add_edge(edge)

    def undo(self) -> None:
        for edge in reversed(self.edges):
            self.flow.remove_edge(edge)
        for node in reversed(self.nodes):
            self.flow.remove_node(node.id)


class RemoveItems(QUndoCommand):
    """Delete nodes (with every edge that touches them) and edges; undo restores the order."""

    def __init__(self, flow: Flow, node_ids: Iterable[str], edges: Iterable[Edge] = ()) -> None:
        self.node_ids = list(dict.fromkeys(node_ids))
        gone = set(self.node_ids)
        self.edges = [e for e in edges if e.source not in gone and e.target not in gone]
        count = len(self.node_ids) + len(self.edges)
        super().__init__(f"Delete {count} item{'s' if count != 1 else ''}")
        self.flow = flow
        self._removed: list[tuple] = []

    def redo(self) -> None:
        self._removed = []
        indexed = sorted(((self._index(e), e) for e in self.edges), key=lambda pair: pair[0], reverse=True)
        for index, edge in indexed:
            self.flow.remove_edge(edge)
            self._removed.append(("edge", edge, index))
        for node_id in self.node_ids:
            node, index, edges = self.flow.remove_node(node_id)
            self._removed.append(("node", node, index, edges))

    def undo(self) -> None:
        for entry in reversed(self._removed):
            if entry[0] == "edge":
                self.flow.add_edge(entry[1], entry[2])
            else:
                _, node, index, edges = entry
                self.flow.add_node(node, index)
                for edge, edge_index in edges:
                    self.flow.add_edge(edge, edge_index)

    def _index(self, edge: Edge) -> int:
        return next(i for i, e in enumerate(self.flow.edges) if e is edge)


class MoveNodes(QUndoCommand):
    """Move nodes: ``moves`` maps node id → (old position, new position)."""

    def __init__(self, flow: Flow, moves: Mapping[str, tuple[Any, Any]]) -> None:
        super().__init__(f"Move {len(moves)} node{'s' if len(moves) != 1 else ''}")
        self.flow = flow
        self.moves = dict(moves)

    def redo(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.flow.set_node(node_id, "position", new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.flow.set_node(node_id, "position", old)


class SetNodeField(QUndoCommand):
    """Set one field of a node; consecutive edits of the same field merge into one step."""

    def __init__(self, flow: Flow, node_id: str, key: str, value: Any, text: str = "") -> None:
        super().__init__(text or f"Change {key} of {node_id}")
        self.flow, self.node_id, self.key, self.value = flow, node_id, key, value
        self.old: Any = None

    def redo(self) -> None:
        self.old = self.flow.set_node(self.node_id, self.key, self.value)

    def undo(self) -> None:
        self.flow.set_node(self.node_id, self.key, self.old)

    def id(self) -> int:
        return _MERGE_NODE_FIELD

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetNodeField) or (other.node_id, other.key) != (self.node_id, self.key):
            return False
        if self.key == "position":
            return False
        self.value = other.value
        return True


class RenameNode(QUndoCommand):
    def __init__(self, flow: Flow, old_id: str, new_id: str) -> None:
        super().__init__(f"Rename {old_id} to {new_id}")
        self.flow, self.old_id, self.new_id = flow, old_id, new_id
        self.changed: list = []

    def redo(self) -> None:
        self.changed = self.flow.rename_node(self.old_id, self.new_id)

    def undo(self) -> None:
        self.flow.rename_node(self.new_id, self.old_id, edges=self.changed)


class SetKind(QUndoCommand):
    def __init__(self, flow: Flow, node_id: str, kind: str) -> None:
        super().__init__(f"Make {node_id} a {kind}")
        self.flow, self.node_id, self.kind = flow, node_id, kind
        self.old = ""

    def redo(self) -> None:
        self.old = self.flow.set_kind(self.node_id, self.kind)

    def undo(self) -> None:
        self.flow.set_kind(self.node_id, self.old)


class AddEdge(QUndoCommand):
    def __init__(self, flow: Flow, edge: Edge, index: int | None = None) -> None:
        super().__init__(f"Connect {edge.source} → {edge.target}")
        self.flow, self.edge, self.index = flow, edge, index

    def redo(self) -> None:
        self.index = self.flow.add_edge(self.edge, self.index)

    def undo(self) -> None:
        self.flow.remove_edge(self.edge)


class SetEdgeField(QUndoCommand):
    def __init__(self, flow: Flow, edge: Edge, key: str, value: Any) -> None:
        super().__init__(f"Change {key} of {edge.source} → {edge.target}")
        self.flow, self.edge, self.key, self.value = flow, edge, key, value
        self.old: Any = None

    def redo(self) -> None:
        self.old = self.flow.set_edge(self.edge, self.key, self.value)

    def undo(self) -> None:
        self.flow.set_edge(self.edge, self.key, self.old)

    def id(self) -> int:
        return _MERGE_EDGE_FIELD

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetEdgeField) or other.edge is not self.edge or other.key != self.key:
            return False
        self.value = other.value
        return True


class SetFlowField(QUndoCommand):
    """Set the flow's name, description, or a simulation setting (``simulation.days``)."""

    def __init__(self, flow: Flow, key: str, value: Any) -> None:
        super().__init__(f"Change {key}")
        self.flow, self.key, self.value = flow, key, value
        self.old: Any = None

    def _get(self) -> Any:
        if self.key.startswith("simulation."):
            return self.flow.simulation.get(self.key.split(".", 1)[1])
        return getattr(self.flow, self.key)

    def _set(self, value: Any) -> None:
        if self.key.startswith("simulation."):
            self.flow.set_setting(self.key.split(".", 1)[1], value)
        elif self.key == "name":
            self.flow.set_name(value)
        else:
            self.flow.set_description(value)

    def redo(self) -> None:
        self.old = self._get()
        self._set(self.value)

    def undo(self) -> None:
        self._set(self.old)

    def id(self) -> int:
        return _MERGE_FLOW_FIELD

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFlowField) or other.key != self.key:
            return False
        self.value = other.value
        return True


class ApplyCalibration(QUndoCommand):
    """Set the fields a calibration fitted, each commented with where its number came from."""

    def __init__(self, flow: Flow, changes: Iterable[Any], basis: str, source: str) -> None:
        self.changes = list(changes)
        super().__init__(f"Calibrate {len(self.changes)} field{'s' if len(self.changes) != 1 else ''} from {source}")
        self.flow, self.basis = flow, basis
        self._undo: list[Any] = []

    def redo(self) -> None:
        from flowsim.calibrate.propose import apply_changes

        self._undo = apply_changes(self.flow, self.changes, self.basis)

    def undo(self) -> None:
        from flowsim.calibrate.propose import undo_changes

        undo_changes(self.flow, self._undo)

"""Edits of the selection: copy, paste, duplicate, delete, layout. Each makes one command."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtGui import QUndoCommand

from flowsim.errors import FlowError
from flowsim.gui.commands import AddItems, MoveNodes, RemoveItems
from flowsim.io import dumps_flow, loads_flow
from flowsim.model import Edge, Flow, Node
from flowsim.render.arrange import auto_layout

__all__ = ["clip_text", "paste_command", "delete_command", "layout_command", "align_command", "CLIP_MARK"]

#: What marks clipboard text as flowsim nodes (the file format itself, so it is readable).
CLIP_MARK = "# flowsim clipboard\n"
PASTE_OFFSET = 40


def clip_text(flow: Flow, node_ids: Iterable[str], edges: Iterable[Edge] = ()) -> str:
    """The selected nodes, and the edges among them, as flow file text."""
    chosen = set(node_ids)
    part = Flow("clipboard")
    for node in flow.nodes:
        if node.id in chosen:
            twin = node.copy()
            twin.comments = {}
            part.nodes.append(twin)
    picked = [e for e in flow.edges if e.source in chosen and e.target in chosen]
    part.edges = [Edge(e.source, e.target, e.when, e.probability, e.label, dict(e.extra)) for e in picked]
    return CLIP_MARK + dumps_flow(part)


def paste_command(flow: Flow, text: str, offset: float = PASTE_OFFSET) -> QUndoCommand | None:
    """A command adding the nodes of clipboard ``text`` with fresh ids, shifted by ``offset``."""
    if not text.startswith(CLIP_MARK):
        return None
    try:
        part = loads_flow(text)
    except FlowError:
        return None
    taken = {node.id for node in flow.nodes}
    renamed: dict[str, str] = {}
    nodes = []
    for node in part.nodes:
        new_id = node.id
        n = 2
        while new_id in taken:
            new_id = f"{node.id}_{n}"
            n += 1
        taken.add(new_id)
        renamed[node.id] = new_id
        x, y = node.position
        nodes.append(Node(new_id, node.kind, node.label, (x + offset, y + offset), node.color, dict(node.params)))
    edges = [
        Edge(renamed[e.source], renamed[e.target], e.when, e.probability, e.label, dict(e.extra))
        for e in part.edges
        if e.source in renamed and e.target in renamed
    ]
    return AddItems(flow, nodes, edges, text=f"Paste {len(nodes)} node{'s' if len(nodes) != 1 else ''}") if nodes else None


def delete_command(flow: Flow, node_ids: list[str], edges: list[Edge]) -> QUndoCommand | None:
    if not node_ids and not edges:
        return None
    return RemoveItems(flow, node_ids, edges)


def layout_command(flow: Flow) -> QUndoCommand | None:
    """Arrange every node left to right (one undo step)."""
    moves = {}
    for node_id, (x, y) in auto_layout(flow).items():
        old = list(flow.node(node_id).position)
        if old != [x, y]:
            moves[node_id] = (old, [x, y])
    if not moves:
        return None
    command = MoveNodes(flow, moves)
    command.setText("Auto layout")
    return command


def align_command(flow: Flow, node_ids: Iterable[str], grid: int) -> QUndoCommand | None:
    """Snap the given nodes to the grid."""
    moves = {}
    for node_id in node_ids:
        old = list(flow.node(node_id).position)
        new = [round(v / grid) * grid for v in old]
        if new != old:
            moves[node_id] = (old, new)
    if not moves:
        return None
    command = MoveNodes(flow, moves)
    command.setText("Align to grid")
    return command

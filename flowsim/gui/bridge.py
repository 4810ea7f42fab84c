"""The one QObject that turns the model's events into Qt signals (the model knows no Qt)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from flowsim.model import Edge, Flow, Node

__all__ = ["FlowBridge"]


class FlowBridge(QObject):
    """Re-emits a :class:`~flowsim.model.Flow`'s events as Qt signals.

    Views connect here, never to the model, so one flow can be swapped for another
    (:meth:`set_flow`) without views knowing; ``flowReplaced`` tells them to rebuild.
    """

    nodeAdded = Signal(object, int)
    nodeRemoved = Signal(object, int)
    nodeChanged = Signal(object, str)
    edgeAdded = Signal(object, int)
    edgeRemoved = Signal(object, int)
    edgeChanged = Signal(object, str)
    flowChanged = Signal(str)
    scenariosChanged = Signal()
    flowReplaced = Signal(object)

    def __init__(self, flow: Flow | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flow: Flow | None = None
        self.set_flow(flow or Flow())

    @property
    def flow(self) -> Flow:
        assert self._flow is not None
        return self._flow

    def set_flow(self, flow: Flow) -> None:
        pairs = self._pairs
        if self._flow is not None:
            for signal, handler in pairs(self._flow):
                signal.disconnect(handler)
        self._flow = flow
        for signal, handler in pairs(flow):
            signal.connect(handler)
        self.flowReplaced.emit(flow)

    def _pairs(self, flow: Flow):
        return (
            (flow.node_added, self._node_added),
            (flow.node_removed, self._node_removed),
            (flow.node_changed, self._node_changed),
            (flow.edge_added, self._edge_added),
            (flow.edge_removed, self._edge_removed),
            (flow.edge_changed, self._edge_changed),
            (flow.changed, self._changed),
            (flow.scenarios_changed, self._scenarios_changed),
        )

    def _node_added(self, node: Node, index: int) -> None:
        self.nodeAdded.emit(node, index)

    def _node_removed(self, node: Node, index: int) -> None:
        self.nodeRemoved.emit(node, index)

    def _node_changed(self, node: Node, key: str) -> None:
        self.nodeChanged.emit(node, key)

    def _edge_added(self, edge: Edge, index: int) -> None:
        self.edgeAdded.emit(edge, index)

    def _edge_removed(self, edge: Edge, index: int) -> None:
        self.edgeRemoved.emit(edge, index)

    def _edge_changed(self, edge: Edge, key: str) -> None:
        self.edgeChanged.emit(edge, key)

    def _changed(self, key: str) -> None:
        self.flowChanged.emit(key)

    def _scenarios_changed(self) -> None:
        self.scenariosChanged.emit()

"""Undo commands for what-if scenarios: each changes only the model and undoes exactly."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from flowsim.model import Flow
from flowsim.model.scenarios import Scenario, parse_path

__all__ = ["SaveEditsAsScenario", "RenameScenario", "RemoveScenario"]


class SaveEditsAsScenario(QUndoCommand):
    """Store edits as a new scenario and set the edited fields back to the baseline's
    values, so the flow stays the baseline and the edits live on in the scenario.

    ``base`` is the flow the edits started from (as it was opened or last saved).
    """

    def __init__(self, flow: Flow, base: Flow, scenario: Scenario) -> None:
        super().__init__(f"Save edits as scenario “{scenario.name}”")
        self.flow, self.scenario = flow, scenario
        # (setter, base value, edited value) per override, resolved now so undo and redo
        # reach the very same node, edge or setting
        self.changes: list[tuple[Any, Any, Any]] = []
        for path, edited in scenario.values.items():
            target = parse_path(path)
            key = target.keys[0]
            if target.kind == "node":
                old = base.node(target.owner).params.get(key)
                setter = (lambda v, n=target.owner, k=key: flow.set_node(n, k, v))
            elif target.kind == "edge":
                index = next(i for i, e in enumerate(flow.edges) if (e.source, e.target) == target.owner)
                edge = flow.edges[index]
                old = base.edges[index].get(key)
                setter = (lambda v, e=edge, k=key: flow.set_edge(e, k, v))
            else:
                old = base.simulation.get(key)
                setter = (lambda v, k=key: flow.set_setting(k, v))
            self.changes.append((setter, copy.deepcopy(old), copy.deepcopy(edited)))

    def redo(self) -> None:
        self.flow.add_scenario(self.scenario)
        for setter, old, _ in self.changes:
            setter(copy.deepcopy(old))  # a copy each time: the model may hold on to it

    def undo(self) -> None:
        for setter, _, edited in reversed(self.changes):
            setter(copy.deepcopy(edited))
        self.flow.remove_scenario(len(self.flow.scenarios) - 1)


class RenameScenario(QUndoCommand):
    def __init__(self, flow: Flow, index: int, name: str) -> None:
        super().__init__(f"Rename scenario to “{name}”")
        self.flow, self.index, self.name = flow, index, name
        self.old = flow.scenarios[index].name

    def redo(self) -> None:
        self.flow.rename_scenario(self.index, self.name)

    def undo(self) -> None:
        self.flow.rename_scenario(self.index, self.old)


class RemoveScenario(QUndoCommand):
    def __init__(self, flow: Flow, index: int) -> None:
        super().__init__(f"Delete scenario “{flow.scenarios[index].name}”")
        self.flow, self.index = flow, index
        self.scenario: Scenario | None = None

    def redo(self) -> None:
        self.scenario = self.flow.remove_scenario(self.index)

    def undo(self) -> None:
        self.flow.add_scenario(self.scenario, self.index)

"""The Scenarios panel: the flow's what-if scenarios, edited through undo commands, and
the buttons that compare them or open the sweep dialog."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from flowsim.gui.document import Document
from flowsim.gui.scenario_commands import RemoveScenario, RenameScenario, SaveEditsAsScenario
from flowsim.model import Flow
from flowsim.model.scenarios import BASELINE, PathError, Scenario, overrides_between

__all__ = ["ScenariosPanel"]


class ScenariosPanel(QWidget):
    """Lists the scenarios; *Save edits as scenario*, rename (double-click or F2 in the
    list) and delete push one undo command each. The baseline the edits are measured from
    is the flow as it was opened or last saved."""

    def __init__(self, document: Document, *, compare: Callable[[], None], sweep: Callable[[], None],
                 report: Callable[[str, str], None], ask_name: Callable[[str, str], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.report = report
        self.ask_name = ask_name or self._ask_name
        self.base: Flow = document.flow.copy()
        self.list = QListWidget()
        self.list.setObjectName("scenario_list")
        self.list.setEditTriggers(QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed)
        self.list.itemChanged.connect(self._item_renamed)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.hint = QLabel("Edit the flow, then save the edits as a scenario: the flow goes back to the "
                           "baseline and the scenario keeps the changes.")
        self.hint.setWordWrap(True)
        self.hint.setObjectName("scenario_hint")
        self.save_button = QPushButton("Save edits as scenario")
        self.rename_button = QPushButton("Rename")
        self.delete_button = QPushButton("Delete")
        self.compare_button = QPushButton("Compare")
        self.sweep_button = QPushButton("Sweep…")
        self.save_button.clicked.connect(self.save_edits)
        self.rename_button.clicked.connect(self._rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.compare_button.clicked.connect(compare)
        self.sweep_button.clicked.connect(sweep)
        edit_row = QHBoxLayout()
        for button in (self.rename_button, self.delete_button):
            edit_row.addWidget(button)
        run_row = QHBoxLayout()
        for button in (self.compare_button, self.sweep_button):
            run_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.save_button)
        layout.addLayout(edit_row)
        layout.addLayout(run_row)
        document.bridge.scenariosChanged.connect(self.refresh)
        document.bridge.flowReplaced.connect(self._flow_replaced)
        document.changed.connect(self._document_changed)
        self.refresh()

    @property
    def flow(self) -> Flow:
        return self.document.flow

    # -- following the model ------------------------------------------------------------
    def _flow_replaced(self, flow: Flow) -> None:
        self.base = flow.copy()
        self.refresh()

    def _document_changed(self) -> None:
        if not self.document.modified:  # opened or saved: this is the baseline now
            self.base = self.flow.copy()
        self._update_buttons()

    def refresh(self) -> None:
        """Rebuild the list from the flow's scenarios, keeping the selected row."""
        row = self.list.currentRow()
        self.list.blockSignals(True)  # our own rebuild is not a rename
        self.list.clear()
        baseline = QListWidgetItem(f"{BASELINE} (the flow as it is)")
        baseline.setFlags(baseline.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(baseline)
        for scenario in self.flow.scenarios:
            item = QListWidgetItem(str(scenario.name))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip("\n".join(f"{p}: {v}" for p, v in scenario.values.items()) or "no changes")
            self.list.addItem(item)
        self.list.setCurrentRow(min(max(row, 0), self.list.count() - 1))
        self.list.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        index = self.list.currentRow() - 1
        editable = not self.document.read_only
        self.rename_button.setEnabled(editable and index >= 0)
        self.delete_button.setEnabled(editable and index >= 0)
        self.save_button.setEnabled(editable)
        self.compare_button.setEnabled(editable and bool(self.flow.scenarios))
        self.sweep_button.setEnabled(editable)

    # -- editing through undo commands -----------------------------------------------------
    def save_edits(self) -> bool:
        """Ask for a name and push :class:`SaveEditsAsScenario`; False if nothing was saved."""
        try:
            values = overrides_between(self.base, self.flow)
        except PathError as err:
            self.report("Cannot save these edits as a scenario", str(err))
            return False
        if not values:
            self.report("No edits to save", "Change a field of a node, an edge or the run (capacity, "
                        "arrivals, a probability, days) first; the scenario keeps those changes.")
            return False
        name = self.ask_name("New scenario", self._free_name())
        if not name:
            return False
        if not self._name_ok(name):
            return False
        self.document.undo_stack.push(SaveEditsAsScenario(self.flow, self.base, Scenario(name, values)))
        self.list.setCurrentRow(self.list.count() - 1)
        return True

    def rename(self, index: int, name: str) -> bool:
        name = name.strip()
        if name == self.flow.scenarios[index].name:
            return False
        if not self._name_ok(name):
            self.refresh()  # put the old name back in the list
            return False
        self.document.undo_stack.push(RenameScenario(self.flow, index, name))
        return True

    def delete_current(self) -> None:
        index = self.list.currentRow() - 1
        if index >= 0:
            self.document.undo_stack.push(RemoveScenario(self.flow, index))

    def _rename_current(self) -> None:
        item = self.list.currentItem()
        if item is not None and self.list.currentRow() > 0:
            self.list.editItem(item)

    def _item_renamed(self, item: QListWidgetItem) -> None:
        index = self.list.row(item) - 1
        if 0 <= index < len(self.flow.scenarios):
            self.rename(index, item.text())

    def _name_ok(self, name: str) -> bool:
        if not name or name.lower() == BASELINE:
            self.report("Pick another name", f"a scenario needs a name, and {BASELINE!r} is the flow itself")
            return False
        if any(s.name == name for s in self.flow.scenarios):
            self.report("Pick another name", f"a scenario is already called {name!r}")
            return False
        return True

    def _free_name(self) -> str:
        taken = {s.name for s in self.flow.scenarios}
        n = len(taken) + 1
        while f"scenario {n}" in taken:
            n += 1
        return f"scenario {n}"

    def _ask_name(self, title: str, suggested: str) -> str | None:
        name, ok = QInputDialog.getText(self, title, "Name of the scenario:", text=suggested)
        return name.strip() if ok else None

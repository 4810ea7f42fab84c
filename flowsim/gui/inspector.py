"""The inspector: edit the selected node or edge, or the flow itself, with live checks.

Fields speak the user's language and write the file's YAML: durations are a number and a
unit, probabilities percentages, distributions and the speed-to-lead curve have editors of
their own (each in its own module), rules complete field and function names. Other
fields show the value as the file writes it on one line, read back as YAML. Every change
is one undo step, made on Enter, on leaving a field or on a choice. Problems from
validation appear under the field they concern; rules are checked as you type, with the
error underlined.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from flowsim.errors import FlowError
from flowsim.gui.commands import RenameNode, SetEdgeField, SetFlowField, SetKind, SetNodeField
from flowsim.gui.curve_edit import SpeedToLeadEdit, read_points
from flowsim.gui.distribution_edit import DistributionEdit
from flowsim.gui.document import Document
from flowsim.gui.duration_edit import DurationEdit, split_duration
from flowsim.gui.percent_edit import PercentEdit
from flowsim.gui.rule_edit import RuleEdit
from flowsim.io.inline import format_value, parse_value
from flowsim.model import Edge, Issue, Node, NodeKind, fields_of
from flowsim.model.colors import is_color
from flowsim.model.distribution import parse_distribution
from flowsim.model.duration import is_number
from flowsim.model.flow import ID_PATTERN

__all__ = ["Inspector", "RuleEdit", "ValueEdit"]

_ERROR_STYLE = "border: 1px solid #D92D20; border-radius: 3px;"


class ValueEdit(QLineEdit):
    """A one-line YAML value; ``committed(value)`` fires on Enter or leaving the field."""

    committed = Signal(object)

    def __init__(self, value: Any, *, text_only: bool = False) -> None:
        super().__init__(format_value(value) if not text_only else (value or ""))
        self.text_only = text_only
        self._shown = self.text()
        self.editingFinished.connect(self._finish)

    def _finish(self) -> None:
        if self.text() == self._shown:
            return
        try:
            value = (self.text() or None) if self.text_only else parse_value(self.text())
        except FlowError as err:
            self.setStyleSheet(_ERROR_STYLE)
            self.setToolTip(err.message)
            return
        self.setStyleSheet("")
        self.setToolTip("")
        self._shown = self.text()
        self.committed.emit(value)


def _reads(value: Any, parse: Callable[[Any], Any]) -> bool:
    """Whether ``value`` is absent or ``parse`` reads it."""
    if value is None:
        return True
    try:
        parse(value)
    except (ValueError, TypeError):
        return False
    return True


def _comment_text(node: Node, key: str) -> str:
    """The comment the file keeps beside a field, without its '#'."""
    comment = node.comments.get((key,))
    if comment is None:
        return ""
    lines = list(comment.before) + ([comment.after] if comment.after else [])
    return " ".join(line.lstrip("#").strip() for line in lines)


class Inspector(QScrollArea):
    """Shows editors for the selection; rebuilds when the selection or the model changes."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # fields fit the width
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.editors: dict[str, QWidget] = {}
        self._building = False
        self._own_edit = False
        document.bridge.nodeChanged.connect(self._model_changed)
        document.bridge.edgeChanged.connect(self._model_changed)
        document.bridge.flowChanged.connect(self._flow_changed)
        document.bridge.flowReplaced.connect(self._flow_replaced)
        document.issuesChanged.connect(self._issues_changed)
        self.show_selection([], [])

    @property
    def flow(self):
        return self.document.flow

    def push(self, command) -> None:
        if not self.document.read_only:
            self._own_edit = True
            try:
                self.document.undo_stack.push(command)
            finally:
                self._own_edit = False

    def show_selection(self, nodes: list[Node], edges: list[Edge]) -> None:
        self.nodes, self.edges = list(nodes), list(edges)
        self._rebuild()

    def _flow_changed(self, key: str) -> None:
        self._model_changed(None, key)

    def _flow_replaced(self, flow) -> None:
        self.show_selection([], [])

    def _issues_changed(self, issues) -> None:
        self._show_issues()

    def _model_changed(self, subject, key: str) -> None:
        if self._building:
            return
        if subject is None or subject in self.nodes or subject in self.edges:
            focus = self.focusWidget()
            # A field's own edit leaves the field as the user left it; any other change
            # (undo, redo, the canvas) shows the model's values again.
            if not self._own_edit or focus is None or not self.isAncestorOf(focus):
                self._rebuild()

    # -- building --------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._building = True
        body = QWidget()
        outer = QVBoxLayout(body)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)  # rows keep their height and sit beside their labels
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.editors = {}
        self.issue_labels: dict[str, QLabel] = {}
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.setStyleSheet("color: #D92D20;")
        self.form.addRow(self.general)
        if len(self.nodes) == 1 and not self.edges:
            self._node_form(self.nodes[0])
        elif len(self.edges) == 1 and not self.nodes:
            self._edge_form(self.edges[0])
        elif not self.nodes and not self.edges:
            self._flow_form()
        else:
            self.form.addRow(QLabel(f"{len(self.nodes)} nodes and {len(self.edges)} edges selected"))
        body.setEnabled(not self.document.read_only)
        old = self.takeWidget()
        if old is not None:  # an editor of the old body may be inside its own signal: delete later
            old.hide()
            old.deleteLater()
        self.setWidget(body)
        self._building = False
        self._show_issues()

    def _row(self, key: str, label: str, editor: QWidget, tip: str = "", source: str = "") -> None:
        self.editors[key] = editor
        editor.setObjectName(f"inspector_{key}")
        if tip:
            editor.setToolTip(tip)
        note = QLabel()
        note.setWordWrap(True)
        note.setStyleSheet("color: #D92D20; font-size: 11px;")
        note.hide()
        self.issue_labels[key] = note
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        if source:  # the file's comment on this value: where the number comes from
            cite = QLabel(source)
            cite.setObjectName(f"source_{key}")
            cite.setWordWrap(True)
            cite.setStyleSheet("color: palette(mid); font-size: 11px;")
            layout.addWidget(cite)
        layout.addWidget(note)
        name = QLabel(label)
        name.setWordWrap(True)
        name.setToolTip(tip)
        self.form.addRow(name, box)
        if isinstance(editor, RuleEdit):
            editor.problemChanged.connect(lambda text, k=key: self._note(k, text))
            if editor.problem:
                self._note(key, editor.problem)

    def _note(self, key: str, text: str) -> None:
        label = self.issue_labels.get(key)
        if label is not None:
            label.setText(text)
            label.setVisible(bool(text))

    def _header(self, text: str) -> None:
        title = QLabel(text)
        title.setWordWrap(True)  # a long title wraps rather than being cut
        self.form.addRow(title)

    def _node_form(self, node: Node) -> None:
        self._header(f"<b>{node.title}</b> — {node.kind}")
        ident = QLineEdit(node.id)
        ident.editingFinished.connect(lambda: self._rename(node, ident))
        self._row("id", "Id", ident, f"lowercase letters, digits and _ ({ID_PATTERN})")
        kind = QComboBox()
        kind.addItems([k.value for k in NodeKind])
        kind.setCurrentText(str(node.kind))
        kind.currentTextChanged.connect(lambda text: self.push(SetKind(self.flow, node.id, text)))
        self._row("kind", "Kind", kind)
        label = ValueEdit(node.label, text_only=True)
        label.committed.connect(lambda v: self.push(SetNodeField(self.flow, node.id, "label", v or "")))
        self._row("label", "Label", label)
        self._row("color", "Colour", self._color_editor(node))
        if str(node.kind) not in {k.value for k in NodeKind}:
            return
        for spec in fields_of(node.kind):
            value = node.params.get(spec.key)
            editor = self._field_editor(node, spec.key, spec.type, value)
            editor.committed.connect(lambda v, k=spec.key: self.push(SetNodeField(self.flow, node.id, k, v)))
            self._row(spec.key, spec.key.replace("_", " ").capitalize(), editor, spec.help, _comment_text(node, spec.key))

    def _field_editor(self, node: Node, key: str, kind: str, value: Any) -> QWidget:
        """The editor for one field of ``node``, by the field's type."""
        if kind == "rule":
            return RuleEdit(value if isinstance(value, str) else format_value(value), self._fields,
                            lambda: self._fields_at(node.id))
        # A value its own editor cannot show keeps the plain YAML field, so nothing the user
        # wrote is hidden; once it reads, the next rebuild shows the editor.
        if kind == "distribution" and _reads(value, parse_distribution):
            return DistributionEdit(value)
        if kind == "duration" and (value is None or split_duration(value) is not None):
            return DurationEdit(value)
        if kind == "probability" and (value is None or (is_number(value) and 0 <= value <= 1)):
            return PercentEdit(value)
        if key == "speed_to_lead" and (value is None or (isinstance(value, dict) and not read_points(value)[1])):
            return SpeedToLeadEdit(value)
        return ValueEdit(value, text_only=kind == "text")

    def _color_editor(self, node: Node) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        text = ValueEdit(node.color, text_only=True)
        text.setPlaceholderText("the kind's colour")
        text.committed.connect(lambda v: self._set_color(node, text, v))
        pick = QPushButton("…")
        pick.setFixedWidth(28)
        pick.clicked.connect(lambda: self._pick_color(node))
        layout.addWidget(text)
        layout.addWidget(pick)
        return box

    def _set_color(self, node: Node, editor: ValueEdit, value: str | None) -> None:
        if value is not None and not is_color(value):
            editor.setStyleSheet(_ERROR_STYLE)
            editor.setToolTip(f"{value!r} is not a colour; use #rrggbb or a name such as teal")
            return
        self.push(SetNodeField(self.flow, node.id, "color", value))

    def _pick_color(self, node: Node) -> None:
        chosen = QColorDialog.getColor(QColor(node.color or "#4A90D9"), self, "Node colour")
        if chosen.isValid():
            self.push(SetNodeField(self.flow, node.id, "color", chosen.name().upper()))

    def _rename(self, node: Node, editor: QLineEdit) -> None:
        new = editor.text().strip()
        if new == node.id:
            return
        import re

        if not re.fullmatch(ID_PATTERN, new):
            self._note("id", "ids use lowercase letters, digits and _ only")
        elif self.flow.has_node(new):
            self._note("id", f"a node with id {new!r} exists already")
        else:
            self._note("id", "")
            self.push(RenameNode(self.flow, node.id, new))

    def _edge_form(self, edge: Edge) -> None:
        titles = {node.id: node.title for node in self.flow.nodes}
        self._header(f"<b>{titles.get(edge.source, edge.source)} → {titles.get(edge.target, edge.target)}</b>")
        when = RuleEdit(edge.when, self._fields, lambda: self._fields_at(edge.source))
        when.committed.connect(lambda v: self.push(SetEdgeField(self.flow, edge, "when", v)))
        self._row("when", "When", when, "a rule; the first true one, in file order, wins")
        share = edge.probability
        probability = PercentEdit(share) if share is None or (is_number(share) and 0 <= share <= 1) else ValueEdit(share)
        probability.committed.connect(lambda v: self.push(SetEdgeField(self.flow, edge, "probability", v)))
        self._row("probability", "Probability", probability, "the share of leads that take this edge")
        label = ValueEdit(edge.label, text_only=True)
        label.committed.connect(lambda v: self.push(SetEdgeField(self.flow, edge, "label", v)))
        self._row("label", "Label", label)

    def _flow_form(self) -> None:
        flow = self.flow
        self.form.addRow(QLabel("<b>Flow</b>"))
        name = ValueEdit(flow.name, text_only=True)
        name.committed.connect(lambda v: self.push(SetFlowField(self.flow, "name", v or "")))
        self._row("name", "Name", name)
        description = ValueEdit(flow.description, text_only=True)
        description.committed.connect(lambda v: self.push(SetFlowField(self.flow, "description", v or "")))
        self._row("description", "Description", description)
        for key, tip in (
            ("days", "days to simulate"), ("replications", "independent runs, for confidence intervals"),
            ("seed", "the same seed gives the same numbers"), ("warmup_days", "days left out of the statistics"),
        ):
            editor = ValueEdit(flow.simulation.get(key))
            editor.setPlaceholderText(str(flow.setting(key)))
            editor.committed.connect(lambda v, k=key: self.push(SetFlowField(self.flow, f"simulation.{k}", v)))
            self._row(f"simulation.{key}", key.replace("_", " ").capitalize(), editor, tip)

    def _fields(self):
        from flowsim.check import flow_fields

        return flow_fields(self.flow)

    def _fields_at(self, node_id: str):
        from flowsim.check import fields_at

        return fields_at(self.flow, node_id)

    # -- issues ------------------------------------------------------------------------
    def _show_issues(self) -> None:
        if not hasattr(self, "issue_labels"):
            return
        general: list[str] = []
        notes: dict[str, list[str]] = {}
        for issue in self._relevant(self.document.issues):
            key = (issue.field or "").split(".")[0] if issue.field else ""
            if issue.field and issue.field.startswith("simulation."):
                key = issue.field
            if key in self.issue_labels:
                notes.setdefault(key, []).append(issue.message)
            else:
                general.append(issue.message)
        for key, label in self.issue_labels.items():
            editor = self.editors.get(key)
            if isinstance(editor, RuleEdit) and editor.problem:
                continue
            text = "\n".join(notes.get(key, []))
            label.setText(text)
            label.setVisible(bool(text))
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))

    def _relevant(self, issues: list[Issue]) -> list[Issue]:
        if len(self.nodes) == 1 and not self.edges:
            return [i for i in issues if i.node == self.nodes[0].id]
        if len(self.edges) == 1 and not self.nodes:
            index = next((n for n, e in enumerate(self.flow.edges) if e is self.edges[0]), None)
            return [i for i in issues if i.edge == index and index is not None]
        if not self.nodes and not self.edges:
            return [i for i in issues if i.node is None and i.edge is None]
        return []

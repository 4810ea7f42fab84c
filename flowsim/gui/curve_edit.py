"""The speed-to-lead curve: how much likelier sales accepts a lead answered fast, as a
small table of (wait, multiplier) points and a picture of the curve the simulation uses
(linear between points, flat beyond them).

It writes the file's own mapping: ``{5m: 1.0, 1h: 0.5, 24h: 0.1}``.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from flowsim.errors import FlowError
from flowsim.io.inline import format_value, parse_value
from flowsim.model.duration import ValueProblem, is_number, parse_duration

__all__ = ["SpeedToLeadEdit", "CurvePreview", "read_points"]

#: The waits the picture spans, in days (1 minute to 2 weeks), on a log scale.
_SPAN = (1 / 1440, 14.0)
_TICKS = ((1 / 1440, "1m"), (1 / 288, "5m"), (1 / 24, "1h"), (1.0, "1d"), (7.0, "1w"))


def read_points(value: Any) -> tuple[list[tuple[float, float]], str]:
    """The curve's points ``[(wait in days, multiplier)]`` sorted by wait, and a problem
    ("" when there is none)."""
    if value is None:
        return [], ""
    if not isinstance(value, Mapping) or not value:
        return [], "write waits and multipliers, such as 5m → 1.0"
    points = {}
    for wait, multiplier in value.items():
        try:
            days = parse_duration(wait)
        except ValueProblem as problem:
            return [], f"{wait}: {problem}"
        if not is_number(multiplier) or multiplier < 0:
            return [], f"the multiplier for {wait} must be a number ≥ 0"
        if days in points:
            return [], f"{wait} repeats a wait given already"
        points[days] = float(multiplier)
    return sorted(points.items()), ""


class CurvePreview(QWidget):
    """The multiplier against the wait (log scale), as the simulation reads it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[float, float]] = []
        self.setMinimumHeight(90)

    def sizeHint(self) -> QSize:
        return QSize(220, 100)

    def set_points(self, points: list[tuple[float, float]]) -> None:
        self.points = list(points)
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(28, 6, -12, -16)
        lo, hi = math.log(_SPAN[0]), math.log(_SPAN[1])
        top = max([1.0] + [m for _, m in self.points])

        def at(wait: float, multiplier: float) -> QPointF:
            x = box.left() + box.width() * (math.log(max(wait, _SPAN[0])) - lo) / (hi - lo)
            return QPointF(min(x, box.right()), box.bottom() - box.height() * multiplier / top)

        font = painter.font()
        font.setPointSizeF(7.5)
        painter.setFont(font)
        grid = QPen(QColor("#E3E6EB"), 1)
        for wait, name in _TICKS:
            painter.setPen(grid)
            p = at(wait, 0)
            painter.drawLine(QPointF(p.x(), box.top()), QPointF(p.x(), box.bottom()))
            painter.setPen(QColor("#6B7280"))
            painter.drawText(QRectF(p.x() - 20, box.bottom() + 2, 40, 12), Qt.AlignmentFlag.AlignCenter, name)
        for level in (0.0, top / 2, top):
            y = at(_SPAN[0], level).y()
            painter.setPen(grid)
            painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))
            painter.setPen(QColor("#6B7280"))
            painter.drawText(QRectF(0, y - 6, 24, 12), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{level:g}×")
        if not self.points:
            return
        curve = tuple(self.points)
        steps = 160
        waits = [math.exp(lo + (hi - lo) * k / steps) for k in range(steps + 1)]
        from flowsim.sim.plan import speed_multiplier  # the engine's own reading; loads numpy

        line = QPolygonF([at(w, speed_multiplier(curve, w)) for w in waits])
        painter.setPen(QPen(QColor("#5C6BC0"), 2))
        painter.drawPolyline(line)
        painter.setBrush(QColor("#5C6BC0"))
        painter.setPen(Qt.PenStyle.NoPen)
        for wait, multiplier in self.points:
            painter.drawEllipse(at(wait, multiplier), 3.2, 3.2)


class SpeedToLeadEdit(QWidget):
    """Rows of (wait, multiplier) and the curve. ``committed(value)`` fires with the file
    mapping (``None`` when no rows are left) when a cell is edited, a row added or removed;
    a row that does not read is marked and nothing is written until it does."""

    committed = Signal(object)

    def __init__(self, value: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(3)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Within", "Multiplier"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMinimumWidth(120)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        outer.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add point")
        self.remove_button = QPushButton("Remove")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.preview = CurvePreview()
        outer.addWidget(self.preview)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #D92D20; font-size: 11px;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        outer.addWidget(self.problem)
        self.raw: Any = value
        self._fill(value)
        self.table.itemChanged.connect(lambda _item: self._commit())
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)

    def _fill(self, value: Any) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        if isinstance(value, Mapping):
            for wait, multiplier in value.items():
                self._append(str(wait), format_value(multiplier))
        self.table.blockSignals(False)
        points, problem = read_points(value)
        self.preview.set_points(points)
        self._say(problem)

    def _append(self, wait: str, multiplier: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(wait))
        self.table.setItem(row, 1, QTableWidgetItem(multiplier))
        self._fit_table()

    def _fit_table(self) -> None:
        """As tall as its rows (up to six), so the table never scrolls for a usual curve."""
        rows = min(max(self.table.rowCount(), 1), 6)
        height = self.table.horizontalHeader().height() + rows * self.table.verticalHeader().defaultSectionSize() + 4
        self.table.setFixedHeight(height)

    def _say(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    def value(self) -> tuple[Any, str]:
        """The mapping the rows make (``None`` for no rows) and a problem ("" if none)."""
        mapping: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            wait_item, multiplier_item = self.table.item(row, 0), self.table.item(row, 1)
            wait = (wait_item.text() if wait_item else "").strip()
            text = (multiplier_item.text() if multiplier_item else "").strip()
            if not wait and not text:
                continue
            try:
                multiplier = parse_value(text)
            except FlowError:
                multiplier = text
            key: Any = wait
            try:
                key = parse_value(wait)  # a bare number of days stays a number, as typed
            except FlowError:
                pass
            if key in mapping:
                return None, f"{wait} is given twice"
            mapping[key] = multiplier
        if not mapping:
            return None, ""
        _, problem = read_points(mapping)
        return mapping, problem

    def add_row(self) -> None:
        """A new point after the last, at four times its wait and half its multiplier."""
        points, _ = read_points(self.raw)
        if points:
            wait, multiplier = points[-1]
            from flowsim.gui.duration_edit import join_duration

            hours = wait * 24 * 4
            text = join_duration(hours, "h") if hours < 48 else join_duration(wait * 4, "d")
            self._append(text, format_value(round(multiplier / 2, 4)))
        else:
            self._append("5m", "1.0")
        self._commit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.rowCount() - 1]
        for row in rows:
            self.table.removeRow(row)
        self._fit_table()
        self._commit()

    def _commit(self) -> None:
        value, problem = self.value()
        self._say(problem)
        if problem:
            return
        points, _ = read_points(value)
        self.preview.set_points(points)
        if value == self.raw:
            return
        self.raw = value
        self.committed.emit(value)

"""File → Calibrate from CRM export…: read an export, review each fitted value, backtest
the chosen ones, and apply them to the flow as one undo step.

The reading, the fits and the backtest run in worker threads (scipy and a few dozen
replications take seconds); the dialog only shows their results. Nothing changes in the
flow until "Apply" is pressed, and then through one :class:`ApplyCalibration` command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from flowsim.gui.workers import Task
from flowsim.model import Flow

__all__ = ["CalibrateDialog", "ask_and_apply"]

_STAGE_NAMES = {"leads": "Leads", "mqls": "MQLs", "sqls": "SQLs", "customers": "Customers"}


def _read(flow: Flow, export_path: str, map_path: str | None, *, progress, cancel) -> Any:
    from flowsim.calibrate.command import calibrate_flow

    return calibrate_flow(flow, export_path, map_path)


def _backtest(flow: Flow, export: Any, changes: list[Any], basis: str, *, progress, cancel) -> Any:
    from flowsim.calibrate.backtest import backtest
    from flowsim.calibrate.propose import apply_changes

    apply_changes(flow, changes, basis)
    return backtest(flow, export, replications=40)


def _show(value: Any) -> str:
    from flowsim.io.emit import inline

    return "–" if value is None else inline(value)


class CalibrateDialog(QDialog):
    """Choose the export, review the fitted values field by field, backtest, apply."""

    def __init__(self, flow: Flow, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calibrate from CRM export")
        self.flow = flow
        self.folder = folder
        self.result: Any = None  # (export, estimates, changes, notes) once read
        self.task: Task | None = None
        self.export_path = QLineEdit()
        self.export_path.setPlaceholderText("a HubSpot contacts export or a Salesforce lead report (.csv)")
        self.map_path = QLineEdit()
        self.map_path.setPlaceholderText("optional: which column means what (mapping .yaml)")
        form = QFormLayout()
        form.addRow("CRM export", self._with_browse(self.export_path, "CSV files (*.csv *.txt)"))
        form.addRow("Column map", self._with_browse(self.map_path, "Mapping files (*.yaml *.yml)"))
        self.read_button = QPushButton("Read export")
        self.read_button.clicked.connect(self.read)
        self.summary = QLabel("Choose an export and press Read export.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("calibration_review")
        self.table.setHorizontalHeaderLabels(["Field", "Current", "Fitted", "Evidence (95 % interval, records)"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.backtest_button = QPushButton("Backtest the checked values")
        self.backtest_button.setEnabled(False)
        self.backtest_button.clicked.connect(self.backtest)
        self.backtest_view = QTableWidget(0, 3)
        self.backtest_view.setObjectName("calibration_backtest")
        self.backtest_view.setHorizontalHeaderLabels(["Stage", "Weeks inside the simulated 95 % band", "Weeks outside"])
        self.backtest_view.verticalHeader().hide()
        self.backtest_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.backtest_view.horizontalHeader().setStretchLastSection(True)
        self.backtest_view.setMaximumHeight(150)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("Apply checked values")
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.chart_holder = QVBoxLayout()
        review = QWidget()
        review_layout = QVBoxLayout(review)
        review_layout.addWidget(self.table, 1)
        review_layout.addWidget(self.notes)
        checking = QWidget()
        checking_layout = QVBoxLayout(checking)
        checking_layout.addWidget(self.backtest_button, alignment=Qt.AlignmentFlag.AlignLeft)
        checking_layout.addWidget(self.backtest_view)
        checking_layout.addLayout(self.chart_holder, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(review, "Fitted values")
        self.tabs.addTab(checking, "Backtest")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.read_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.chart: QWidget | None = None
        self.resize(1000, 680)

    def _with_browse(self, edit: QLineEdit, pattern: str) -> QWidget:
        button = QPushButton("…")
        button.setFixedWidth(28)
        button.clicked.connect(lambda: self._browse(edit, pattern))
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit)
        box.addWidget(button)
        return row

    def _browse(self, edit: QLineEdit, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open", edit.text() or str(self.folder), pattern)
        if path:
            edit.setText(path)

    # -- reading -------------------------------------------------------------------------
    def read(self) -> Task | None:
        """Read the export in a worker; the review table fills when it is done."""
        path = self.export_path.text().strip()
        if not path or self.task is not None:
            return None
        self.summary.setText("Reading the export and fitting…")
        self.read_button.setEnabled(False)
        return self._start(Task(_read, self.flow.copy(), path, self.map_path.text().strip() or None, parent=self),
                           self._read_done)

    def _start(self, task: Task, done) -> Task:
        self.task = task
        task.succeeded.connect(done)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        task.start()
        return task

    def _finished(self) -> None:
        self.task = None
        self.read_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        self.summary.setText(f"<b>Cannot use this export:</b> {message}")
        self.backtest_button.setEnabled(self.result is not None)

    def _read_done(self, result: Any) -> None:
        self.result = result
        export, est, changes, notes = result
        skipped = f"; {len(export.skipped):,} rows skipped (first: line {export.skipped[0][0]}: " \
                  f"{export.skipped[0][1]})" if export.skipped else ""
        self.summary.setText(f"{export.layout} export: {len(export.records):,} leads from {export.start:%Y-%m-%d} to "
                             f"{export.end:%Y-%m-%d}{skipped}.")
        self.table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            field = QTableWidgetItem(change.label)
            field.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            field.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, 0, field)
            for column, text in enumerate((_show(change.current), _show(change.fitted), change.evidence), 1):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.notes.setText("\n".join(f"• {note}" for note in notes))
        self.apply_button.setEnabled(bool(changes))
        self.backtest_button.setEnabled(bool(changes))

    def chosen(self) -> list[Any]:
        """The changes whose box is checked."""
        if self.result is None:
            return []
        changes = self.result[2]
        return [c for row, c in enumerate(changes)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    @property
    def basis(self) -> str:
        return self.result[1].basis if self.result is not None else ""

    @property
    def source_name(self) -> str:
        return Path(self.export_path.text()).name

    # -- backtest ------------------------------------------------------------------------
    def backtest(self) -> Task | None:
        """Simulate the flow with the checked values over the export's period."""
        if self.result is None or self.task is not None:
            return None
        self.backtest_button.setEnabled(False)
        self.summary.setText(self.summary.text().split(" Backtesting")[0] + " Backtesting…")
        task = Task(_backtest, self.flow.copy(), self.result[0], self.chosen(), self.basis, parent=self)
        return self._start(task, self._backtest_done)

    def _backtest_done(self, result: Any) -> None:
        from flowsim.calibrate.backtest import BACKTEST_STAGES

        self.summary.setText(self.summary.text().split(" Backtesting")[0])
        self.backtest_button.setEnabled(True)
        self.backtest_view.setRowCount(len(BACKTEST_STAGES))
        for row, stage in enumerate(BACKTEST_STAGES):
            outside = [w for w in result.disagreements() if w.stage == stage]
            listed = ", ".join(f"{w.start:%b %d} ({w.actual} vs {w.low:.0f}–{w.high:.0f})" for w in outside[:4])
            more = f" and {len(outside) - 4} more" if len(outside) > 4 else ""
            for column, text in enumerate((_STAGE_NAMES[stage], f"{result.coverage(stage):.0%}", (listed + more) or "none")):
                self.backtest_view.setItem(row, column, QTableWidgetItem(text))
        self.last_backtest = result
        self._show_chart(result)
        self.tabs.setCurrentIndex(1)

    def _show_chart(self, result: Any) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from flowsim.calibrate.chart import backtest_figure

        if self.chart is not None:
            self.chart_holder.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = FigureCanvasQTAgg(backtest_figure(result))
        self.chart.setObjectName("calibration_chart")
        self.chart.setMinimumHeight(280)
        self.chart_holder.addWidget(self.chart)


def ask_and_apply(window: Any) -> CalibrateDialog | None:
    """Open the dialog on the window's flow; on Apply, push the checked values as one
    undo step. Returns the dialog (for tests), or ``None`` for a read-only document."""
    from flowsim.gui.commands import ApplyCalibration

    doc = window.document
    if doc.read_only:
        return None
    folder = doc.path.parent if doc.path else Path.home()
    dialog = CalibrateDialog(doc.flow, folder, window)
    if dialog.exec() and dialog.chosen():
        window.push(ApplyCalibration(doc.flow, dialog.chosen(), dialog.basis, dialog.source_name))
    return dialog

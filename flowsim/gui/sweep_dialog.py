"""The sweep dialog: vary one or two PATHs over listed values, run the grid in a worker
thread, and chart a metric as a line over the values or as a heat map over two."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from flowsim.errors import FlowError
from flowsim.gui.workers import Task
from flowsim.model import Flow

__all__ = ["SweepDialog", "candidate_paths", "candidate_metrics"]


def candidate_paths(flow: Flow) -> list[str]:
    """PATHs worth sweeping in ``flow``: capacities, arrival rates, service times, accept
    rates and edge probabilities, in file order."""
    out = []
    for node in flow.nodes:
        params = node.params
        if node.kind == "source" and isinstance(params.get("arrivals"), dict):
            for key in ("per_day", "per_week", "per_month"):
                if key in params["arrivals"]:
                    out.append(f"{node.id}.arrivals.{key}")
        if "capacity" in params:
            out.append(f"{node.id}.capacity")
        if isinstance(params.get("service"), dict) and "mean" in params["service"]:
            out.append(f"{node.id}.service.mean")
        for key in ("accept", "conversion", "leak"):
            if key in params:
                out.append(f"{node.id}.{key}")
    seen = set()
    for edge in flow.edges:
        if edge.probability is not None and (edge.source, edge.target) not in seen:
            out.append(f"{edge.source}->{edge.target}.probability")
        seen.add((edge.source, edge.target))
    return out


def candidate_metrics(flow: Flow) -> list[str]:
    """Metrics worth charting: the funnel, time to SQL, and waits where leads queue."""
    out = ["funnel.sqls", "funnel.customers", "funnel.mqls", "time_to.sql.mean", "time_to.sql.p90"]
    out += [f"nodes.{n.id}.wait_days" for n in flow.nodes if "capacity" in n.params]
    out += [f"channels.{n.id}.cost_per_sql" for n in flow.nodes if n.kind == "source"]
    return out


def _sweep(flow: Flow, vary: list, goal: str | None, replications: int, *, progress, cancel) -> Any:
    from flowsim.sim.sweep import sweep

    return sweep(flow, vary, goal=goal, replications=replications, jobs=os.cpu_count() or 1,
                 progress=progress, cancel=cancel)


class SweepDialog(QDialog):
    """Vary one or two PATHs; Run; a line chart (or, for two PATHs, a heat map) of the
    chosen metric, with the goal and the cheapest point that meets it."""

    def __init__(self, flow: Flow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sweep")
        self.flow = flow
        self.sweep_result: Any = None
        self.task: Task | None = None
        paths = candidate_paths(flow)
        self.path1, self.values1 = self._path_box(paths, 0), QLineEdit("1, 2, 3, 4")
        self.path2, self.values2 = self._path_box(["(none)"] + paths, 0), QLineEdit()
        self.metric_box = QComboBox(editable=True)
        self.metric_box.addItems(candidate_metrics(flow))
        self.metric_box.currentTextChanged.connect(self._redraw)
        self.goal = QLineEdit()
        self.goal.setPlaceholderText("optional, such as nodes.sdr_handoff.wait_days <= 0.0035")
        self.replications = QSpinBox(minimum=1, maximum=1000, value=int(flow.setting("replications")))
        self.chart_kind = QComboBox()
        self.chart_kind.addItems(["Line", "Heat map"])
        self.chart_kind.currentIndexChanged.connect(self._redraw)
        for box, edit in ((self.path1, self.values1), (self.path2, self.values2)):
            box.currentTextChanged.connect(lambda _, b=box, e=edit: self._suggest_values(b, e))
        self._suggest_values(self.path1, self.values1)
        form = QFormLayout()
        form.addRow("Vary", self._pair(self.path1, self.values1))
        form.addRow("and", self._pair(self.path2, self.values2))
        form.addRow("Goal", self.goal)
        form.addRow("Replications", self.replications)
        form.addRow("Chart", self._pair(self.metric_box, self.chart_kind))
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("sweep_status")
        self.chart_area = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addLayout(self.chart_area, 1)
        self.canvas: Any = None
        self.resize(820, 700)

    @staticmethod
    def _path_box(items: list[str], index: int) -> QComboBox:
        box = QComboBox(editable=True)
        box.addItems(items)
        box.setCurrentIndex(index)
        box.setMinimumWidth(260)
        return box

    @staticmethod
    def _pair(left: QWidget, right: QWidget) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(left, 2)
        row.addWidget(right, 1)
        return holder

    def _suggest_values(self, box: QComboBox, edit: QLineEdit) -> None:
        """Values around the flow's own, for the path just picked in ``box``."""
        path = box.currentText()
        if path == "(none)":
            edit.clear()
            return
        current = self._current_value(path)
        if isinstance(current, int) and not isinstance(current, bool):
            edit.setText(", ".join(str(v) for v in range(max(1, current - 1), current + 3)))
        elif isinstance(current, float):
            edit.setText(", ".join(f"{current * f:g}" for f in (0.5, 1, 1.5, 2)))

    def _current_value(self, path: str) -> Any:
        from flowsim.model.scenarios import parse_path

        try:
            target = parse_path(path)
        except ValueError:
            return None
        if target.kind != "node" or not self.flow.has_node(target.owner):
            return None
        value: Any = self.flow.node(target.owner).params
        for key in target.keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def vary(self) -> list[tuple[str, list[Any]]]:
        """The PATHs and values as typed; SimulationError naming what is wrong."""
        from flowsim.sim.sweep import parse_vary

        out = [parse_vary(f"{self.path1.currentText()}={self.values1.text()}")]
        if self.path2.currentText() not in ("(none)", "") and self.values2.text().strip():
            out.append(parse_vary(f"{self.path2.currentText()}={self.values2.text()}"))
        return out

    def run(self) -> Task | None:
        if self.task is not None:
            return None
        try:
            vary = self.vary()
        except FlowError as err:
            self.status.setText(str(err))
            return None
        goal = self.goal.text().strip() or None
        task = Task(_sweep, self.flow.copy(), vary, goal, self.replications.value(), parent=self)
        task.progressed.connect(lambda f: self.progress.setValue(round(f * 1000)))
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(lambda: self._finished("Cancelled."))
        self.task = task
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText("Running…")
        task.start()
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished(self, message: str) -> None:
        if self.task is not None:
            self.task.wait()
            self.task.deleteLater()
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(message)

    def _failed(self, message: str) -> None:
        self._finished(message)

    def _succeeded(self, result: Any) -> None:
        self.sweep_result = result
        self.progress.setValue(1000)
        if result.goal is None:
            message = f"{len(result.points)} points."
        elif result.best_values is None:
            message = f"No point meets {result.goal} with 95 % confidence."
        else:
            chosen = ", ".join(f"{p} = {v}" for p, v in result.best_values.items())
            message = f"Cheapest point that meets {result.goal} with 95 % confidence: {chosen}."
        if result.goal is not None and self.metric_box.currentText() != result.goal.metric:
            self.metric_box.setCurrentText(result.goal.metric)
        self._finished(message)
        self._redraw()

    def _redraw(self, *_: object) -> None:
        if self.sweep_result is None:
            return
        # matplotlib loads with the first chart, not with the window
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from flowsim.render.compare_charts import sweep_figure, sweep_heatmap

        metric = self.metric_box.currentText()
        heat = self.chart_kind.currentIndex() == 1 and len(self.sweep_result.vary) == 2
        figure = sweep_heatmap(self.sweep_result, metric) if heat else sweep_figure(self.sweep_result, metric)
        if self.canvas is not None:
            self.chart_area.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setObjectName("sweep_chart")
        self.chart_area.addWidget(self.canvas)

    def done(self, code: int) -> None:  # closing stops a run rather than leaving it behind
        if self.task is not None:
            self.task.cancel()
            self.task.wait()
        super().done(code)

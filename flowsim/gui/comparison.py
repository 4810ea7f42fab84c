"""Comparing scenarios from the window: the run in a worker thread, then a window with
the table of paired differences and the chart of key numbers per scenario."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QLabel, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout

from flowsim.gui.workers import Task, TaskOwner

__all__ = ["ComparisonRunner", "ComparisonWindow"]

_SIGNIFICANT = QColor("#D92D20")


def _compare(flow: Any, *, progress, cancel) -> Any:
    from flowsim.sim.compare import compare

    return compare(flow, jobs=os.cpu_count() or 1, progress=progress, cancel=cancel)


class ComparisonWindow(QDialog):
    """The comparison: a chart of the key numbers with their intervals, and a table with a
    row per number (headline numbers, and every other one that differs significantly):
    each scenario's mean and its paired difference from the baseline; significant
    differences in red."""

    def __init__(self, comparison: Any, parent=None) -> None:
        # matplotlib loads on the first comparison, not with the window
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from flowsim.render.compare_charts import comparison_figure

        super().__init__(parent)
        self.setWindowTitle("Scenarios compared")
        self.comparison = comparison
        base = comparison.results[comparison.baseline]
        reps = base.config.replications
        note = QLabel(f"{len(comparison.results)} scenarios, {reps} replications each on the same random "
                      "numbers (seed {0}). Differences are paired by replication; red ones have a 95 % "
                      "interval that excludes zero.".format(base.config.seed))
        note.setWordWrap(True)
        self.canvas = FigureCanvasQTAgg(comparison_figure(comparison))
        self.canvas.setMinimumHeight(240)
        self.table = QTableWidget()
        self.table.setObjectName("comparison_table")
        self._fill()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.canvas)
        split.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(split, 1)
        self.resize(1000, 720)

    def rows(self) -> list[str]:
        """The METRIC paths the table shows: the headline numbers, then every other one
        that some scenario changes significantly."""
        names = list(self.comparison.results)
        diffs = self.comparison.diffs
        first, rest = [], []
        for path in diffs[names[1]] if len(names) > 1 else []:
            if path.startswith("funnel.") or path.startswith("time_to.") and path.endswith(".mean"):
                first.append(path)
            elif any(diffs[n][path].significant for n in names[1:] if path in diffs[n]):
                rest.append(path)
        return first + rest  # the headline numbers on top

    def _fill(self) -> None:
        from flowsim.render.compare_charts import metric_label
        from flowsim.sim.whatif import metric_table

        names = list(self.comparison.results)
        tables = {n: metric_table(r) for n, r in self.comparison.results.items()}
        heads = ["number", names[0]]
        for name in names[1:]:
            heads += [name, "difference (95 %)"]
        rows = self.rows()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(rows))
        for r, path in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(metric_label(path)))
            self.table.item(r, 0).setToolTip(path)
            self.table.setItem(r, 1, _number(tables[names[0]][path].mean))
            for c, name in enumerate(names[1:]):
                m = tables[name].get(path)
                self.table.setItem(r, 2 + 2 * c, _number(m.mean if m is not None else None))
                d = self.comparison.diffs[name].get(path)
                text = "–" if d is None or d.mean is None else f"{d.mean:+.4g}  [{d.ci95[0]:+.3g}, {d.ci95[1]:+.3g}]"
                item = QTableWidgetItem(text)
                if d is not None and d.significant:
                    item.setForeground(QBrush(_SIGNIFICANT))
                self.table.setItem(r, 3 + 2 * c, item)
        self.table.resizeColumnsToContents()


def _number(value: float | None) -> QTableWidgetItem:
    item = QTableWidgetItem("–" if value is None else f"{value:,.4g}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ComparisonRunner(TaskOwner):
    """Owns the comparison of a window: one at a time, in a worker thread."""

    def __init__(self, window) -> None:
        super().__init__(window, "Comparison")
        self.shown: ComparisonWindow | None = None

    def run(self) -> Task | None:
        """Compare a snapshot of the flow's scenarios with the baseline."""
        document = self.window.document
        if document.read_only or not document.flow.scenarios:
            return None
        errors = [issue for issue in document.issues if issue.is_error]
        if errors:
            self.window.report_error("Cannot compare yet",
                                     f"The flow has {len(errors)} problem(s) to fix first. The first: {errors[0].format()}")
            return None
        return self.launch(_compare, document.flow.copy())

    def running_changed(self, running: bool) -> None:
        panel = getattr(self.window, "scenarios", None)
        if panel is not None:
            panel.compare_button.setEnabled(not running and bool(self.window.document.flow.scenarios))

    def succeeded(self, comparison: Any) -> str:
        self.shown = ComparisonWindow(comparison, self.window)
        self.shown.show()
        return "Comparison finished"

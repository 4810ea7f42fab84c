"""The results panel: funnel, leakage per node, time-to-SQL, reps, cost per SQL, a chart."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from flowsim.gui.painter import qcolor

__all__ = ["ResultsPanel", "in_progress_series", "LeadsChart"]

_FUNNEL = [
    ("arrivals", "Arrivals (visits)", None),
    ("leads", "Leads", "arrival_to_lead"),
    ("mqls", "MQLs", "lead_to_mql"),
    ("sqls", "SQLs", "mql_to_sql"),
    ("customers", "Customers", "sql_to_customer"),
]


def _num(metric: Any, digits: int = 0) -> str:
    mean = getattr(metric, "mean", None)
    if mean is None:
        return "–"
    return f"{mean:,.{digits}f}"


def _ci(metric: Any, digits: int = 0) -> str:
    low, high = getattr(metric, "ci95", (None, None))
    if low is None or high is None or low == high:
        return ""
    return f"{low:,.{digits}f} – {high:,.{digits}f}"


def _pct(metric: Any) -> str:
    mean = getattr(metric, "mean", None)
    return "–" if mean is None else f"{mean:.1%}"


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1 / 24:
        return f"{value * 1440:.0f} min"
    if value < 1:
        return f"{value * 24:.1f} h"
    return f"{value:.1f} d"


def in_progress_series(trace: Any, days: float, points: int = 200) -> list[tuple[float, float]]:
    """Leads in the flow over time, from the first replication's trace (scaled up by the
    trace's sampling, so it estimates all leads)."""
    if trace is None or not trace.events:
        return []
    changes = []
    for event in trace.events:
        if event.event == "arrive":
            changes.append((event.time, 1))
        elif event.event in ("leak", "sink"):
            changes.append((event.time, -1))
    changes.sort()
    step = days / points
    series, level, k = [], 0, 0
    for i in range(points + 1):
        t = i * step
        while k < len(changes) and changes[k][0] <= t:
            level += changes[k][1]
            k += 1
        series.append((t, level * trace.every))
    return series


class LeadsChart(QWidget):
    """A small line chart of leads in the flow over simulated days."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[tuple[float, float]] = []
        self.setMinimumHeight(60)

    def set_series(self, series: list[tuple[float, float]]) -> None:
        self.series = series
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.base())
        if len(self.series) < 2:
            painter.setPen(pal.placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Run a simulation to see leads in the flow over time")
            return
        box = QRectF(self.rect()).adjusted(48, 12, -12, -26)
        top = max(v for _, v in self.series) or 1.0
        end = self.series[-1][0] or 1.0
        painter.setPen(QPen(pal.mid().color(), 1))
        painter.drawLine(box.bottomLeft(), box.bottomRight())
        painter.drawLine(box.bottomLeft(), box.topLeft())
        painter.setPen(pal.text().color())
        painter.drawText(QRectF(0, box.top() - 6, 44, 14), Qt.AlignmentFlag.AlignRight, f"{top:,.0f}")
        painter.drawText(QRectF(0, box.bottom() - 8, 44, 14), Qt.AlignmentFlag.AlignRight, "0")
        painter.drawText(QRectF(box.left(), box.bottom() + 4, box.width(), 16), Qt.AlignmentFlag.AlignCenter,
                         f"leads in the flow over {end:g} days")
        path = QPainterPath()
        for i, (t, v) in enumerate(self.series):
            point = QPointF(box.left() + box.width() * t / end, box.bottom() - box.height() * v / top)
            path.moveTo(point) if i == 0 else path.lineTo(point)
        painter.setPen(QPen(qcolor("#2E90FA"), 2))
        painter.drawPath(path)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    # Columns as wide as their contents and no wider: in a wide dock a stretched column
    # would push its figures far from the row's name.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class ResultsPanel(QWidget):
    """Shows the last run's results; ``export_csv``/``export_json`` hooks save them."""

    def __init__(self, export_csv: Callable[[], None], export_json: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results: Any = None
        self.summary = QLabel("No simulation yet: press Run (F5).")
        self.summary.setObjectName("results_summary")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.funnel = _table(["Stage", "Mean", "Conversion", "95 % CI"])
        self.nodes = _table(["Node", "Entered", "Leaked", "Leak %", "Wait", "Time in node", "Utilization", "Went cold"])
        self.channels = _table(["Channel", "Leads", "Cost", "Cost per SQL", "Customers"])
        self.times = _table(["Time to", "Mean", "Median", "90th percentile", "Leads"])
        self.chart = LeadsChart()
        for widget, title in ((self.funnel, "Funnel"), (self.nodes, "Leakage by node"), (self.channels, "Channels"),
                              (self.times, "Time to SQL"), (self.chart, "Leads over time")):
            self.tabs.addTab(widget, title)
        csv_button = QPushButton("Export CSV…")
        csv_button.clicked.connect(export_csv)
        json_button = QPushButton("Export JSON…")
        json_button.clicked.connect(export_json)
        self.buttons = (csv_button, json_button)
        for button in self.buttons:
            button.setEnabled(False)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(csv_button)
        head.addWidget(json_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.tabs)

    def show_results(self, results: Any, flow: Any) -> None:
        self.results = results
        config = results.config
        funnel = results.funnel
        sql_time = results.time_to["sql"]
        self.summary.setText(
            f"<b>{_num(funnel['sqls'])} SQLs</b> and <b>{_num(funnel['customers'])} customers</b> from "
            f"{_num(funnel['leads'])} leads in {config.days:g} days · time to SQL {_days(sql_time['median'].mean)} "
            f"(median) · {config.replications} replications, seed {config.seed}"
        )
        _fill(self.funnel, [
            [label, _num(funnel[key]), _pct(funnel[rate]) if rate else "", _ci(funnel[key])]
            for key, label, rate in _FUNNEL
        ])
        titles = {node.id: node.title for node in flow.nodes}
        rows = []
        for node_id, m in results.nodes.items():
            entered = m["entered"].mean or 0.0
            leaked = m["leaked"].mean or 0.0
            util = m["utilization"].mean
            rows.append([
                titles.get(node_id, node_id), _num(m["entered"]), _num(m["leaked"]),
                f"{leaked / entered:.1%}" if entered else "–", _days(m["wait_days"].mean),
                _days(m["time_in_node_days"].mean), "–" if util is None else f"{util:.0%}", _num(m["cold"]),
            ])
        _fill(self.nodes, rows)
        _fill(self.channels, [
            [titles.get(cid, cid), _num(m["leads"]), "$" + _num(m["cost"]), "$" + _num(m["cost_per_sql"]), _num(m["customers"])]
            for cid, m in results.channels.items()
        ])
        _fill(self.times, [
            [label, _days(results.time_to[key]["mean"].mean), _days(results.time_to[key]["median"].mean),
             _days(results.time_to[key]["p90"].mean), _num(results.time_to[key]["count"])]
            for key, label in (("mql", "MQL"), ("sql", "SQL"), ("customer", "Customer"))
        ])
        self.chart.set_series(in_progress_series(results.trace, config.days))
        for button in self.buttons:
            button.setEnabled(True)

    def mark_outdated(self) -> None:
        text = self.summary.text()
        note = " <i>(the flow has changed since this run)</i>"
        if self.results is not None and note not in text:
            self.summary.setText(text + note)

    def clear(self) -> None:
        self.results = None
        self.summary.setText("No simulation yet: press Run (F5).")
        for table in (self.funnel, self.nodes, self.channels, self.times):
            table.setRowCount(0)
        self.chart.set_series([])
        for button in self.buttons:
            button.setEnabled(False)

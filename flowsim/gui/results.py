"""The results panel: the last run's charts, each with its table one click away.

Charts come from :mod:`flowsim.render.charts` (the report draws the same ones); tables
from :mod:`flowsim.render.tables` (the report prints the same numbers). The charts'
canvases, and matplotlib with them, are made when the first results arrive.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QStackedWidget, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from flowsim.render.theme import LIGHT, Theme

__all__ = ["ResultsPanel", "TABS"]

#: tab title → (chart keys side by side, table keys one under the other)
TABS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Funnel && flow": (("funnel", "sankey"), ("funnel", "edges")),
    "Leakage": (("leakage",), ("nodes",)),
    "Time to": (("time_to",), ("time_to",)),
    "Over time": (("over_time",), ("over_time",)),
    "Channels": (("channels",), ("channels", "money")),
}
_EMPTY = "No simulation yet: press Run (F5)."


def _table(numeric: tuple[bool, ...] = ()) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    # the columns share the panel's width, so a wide dock spreads them instead of leaving
    # a blank band on the right; a narrow one scrolls
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(70)
    return table


def _fill(table: QTableWidget, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], numeric: tuple[bool, ...]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for c, is_number in enumerate(numeric):
        if is_number:
            table.horizontalHeaderItem(c).setTextAlignment(right)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if numeric[c]:
                item.setTextAlignment(right)
            table.setItem(r, c, item)


class _Page(QStackedWidget):
    """A tab's charts or tables. They take the height the dock has and ask for little: in
    the dock's scroll area a tall request would scroll the charts out of sight."""

    def sizeHint(self) -> QSize:
        return QSize(480, 200)


class ResultsPanel(QWidget):
    """Shows the last run's results; ``export_csv``/``export_json``/``export_report``
    hooks save them; a click on a Sankey stream calls ``select_edge(index)`` (an edge's)
    or ``select_node(id)`` (a node's leaks)."""

    def __init__(self, export_csv: Callable[[], None], export_json: Callable[[], None],
                 export_report: Callable[[], None] | None = None,
                 select_edge: Callable[[int], None] | None = None,
                 select_node: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results: Any = None
        self.flow: Any = None
        self.theme: Theme = LIGHT
        self.select_edge = select_edge
        self.select_node = select_node
        self.summary = QLabel(_EMPTY)
        self.summary.setObjectName("results_summary")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.views: dict[str, Any] = {}            # chart key → ChartView, made on the first run
        self.tables: dict[str, QTableWidget] = {}  # table key → its widget
        self.stacks: list[QStackedWidget] = []  # one _Page a tab
        self._chart_rows: dict[str, QWidget] = {}
        for title, (charts, tables) in TABS.items():
            stack = _Page()
            row = QWidget()
            QHBoxLayout(row).setContentsMargins(0, 0, 0, 0)
            placeholder = QLabel(_EMPTY)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row.layout().addWidget(placeholder)
            self._chart_rows[title] = row
            column = QSplitter(Qt.Orientation.Vertical)
            for key in tables:
                self.tables[key] = _table()
                self.tables[key].setObjectName(f"table_{key}")
                column.addWidget(self.tables[key])
            stack.addWidget(row)
            stack.addWidget(column)
            self.stacks.append(stack)
            self.tabs.addTab(stack, title)
        self.table_toggle = QPushButton("Tables")
        self.table_toggle.setCheckable(True)
        self.table_toggle.setToolTip("Show the numbers behind the charts (and back)")
        self.table_toggle.toggled.connect(self.show_tables)
        buttons = [("Export CSV…", export_csv), ("Export JSON…", export_json)]
        if export_report is not None:
            buttons.append(("Report…", export_report))
        self.buttons = []
        for text, hook in buttons:
            button = QPushButton(text)
            button.clicked.connect(hook)
            button.setEnabled(False)
            self.buttons.append(button)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.table_toggle)
        for button in self.buttons:
            head.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.tabs)

    # -- showing ---------------------------------------------------------------------------
    def show_tables(self, on: bool) -> None:
        """Tables instead of charts in every tab (or charts again)."""
        for stack in self.stacks:
            stack.setCurrentIndex(1 if on else 0)
        if self.table_toggle.isChecked() != on:
            self.table_toggle.setChecked(on)

    def _ensure_views(self) -> None:
        if self.views:
            return
        from flowsim.gui.chartview import ChartView  # imports matplotlib: only now

        for title, (charts, _) in TABS.items():
            layout = self._chart_rows[title].layout()
            placeholder = layout.takeAt(0).widget()
            placeholder.deleteLater()
            for key in charts:
                view = ChartView(key, self._picked)
                view.setObjectName(f"chart_{key}")
                self.views[key] = view
                # side by side, the funnel takes two fifths, the flow beside it three
                layout.addWidget(view, {"funnel": 2, "sankey": 3}.get(key, 1))

    def show_results(self, results: Any, flow: Any, theme: Theme | None = None) -> None:
        """Draw every chart and fill every table from ``results`` (of ``flow``), replacing
        what the last run showed."""
        from flowsim.render.charts import count, span
        from flowsim.render.tables import results_tables, series_table

        self.results, self.flow = results, flow
        self.theme = theme or self.theme
        config = results.config
        funnel = results.funnel
        self.summary.setText(
            f"<b>{count(funnel['sqls'].mean)} SQLs</b> and <b>{count(funnel['customers'].mean)} customers</b> from "
            f"{count(funnel['leads'].mean)} leads in {config.days:g} days · time to SQL "
            f"{span(results.time_to['sql']['median'].mean)} (median) · {config.replications} replications, "
            f"seed {config.seed}"
        )
        self._ensure_views()
        for view in self.views.values():
            view.show_results(results, flow, self.theme)
        for table in list(results_tables(results, flow)) + [series_table(results, flow)]:
            if table.key in self.tables:
                _fill(self.tables[table.key], table.headers, table.rows, table.numeric)
        for button in self.buttons:
            button.setEnabled(True)

    def set_theme(self, theme: Theme) -> None:
        """Draw the charts in ``theme``'s colours (the canvas's), now if any are shown."""
        self.theme = theme
        if self.results is not None:
            for view in self.views.values():
                view.show_results(self.results, self.flow, theme)

    def draw_now(self) -> None:
        """Render every chart at once (the window otherwise draws a chart when it shows)."""
        for view in self.views.values():
            view.draw_now()

    def _picked(self, gid: str) -> None:
        if gid.startswith("edge-") and self.select_edge is not None:
            self.select_edge(int(gid[5:]))
        elif gid.startswith("leak-") and self.select_node is not None:
            self.select_node(gid[5:])

    def mark_outdated(self) -> None:
        text = self.summary.text()
        note = " <i>(the flow has changed since this run)</i>"
        if self.results is not None and note not in text:
            self.summary.setText(text + note)

    def clear(self) -> None:
        self.results = None
        self.summary.setText(_EMPTY)
        for table in self.tables.values():
            table.setRowCount(0)
        for view in self.views.values():
            view.clear()
        for button in self.buttons:
            button.setEnabled(False)

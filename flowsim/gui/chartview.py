"""One chart of :mod:`flowsim.render.charts` in the window, on matplotlib's Qt canvas.

matplotlib is imported when the first ChartView is made (the first run's results), not
when the window starts: it costs a few hundred milliseconds that a user who never runs a
simulation should not wait for.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

__all__ = ["ChartView", "RELAYOUT"]

#: Charts drawn again after a resize.
RELAYOUT = frozenset({"sankey", "funnel"})


class ChartView(QWidget):
    """Shows the chart ``key`` of the last results given to :meth:`show_results`.

    ``on_pick(gid)`` is called with the ``gid`` of a pickable artist the user clicks (the
    Sankey's streams: ``edge-<index>``, ``leak-<node id>``).
    """

    def __init__(self, key: str, on_pick: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.key = key
        self.figure = Figure(layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        # The canvas asks for its figure's current size, which follows the widget: in the
        # dock's scroll area that would only ever grow. The view asks for a modest size
        # instead and the canvas takes whatever room it gets.
        self.canvas.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.canvas.setMinimumSize(200, 140)
        self.on_pick = on_pick
        self.canvas.mpl_connect("pick_event", self._picked)
        self._shown: tuple[Any, Any, Any] | None = None
        self._stale = False  # results given but not drawn yet (the view was hidden)
        # Charts whose labels are laid out for the figure's size (the Sankey wraps its
        # titles to the columns' width, the funnel makes room for its numbers) are drawn
        # again once a resize settles.
        self._relayout = QTimer(self, singleShot=True, interval=150)
        self._relayout.timeout.connect(self._redraw)
        if key in RELAYOUT:
            self.canvas.mpl_connect("resize_event", lambda event: self._relayout.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def show_results(self, results: Any, flow: Any, theme: Any) -> None:
        """Show the chart of ``results`` in place of the one shown: at once if this view is
        on screen, else when it is first shown (a run's end then costs only the charts in
        sight, not those in the other tabs)."""
        self._shown = (results, flow, theme)
        self._stale = True
        if self.isVisible():
            self._build()

    def _build(self, idle: bool = True) -> None:
        from flowsim.render.charts import draw

        draw(self.key, self.figure, *self._shown)
        self._stale = False
        if idle:
            self.canvas.draw_idle()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self._shown is not None:
            self._build()

    def clear(self) -> None:
        """Show nothing (the results it showed are gone)."""
        self._shown = None
        self._stale = False
        self.figure.clear()
        self.canvas.draw_idle()

    def _redraw(self) -> None:
        if self._shown is not None:
            self.show_results(*self._shown)

    def draw_now(self) -> None:
        """Build and render at once, shown or not (benchmarks, pictures)."""
        if self._stale and self._shown is not None:
            self._build(idle=False)
        self.canvas.draw()

    def _picked(self, event) -> None:
        gid = event.artist.get_gid()
        if gid and self.on_pick is not None:
            self.on_pick(gid)

"""One chart of :mod:`flowsim.render.charts` in the window, on matplotlib's Qt canvas.

matplotlib is imported when the first ChartView is made (the first run's results), not
when the window starts: it costs a few hundred milliseconds that a user who never runs a
simulation should not wait for.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

__all__ = ["ChartView", "RELAYOUT"]

#: Charts drawn again after a resize.
RELAYOUT = frozenset({"sankey"})


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
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(200, 140)
        self.on_pick = on_pick
        self.canvas.mpl_connect("pick_event", self._picked)
        self._shown: tuple[Any, Any, Any] | None = None
        # Charts whose labels are laid out for the figure's size (the Sankey wraps its
        # titles to the columns' width) are drawn again once a resize settles.
        self._relayout = QTimer(self, singleShot=True, interval=150)
        self._relayout.timeout.connect(self._redraw)
        if key in RELAYOUT:
            self.canvas.mpl_connect("resize_event", lambda event: self._relayout.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)

    def show_results(self, results: Any, flow: Any, theme: Any) -> None:
        """Draw the chart of ``results`` in place of the one shown (drawn when next painted)."""
        from flowsim.render.charts import draw

        self._shown = (results, flow, theme)
        draw(self.key, self.figure, results, flow, theme)
        self.canvas.draw_idle()

    def clear(self) -> None:
        """Show nothing (the results it showed are gone)."""
        self._shown = None
        self.figure.clear()
        self.canvas.draw_idle()

    def _redraw(self) -> None:
        if self._shown is not None:
            self.show_results(*self._shown)

    def draw_now(self) -> None:
        """Render at once (benchmarks and pictures; the window draws when it paints)."""
        self.canvas.draw()

    def _picked(self, event) -> None:
        gid = event.artist.get_gid()
        if gid and self.on_pick is not None:
            self.on_pick(gid)

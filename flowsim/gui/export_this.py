""""Export this" on the timeline bar: the days being played, framed as the canvas shows the
flow now and as long as the bar's speed plays them, written by the same exporter as
File → Export (in its worker)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton,
)

from flowsim.render.export import DEFAULT_FPS, MAX_DURATION

__all__ = ["ExportThisDialog", "export_this", "view_frame", "clip_seconds", "ask_and_export_this"]


def clip_seconds(first: float, last: float, days_per_second: float) -> float:
    """How long days ``first``–``last`` play at ``days_per_second`` (within an export's limits)."""
    return min(MAX_DURATION, max(0.5, (last - first) / days_per_second))


def view_frame(view) -> tuple[float, float, float, float]:
    """What the canvas shows now: (x, y, width, height) in canvas coordinates."""
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    return rect.x(), rect.y(), rect.width(), rect.height()


def export_this(window, out: Path, first: float, last: float) -> Any:
    """Export days ``first``–``last`` of the playback's run to ``out`` (.gif or .mp4),
    framed on the canvas's view, as long as the bar's speed plays them; returns the
    export task."""
    playback = window.playback
    suffix = out.suffix.lower()
    options: dict[str, Any] = {
        "results": playback.results, "days_range": (float(first), float(last)), "frame": view_frame(window.view),
        "fps": DEFAULT_FPS.get(suffix, 15),
        "duration": clip_seconds(first, last, playback.days_per_second),
    }
    return window.exporter.start(out, options)


class ExportThisDialog(QDialog):
    """From which day to which, and where to: a GIF or MP4 of what the canvas shows."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Export this")
        playback = window.playback
        days = playback.days
        shown = playback.day
        self.first = QDoubleSpinBox(minimum=0, maximum=days, decimals=0, value=0 if shown >= days else math.floor(shown))
        self.last = QDoubleSpinBox(minimum=1, maximum=days, decimals=0, value=days)
        self.format = QComboBox()
        self.format.addItem("Animated GIF (.gif)", ".gif")
        self.format.addItem("MP4 video (.mp4)", ".mp4")
        folder = window.document.path.parent if window.document.path else Path.home()
        stem = (window.document.flow.name or "flow").strip().lower().replace(" ", "-")
        self.path = QLineEdit(str(folder / f"{stem}-days.gif"))
        browse = QPushButton("…")
        browse.setFixedWidth(28)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path)
        where.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("From day", self.first)
        form.addRow("To day", self.last)
        form.addRow("Format", self.format)
        form.addRow("File", where)
        self.length = QLabel()
        form.addRow("Length", self.length)
        self._speed = playback.days_per_second
        for box in (self.first, self.last):
            box.valueChanged.connect(self._show_length)
        self._show_length()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(
            lambda: self.path.setText(str(Path(self.path.text()).with_suffix(self.format.currentData()))))

    def _show_length(self) -> None:
        seconds = clip_seconds(self.first.value(), self.last.value(), self._speed)
        self.length.setText(f"{seconds:.1f} s at the bar's speed, framed as the canvas shows the flow")

    def _browse(self) -> None:
        ext = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), f"*{ext}")
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if self.last.value() <= self.first.value():
            self.last.setFocus()
            return
        self.accept()

    def chosen(self) -> tuple[Path, float, float]:
        return Path(self.path.text()), self.first.value(), self.last.value()


def ask_and_export_this(window) -> None:
    """Ask for the days and the file, then export them as the canvas frames the flow."""
    if not window.playback.ready or window.playback.outdated:
        return
    dialog = ExportThisDialog(window)
    if dialog.exec():
        export_this(window, *dialog.chosen())

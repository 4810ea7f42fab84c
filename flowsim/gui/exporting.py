"""Export from the window: the same exporter as ``flowsim export``, in a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit,
    QPushButton, QSpinBox, QWidget,
)

from flowsim.gui.workers import Task, TaskOwner
from flowsim.model import Flow

__all__ = ["ExportDialog", "Exporter", "FORMATS"]

#: Extension → what the dialog calls it.
FORMATS = {
    ".svg": "SVG picture (crisp at any size)",
    ".png": "PNG picture",
    ".gif": "Animated GIF of a simulated run",
    ".mp4": "MP4 video of a simulated run (H.264)",
}
_ANIMATED = (".gif", ".mp4")


class ExportDialog(QDialog):
    """Where to, which format, and the size and timing of an animation."""

    def __init__(self, flow: Flow, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = QComboBox()
        for ext, text in FORMATS.items():
            self.format.addItem(f"{text} ({ext})", ext)
        stem = (flow.name or "flow").strip().lower().replace(" ", "-")
        self.path = QLineEdit(str(folder / f"{stem}.svg"))
        browse = QPushButton("…")
        browse.setFixedWidth(28)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path)
        where.addWidget(browse)
        self.width_box = QSpinBox(minimum=16, maximum=8192, value=1600)
        self.fps = QSpinBox(minimum=1, maximum=60, value=30)
        self.duration = QDoubleSpinBox(minimum=1, maximum=600, value=12, decimals=1, suffix=" s")
        self.days = QDoubleSpinBox(minimum=1, maximum=3650, value=float(flow.setting("days")), decimals=0)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=int(flow.setting("seed")))
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.hide = QLineEdit()
        self.hide.setPlaceholderText("ids or from->to, comma separated (optional)")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", where)
        form.addRow("Width (px)", self.width_box)
        form.addRow("Frames per second", self.fps)
        form.addRow("Length of the video", self.duration)
        form.addRow("Days simulated", self.days)
        form.addRow("Seed", self.seed)
        form.addRow("Theme", self.theme)
        form.addRow("Leave out", self.hide)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _format_changed(self) -> None:
        ext = self.format.currentData()
        animated = ext in _ANIMATED
        for widget in (self.fps, self.duration, self.days, self.seed):
            widget.setEnabled(animated)
        # GIF frame timing stops at 50 fps; H.264 in yuv420p needs an even width.
        self.fps.setMaximum(50 if ext == ".gif" else 60)
        self.width_box.setSingleStep(2 if ext == ".mp4" else 1)
        if ext == ".gif":
            self.width_box.setValue(960)
            self.fps.setValue(15)
        elif ext == ".mp4":
            self.width_box.setValue(1280)
            self.fps.setValue(30)
        else:
            self.width_box.setValue(1600)
        self.path.setText(str(Path(self.path.text()).with_suffix(ext)))

    def _browse(self) -> None:
        ext = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), f"{FORMATS[ext]} (*{ext})")
        if path:
            self.path.setText(path)

    def options(self) -> dict[str, Any]:
        """What :func:`flowsim.render.export.export_flow` takes, from the dialog."""
        ext = self.format.currentData()
        width = self.width_box.value()
        if ext == ".mp4" and width % 2:
            width += 1  # the spin box steps by two; a typed odd width goes up by one
        options: dict[str, Any] = {"width": width, "theme": self.theme.currentText()}
        hidden = [name.strip() for name in self.hide.text().split(",") if name.strip()]
        if hidden:
            options["hide"] = hidden
        if ext in _ANIMATED:
            options.update(fps=self.fps.value(), duration=self.duration.value(), days=self.days.value(), seed=self.seed.value())
        return options


def _export(flow: Flow, out: Path, options: dict[str, Any], *, progress, cancel) -> Path:
    from flowsim.render.export import export_flow

    return export_flow(flow, out, progress=progress, cancel=cancel, **options)


class Exporter(TaskOwner):
    """Owns the window's running export: progress in the status bar, Cancel, the outcome."""

    def __init__(self, window) -> None:
        super().__init__(window, "Export")

    def ask_and_export(self) -> None:
        if self.window.document.read_only:
            self.window.report_error("Cannot export", "This file could not be read as a flow: fix it first, then export.")
            return
        folder = self.window.document.path.parent if self.window.document.path else Path.home()
        dialog = ExportDialog(self.window.document.flow, folder, self.window)
        if dialog.exec():
            self.start(Path(dialog.path.text()), dialog.options())

    def start(self, out: Path, options: dict[str, Any]) -> Task | None:
        if self.window.document.read_only:  # an empty stand-in flow, not the file: refuse
            self.window.report_error("Cannot export", "This file could not be read as a flow: fix it first, then export.")
            return None
        return self.launch(_export, self.window.document.flow.copy(), out, options)

    def running_changed(self, running: bool) -> None:
        self.window.actions.cancel_export.setEnabled(running)

    def succeeded(self, path: Any) -> str:
        return f"Exported {path}"

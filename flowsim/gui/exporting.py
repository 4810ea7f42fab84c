"""Export from the window: the same exporter as ``flowsim export``, in a worker thread.

The dialog offers the slide frames (presets and a custom size) and shows the first and
last frame an animation will have, redrawn as the options change (no simulation needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from flowsim.gui.workers import Task, TaskOwner
from flowsim.model import Flow

__all__ = ["ExportDialog", "Exporter", "FORMATS", "FRAMES"]

#: Extension → what the dialog calls it.
FORMATS = {
    ".svg": "SVG picture (crisp at any size)",
    ".png": "PNG picture",
    ".gif": "Animated GIF of a simulated run",
    ".mp4": "MP4 video of a simulated run (H.264)",
    ".pptx": "PowerPoint deck: title, diagram, animation, KPIs",
}
_ANIMATED = (".gif", ".mp4", ".pptx")
#: What the frame list offers → the exporter's preset (None: a custom size; "" the flow's own shape).
FRAMES = {"Slide 16:9": "slide-16x9", "Slide 4:3": "slide-4x3", "Square (social)": "square", "Custom": None}
_OWN_SHAPE = "The flow's own shape"
_PREVIEW_W = 300


class ExportDialog(QDialog):
    """Where to, which format and frame, and the timing of an animation; a live preview of
    the first and last frame. ``results`` (the window's last run) can put its badges on a
    still."""

    def __init__(self, flow: Flow, folder: Path, parent: QWidget | None = None, results: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._flow = flow
        self._results = results
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
        self.frame = QComboBox()
        self.width_box = QSpinBox(minimum=16, maximum=8192, value=1920)
        self.height_box = QSpinBox(minimum=16, maximum=8192, value=1080)
        size = QHBoxLayout()
        size.addWidget(self.width_box)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_box)
        self.fps = QSpinBox(minimum=1, maximum=60, value=30)
        self.duration = QDoubleSpinBox(minimum=1, maximum=600, value=12, decimals=1, suffix=" s")
        self.days = QDoubleSpinBox(minimum=1, maximum=3650, value=float(flow.setting("days")), decimals=0)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=int(flow.setting("seed")))
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.badges = QCheckBox("Show the last run's badges (volume, leakage, bottleneck)")
        self.badges.setChecked(results is not None)
        self.hide = QLineEdit()
        self.hide.setPlaceholderText("ids or from->to, comma separated (optional)")
        self.first = QLabel()
        self.last = QLabel()
        previews = QHBoxLayout()
        for label, caption in ((self.first, "First frame"), (self.last, "End of the run (then the KPIs)")):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setMinimumSize(_PREVIEW_W, _PREVIEW_W * 9 // 16)
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(QLabel(caption), alignment=Qt.AlignmentFlag.AlignHCenter)
            previews.addLayout(column)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", where)
        form.addRow("Frame", self.frame)
        form.addRow("Size (px)", size)
        form.addRow("Frames per second", self.fps)
        form.addRow("Length of the video", self.duration)
        form.addRow("Days simulated", self.days)
        form.addRow("Seed", self.seed)
        form.addRow("Theme", self.theme)
        form.addRow("", self.badges)
        form.addRow("Leave out", self.hide)
        form.addRow(previews)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        # Redraw the preview once the options settle, not on every keystroke.
        self._redraw = QTimer(self, singleShot=True, interval=150)
        self._redraw.timeout.connect(self.update_preview)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.frame.currentIndexChanged.connect(self._frame_changed)
        for box in (self.width_box, self.height_box):
            box.valueChanged.connect(self._redraw.start)
        self.theme.currentIndexChanged.connect(self._redraw.start)
        self.badges.toggled.connect(self._redraw.start)
        self._format_changed()

    def _format_changed(self) -> None:
        ext = self.format.currentData()
        animated = ext in _ANIMATED
        for widget in (self.fps, self.duration, self.days, self.seed):
            widget.setEnabled(animated)
        self.badges.setEnabled(not animated and self._results is not None)
        # GIF frame timing stops at 50 fps; H.264 in yuv420p needs even sizes.
        self.fps.setMaximum(50 if ext == ".gif" else 60)
        for box in (self.width_box, self.height_box):
            box.setSingleStep(2 if ext in (".mp4", ".pptx") else 1)
        self.fps.setValue(15 if ext == ".gif" else 30)
        current = self.frame.currentText()
        self.frame.blockSignals(True)
        self.frame.clear()
        names = list(FRAMES) + ([] if animated else [_OWN_SHAPE])
        self.frame.addItems(names)
        self.frame.setCurrentText(current if current in names else "Slide 16:9")
        self.frame.blockSignals(False)
        self.path.setText(str(Path(self.path.text()).with_suffix(ext)))
        self._frame_changed()

    def _frame_changed(self) -> None:
        from flowsim.render.slide import preset_size

        name = self.frame.currentText()
        preset = FRAMES.get(name)
        custom = name == "Custom"
        self.width_box.setEnabled(custom or name == _OWN_SHAPE)
        self.height_box.setEnabled(custom)
        if preset:
            w, h = preset_size(preset, self.format.currentData())
            self.width_box.setValue(w)
            self.height_box.setValue(h)
        self._redraw.start()

    def frame_size(self) -> tuple[int, int] | None:
        """The frame chosen, in pixels (None: a still at the flow's own shape)."""
        if self.frame.currentText() == _OWN_SHAPE:
            return None
        w, h = self.width_box.value(), self.height_box.value()
        if self.format.currentData() in (".mp4", ".pptx"):
            w, h = w + w % 2, h + h % 2  # the boxes step by two; a typed odd size goes up by one
        return w, h

    def update_preview(self) -> None:
        """Draw the first and last frame (for a still: the still) into the preview."""
        from flowsim.render.raster import scene_to_png
        from flowsim.render.scene import build_scene
        from flowsim.render.still import preview_scenes, slide_scene
        from flowsim.render.theme import theme_named

        theme = theme_named(self.theme.currentText())
        size = self.frame_size()
        ext = self.format.currentData()
        results = self._results if self.badges.isChecked() and self.badges.isEnabled() else None
        if ext in _ANIMATED:
            scenes = preview_scenes(self._flow, size, theme)
        elif size is None:
            scenes = (build_scene(self._flow, theme), None)
        else:
            scenes = (slide_scene(self._flow, size, theme, results=results), None)
        for label, scene in zip((self.first, self.last), scenes):
            label.setVisible(scene is not None)
            if scene is not None:
                image = QImage.fromData(scene_to_png(scene, _PREVIEW_W))
                label.setPixmap(QPixmap.fromImage(image))

    def _browse(self) -> None:
        ext = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), f"{FORMATS[ext]} (*{ext})")
        if path:
            self.path.setText(path)

    def options(self) -> dict[str, Any]:
        """What :func:`flowsim.render.export.export_flow` takes, from the dialog."""
        ext = self.format.currentData()
        options: dict[str, Any] = {"theme": self.theme.currentText()}
        size = self.frame_size()
        if size is None:
            options["width"] = self.width_box.value()
        else:
            options["size"] = size
        hidden = [name.strip() for name in self.hide.text().split(",") if name.strip()]
        if hidden:
            options["hide"] = hidden
        if ext in _ANIMATED:
            options.update(fps=self.fps.value(), duration=self.duration.value(), days=self.days.value(), seed=self.seed.value())
        elif self._results is not None and self.badges.isChecked():
            options["results"] = self._results
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
        results = getattr(self.window, "last_results", None)
        dialog = ExportDialog(self.window.document.flow, folder, self.window, results=results)
        dialog.update_preview()
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

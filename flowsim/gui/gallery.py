"""New from template: a gallery of the bundled flows with a picture of each."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from flowsim.gui.painter import paint_shapes, qcolor
from flowsim.io import load_flow
from flowsim.render.scene import build_scene
from flowsim.resources import Template, templates

__all__ = ["TemplateGallery", "thumbnail"]


def thumbnail(template: Template, width: int = 360) -> QIcon:
    """A small picture of the template, drawn with the canvas's own painter."""
    scene = build_scene(load_flow(template.path), title=False)
    scale = width / scene.width
    image = QImage(width, max(1, round(scene.height * scale)), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(qcolor(scene.background or "#FFFFFF"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    paint_shapes(painter, scene.shapes)
    painter.end()
    from PySide6.QtGui import QPixmap

    return QIcon(QPixmap.fromImage(image))


class TemplateGallery(QDialog):
    """Pick a template; ``chosen()`` is its :class:`Template` after ``exec()`` accepts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New flow from a template")
        self.list = QListWidget()
        self.list.setObjectName("gallery")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(360, 120))
        self.list.setGridSize(QSize(390, 190))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.templates = templates()
        for template in self.templates:
            item = QListWidgetItem(thumbnail(template), f"{template.title}\n{template.name}")
            item.setToolTip(template.description)
            item.setData(Qt.ItemDataRole.UserRole, template.name)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(830, 480)

    def chosen(self) -> Template | None:
        item = self.list.currentItem()
        if item is None:
            return None
        name = item.data(Qt.ItemDataRole.UserRole)
        return next(t for t in self.templates if t.name == name)

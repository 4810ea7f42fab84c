"""The problems panel: every issue of the flow, or why its file could not be read."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from flowsim.gui.document import Document
from flowsim.model import Issue

__all__ = ["ProblemsPanel"]


class ProblemsPanel(QListWidget):
    """Lists issues as ``line N: subject: message``; activating one calls ``on_pick(issue)``."""

    def __init__(self, document: Document, on_pick: Callable[[Issue], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.on_pick = on_pick
        self.setObjectName("problems")
        self.setWordWrap(True)
        document.issuesChanged.connect(self._issues_changed)
        document.changed.connect(self.refresh)
        self.itemActivated.connect(self._activated)
        self.refresh()

    def _issues_changed(self, issues) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.clear()
        style = self.style()
        error_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if self.document.load_error is not None:
            item = QListWidgetItem(error_icon, str(self.document.load_error))
            item.setToolTip("The file could not be read as a flow; it is open read-only. Fix it in a text editor, then revert.")
            self.addItem(item)
            return
        for issue in self.document.issues:
            where = f"line {issue.line}: " if issue.line else ""
            item = QListWidgetItem(error_icon if issue.is_error else warning_icon, f"{where}{issue}")
            item.setData(Qt.ItemDataRole.UserRole, issue)
            self.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        issue = item.data(Qt.ItemDataRole.UserRole)
        if issue is not None:
            self.on_pick(issue)

    def error_count(self) -> int:
        return sum(1 for issue in self.document.issues if issue.is_error) + (self.document.load_error is not None)

"""What Undo and Redo would do, said in the Edit menu: the actions carry the command's
name ("Undo Move 3 nodes") and are enabled only when there is something to undo or redo,
and a submenu lists the whole history, any step of which can be gone back to."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

__all__ = ["bind_undo_actions", "HistoryMenu", "ORIGIN_TEXT"]

#: The entry for the document as it was opened, before any edit.
ORIGIN_TEXT = "As opened"


def bind_undo_actions(stack: QUndoStack, undo: QAction, redo: QAction) -> "UndoActions":
    """Keep ``undo`` and ``redo`` enabled and named after what the stack would undo or redo."""
    return UndoActions(stack, undo, redo)


class UndoActions(QObject):
    """Follows the stack through the values its signals carry, never by asking it: a
    stack being destroyed still signals, and must not be called back."""

    def __init__(self, stack: QUndoStack, undo: QAction, redo: QAction) -> None:
        super().__init__(undo)
        self.undo, self.redo = undo, redo
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(self.undo_text)
        stack.redoTextChanged.connect(self.redo_text)
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        self.undo_text(stack.undoText())
        self.redo_text(stack.redoText())

    def undo_text(self, text: str) -> None:
        _name(self.undo, "Undo", text)

    def redo_text(self, text: str) -> None:
        _name(self.redo, "Redo", text)


def _name(action: QAction, verb: str, text: str) -> None:
    label = f"{verb} {text}" if text else verb
    action.setText(f"&{label}")
    action.setIconText(verb)  # the toolbar button keeps its width; its tooltip names the step
    action.setToolTip(label)


class HistoryMenu(QMenu):
    """Every step of the undo history, the current state checked; picking one goes there."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__("Undo &History", parent)
        self.setObjectName("history_menu")
        self.stack = stack
        self.aboutToShow.connect(self.rebuild)  # asked only when shown: never while the stack goes

    def entries(self) -> list[str]:
        """The names of the states, oldest first: the opened document, then each command."""
        return [ORIGIN_TEXT] + [self.stack.text(i) for i in range(self.stack.count())]

    def rebuild(self) -> None:
        self.clear()
        group = QActionGroup(self)
        for index, text in enumerate(self.entries()):
            action = self.addAction(text)
            action.setCheckable(True)
            action.setChecked(index == self.stack.index())
            group.addAction(action)
            action.triggered.connect(lambda checked=False, i=index: self.stack.setIndex(i))

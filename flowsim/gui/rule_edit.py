"""A rule field: checked as you type (the faulty part underlined, the reason beside it),
with completion of the fields a lead has at that point of the flow and the functions of
the rule language (docs/rules.md)."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit

from flowsim.check import rule_problem
from flowsim.rules.functions import FUNCTIONS

__all__ = ["RuleEdit", "completion_words"]


def completion_words(fields: Iterable[str]) -> list[str]:
    """What completion offers: the field names, then each function as ``name(``."""
    return sorted(set(fields)) + sorted(f"{name}(" for name in FUNCTIONS)


class RuleEdit(QPlainTextEdit):
    """A rule on one line. ``fields()`` gives the fields the rule may read (for the check);
    ``offered()`` the ones completion suggests (those a lead has here; all of them by
    default). ``committed(text or None)`` fires on Enter or leaving the field."""

    committed = Signal(object)
    problemChanged = Signal(str)

    def __init__(self, text: str | None, fields: Callable[[], Any],
                 offered: Callable[[], Iterable[str]] | None = None) -> None:
        super().__init__(text or "")
        self.fields = fields
        self.offered = offered or (lambda: fields() or ())
        self._shown = text or ""
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().height() + 14)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.completer = QCompleter(self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.activated.connect(self.insert_completion)
        self.textChanged.connect(self.check)
        self.problem = ""
        self.check()

    # -- completion ------------------------------------------------------------------------
    def word_before_cursor(self) -> str:
        """The part of a name typed so far, just before the cursor."""
        text = self.toPlainText()[: self.textCursor().position()]
        start = len(text)
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        word = text[start:]
        inside_text = text[:start].count("'") % 2 or text[:start].count('"') % 2
        return "" if inside_text or (word[:1].isdigit()) else word

    def suggest(self, force: bool = False) -> None:
        """Show the names that start with the word being typed (any name if ``force``)."""
        word = self.word_before_cursor()
        if not word and not force:
            self.completer.popup().hide()
            return
        self.completer.model().setStringList(completion_words(self.offered()))
        self.completer.setCompletionPrefix(word)
        if self.completer.completionCount() == 0 or (
            self.completer.completionCount() == 1 and self.completer.currentCompletion() == word
        ):
            self.completer.popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(self.completer.popup().sizeHintForColumn(0) + 24)
        self.completer.popup().setCurrentIndex(self.completer.completionModel().index(0, 0))
        self.completer.complete(rect)

    def insert_completion(self, word: str) -> None:
        """Replace the word being typed with ``word``."""
        cursor = self.textCursor()
        typed = self.word_before_cursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(typed))
        cursor.insertText(word)
        self.setTextCursor(cursor)
        self.completer.popup().hide()

    def keyPressEvent(self, event) -> None:
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape, Qt.Key.Key_Backtab,
        ):
            event.ignore()  # the popup takes it: Enter or Tab picks, Escape closes
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.suggest(force=True)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish()
            return
        super().keyPressEvent(event)
        if event.text() and (event.text().isalnum() or event.text() == "_"):
            self.suggest()
        elif event.key() not in (Qt.Key.Key_Shift, Qt.Key.Key_Control):
            popup.hide()

    def focusOutEvent(self, event) -> None:
        if not self.completer.popup().isVisible():
            self._finish()
        super().focusOutEvent(event)

    # -- checking --------------------------------------------------------------------------
    def check(self) -> None:
        text = self.toPlainText()
        found = rule_problem(text, self.fields()) if text.strip() else None
        selections = []
        if found is not None:
            message, column = found
            start = max(0, (column or 1) - 1)
            cursor = QTextCursor(self.document())
            cursor.setPosition(min(start, len(text)))
            cursor.setPosition(min(len(text), max(start + 1, _token_end(text, start))), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor("#D92D20"))
            selection.format = fmt
            selection.cursor = cursor
            selections.append(selection)
            self.problem = f"column {column}: {message}" if column else message
        else:
            self.problem = ""
        self.setExtraSelections(selections)
        self.setToolTip(self.problem)
        self.problemChanged.emit(self.problem)

    def _finish(self) -> None:
        text = self.toPlainText().strip()
        if text == self._shown:
            return
        self._shown = text
        self.committed.emit(text or None)


def _token_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] in "_"):
        end += 1
    return end

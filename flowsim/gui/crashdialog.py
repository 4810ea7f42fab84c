"""The dialog shown after an unexpected error: what happened, where the work is, a report to copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

__all__ = ["CrashDialog"]


class CrashDialog(QDialog):
    """Non-modal, so the app stays usable behind it; later errors are added to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle("flowsim ran into a problem")
        self.setModal(False)
        self.resize(640, 420)
        self.summary = QLabel(wordWrap=True)
        self.summary.setObjectName("crash_summary")
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setObjectName("crash_details")
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setObjectName("copy_report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.reports: list[str] = []

    def add(self, report: str, saved: list[Path], failed: list[str]) -> None:
        """Show one more error: its report, and where the open flows were copied."""
        self.reports.append(report)
        count = len(self.reports)
        lines = [f"Something went wrong inside flowsim{'' if count == 1 else f' ({count} times)'}. "
                 "You can keep working, but save soon."]
        if saved:
            where = "<br>".join(f"<code>{path}</code>" for path in saved)
            lines.append(f"A copy of the open flow as it is now was written to:<br>{where}")
        for name in failed:
            lines.append(f"The copy of {name} could not be written: save it now.")
        lines.append("Please send the report below (Copy report) to the flowsim developers.")
        self.summary.setText("<p>" + "</p><p>".join(lines) + "</p>")
        self.details.setPlainText(self.report_text())
        self.copy_button.setText("Copy report")

    def report_text(self) -> str:
        return "\n\n".join(self.reports)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText("Copied")

"""A probability as a percentage: the field shows ``4 %`` and the file keeps ``0.04``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from flowsim.model.duration import is_number

__all__ = ["PercentEdit", "percent_text", "parse_percent"]

_STYLE_ERROR = "border: 1px solid #D92D20; border-radius: 3px;"


def percent_text(value: Any) -> str:
    """``0.04`` → ``"4 %"``; ``None`` → ``""``; anything else as it is (the inspector
    shows what the file holds, even when it is wrong)."""
    if value is None:
        return ""
    if is_number(value):
        return f"{round(float(value) * 100, 6):g} %"
    return str(value)


def parse_percent(text: str) -> float | int | None:
    """``"4"``, ``"4 %"`` or ``"4%"`` → ``0.04``; empty → ``None``; ``ValueError`` with a
    reason for anything else or outside 0–100 %."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        percent = float(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a percentage; write a number such as 4 or 12.5") from None
    if not 0 <= percent <= 100:
        raise ValueError(f"a share must be between 0 and 100 %, got {cleaned} %")
    share = round(percent / 100, 10)
    return int(share) if share == int(share) else share


class PercentEdit(QLineEdit):
    """``committed(value)`` fires with the share (0–1, as the file keeps it) or ``None``
    when cleared, on Enter or on leaving the field; a bad entry is outlined in red with
    the reason as its tooltip, and nothing is written."""

    committed = Signal(object)

    def __init__(self, value: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(percent_text(value), parent)
        self.setPlaceholderText("— %")
        self._shown = self.text()
        self.editingFinished.connect(self._finish)

    def _finish(self) -> None:
        if self.text() == self._shown:
            return
        try:
            value = parse_percent(self.text())
        except ValueError as err:
            self.setStyleSheet(_STYLE_ERROR)
            self.setToolTip(str(err))
            return
        self.setStyleSheet("")
        self.setToolTip("")
        self.setText(percent_text(value))
        self._shown = self.text()
        self.committed.emit(value)

"""A duration as a number and a unit picker: 45 [minutes ▾] writes ``45m``.

The file keeps what a person would type: ``45m``, ``2h``, ``3d``, ``1w``. A number
without a unit in the file means days, and shows as days. An empty number means the
field is absent.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from flowsim.model.duration import ValueProblem, is_number, parse_duration

__all__ = ["DurationEdit", "UNITS", "split_duration", "join_duration", "short_number"]

#: The units offered, as (file suffix, what the picker says).
UNITS: tuple[tuple[str, str], ...] = (("m", "minutes"), ("h", "hours"), ("d", "days"), ("w", "weeks"))
_WRITTEN = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|min|m|h|d|w)\s*$")


def short_number(value: float) -> int | float:
    """``value`` as a file writes it: whole numbers without ``.0``, others to 6 digits."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded == int(rounded) else rounded


def split_duration(value: Any) -> tuple[float, str] | None:
    """``(amount, unit suffix)`` of a file duration: ``"45m"`` → ``(45, "m")``; a number of
    days → ``(n, "d")``; ``None`` for anything else (absent, or not a duration)."""
    if is_number(value):
        return float(value), "d"
    if isinstance(value, str):
        match = _WRITTEN.match(value)
        if match:
            unit = {"min": "m", "s": "m"}.get(match.group(2), match.group(2))
            amount = float(match.group(1))
            if match.group(2) == "s":
                amount /= 60
            return amount, unit
    return None


def join_duration(amount: float, unit: str) -> str:
    """The file text for ``amount`` of ``unit``: ``join_duration(1.5, "h") == "1.5h"``."""
    return f"{short_number(amount)}{unit}"


class DurationEdit(QWidget):
    """A duration field: ``committed(value)`` fires with the file value (``"45m"``) or
    ``None`` when the number is cleared, on Enter, on leaving the number, or on a new unit."""

    committed = Signal(object)

    def __init__(self, value: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.amount = QLineEdit()
        validator = QDoubleValidator(0.0, 1e9, 6, self.amount)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        self.amount.setValidator(validator)
        self.amount.setPlaceholderText("—")
        self.amount.setMinimumWidth(64)  # room for a number in a narrow inspector
        self.unit = QComboBox()
        self.unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit.setMinimumContentsLength(6)
        for suffix, words in UNITS:
            self.unit.addItem(words, suffix)
        layout.addWidget(self.amount, 1)
        layout.addWidget(self.unit)
        self._shown: Any = None
        self.set_value(value)
        self.amount.editingFinished.connect(self._finish)
        self.unit.activated.connect(lambda _index: self._finish())

    def set_value(self, value: Any) -> None:
        """Show ``value`` (a file duration) without committing anything."""
        parts = split_duration(value)
        self.unit.blockSignals(True)
        if parts is None:
            self.amount.setText("" if value is None else str(value))
            self.unit.setCurrentIndex(1 if value is None else 2)
        else:
            amount, suffix = parts
            self.amount.setText(str(short_number(amount)))
            self.unit.setCurrentIndex([s for s, _ in UNITS].index(suffix))
        self.unit.blockSignals(False)
        self._shown = self.value()

    def value(self) -> str | None:
        """The duration as the file writes it, or ``None`` when the number is empty."""
        text = self.amount.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            amount = float(text)
        except ValueError:
            return None
        return join_duration(amount, self.unit.currentData())

    def days(self) -> float | None:
        """The duration in days, or ``None``."""
        value = self.value()
        try:
            return parse_duration(value) if value is not None else None
        except ValueProblem:
            return None

    def _finish(self) -> None:
        value = self.value()
        if value == self._shown:
            return
        self._shown = value
        self.committed.emit(value)



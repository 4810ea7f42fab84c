"""The timeline bar under the canvas: play/pause, step a day, scrub, speed, loop, export.

A view of a :class:`~flowsim.gui.playback.Playback`: it shows the playback's moment and
state and sends the user's choices back to it. After an edit it says the run is outdated
and offers to run the flow again.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QIcon
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QToolButton, QWidget,
)

__all__ = ["TimelineBar", "speeds_for", "day_number"]

#: Scrubber steps a day: fine enough to stop between days, coarse enough to stay light.
_STEPS_PER_DAY = 10


def day_number(day: float, days: float) -> int:
    """The day a moment falls in, counted from 1, as the export's clock counts it."""
    return min(max(1, math.ceil(day)), max(1, math.ceil(days)))


def speeds_for(days: float) -> list[tuple[float, str]]:
    """(days a second, label) from 1 day a second up to the whole run in 10 seconds."""
    top = days / 10.0
    speeds = [(1.0, "1 day/s")]
    for s in (2, 5, 10, 20, 50, 100, 200, 500):
        if s < top * 0.95:
            speeds.append((float(s), f"{s} days/s"))
    if top > 1.0:
        speeds.append((top, "whole run in 10 s"))
    else:
        speeds.insert(0, (top, "whole run in 10 s"))
    return speeds


class TimelineBar(QWidget):
    """Play/pause, step back/forward, the scrubber with the day and date, speed, loop,
    "Export this…" and, once the flow has changed, "Run again"."""

    scrubbed = Signal(float)  # the day chosen on the scrubber
    speedChosen = Signal(float)  # days a second
    loopToggled = Signal(bool)
    runAgain = Signal()

    def __init__(self, play: QAction, back: QAction, forward: QAction, export: QAction, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_bar")
        self._days = 0.0
        self._updating = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        self.buttons = []
        style = self.style()
        sp = QStyle.StandardPixmap
        self._icons = {"play": QIcon.fromTheme("media-playback-start", style.standardIcon(sp.SP_MediaPlay)),
                       "pause": QIcon.fromTheme("media-playback-pause", style.standardIcon(sp.SP_MediaPause))}
        back.setIcon(QIcon.fromTheme("media-skip-backward", style.standardIcon(sp.SP_MediaSkipBackward)))
        forward.setIcon(QIcon.fromTheme("media-skip-forward", style.standardIcon(sp.SP_MediaSkipForward)))
        play.setIcon(self._icons["play"])
        for action in (back, play, forward):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows go to the bar, not a button
            button.setAutoRaise(True)
            self.buttons.append(button)
            layout.addWidget(button)
            self.addAction(action)  # its shortcut acts while the bar (or the canvas) has focus
        self.play_button = self.buttons[1]
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline_scrubber")
        self.slider.setMinimumWidth(80)
        self.slider.valueChanged.connect(self._slid)
        layout.addWidget(self.slider, 1)
        self.day_label = QLabel()
        self.day_label.setObjectName("timeline_day")
        self.day_label.setMinimumWidth(self.day_label.fontMetrics().horizontalAdvance("Day 888 of 888 · Wed 30 Sep 2027"))
        self.day_label.setToolTip("Dates count from the day the run was made, as if the campaign launched then")
        layout.addWidget(self.day_label)
        self.speed = QComboBox()
        self.speed.setToolTip("How fast the run plays")
        self.speed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        layout.addWidget(self.speed)
        self.loop = QCheckBox("Loop")
        self.loop.toggled.connect(self.loopToggled)
        layout.addWidget(self.loop)
        self.export_button = QToolButton()
        self.export_button.setDefaultAction(export)
        self.export_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.export_button)
        self.outdated_label = QLabel("The flow changed since this run")
        self.outdated_label.setStyleSheet("color: #b42318;")
        layout.addWidget(self.outdated_label)
        self.run_again = QPushButton("Run again")
        self.run_again.setObjectName("timeline_run_again")
        self.run_again.clicked.connect(self.runAgain)
        layout.addWidget(self.run_again)
        self.set_outdated(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- what it shows ---------------------------------------------------------------------
    def set_run(self, days: float, days_per_second: float) -> None:
        """A new run of ``days`` days: the scrubber's range and the speeds it offers."""
        self._days = days
        self._updating = True
        self.slider.setRange(0, max(1, round(days * _STEPS_PER_DAY)))
        self.slider.setPageStep(_STEPS_PER_DAY * 7)
        self.slider.setSingleStep(_STEPS_PER_DAY)
        self.speed.clear()
        for value, label in speeds_for(days):
            self.speed.addItem(label, value)
        best = min(range(self.speed.count()), key=lambda i: abs(self.speed.itemData(i) - days_per_second))
        self.speed.setCurrentIndex(best)
        self._updating = False

    def show_moment(self, day: float, date_text: str, playing: bool) -> None:
        self._updating = True
        self.slider.setValue(round(day * _STEPS_PER_DAY))
        self._updating = False
        shown = day_number(day, self._days)
        at_end = day >= self._days
        self.day_label.setText(f"Totals after {self._days:g} days" if at_end else
                               f"Day {shown} of {self._days:g} · {date_text}")
        action = self.play_button.defaultAction()
        action.setText("Pause" if playing else "Play")
        action.setIcon(self._icons["pause" if playing else "play"])

    def show_speed(self, days_per_second: float) -> None:
        """Select the speed offered nearest to ``days_per_second``."""
        if not self.speed.count():
            return
        best = min(range(self.speed.count()), key=lambda i: abs(self.speed.itemData(i) - days_per_second))
        if best != self.speed.currentIndex():
            self._updating = True
            self.speed.setCurrentIndex(best)
            self._updating = False

    def set_outdated(self, outdated: bool) -> None:
        self.outdated_label.setVisible(outdated)
        self.run_again.setVisible(outdated)
        self.slider.setEnabled(not outdated)
        self.setProperty("outdated", outdated)

    def set_large(self, large: bool) -> None:
        """Presentation size: big enough to read and hit on a projector."""
        font = QFont(self.font())
        font.setPointSizeF(15 if large else QFont().pointSizeF())
        for widget in [self.day_label, self.speed, self.loop, self.outdated_label, self.run_again, *self.buttons,
                       self.export_button]:
            widget.setFont(font)
        self.slider.setMinimumHeight(34 if large else 0)

    # -- what the user does ----------------------------------------------------------------
    def _slid(self, value: int) -> None:
        if not self._updating:
            self.scrubbed.emit(value / _STEPS_PER_DAY)

    def _speed_changed(self, index: int) -> None:
        if not self._updating and index >= 0:
            self.speedChosen.emit(float(self.speed.itemData(index)))

"""Playback: the last run's animation played over the live canvas.

After a run, :class:`Playback` prepares the same :class:`~flowsim.render.animate.Animation`
an export of that run makes (in a worker thread) and shows its frame for the moment
chosen on the timeline bar: dots, leaks, stacks of waiting leads and counters, in the
flow's own coordinates (:mod:`flowsim.render.canvasframe`), painted through the QPainter
backend of the one look. It is an item on the scene, so it pans and zooms with the
canvas. At the end of the run the canvas shows the run's totals (the cards' badges), as
the export's last frame does.

Nothing of it is part of the flow: it never touches the model, the undo stack or the
file. An edit makes it outdated (greyed) until the flow is run again.
"""

from __future__ import annotations

import datetime as _dt
import gc
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QLabel, QStyleOptionGraphicsItem, QWidget
from shiboken6 import isValid

from flowsim.gui.items import LOD_SIMPLE
from flowsim.gui.painter import paint_shapes
from flowsim.gui.timeline_bar import day_number
from flowsim.gui.workers import Task
from flowsim.model import Flow
from flowsim.render.look import CARD_H, CARD_W
from flowsim.render.overlay import run_overlay

if TYPE_CHECKING:  # the engine behind it loads only when a run is played, not at start-up
    from flowsim.render.canvasframe import CanvasFrame

__all__ = ["Playback", "PlaybackItem", "prepare_animation", "OUTDATED_OPACITY"]

#: How strongly an outdated playback is drawn (greyed, still readable).
OUTDATED_OPACITY = 0.3
#: Canvas units around the cards that a frame may draw on (stacks above, counters and
#: falling leaks below).
_ABOVE, _BELOW, _SIDE = 90.0, 90.0, 80.0


def prepare_animation(flow: Flow, results: Any, *, progress=None, cancel=None) -> Any:
    """The animation an export of ``results`` makes with the default options (a GIF in
    the default slide frame, of the run's default length), but of the flow as laid out on
    the canvas (an export may wrap a wide flow into bands to fit its slide). Run in a
    worker: it may take a moment on a large flow."""
    from flowsim.render.animate import Animation, default_duration
    from flowsim.render.export import DEFAULT_FPS
    from flowsim.render.slide import DEFAULT_PRESET, preset_size

    days = float(results.config.days)
    return Animation(flow, results, size=preset_size(DEFAULT_PRESET, ".gif"), fps=DEFAULT_FPS[".gif"],
                     duration=default_duration(days), replications=int(flow.setting("replications") or 1),
                     reflow=False)


class PlaybackItem(QGraphicsItem):
    """Paints one :class:`CanvasFrame` above the cards; takes no clicks (they reach the cards)."""

    def __init__(self, bounds: QRectF) -> None:
        super().__init__()
        self._bounds = bounds
        self.frame: CanvasFrame | None = None
        self.outdated = False
        #: The frame the last paint drew (what the user saw), for checking it.
        self.painted: CanvasFrame | None = None
        self.setZValue(50)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def show_frame(self, frame: CanvasFrame | None, outdated: bool) -> None:
        self.frame, self.outdated = frame, outdated
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        frame = self.frame
        if frame is None:
            return
        if self.outdated:
            painter.setOpacity(OUTDATED_OPACITY)
        painter.translate(-frame.offset[0], -frame.offset[1])
        paint_shapes(painter, frame.shapes)
        self.painted = frame


class Playback(QObject):
    """The playback of the window's last run: its moment, speed, loop, and what shows it.

    Times are the animation's video seconds (:attr:`second`); the bar speaks in days.
    ``changed`` fires whenever the moment, the play state or the outdated state changes.
    """

    changed = Signal()
    #: The animation of a run is ready (or gone: ``False``).
    readyChanged = Signal(bool)

    def __init__(self, scene, view, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene, self.view = scene, view
        self.anim: Any = None
        self.flow: Flow | None = None
        self.results: Any = None
        self.launched: _dt.date = _dt.date.today()
        self.second = 0.0
        self.playing = False
        self.loop = False
        self.outdated = False
        self.days_per_second = 1.0
        self._item: PlaybackItem | None = None
        self._task: Task | None = None
        self._final_shown = True
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self.numbers = QLabel(view.viewport())
        self.numbers.setObjectName("playback_numbers")
        self.numbers.setStyleSheet("QLabel { background: rgba(255,255,225,235); color: #222; border: 1px solid #999;"
                                   " border-radius: 3px; padding: 2px 6px; }")
        self.numbers.hide()
        scene.selectionChanged.connect(self._show_numbers)
        # A canvas that is hidden or gone (the window closed) plays nothing.
        view.installEventFilter(self)
        self.destroyed.connect(gc.enable)
        # The label sits beside its card wherever the canvas is panned or zoomed.
        view.zoomChanged.connect(self._zoomed)
        view.horizontalScrollBar().valueChanged.connect(self._show_numbers)
        view.verticalScrollBar().valueChanged.connect(self._show_numbers)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and watched is self.view:
            self.pause()
        return False

    # -- the run -------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.anim is not None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def load(self, flow: Flow, results: Any) -> Task | None:
        """Prepare the playback of ``results`` (a run of ``flow``, with a trace) in a worker."""
        self.clear()
        if results is None or getattr(results, "trace", None) is None:
            return None
        task = Task(prepare_animation, flow, results, parent=self)
        task.succeeded.connect(lambda anim, f=flow, r=results: self._prepared(task, f, r, anim))
        task.failed.connect(lambda message: self._forget_task(task))
        task.cancelled.connect(lambda: self._forget_task(task))
        self._task = task
        task.start()
        return task

    def _forget_task(self, task: Task) -> None:
        task.wait()
        task.deleteLater()
        if self._task is task:
            self._task = None

    def _prepared(self, task: Task, flow: Flow, results: Any, anim: Any) -> None:
        current = self._task is task
        self._forget_task(task)
        if not current:
            return
        self.anim, self.flow, self.results = anim, flow, results
        self.launched = _dt.date.today()
        self.outdated = False
        # The bar opens at the run's end: the totals the canvas already shows.
        self.second = anim.seconds
        self.days_per_second = anim.days / 10.0
        self._final_shown = True
        self._show()
        self.readyChanged.emit(True)

    def clear(self) -> None:
        """Forget the playback (a new run, another flow)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.pause()
        had = self.anim is not None
        self.anim = self.flow = self.results = None
        if self._item is not None and isValid(self._item) and self._item.scene() is not None:
            self.scene.removeItem(self._item)
        self._item = None
        self.numbers.hide()
        self.outdated = False
        if had:
            self.readyChanged.emit(False)

    def mark_outdated(self) -> None:
        """The flow was edited: the playback shows a run of the flow as it was."""
        if self.anim is None or self.outdated:
            return
        self.outdated = True
        self.pause()
        self._show()

    # -- moving through it -----------------------------------------------------------------
    @property
    def day(self) -> float:
        return self.anim.day_at(self.second) if self.anim is not None else 0.0

    @property
    def days(self) -> float:
        return self.anim.days if self.anim is not None else 0.0

    def date_of(self, day: float) -> _dt.date:
        """The calendar date of ``day`` when the run starts on the day it was made."""
        return self.launched + _dt.timedelta(days=int(day))

    def seek_day(self, day: float) -> None:
        if self.anim is not None:
            from flowsim.render.canvasframe import second_of_day

            self.seek(second_of_day(self.anim, day))

    def seek(self, second: float) -> None:
        if self.anim is None:
            return
        self.second = min(max(0.0, second), self.anim.seconds)
        self._show()

    def step(self, days: int) -> None:
        """A whole day back or forward (to the day's start), paused."""
        if self.anim is None:
            return
        self.pause()
        day = self.day
        target = math.floor(day + 1e-9) + 1 if days > 0 else math.ceil(day - 1e-9) - 1
        self.seek_day(min(max(0.0, float(target)), self.days))

    def set_speed(self, days_per_second: float) -> None:
        self.days_per_second = max(0.01, float(days_per_second))
        self.changed.emit()

    def set_loop(self, loop: bool) -> None:
        self.loop = bool(loop)
        self.changed.emit()

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self, clock: bool = True) -> None:
        """Play from here (from the start when at the end). ``clock=False``: playing, but
        moved on only by :meth:`advance` (a recording steps it frame by frame)."""
        if self.anim is None or self.playing or self.outdated:
            return
        if self.second >= self.anim.seconds:
            self.second = 0.0  # from the end, play starts again
        self.playing = True
        # A frame makes only short-lived objects that free themselves; a full collector
        # pass over a run's trace would stall a frame, so the collector waits while it plays.
        gc.disable()
        self._clock.start()
        if clock:
            self._timer.start()
        self._show()

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._timer.stop()
        gc.enable()
        self.changed.emit()

    def advance(self, real_seconds: float) -> None:
        """Move on by ``real_seconds`` of playing at the chosen speed (the timer's step)."""
        anim = self.anim
        if anim is None:
            return
        video_per_real = self.days_per_second * anim.seconds / anim.days
        second = self.second + real_seconds * video_per_real
        if second >= anim.seconds:
            if self.loop:
                second = (second - anim.seconds) % anim.seconds if anim.seconds > 0 else 0.0
            else:
                second = anim.seconds
                self.playing = False
                self._timer.stop()
                gc.enable()
        self.second = second
        self._show()

    def _tick(self) -> None:
        elapsed = self._clock.restart() / 1000.0
        # A stalled event loop must not make the run jump: at most a tenth of a second a tick.
        self.advance(min(elapsed, 0.1))

    # -- showing it ------------------------------------------------------------------------
    def frame(self) -> CanvasFrame | None:
        if self.anim is None:
            return None
        # Far out the cards lose their text (see gui/items.py): so do the counters.
        from flowsim.render.canvasframe import canvas_frame

        return canvas_frame(self.anim, self.second, counters=self.view.zoom() >= LOD_SIMPLE)

    def item(self) -> PlaybackItem:
        """The scene item that paints the frames (made again if the scene was rebuilt)."""
        if self._item is None or not isValid(self._item) or self._item.scene() is not self.scene:
            self._item = PlaybackItem(self._bounds())
            self.scene.addItem(self._item)
        return self._item

    def _bounds(self) -> QRectF:
        nodes = self.flow.nodes if self.flow is not None else []
        xs = [float(n.position[0]) for n in nodes] or [0.0]
        ys = [float(n.position[1]) for n in nodes] or [0.0]
        return QRectF(min(xs) - _SIDE, min(ys) - _ABOVE, max(xs) - min(xs) + CARD_W + 2 * _SIDE,
                      max(ys) - min(ys) + CARD_H + _ABOVE + _BELOW)

    def _show(self) -> None:
        frame = self.frame()
        if frame is None:
            return
        self._show_totals(frame.final)
        self.item().show_frame(frame, self.outdated)
        self._show_numbers()
        self.changed.emit()

    def _show_totals(self, final: bool) -> None:
        """The cards' badges are the run's totals: shown at the end, as the export's last
        frame shows them, and while the run plays, left off as its frames leave them off."""
        if final == self._final_shown or self.outdated:
            return
        self._final_shown = final
        if final:
            stats, volumes = run_overlay(self.results, self.scene.flow)
            self.scene.set_overlay(stats, volumes)
        else:
            self.scene.set_overlay(None, None)

    def _zoomed(self) -> None:
        if self.anim is not None and not self.playing:
            self._show()  # the counters come and go with the zoom
        else:
            self._show_numbers()

    def _show_numbers(self) -> None:
        """The selected card's numbers at this moment, in a small label beside it."""
        ids = self.scene.selected_node_ids() if isValid(self.scene) else []
        numbers = None
        if self.anim is not None and len(ids) == 1:
            from flowsim.render.canvasframe import node_numbers

            numbers = node_numbers(self.anim, ids[0], self.second)
        item = self.scene.item_for_id(ids[0]) if numbers is not None else None
        if numbers is None or item is None:
            self.numbers.hide()
            return
        text = (f"<b>{item.node.title}</b> · day {day_number(self.day, self.days)}<br>{numbers.inside:,} in the node"
                + (f" ({numbers.waiting:,} waiting)" if numbers.waiting else "")
                + f"<br>{numbers.entered:,} entered · {numbers.leaked:,} leaked so far")
        if self.outdated:
            text += "<br><i>outdated: the flow changed since this run</i>"
        self.numbers.setText(text)
        self.numbers.adjustSize()
        corner = self.view.mapFromScene(item.mapToScene(QPointF(CARD_W + 8, 0)))
        self.numbers.move(corner)
        self.numbers.show()
        self.numbers.raise_()

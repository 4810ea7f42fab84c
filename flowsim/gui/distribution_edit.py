"""A distribution of durations, edited as a marketer thinks of it: what kind of spread,
the typical time and how much it varies, in units, with a picture of its shape and the
time half the leads and nine in ten are done by.

It writes the file's own form: ``{dist: exponential, mean: 45m}``, ``{dist: lognormal,
mean: 2h, sd: 1h}``, or a bare duration (``2h``) for "always the same".
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from flowsim.gui.duration_edit import DurationEdit, join_duration, split_duration
from flowsim.model.distribution import DIST_PARAMS, Distribution, parse_distribution
from flowsim.model.duration import ValueProblem

__all__ = ["DistributionEdit", "DistributionPreview", "KINDS", "PARAM_WORDS", "short_time"]

#: The kinds offered, as (file name, what the picker says); ``None`` is "not set".
KINDS: tuple[tuple[str | None, str], ...] = (
    (None, "— not set —"),
    ("fixed", "Always the same"),
    ("exponential", "Mostly quick, some long (exponential)"),
    ("lognormal", "Typical with a long tail (lognormal)"),
    ("normal", "Around a typical time (normal)"),
    ("uniform", "Anywhere between two times (uniform)"),
    ("triangular", "Between two times, most often… (triangular)"),
)
#: How each parameter is labelled beside its field.
PARAM_WORDS = {"value": "Time", "mean": "Mean", "sd": "Spread (sd)", "min": "From", "max": "To",
               "mode": "Most often"}


def short_time(days: float) -> str:
    """A time as people say it: 12 min, 3.5 h, 2 d, 3 w."""
    if days < 1 / 24:
        return f"{days * 1440:.3g} min"
    if days < 1:
        return f"{days * 24:.3g} h"
    if days < 14:
        return f"{days:.3g} d"
    return f"{days / 7:.3g} w"


class DistributionPreview(QWidget):
    """The shape of a distribution: its density, with the median and p90 marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.distribution: Distribution | None = None
        self.setMinimumHeight(54)

    def sizeHint(self) -> QSize:
        return QSize(200, 60)

    def set_distribution(self, distribution: Distribution | None) -> None:
        self.distribution = distribution
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(2, 4, -2, -14)
        base = QColor("#5C6BC0")
        painter.setPen(QPen(QColor("#C9CED6"), 1))
        painter.drawLine(box.bottomLeft(), box.bottomRight())
        d = self.distribution
        if d is None:
            return
        top = max(d.quantile(0.995), d.quantile(0.5) * 1.5, 1e-9)
        median, p90 = d.quantile(0.5), d.quantile(0.9)

        def x_of(value: float) -> float:
            return box.left() + box.width() * min(value / top, 1.0)

        if d.kind == "fixed":
            painter.setPen(QPen(base, 3))
            painter.drawLine(QPointF(x_of(median), box.top()), QPointF(x_of(median), box.bottom()))
        else:
            steps = 120
            xs = [top * k / steps for k in range(steps + 1)]
            ys = [d.density(x) for x in xs]
            peak = max(ys) or 1.0
            outline = QPolygonF([QPointF(x_of(x), box.bottom() - box.height() * y / peak) for x, y in zip(xs, ys)])
            area = QPainterPath()
            area.moveTo(QPointF(box.left(), box.bottom()))
            for point in outline:
                area.lineTo(point)
            area.lineTo(QPointF(box.right(), box.bottom()))
            area.closeSubpath()
            fill = QColor(base)
            fill.setAlpha(50)
            painter.fillPath(area, fill)
            painter.setPen(QPen(base, 1.6))
            painter.drawPolyline(outline)
        font = painter.font()
        font.setPointSizeF(7.5)
        painter.setFont(font)
        marks = [(median, "median", "#1F2937"), (p90, "p90", "#B42318")]
        if x_of(p90) - x_of(median) < 36:  # too close to label apart (always the same, say)
            marks = [(median, "median = p90" if d.kind == "fixed" or p90 == median else "median, p90", "#1F2937")]
        for value, name, color in marks:
            x = x_of(value)
            painter.setPen(QPen(QColor(color), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, box.top()), QPointF(x, box.bottom()))
            painter.setPen(QColor(color))
            left = min(max(x - 45, box.left()), box.right() - 90)
            painter.drawText(QRectF(left, box.bottom() + 1, 90, 12), Qt.AlignmentFlag.AlignCenter, name)


class DistributionEdit(QWidget):
    """Kind, its parameters as durations with units, a preview and a line saying the median
    and p90. ``committed(value)`` fires with the file value (``None``: not set) whenever a
    change is finished: a new kind, or a parameter's number or unit."""

    committed = Signal(object)

    def __init__(self, value: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(3)
        self.kind = QComboBox()
        # the longest kind's words must not widen the whole inspector
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(14)
        for name, words in KINDS:
            self.kind.addItem(words, name)
        outer.addWidget(self.kind)
        self.params_box = QWidget()
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setContentsMargins(8, 0, 0, 0)
        self.params_form.setSpacing(3)
        self.params_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer.addWidget(self.params_box)
        self.preview = DistributionPreview()
        outer.addWidget(self.preview)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: palette(mid); font-size: 11px;")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        self.fields: dict[str, DurationEdit] = {}
        self.raw: Any = value
        self._show(value)
        self.kind.activated.connect(self._kind_chosen)

    # -- showing ---------------------------------------------------------------------------
    def _show(self, value: Any) -> None:
        """Show the file ``value`` (which may be wrong: then the fields show what they can)."""
        self.raw = value
        kind, params = _read(value)
        self.kind.setCurrentIndex(next(i for i, (name, _) in enumerate(KINDS) if name == kind))
        self._build_fields(kind, params)
        self._refresh()

    def _build_fields(self, kind: str | None, params: Mapping[str, Any]) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.fields = {}
        for name in DIST_PARAMS.get(kind or "", ()):
            edit = DurationEdit(params.get(name))
            edit.setObjectName(f"dist_{name}")
            edit.committed.connect(lambda _value: self._param_changed())
            self.fields[name] = edit
            self.params_form.addRow(PARAM_WORDS[name], edit)
        self.params_box.setVisible(bool(self.fields))

    def _refresh(self) -> None:
        try:
            distribution = parse_distribution(self.raw) if self.raw is not None else None
        except ValueProblem as problem:
            self.preview.set_distribution(None)
            self.preview.hide()
            self.summary.setText(str(problem))
            return
        self.preview.set_distribution(distribution)
        self.preview.setVisible(distribution is not None)
        if distribution is None:
            self.summary.setText("not set: no time is spent here")
            return
        median, p90 = distribution.quantile(0.5), distribution.quantile(0.9)
        if distribution.kind == "fixed":
            self.summary.setText(f"every lead: {short_time(median)}")
            return
        self.summary.setText(f"half of leads within {short_time(median)} · nine in ten within {short_time(p90)}")

    # -- editing ---------------------------------------------------------------------------
    def value(self) -> Any:
        """The file value the editor shows now."""
        kind = self.kind.currentData()
        if kind is None:
            return None
        values = {name: edit.value() for name, edit in self.fields.items()}
        if kind == "fixed":
            return values.get("value")
        return {"dist": kind, **values}

    def _kind_chosen(self, _index: int) -> None:
        kind = self.kind.currentData()
        old_kind, old = _read(self.raw)
        if kind == old_kind:
            return
        self._build_fields(kind, _carried(kind, old))
        self._commit()

    def _param_changed(self) -> None:
        self._commit()

    def _commit(self) -> None:
        value = self.value()
        if isinstance(value, dict) and any(v is None for v in value.values()):
            self.summary.setText("fill in every time to use this kind")
            return
        if value == self.raw:
            return
        self.raw = value
        self._refresh()
        self.committed.emit(value)


def _read(value: Any) -> tuple[str | None, dict[str, Any]]:
    """``(kind, {param: file value})`` of a file distribution, as far as it goes."""
    if value is None:
        return None, {}
    if isinstance(value, Mapping):
        kind = value.get("dist")
        if kind in DIST_PARAMS:
            return kind, {k: v for k, v in value.items() if k != "dist"}
        return None, {}
    return "fixed", {"value": value}


def _carried(kind: str | None, old: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters for a new ``kind`` that keep the typical time of the ``old`` ones."""
    if kind is None:
        return {}
    typical = old.get("mean", old.get("value", old.get("mode")))
    parts = split_duration(typical) if typical is not None else None
    if parts is None:
        return {}
    amount, unit = parts

    def times(k: float) -> str:
        return join_duration(amount * k, unit)

    return {
        "fixed": {"value": times(1)},
        "exponential": {"mean": times(1)},
        "lognormal": {"mean": times(1), "sd": times(1)},
        "normal": {"mean": times(1), "sd": times(0.25)},
        "uniform": {"min": times(0.5), "max": times(1.5)},
        "triangular": {"min": times(0.5), "mode": times(1), "max": times(1.5)},
    }[kind]



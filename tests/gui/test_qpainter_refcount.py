"""Guard against PySide6 6.12.0 on Python 3.11, which corrupts the refcount of None.

There, every QPainter call that returns nothing drops one reference to None; after a few
thousand calls the interpreter aborts. pyproject.toml pins PySide6 below 6.12 on Python
< 3.12; this test makes a few hundred thousand paint calls in a child process, so a bad
combination shows as a failed test instead of a crashed suite.
"""

import subprocess
import sys

PAINT_CALLS = r"""
import sys
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

app = QGuiApplication([])
image = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
image.fill(Qt.GlobalColor.white)
painter = QPainter(image)
pen, brush = QPen(QColor("#4A90D9"), 2), QBrush(QColor("#EC407A"))
path = QPainterPath(QPointF(0, 0))
path.cubicTo(50, 0, 50, 100, 100, 100)
rect = QRectF(10, 10, 80, 40)
before = sys.getrefcount(None)
calls = 0
for i in range(50_000):
    painter.setPen(pen)
    painter.setBrush(brush)
    painter.drawRoundedRect(rect, 6, 6)
    painter.drawPath(path)
    painter.drawLine(0, i % 200, 200, 0)
    painter.drawText(rect, "Lead scoring")
    calls += 6
painter.end()
after = sys.getrefcount(None)
print(calls, after - before)
"""


def test_hundreds_of_thousands_of_paint_calls_leave_none_alone():
    done = subprocess.run([sys.executable, "-c", PAINT_CALLS], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"the interpreter died ({done.returncode}): {done.stderr[-2000:]}"
    calls, drift = map(int, done.stdout.split())
    assert calls == 300_000
    # Healthy bindings leave None's refcount where it was, give or take a few references
    # held by the interpreter; the 6.12.0 bug would drop it by ~300,000.
    assert abs(drift) < 1000

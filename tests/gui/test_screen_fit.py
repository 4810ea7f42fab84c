"""The window fits the screen it opens on, and remembers its place per screen.

The laptop screen is real to Qt: a child process runs the offscreen platform with a
1366×768 screen from a platform config file (Qt's offscreen plugin reads
``configfile=`` with a list of screens), so this always runs, no X server needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings

from flowsim.gui.screenfit import fit_rect, screen_key

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from PySide6.QtCore import QPoint, QRect, QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QPushButton
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication([])
    from flowsim.gui.mainwindow import MainWindow
    from flowsim.resources import template_path

    def settle():
        for _ in range(10):
            app.processEvents()

    def rect(widget):
        corner = widget.mapToGlobal(QPoint(0, 0))
        return [corner.x(), corner.y(), widget.width(), widget.height()]

    settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.show()
    window.open_path(template_path("lead-flow"))
    settle()
    window.scene.item_for_id("sdr_handoff").setSelected(True)  # the node with the most fields
    settle()
    frame = window.frameGeometry()
    fields = []
    inspector = window.inspector
    for kind in (QLineEdit, QComboBox, QPlainTextEdit, QPushButton):
        for field in inspector.widget().findChildren(kind):
            if not field.isVisibleTo(inspector.widget()):
                continue
            inspector.ensureWidgetVisible(field)  # a field below the fold is a scroll away
            settle()
            fields.append({"kind": kind.__name__, "name": field.objectName(), "rect": rect(field)})
    available = window.screen().availableGeometry()
    out = {
        "available": [available.x(), available.y(), available.width(), available.height()],
        "window": [frame.x(), frame.y(), frame.width(), frame.height()],
        "inner": [window.geometry().x(), window.geometry().y(), window.geometry().width(), window.geometry().height()],
        "status": rect(window.statusBar()),
        "inspector": rect(inspector.viewport()),
        "canvas": rect(window.view.viewport()),
        "fields": fields,
    }
    if len(sys.argv) > 2:  # the user moves the window before quitting
        window.setGeometry(QRect(*map(int, sys.argv[2].split(","))))
        settle()
    window.close()
    print("RESULT " + json.dumps(out))
''')


def run_on_screen(tmp_path: Path, width: int, height: int, place: str | None = None) -> dict:
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
    }]}))
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", PYTHONPATH=str(ROOT))
    args = [sys.executable, str(script), str(tmp_path / "settings.ini")] + ([place] if place else [])
    done = subprocess.run(args, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    return json.loads(lines[-1][len("RESULT "):])


def inside(inner, outer) -> bool:
    return QRect(*outer).contains(QRect(*inner))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_window_its_inspector_fields_and_status_bar_are_on_the_screen(tmp_path, size):
    seen = run_on_screen(tmp_path, *size)
    screen = seen["available"]
    assert screen[2:] == list(size)
    assert inside(seen["window"], screen), seen["window"]
    assert inside(seen["status"], screen) and seen["status"][3] > 0
    assert len(seen["fields"]) >= 8  # the handoff has many: all of them checked
    for field in seen["fields"]:
        assert inside(field["rect"], screen), field
        assert inside(field["rect"], seen["inspector"]), field  # shown, not scrolled past
        if field["kind"] != "QPushButton":
            assert field["rect"][2] >= 60, field  # wide enough to read and type in
    canvas = seen["canvas"]
    assert canvas[2] >= 600 and canvas[3] >= 300  # the canvas keeps most of the room


def test_a_second_start_on_the_same_screen_comes_back_where_it_was(tmp_path):
    run_on_screen(tmp_path, 1366, 768, place="100,50,1000,600")
    again = run_on_screen(tmp_path, 1366, 768)
    assert again["inner"] == [100, 50, 1000, 600]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    groups = settings.childGroups()
    assert any(group.endswith("1366x768") for group in groups)


def test_each_screen_keeps_its_own_layout(window, tmp_path):
    from flowsim.gui.mainwindow import MainWindow
    from flowsim.gui.screenfit import save_placement

    window.inspector_dock.hide()
    save_placement(window, window.settings)
    key = screen_key(window.screen())
    assert window.settings.value(f"{key}/state") is not None
    elsewhere = QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat)
    for name in ("geometry", "state"):  # the same layout, saved for another screen only
        elsewhere.setValue(f"screen-desk-2560x1440/{name}", window.settings.value(f"{key}/{name}"))
    fresh = MainWindow(settings=elsewhere, ask=False)
    assert not fresh._laid_out  # nothing for this screen: a first start here
    fresh.deleteLater()


def test_a_window_larger_than_the_screen_is_moved_and_shrunk_into_it():
    available = QRect(0, 0, 1366, 740)
    assert fit_rect(QRect(-50, 30, 1404, 864), available) == QRect(0, 0, 1366, 740)
    assert fit_rect(QRect(900, 500, 800, 600), available) == QRect(566, 140, 800, 600)
    assert fit_rect(QRect(100, 100, 400, 300), available) == QRect(100, 100, 400, 300)

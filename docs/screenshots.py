"""Make the pictures the README shows: the editor on the default template as it opens,
on a laptop screen and on a desk screen, and an export.

Run under a display (``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python
docs/screenshots.py``); the window is the real one, with the app's own settings kept out
of the user's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from flowsim.gui.mainwindow import MainWindow  # noqa: E402
from flowsim.resources import DEFAULT_TEMPLATE  # noqa: E402

#: (file, window size, node to select or None): each shot is a fresh window on the
#: default template, at the zoom it opens with.
SHOTS = [
    ("opening.png", (1366, 768), None),  # a laptop screen: the tight case
    ("editor.png", (1500, 880), "landing_page"),
]


def shoot(app: QApplication, folder: str, name: str, size: tuple[int, int], selected: str | None) -> None:
    settings = QSettings(str(Path(folder) / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.resize(*size)
    window.open_template(DEFAULT_TEMPLATE)
    window.show()

    def take() -> None:
        if selected:
            window.scene.item_for_id(selected).setSelected(True)
        app.processEvents()
        window.grab().save(str(HERE / "images" / name))
        window.close()
        app.quit()

    QTimer.singleShot(700, take)
    app.exec()


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        for name, size, selected in SHOTS:
            shoot(app, folder, name, size, selected)


if __name__ == "__main__":
    main()

"""Make the pictures the README shows: the editor on the default template, and an export.

Run under a display (``xvfb-run -a .venv/bin/python docs/screenshots.py``); the window is
the real one, with the app's own settings kept out of the user's.
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


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, ask=False)
        window.resize(1500, 880)
        window.open_template(DEFAULT_TEMPLATE)
        window.show()

        def shoot() -> None:
            window.view.fit()
            window.scene.item_for_id("sdr_handoff").setSelected(True)
            app.processEvents()
            window.grab().save(str(HERE / "images" / "editor.png"))
            app.quit()

        QTimer.singleShot(700, shoot)
        app.exec()


if __name__ == "__main__":
    main()

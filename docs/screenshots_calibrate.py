"""Make the pictures of docs/calibrate.md: the calibration dialog's review table and its
backtest, on a flow with wrong presets and an export made from the flow's true numbers.

Run under a display (``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python
docs/screenshots_calibrate.py``); the window and the dialog are the real ones.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from flowsim.calibrate.synthetic import simulated_leads, write_hubspot  # noqa: E402
from flowsim.gui.calibrating import CalibrateDialog  # noqa: E402
from flowsim.gui.mainwindow import MainWindow  # noqa: E402
from flowsim.io import loads_flow  # noqa: E402
from tests.calibrate.test_calibrate import START, TRUE_FLOW, WRONG_FLOW  # noqa: E402


def wait(app: QApplication, done) -> None:
    while not done():
        app.processEvents()


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        flow_path = Path(folder) / "lead-flow.flow.yaml"
        flow_path.write_text(WRONG_FLOW, encoding="utf-8")
        export = Path(folder) / "hubspot-contacts.csv"
        write_hubspot(simulated_leads(loads_flow(TRUE_FLOW), days=180, start=START, seed=3), str(export))
        window = MainWindow(settings=QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat), ask=False)
        window.open_path(flow_path)
        window.show()
        dialog = CalibrateDialog(window.document.flow, Path(folder), window)
        dialog.resize(1100, 640)
        dialog.export_path.setText(str(export))
        dialog.show()
        dialog.read()
        wait(app, lambda: dialog.result is not None and dialog.task is None)
        app.processEvents()
        dialog.grab().save(str(HERE / "images" / "calibrate-review.png"))
        dialog.backtest()
        wait(app, lambda: dialog.task is None and dialog.chart is not None)
        dialog.resize(1100, 760)
        for _ in range(20):
            app.processEvents()
        dialog.grab().save(str(HERE / "images" / "calibrate-backtest.png"))
        dialog.close()
        window.document.discard_recovery()
        window.close()


if __name__ == "__main__":
    main()

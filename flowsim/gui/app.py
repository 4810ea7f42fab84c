"""Start the app: ``flowsim gui [FILE]``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from flowsim.resources import DEFAULT_TEMPLATE, data_dir

__all__ = ["run"]


def run(path: str | None = None, argv: list[str] | None = None, *, template: str | None = None,
        quit_after_first_paint: bool = False) -> int:
    """Open the main window on ``path``, an untitled copy of ``template``, the last file,
    or (on a first start) the default template. With ``quit_after_first_paint``, return 0
    once the canvas has painted (a smoke start)."""
    from flowsim.gui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("flowsim")
    app.setOrganizationName("flowsim")
    app.setWindowIcon(QIcon(str(data_dir("assets") / "flowsim.svg")))
    from flowsim.gui import crash, shutdown

    crash.install(app)  # an unexpected error: a dialog and an emergency copy, not an exit
    shutdown.install(app)  # SIGTERM, SIGHUP, logout: recovery copies, then a clean exit
    window = MainWindow()
    if path is not None:
        window.open_path(path)
    elif template is not None:
        window.open_template(template)
    else:
        recent = window.settings.value("recent", []) or []
        if recent and Path(recent[0]).is_file():
            window.open_path(recent[0])
        else:
            window.open_template(DEFAULT_TEMPLATE)
    window.show()
    if quit_after_first_paint:
        from flowsim.gui.smoke import quit_after_first_paint as watch

        watch(window)
    QTimer.singleShot(0, window.offer_recovery)
    return app.exec()

"""An unexpected error shows a dialog, keeps every edit in an emergency copy and leaves the
window working; SIGTERM and SIGHUP end the app cleanly with a recovery copy."""

import os
import signal
import subprocess
import sys

import pytest
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from flowsim.gui import recovery
from flowsim.gui.commands import SetNodeField
from flowsim.gui.crash import CrashHandler
from flowsim.io import dumps_flow, load_flow
from tests.conftest import REPO
from tests.flows import VALID


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "campaign.flow.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


@pytest.fixture
def crash_handler(monkeypatch, tmp_path):
    monkeypatch.setattr(recovery, "recovery_dir", lambda: tmp_path / "recovery")
    handler = CrashHandler()
    handler.install()
    yield handler
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.close()


@pytest.mark.qt_no_exception_capture  # the app's own handler is what is under test
def test_an_error_in_a_slot_shows_the_dialog_keeps_every_edit_and_the_window_works(
        window, qtbot, flow_file, crash_handler, monkeypatch):
    window.open_path(flow_file)
    doc = window.document
    window.push(SetNodeField(doc.flow, "ads", "label", "Renamed before the error"))
    window.push(SetNodeField(doc.flow, "sdrs", "capacity", 7))
    window.scene.add_node_at("nurture", QPointF(300, 400))
    added = doc.flow.nodes[-1].id
    edited = dumps_flow(doc.flow)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in a slot")

    monkeypatch.setattr(QMessageBox, "about", broken)
    QTimer.singleShot(0, window.actions.about.trigger)  # Help ▸ About, from the event loop
    qtbot.waitUntil(lambda: crash_handler.dialog is not None and crash_handler.dialog.isVisible(), timeout=5000)
    dialog = crash_handler.dialog

    emergency = doc.recovery_path().with_name(doc.recovery_path().name.replace(".flow.yaml", ".emergency.flow.yaml"))
    assert emergency.read_text(encoding="utf-8") == edited
    kept = load_flow(emergency)
    assert kept.node("ads").label == "Renamed before the error"
    assert kept.node("sdrs").params["capacity"] == 7 and kept.has_node(added)
    assert str(emergency) in dialog.summary.text()
    assert "ZeroDivisionError: a bug in a slot" in dialog.details.toPlainText()

    dialog.copy_button.click()
    report = QApplication.clipboard().text()
    assert "ZeroDivisionError: a bug in a slot" in report and "flowsim" in report

    # The window is still in the user's hands: edit, undo, save.
    window.push(SetNodeField(doc.flow, "ads", "label", "Edited after the error"))
    assert doc.flow.node("ads").label == "Edited after the error"
    doc.undo_stack.undo()
    assert doc.flow.node("ads").label == "Renamed before the error"
    assert window.save()
    assert load_flow(flow_file).node("sdrs").params["capacity"] == 7
    assert emergency.is_file()  # kept after the save: it is the user's to delete


@pytest.mark.qt_no_exception_capture
def test_errors_in_a_row_share_one_dialog(window, qtbot, crash_handler, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("again")

    monkeypatch.setattr(QMessageBox, "about", broken)
    for _ in range(3):
        QTimer.singleShot(0, window.actions.about.trigger)
    qtbot.waitUntil(lambda: crash_handler.dialog is not None and len(crash_handler.dialog.reports) == 3, timeout=5000)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crash_dialog" and w.isVisible()]
    assert dialogs == [crash_handler.dialog]


# The real `flowsim gui FILE` (through flowsim.cli.main), with one edit made once the window
# shows, since a process under test has no user to make it.
GUI_WITH_AN_EDIT = """
import os
import sys

from flowsim.gui import app

starting = app.run


def run(*args, **kwargs):
    # Imported here, once `flowsim gui` has set up its signal handling, as in the real start.
    from flowsim.gui import mainwindow
    from flowsim.gui.commands import SetNodeField

    shown = mainwindow.MainWindow.show

    def show(self):
        shown(self)
        self.push(SetNodeField(self.document.flow, "ads", "label", "Unsaved at the signal"))
        print("edited", flush=True)

    mainwindow.MainWindow.show = show
    if len(sys.argv) > 2:  # the signal comes as the app starts, before its window exists
        os.kill(os.getpid(), int(sys.argv[2]))
    return starting(*args, **kwargs)


app.run = run
from flowsim.cli import main

sys.exit(main(["gui", sys.argv[1]]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum, during_start_up", [(signal.SIGTERM, False), (signal.SIGHUP, False),
                                                     (signal.SIGTERM, True)],
                         ids=["SIGTERM", "SIGHUP", "SIGTERM during start-up"])
def test_a_signal_ends_the_app_cleanly_with_a_recovery_copy(tmp_path, flow_file, signum, during_start_up):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path), PYTHONPATH=str(REPO),
               QT_QPA_PLATFORM="offscreen")
    args = [sys.executable, "-c", GUI_WITH_AN_EDIT, str(flow_file)] + ([str(int(signum))] if during_start_up else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    assert proc.stdout.readline().strip() == "edited", proc.stderr.read()
    if not during_start_up:
        os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    folder = tmp_path / "data" / "flowsim" / "flowsim" / "recovery"
    orphans = recovery.find_orphans(folder)  # its owner is gone: offered at the next start
    try:
        assert len(orphans) == 1
        assert orphans[0].original == str(flow_file)
        assert orphans[0].load().node("ads").label == "Unsaved at the signal"
    finally:
        for orphan in orphans:
            orphan.release()
    assert flow_file.read_text(encoding="utf-8") == VALID

"""Exporting from the window runs the same exporter as the command line, off the GUI thread."""

import imageio.v3 as iio

from flowsim.resources import template_path


def test_export_a_still_and_an_animation_from_the_window(window, qtbot, tmp_path):
    window.open_path(template_path("lead-flow"))
    svg = tmp_path / "flow.svg"
    task = window.exporter.start(svg, {"width": 1200, "theme": "light"})
    with qtbot.waitSignal(task.succeeded, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: not window.exporter.busy, timeout=10_000)
    assert "Landing-page form" in svg.read_text(encoding="utf-8")
    gif = tmp_path / "flow.gif"
    task = window.exporter.start(gif, {"width": 320, "fps": 5, "duration": 2, "days": 20, "seed": 1, "theme": "dark"})
    assert window.actions.cancel_export.isEnabled()
    with qtbot.waitSignal(task.succeeded, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: not window.exporter.busy, timeout=10_000)
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] == 10 and frames.shape[2] == 320
    assert "Exported" in window.statusBar().currentMessage()


def test_a_bad_export_says_why_and_leaves_no_file(window, qtbot, tmp_path):
    window.open_path(template_path("lead-flow"))
    out = tmp_path / "no" / "flow.png"
    task = window.exporter.start(out, {"width": 100})
    with qtbot.waitSignal(task.failed, timeout=60_000) as signal:
        pass
    assert "does not exist" in signal.args[0]
    assert not out.parent.exists()


def test_the_export_dialog_fits_its_options_to_the_format(window, tmp_path):
    from flowsim.gui.exporting import ExportDialog

    dialog = ExportDialog(window.document.flow, tmp_path)
    dialog.format.setCurrentIndex(dialog.format.findData(".gif"))
    assert dialog.fps.maximum() == 50 and dialog.fps.isEnabled()
    assert dialog.path.text().endswith(".gif")
    dialog.format.setCurrentIndex(dialog.format.findData(".svg"))
    assert not dialog.fps.isEnabled() and "fps" not in dialog.options()
    dialog.format.setCurrentIndex(dialog.format.findData(".mp4"))
    dialog.width_box.setValue(1281)
    assert dialog.options()["width"] % 2 == 0

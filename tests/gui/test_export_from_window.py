"""Exporting from the window runs the same exporter as the command line, off the GUI thread."""

import imageio.v3 as iio

from flowsim.resources import template_path
from tests.gui.conftest import wait_idle


def test_export_a_still_and_an_animation_from_the_window(window, qtbot, tmp_path):
    window.open_path(template_path("lead-flow"))
    svg = tmp_path / "flow.svg"
    assert window.exporter.start(svg, {"width": 1200, "theme": "light"}) is not None
    wait_idle(qtbot, window.exporter)
    assert "Landing-page form" in svg.read_text(encoding="utf-8")
    gif = tmp_path / "flow.gif"
    assert window.exporter.start(gif, {"width": 320, "fps": 5, "duration": 2, "days": 20, "seed": 1, "theme": "dark"})
    assert window.actions.cancel_export.isEnabled()
    wait_idle(qtbot, window.exporter)
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] == 10 and frames.shape[2] == 320
    assert "Exported" in window.statusBar().currentMessage()


def test_a_bad_export_says_why_and_leaves_no_file(window, qtbot, tmp_path, reported):
    window.open_path(template_path("lead-flow"))
    out = tmp_path / "no" / "flow.png"
    assert window.exporter.start(out, {"width": 100}) is not None
    wait_idle(qtbot, window.exporter)
    assert len(reported) == 1 and "does not exist" in reported[0][1]
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


def test_a_file_that_could_not_be_read_cannot_be_exported_until_fixed(window, tmp_path, reported):
    from tests.flows import VALID

    path = tmp_path / "broken.flow.yaml"
    path.write_text(VALID.replace("nodes:", "nodes: [", 1), encoding="utf-8")
    assert window.open_path(path) is False and window.document.read_only
    assert not window.actions.export.isEnabled()
    out = tmp_path / "flow.svg"
    assert window.exporter.start(out, {"width": 400}) is None
    assert reported and "fix" in reported[0][1] and not out.exists()
    path.write_text(VALID, encoding="utf-8")  # fixed: it opens as a flow and exports again
    assert window.open_path(path)
    assert window.actions.export.isEnabled()

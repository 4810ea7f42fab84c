"""Exporting from the window runs the same exporter as the command line, off the GUI thread."""

import imageio.v3 as iio
import pytest

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


def test_export_a_deck_from_the_window(window, qtbot, tmp_path):
    from pptx import Presentation

    window.open_path(template_path("lead-flow"))
    deck = tmp_path / "flow.pptx"
    assert window.exporter.start(deck, {"size": (640, 360), "fps": 5, "duration": 2, "days": 10, "seed": 1,
                                        "theme": "light"}) is not None
    wait_idle(qtbot, window.exporter)
    assert len(Presentation(str(deck)).slides) == 4
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
    dialog.frame.setCurrentText("Custom")
    dialog.width_box.setValue(1281)
    assert dialog.options()["size"] == (1282, 1080)


def test_the_export_dialog_offers_slide_presets_and_previews_the_first_and_last_frame(window, qtbot, tmp_path):
    from flowsim.gui.exporting import ExportDialog

    window.open_path(template_path("lead-flow"))
    dialog = ExportDialog(window.document.flow, tmp_path)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData(".mp4"))
    names = [dialog.frame.itemText(i) for i in range(dialog.frame.count())]
    assert names == ["Slide 16:9", "Slide 4:3", "Square (social)", "Custom"]
    assert dialog.options()["size"] == (1920, 1080)
    dialog.format.setCurrentIndex(dialog.format.findData(".gif"))
    assert dialog.options()["size"] == (1280, 720)
    for name, aspect in (("Slide 4:3", 4 / 3), ("Square (social)", 1.0)):
        dialog.frame.setCurrentText(name)
        dialog.update_preview()
        for label in (dialog.first, dialog.last):
            picture = label.pixmap()
            assert not picture.isNull() and abs(picture.width() / picture.height() - aspect) < 0.02
    first, last = dialog.first.pixmap().toImage(), dialog.last.pixmap().toImage()
    assert first != last  # the clock and the track differ
    dialog.format.setCurrentIndex(dialog.format.findData(".pptx"))
    assert dialog.path.text().endswith(".pptx") and dialog.options()["fps"] == 30


def test_a_still_exported_after_a_run_carries_its_badges_unless_unticked(window, tmp_path, valid_run_for_window):
    from flowsim.gui.exporting import ExportDialog

    dialog = ExportDialog(window.document.flow, tmp_path, results=valid_run_for_window)
    dialog.format.setCurrentIndex(dialog.format.findData(".png"))
    assert dialog.badges.isEnabled() and dialog.options()["results"] is valid_run_for_window
    dialog.badges.setChecked(False)
    assert "results" not in dialog.options()
    assert not ExportDialog(window.document.flow, tmp_path).badges.isEnabled()


@pytest.fixture
def valid_run_for_window(window):
    from flowsim.render.animate import run_for_animation

    window.open_path(template_path("lead-flow"))
    return run_for_animation(window.document.flow, days=10, seed=1)


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

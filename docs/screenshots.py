"""Make the pictures the README shows: the editor on the default template as it opens,
on a laptop screen and on a desk screen, the results panel after a run (funnel and flow)
and the first page of that run's report, the inspector's distribution and speed-to-lead
editors, its animated export (docs/images/lead-flow.gif), the slides of its deck
(docs/images/deck.png) and a run played on the canvas (docs/images/playback.gif).

Run under a display (``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python
docs/screenshots.py``); the window is the real one, with the app's own settings kept out
of the user's. The deck's picture is the deck as LibreOffice Impress draws it (``soffice``
and ``pdftoppm`` from libreoffice-impress and poppler-utils); without them it is left as
it was, with a note. ``--exports`` makes only the GIF and the deck's picture (no display
needed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from flowsim.gui.mainwindow import MainWindow  # noqa: E402
from flowsim.render.export import export_flow  # noqa: E402
from flowsim.resources import DEFAULT_TEMPLATE, template_path  # noqa: E402

IMAGES = HERE / "images"

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
        window.grab().save(str(IMAGES / name))
        window.close()
        app.quit()

    QTimer.singleShot(700, take)
    app.exec()


def exports() -> None:
    """The README's GIF (the default 16:9 720p frame) and a 2 × 2 sheet of the deck's slides."""
    flow = template_path(DEFAULT_TEMPLATE)
    export_flow(flow, IMAGES / "lead-flow.gif")
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        print("deck.png not remade: needs soffice (libreoffice-impress) and pdftoppm (poppler-utils)")
        return
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        deck = export_flow(flow, tmp / "deck.pptx")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(deck)], check=True, capture_output=True, timeout=300)
        subprocess.run([pdftoppm, "-png", "-r", "48", str(tmp / "deck.pdf"), str(tmp / "slide")], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(tmp.glob("slide-*.png"))]
        w, h = pages[0].size
        gap = 16
        sheet = Image.new("RGB", (2 * w + 3 * gap, 2 * h + 3 * gap), (214, 218, 224))
        for k, page in enumerate(pages[:4]):
            r, c = divmod(k, 2)
            sheet.paste(page, (gap + c * (w + gap), gap + r * (h + gap)))
        sheet.save(IMAGES / "deck.png", optimize=True)


def shoot_results(app: QApplication, folder: str) -> None:
    """results-panel.png (the dock after a run of the default template) and report.png."""
    settings = QSettings(str(Path(folder) / "results.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.resize(1500, 880)
    window.open_template(DEFAULT_TEMPLATE)
    window.show()

    def run() -> None:
        window.runner.run(days=90, replications=10, seed=42)
        QTimer.singleShot(200, wait)

    def wait() -> None:
        if window.runner.busy:
            QTimer.singleShot(200, wait)
            return
        window.results.tabs.setCurrentIndex(0)  # funnel and flow
        QTimer.singleShot(600, take)

    def take() -> None:
        app.processEvents()
        window.results_dock.grab().save(str(IMAGES / "results-panel.png"))
        report_picture(window)
        window.close()
        app.quit()

    QTimer.singleShot(700, run)
    app.exec()


def report_picture(window) -> None:
    """The report's first page (what opens first: headline numbers, settings, diagram)."""
    import cairosvg

    from flowsim.render.report import report_parts
    from flowsim.render.reportpdf import pdf_pages

    parts = report_parts(window.results.flow, window.last_results, window.scene.theme)
    first = pdf_pages(parts, window.scene.theme)[0]
    cairosvg.svg2png(bytestring=first.encode("utf-8"), write_to=str(IMAGES / "report.png"), output_width=900)


#: (node to select, [(field, file)]): pictures of single inspector editors, taken with a
#: wide inspector on the default template.
FIELD_SHOTS = [("sdr_handoff", [("service", "distribution-editor.png"), ("speed_to_lead", "speed-to-lead-editor.png")])]


def shoot_fields(app: QApplication, folder: str, selected: str, fields: list[tuple[str, str]]) -> None:
    settings = QSettings(str(Path(folder) / f"fields-{selected}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.resize(1500, 880)
    window.open_template(DEFAULT_TEMPLATE)
    window.show()

    def take() -> None:
        window.scene.item_for_id(selected).setSelected(True)
        window.resizeDocks([window.inspector_dock], [430], Qt.Orientation.Horizontal)
        app.processEvents()
        for key, name in fields:
            editor = window.inspector.editors[key]
            window.inspector.ensureWidgetVisible(editor, 0, 40)
            app.processEvents()
            box = editor.parentWidget()  # the editor with its source line and notes
            label = window.inspector.form.labelForField(box)
            area = box.geometry().united(label.geometry()).adjusted(-8, -6, 8, 2)
            window.inspector.widget().grab(area).save(str(HERE / "images" / name))
        window.close()
        app.quit()

    QTimer.singleShot(700, take)
    app.exec()


#: The playback recording: window size, days of the run, the days shown, frames a second.
PLAYBACK = {"size": (1400, 700), "days": 90, "from": 20.0, "to": 50.0, "speed": 5.0, "fps": 12, "width": 960,
            "zoom": 0.74, "center": "segmentation"}


def record_playback(app: QApplication, folder: str) -> None:
    """A 90-day run of the default template played on the canvas with its timeline bar,
    the SDR handoff selected (its numbers beside it), zoomed to the middle of the flow."""
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from flowsim.render.encode import RawVideo, encode_gif

    settings = QSettings(str(Path(folder) / "playback.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.resize(*PLAYBACK["size"])
    window.open_template(DEFAULT_TEMPLATE)
    window.show()
    for dock in (window.palette_dock, window.overview_dock, window.inspector_dock):
        dock.hide()
    window.runner.run(days=PLAYBACK["days"], replications=1, seed=42)
    while window.runner.busy or window.playback.busy or not window.playback.ready:
        app.processEvents()
        time.sleep(0.01)
    window.results_dock.hide()
    window.problems_dock.hide()
    app.processEvents()
    window.view.set_zoom(PLAYBACK["zoom"])
    window.view.centerOn(window.scene.item_for_id(PLAYBACK["center"]).card_box().center())
    window.scene.item_for_id("sdr_handoff").setSelected(True)
    playback = window.playback
    playback.set_speed(PLAYBACK["speed"])
    playback.seek_day(PLAYBACK["from"])
    per_frame = 1.0 / PLAYBACK["fps"]
    count = round((PLAYBACK["to"] - PLAYBACK["from"]) / playback.days_per_second / per_frame)
    playback.play(clock=False)  # frame by frame, whatever the machine's speed
    frames: list[bytes] = []
    size = None
    for _ in range(count):
        playback.advance(per_frame)
        app.processEvents()
        image = window.canvas_page.grab().toImage()
        image = image.scaledToWidth(PLAYBACK["width"], Qt.TransformationMode.SmoothTransformation)
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        size = (image.width(), image.height())
        row = image.width() * 3
        frames.append(b"".join(bytes(image.constBits())[y * image.bytesPerLine():y * image.bytesPerLine() + row]
                               for y in range(image.height())))
    playback.pause()
    window.close()
    video = RawVideo(size, PLAYBACK["fps"], len(frames), lambda i: frames[i], "rgb24")
    encode_gif(video, HERE / "images" / "playback.gif")


def main() -> None:
    only_playback = "--playback" in sys.argv  # playback.gif alone
    if not only_playback:
        exports()
    if "--exports" in sys.argv:
        return
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        if not only_playback:
            for name, size, selected in SHOTS:
                shoot(app, folder, name, size, selected)
            shoot_results(app, folder)
            for selected, fields in FIELD_SHOTS:
                shoot_fields(app, folder, selected, fields)
        record_playback(app, folder)


if __name__ == "__main__":
    main()

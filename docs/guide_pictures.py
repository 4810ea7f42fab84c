"""Make the pictures of docs/guide.md with flowsim itself: exports and the real window.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/guide_pictures.py

A real screen of that size, because the window fits itself to the screen (offscreen Qt's
is 800 × 800); without a display it falls back to offscreen, with smaller window pictures.

Writes docs/images/guide-*.png. The window pictures are the real MainWindow, with its
settings kept out of the user's; the diagrams are `flowsim export` PNGs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
sys.path.insert(0, str(HERE.parent))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from flowsim.gui.mainwindow import MainWindow  # noqa: E402
from flowsim.model import Edge, Flow, Node  # noqa: E402
from flowsim.render.export import export_flow  # noqa: E402
from flowsim.resources import template_path  # noqa: E402


def kinds_flow() -> Flow:
    """One card of each kind, in the order a lead meets them."""
    flow = Flow("The eight kinds of step")
    steps = [
        ("channel", "source", "Paid search", {"arrivals": {"per_day": 200}, "cost_per_lead": 180}),
        ("form", "capture", "Landing page", {"conversion": 0.04}),
        ("scoring", "score", "Lead scoring", {"threshold": 60}),
        ("segments", "segment", "Segmentation", {"default": "smb"}),
        ("nurture", "nurture", "Nurture emails", {"touches": 6, "every": "1w"}),
        ("handoff", "handoff", "SDR handoff", {"capacity": 2, "service": {"dist": "exponential", "mean": "45m"}}),
        ("sales", "sales", "Sales", {"capacity": 4}),
        ("won", "sink", "Won", {"outcome": "won"}),
    ]
    for n, (node_id, kind, label, params) in enumerate(steps):
        flow.add_node(Node(node_id, kind, label=label, position=(n * 260, 0), params=params))
    for (a, *_), (b, *_) in zip(steps, steps[1:]):
        flow.add_edge(Edge(a, b))
    return flow


def shoot_window(app: QApplication, folder: Path) -> None:
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, ask=False)
    window.open_path(template_path("lead-flow"))
    window.show()
    window.resize(1500, 900)  # after show: showing restores the window's remembered size
    app.processEvents()
    window.view.fit()

    # The inspector on the scoring node: its rules, points and threshold.
    window.scene.item_for_id("scoring").setSelected(True)
    window.statusBar().clearMessage()  # it names this checkout's path
    app.processEvents()
    window.grab().save(str(IMAGES / "guide-inspector.png"))

    # A run: the results panel and the canvas's badges and bottleneck.
    window.scene.clearSelection()
    window.runner.run(days=90, replications=5, seed=42)
    while window.runner.busy:
        app.processEvents()
    app.processEvents()
    window.grab().save(str(IMAGES / "guide-results.png"))
    # The canvas alone, larger: each card's badge, edge widths, the bottleneck in red.
    window.resize(2400, 1500)
    app.processEvents()
    window.view.fit()
    app.processEvents()
    window.view.grab().save(str(IMAGES / "guide-canvas-run.png"))
    window.document.discard_recovery()
    window.close()


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    export_flow(kinds_flow(), IMAGES / "guide-kinds.png", width=1600)
    from flowsim.io import load_flow

    export_flow(load_flow(template_path("lead-flow")), IMAGES / "guide-flow.png", width=1600)
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        shoot_window(app, Path(folder))
    for path in sorted(IMAGES.glob("guide-*.png")):
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()

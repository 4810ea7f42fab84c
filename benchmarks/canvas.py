"""Canvas speed: opening and painting big flows, panning, and start-up to the first paint.

Prints figures and their ratio to the targets of issue 5; never passes or fails. Runs Qt
offscreen (QT_QPA_PLATFORM=offscreen unless set), so the figures are paint work without
a compositor; a real screen adds its own swap time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks._common import grid_flow  # noqa: E402
from flowsim.io import save_flow  # noqa: E402


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(name: str, seconds: float, target: float) -> None:
    print(f"  {name:<44} {seconds * 1000:9.1f} ms   target < {target * 1000:.0f} ms   ratio {seconds / target:.2f}")


STARTUP = textwrap.dedent(
    """
    import time, sys
    start = time.perf_counter()
    from PySide6.QtCore import QEvent, QObject, QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    from flowsim.gui.mainwindow import MainWindow
    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print(f"{time.perf_counter() - start:.4f}")
                app.quit()
            return False
    window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat), ask=False)
    window.open_template("lead-flow")
    spy = FirstPaint()
    window.view.viewport().installEventFilter(spy)
    window.show()
    app.exec()
    """
)


def longest_stall(app, start_work, is_done, timeout: float = 300.0) -> tuple[float, float]:
    """Run the event loop while work goes on; return (longest gap between 5 ms ticks, seconds).

    A gap is how long the GUI thread could not answer: the target is under 100 ms.
    """
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    clock.start()
    last = [0]
    worst = [0]

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    begin = time.perf_counter()
    start_work()
    last[0] = clock.elapsed()
    while not is_done() and time.perf_counter() - begin < timeout:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - begin
    timer.stop()
    return worst[0] / 1000, elapsed


def stall_report(app, window, tmp: Path) -> None:
    window.open_template("lead-flow")
    app.processEvents()
    worst, took = longest_stall(
        app, lambda: window.runner.run(days=90, replications=10, seed=1), lambda: not window.runner.busy
    )
    report(f"longest event-loop stall, simulation ({took:.1f} s)", worst, 0.100)
    try:
        import flowsim.render.export  # noqa: F401
    except ImportError:
        print("  (export stall: flowsim.render.export is not there yet)")
        return
    out = tmp / "stall.mp4"
    worst, took = longest_stall(
        app, lambda: window.exporter.start(out, {"width": 1280, "fps": 30, "duration": 6, "days": 90, "seed": 1}),
        lambda: not window.exporter.busy,
    )
    report(f"longest event-loop stall, MP4 export ({took:.1f} s)", worst, 0.100)


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from flowsim.gui.mainwindow import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        window = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), ask=False)
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        print(f"canvas ({os.environ['QT_QPA_PLATFORM']} platform, viewport {window.view.viewport().width()}×{window.view.viewport().height()}):")
        files = {}
        for n in (1_000, 5_000):
            files[n] = tmp / f"{n}.flow.yaml"
            save_flow(grid_flow(n), files[n])

        def open_1000() -> None:
            window.open_path(files[1000])
            app.processEvents()

        report("open a 1,000-node flow (load, check, build)", timed(open_1000, 3), 1.0)
        window.view.fit()
        app.processEvents()
        viewport = window.view.viewport()
        report("paint the whole 1,000-node view", timed(viewport.repaint, 5), 0.016)
        report("  the same into a new picture (grab)", timed(viewport.grab, 5), 0.016)

        window.open_path(files[5000])
        app.processEvents()
        window.view.reset_zoom()
        window.view.centerOn(1200, 3000)
        app.processEvents()
        bar = window.view.horizontalScrollBar()

        def pan() -> None:
            bar.setValue(bar.value() + 40)
            viewport.repaint()

        viewport.repaint()
        report("pan frame of a 5,000-node flow (100 %)", timed(pan, 10), 0.016)
        window.view.fit()
        app.processEvents()
        report("paint the whole 5,000-node view", timed(viewport.repaint, 3), 0.016)
        stall_report(app, window, tmp)
        window.close()

        starts = []
        for _ in range(3):
            done = subprocess.run(
                [sys.executable, "-c", STARTUP, str(tmp / "start.ini")],
                capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            )
            starts.append(float(done.stdout.strip().splitlines()[-1]))
        report("app start to first paint (best of 3)", min(starts), 1.5)


if __name__ == "__main__":
    main()

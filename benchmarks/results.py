"""Results speed: from a run's end to every chart drawn in the panel, and report export.

Prints figures and their ratio to the targets of issue 11 (charts drawn in under 300 ms
for the default template); never passes or fails. The baseline measured in the same run
is the simulation itself: how long the user already waited for the numbers. Qt runs
offscreen (QT_QPA_PLATFORM=offscreen unless set).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# offscreen on a 1920×1080 desk (the suite's screen), so the window and its dock have the
# size they have on a desktop
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen:configfile="
                      + str(Path(__file__).resolve().parents[1] / "tests" / "offscreen-screen.json"))

from PySide6.QtCore import QSettings, QStandardPaths, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from flowsim.io import load_flow  # noqa: E402
from flowsim.resources import DEFAULT_TEMPLATE, template_path  # noqa: E402
from flowsim.sim import SimConfig, simulate  # noqa: E402

TARGET_CHARTS = 0.300


def line(name: str, seconds: float, note: str = "") -> None:
    print(f"  {name:<46} {seconds * 1000:9.1f} ms   {note}")


def main() -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    flow = load_flow(template_path(DEFAULT_TEMPLATE))
    start = time.perf_counter()
    results = simulate(flow, SimConfig(jobs=os.cpu_count() or 1))
    simulated = time.perf_counter() - start
    print(f"default template ({DEFAULT_TEMPLATE}): {results.config.days:g} days, "
          f"{results.config.replications} replications; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs (figures stretch with it)")
    line("simulation (baseline)", simulated)

    from flowsim.gui.mainwindow import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, ask=False)
        print(f"  matplotlib imported by the window at start-up: {'matplotlib' in sys.modules}")
        window.resize(1500, 880)
        window.open_template(DEFAULT_TEMPLATE)
        window.show()
        window.resizeDocks([window.results_dock], [360], Qt.Orientation.Vertical)
        window.results_dock.show()
        window.results_dock.raise_()
        app.processEvents()
        panel = window.results

        def show_and_draw(every: bool) -> float:
            """From the results to the charts drawn: those in sight (what the user waits
            for; the other tabs draw when opened), or all six."""
            begin = time.perf_counter()
            panel.show_results(results, flow, window.scene.theme)
            if every:
                for view in panel.views.values():
                    if not view.isVisible():
                        view.draw_now()
            # the charts in sight draw here, as the window's event loop would draw them
            # (the first time, the new canvases also come on screen here)
            for _ in range(3):
                app.processEvents()
            return time.perf_counter() - begin

        first = show_and_draw(False)
        line("first run: funnel and flow in sight", first, "(imports matplotlib, makes the canvases)")
        target = f"target < {TARGET_CHARTS * 1000:.0f} ms"
        for every, name in ((False, "a run's end to the charts in sight"), (True, "a run's end to all six charts")):
            warm = min(show_and_draw(every) for _ in range(5))
            line(name, warm, f"{target}, ratio {warm / TARGET_CHARTS:.2f}; {warm / simulated:.2f} of the simulation")
        print(f"  charts in sight: {', '.join(k for k, v in panel.views.items() if v.isVisible())}")
        for key, view in panel.views.items():
            best = float("inf")
            for _ in range(3):
                begin = time.perf_counter()
                view.show_results(results, flow, window.scene.theme)
                view.draw_now()
                best = min(best, time.perf_counter() - begin)
            size = view.canvas.size()
            line(f"  {key} ({size.width()}×{size.height()} px)", best)
        window.close()

        from flowsim.render.report import write_report

        for suffix in (".html", ".pdf"):
            best = float("inf")
            for _ in range(3):
                begin = time.perf_counter()
                write_report(Path(folder) / f"report{suffix}", flow, results)
                best = min(best, time.perf_counter() - begin)
            size = (Path(folder) / f"report{suffix}").stat().st_size
            line(f"report {suffix} ({size / 1024:.0f} KiB)", best, f"{best / simulated:.2f} of the simulation")


if __name__ == "__main__":
    main()

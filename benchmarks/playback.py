"""Playback speed: the time to show one frame of a run on the canvas, and the longest the
event loop stalls while a run plays.

Frames: the default template at the densest moment of a 90-day run (target < 16 ms), and
a 200-node flow with about 5,000 leads in flight (target < 33 ms). A frame is what a timer
tick does: lay out the moment (dots, stacks, counters) and repaint the canvas. The canvas
repainted without a playback is measured in the same run as the baseline. Prints figures
and ratios; never passes or fails. Qt runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Offscreen on the suite's 1920×1080 screen (Qt's default offscreen screen is 800×600).
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={ROOT / 'tests' / 'offscreen-screen.json'}")
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QElapsedTimer, QSettings, QStandardPaths, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks._common import grid_flow  # noqa: E402
from flowsim.io import save_flow  # noqa: E402
from flowsim.render.canvasframe import node_numbers  # noqa: E402
from flowsim.resources import template_path  # noqa: E402


def report(name: str, seconds: float, target: float | None = None) -> None:
    tail = f"   target < {target * 1000:.0f} ms   ratio {seconds / target:.2f}" if target else ""
    print(f"  {name:<52} {seconds * 1000:8.2f} ms{tail}")


def run(flow, days: float):
    """A run as the window makes one (the window's trace options), on one core."""
    from flowsim.gui.running import _simulate

    class Never:
        def is_set(self) -> bool:
            return False

    return _simulate(flow, {"days": days, "replications": 1, "seed": 1}, progress=lambda f: None, cancel=Never())


def load(app, window, path: Path, days: float) -> float:
    """Open ``path``, run it, prepare its playback; the seconds preparing took."""
    window.open_path(path)
    app.processEvents()
    results = run(window.document.flow, days)
    window.last_results = results
    start = time.perf_counter()
    window.playback.load(window.document.flow.copy(), results)
    while not window.playback.ready:
        app.processEvents()
        time.sleep(0.002)
    took = time.perf_counter() - start
    window.view.fit()
    app.processEvents()
    return took


def densest(playback, samples: int = 240) -> float:
    """The video second whose frame draws the most shapes."""
    anim = playback.anim
    best, at = -1, 0.0
    for k in range(samples):
        second = anim.seconds * k / samples
        playback.seek(second)
        n = len(playback.frame().shapes)
        if n > best:
            best, at = n, second
    return at


def in_flight(playback) -> int:
    anim = playback.anim
    return sum(node_numbers(anim, nid, playback.second).inside for nid in anim.timeline.node_ids
               if playback.flow.node(nid).kind != "sink")


def frame_times(app, window, at: float, frames: int = 60) -> list[float]:
    """Each tick around video second ``at``: lay out the moment and repaint the canvas."""
    playback, viewport = window.playback, window.view.viewport()
    playback.seek(at)
    viewport.repaint()
    times = []
    for k in range(frames):
        start = time.perf_counter()
        playback.seek(at + (k - frames / 2) / 240)  # 60 fps at the default pace
        viewport.repaint()
        times.append(time.perf_counter() - start)
    return times


def baseline(window, frames: int = 30) -> float:
    viewport = window.view.viewport()
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        viewport.repaint()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def figures(app, window, name: str, target: float) -> None:
    playback = window.playback
    at = densest(playback)
    playback.seek(at)
    frame = playback.frame()
    print(f"{name}: densest moment day {playback.day:.1f}, {len(frame.dots)} dots, {len(frame.shapes)} shapes, "
          f"{in_flight(playback):,} leads in flight")
    times = frame_times(app, window, at, 120)
    report("frame (median of 120)", statistics.median(times), target)
    report("frame (90th percentile)", sorted(times)[int(len(times) * 0.9)], target)
    item = playback.item()
    item.setVisible(False)
    report("baseline: the same canvas repainted without playback", baseline(window))
    item.setVisible(True)


def longest_stall(app, playback, seconds: float = 4.0, play: bool = True) -> float:
    """Play at the top speed for ``seconds``; the longest gap between 5 ms ticks meanwhile
    (``play`` false: the same with the playback paused, the machine's own noise)."""
    clock = QElapsedTimer()
    clock.start()
    last, worst = [0], [0]

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    playback.set_loop(True)
    playback.seek(0.0)
    playback.set_speed(playback.days / 10.0)
    timer.start()
    if play:
        playback.play()
    last[0] = clock.elapsed()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    playback.pause()
    timer.stop()
    return worst[0] / 1000


def stalls(app, playback) -> None:
    report("longest event-loop stall while playing (4 s)", longest_stall(app, playback), 0.050)
    report("baseline: the same, paused", longest_stall(app, playback, play=False))


def big_flow():
    """200 nodes whose queues fill: about 5,000 leads in flight by the end of 90 days."""
    flow = grid_flow(200)
    for node in flow.nodes:
        if node.kind == "source":
            node.params["arrivals"] = {"per_day": 27.5}
        elif node.kind != "sink":
            node.params["capacity"] = 1
            node.params["service"] = {"dist": "exponential", "mean": "1h"}
    return flow


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
        print(f"playback ({os.environ['QT_QPA_PLATFORM'].split(':')[0]} platform, viewport "
              f"{window.view.viewport().width()}×{window.view.viewport().height()}):")
        took = load(app, window, template_path("lead-flow"), 90)
        report("prepare the playback of a 90-day run (worker)", took)
        figures(app, window, "default template, 90 days", 0.016)
        stalls(app, window.playback)

        path = tmp / "big.flow.yaml"
        save_flow(big_flow(), path)
        took = load(app, window, path, 90)
        report("prepare the playback of a 200-node run (worker)", took)
        figures(app, window, "200 nodes, 90 days", 0.033)
        stalls(app, window.playback)
        window.view.reset_zoom()  # near enough to read the counters: all 200 are laid out
        app.processEvents()
        figures(app, window, "200 nodes, 90 days, at 100 %", 0.033)
        window.close()


if __name__ == "__main__":
    main()

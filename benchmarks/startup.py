"""Start-up: `import flowsim`, `flowsim --version`, and start to the window's first paint.

Prints figures; never passes or fails. Targets (issue 16) on this machine: `import
flowsim` < 150 ms, `flowsim --version` < 300 ms, start to first paint < 1.5 s.

Every figure is a whole process, started the same way (``python -c ...`` from this
script, best of several runs), so each is set against baselines measured in the same run:
a bare interpreter (``python -c pass``) and a bare PySide6 window that quits after its
first paint, the least any Qt app can do. The ratio to that window says what flowsim
itself adds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("FLOWSIM_BENCH_ROUNDS", "7"))

# The least a Qt app can do: a window with one widget, quit once that widget has painted.
BARE_WINDOW = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
canvas = QWidget()
window.setCentralWidget(canvas)
class First(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False
first = First()
canvas.installEventFilter(first)
window.show()
app.exec()
"""

FLOWSIM_GUI = "import sys; from flowsim.cli import main; sys.exit(main(sys.argv[1:]))"


def best(args: list[str], env: dict[str, str]) -> float:
    """The fastest of ROUNDS runs of a process, in seconds, start to exit."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return min(times)


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as home:
        # A home of its own: no recent file or recovery copy changes what the window opens.
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=home, XDG_CONFIG_HOME=f"{home}/config",
                   XDG_DATA_HOME=f"{home}/data", PYTHONPATH=str(REPO))
        interpreter = best([py, "-c", "pass"], env)
        window = best([py, "-c", BARE_WINDOW], env)
        rows = [
            ("import flowsim", best([py, "-c", "import flowsim"], env), 0.150),
            ("flowsim --version", best([py, "-c", FLOWSIM_GUI, "--version"], env), 0.300),
            ("start to first paint", best([py, "-c", FLOWSIM_GUI, "gui", "--template", "lead-flow",
                                           "--quit-after-first-paint"], env), 1.500),
        ]
    print(f"start-up, best of {ROUNDS} whole processes (offscreen Qt):")
    print(f"  baseline: python -c pass            {interpreter * 1000:7.0f} ms")
    print(f"  baseline: bare PySide6 window       {window * 1000:7.0f} ms   (to its first paint)")
    for name, seconds, target in rows:
        print(f"  {name:<22} {seconds * 1000:7.0f} ms   target < {target * 1000:.0f} ms "
              f"({seconds / target:.2f} of it), {seconds / window:.2f}x the bare window, "
              f"{(seconds - interpreter) * 1000:+.0f} ms over a bare interpreter")


if __name__ == "__main__":
    main()

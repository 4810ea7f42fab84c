"""Start-up stays light: `import flowsim` and `flowsim --version` load none of the heavy
libraries, and a smoke start really opens the window and paints its flow."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ["PySide6", "numpy", "simpy", "matplotlib", "networkx", "cairosvg", "imageio", "yaml", "dask"]

PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy})))
"""


def heavy_modules_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = PROBE.format(code=code, heavy=set(HEAVY))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_flowsim_loads_no_heavy_library():
    assert heavy_modules_after("import flowsim") == []


def test_flowsim_version_loads_no_heavy_library():
    code = (
        "import contextlib, io\n"
        "from flowsim.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        main(['--version'])\n"
        "    except SystemExit as stop:\n"
        "        assert stop.code == 0\n"
        "assert out.getvalue().startswith('flowsim ')\n"
    )
    assert heavy_modules_after(code) == []


def test_the_probe_sees_a_heavy_import():
    # The check above would pass vacuously if the probe could not see modules at all.
    assert "numpy" in heavy_modules_after("import numpy")


def test_a_smoke_start_opens_the_window_and_paints_the_template(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"))
    done = subprocess.run(
        [sys.executable, "-m", "flowsim", "gui", "--template", "lead-flow", "--quit-after-first-paint"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "(12 cards on the canvas)" in done.stdout


def test_the_first_paint_needs_no_simulation_chart_or_graph_library(tmp_path):
    # The window paints a flow with Qt, YAML and cairo's text widths; the engine, numpy,
    # networkx, charts and exporters load when first used, after the window is up.
    code = (
        "import os\n"
        f"os.environ.update(QT_QPA_PLATFORM='offscreen', HOME={str(tmp_path)!r}, XDG_CONFIG_HOME={str(tmp_path / 'c')!r})\n"
        "from flowsim.cli import main\n"
        "assert main(['gui', '--template', 'lead-flow', '--quit-after-first-paint']) == 0\n"
    )
    loaded = {name.split(".")[0] for name in heavy_modules_after(code)}
    assert "PySide6" in loaded  # the window really was made
    assert loaded <= {"PySide6", "yaml"}

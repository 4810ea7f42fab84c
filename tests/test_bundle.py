"""The desktop bundle (PyInstaller, one folder) works on its own: the command, the bundled
templates, a headless export through its own cairo and ffmpeg, and the window.

``make package-test`` builds dist/flowsim/ and runs these with FLOWSIM_BUNDLE pointing at
it. Elsewhere they need PyInstaller (to build a bundle of their own) and are skipped
without it, so ``make test`` in the plain test venv skips them and says why.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowsim import __version__

pytestmark = pytest.mark.bundle

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The bundle's ``flowsim`` executable: FLOWSIM_BUNDLE's, or one built here."""
    given = os.environ.get("FLOWSIM_BUNDLE")
    if given:
        exe = Path(given).resolve() / ("flowsim.exe" if sys.platform == "win32" else "flowsim")
        assert exe.is_file(), f"FLOWSIM_BUNDLE={given} holds no flowsim executable"
        return exe
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed here; `make package-test` builds the bundle and runs these tests")
    out = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "build"), str(REPO / "packaging" / "flowsim.spec")],
        capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "dist" / "flowsim" / "flowsim"


def headless_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No display, no Qt platform chosen, and a home of its own (settings, recent files)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.update(extra)
    return env


def run(bundle: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bundle), *args], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, env=headless_env(tmp_path, **env))


def test_the_bundle_says_its_version(bundle, tmp_path):
    done = run(bundle, tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["flowsim", __version__]


def test_a_flow_made_from_a_bundled_template_validates(bundle, tmp_path):
    assert run(bundle, tmp_path, "new", "lead-flow", "my.flow.yaml").returncode == 0
    done = run(bundle, tmp_path, "validate", "my.flow.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout
    assert (tmp_path / "my.flow.yaml").read_bytes() == (REPO / "templates" / "lead-flow.flow.yaml").read_bytes()


def test_a_broken_flow_is_one_line_with_its_line_number(bundle, tmp_path):
    (tmp_path / "bad.flow.yaml").write_text("flowsim: 1\nname: [unclosed\n")
    done = run(bundle, tmp_path, "validate", "bad.flow.yaml")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout.startswith("bad.flow.yaml:")


def test_the_bundle_exports_a_png_without_a_display(bundle, tmp_path):
    done = run(bundle, tmp_path, "export", str(REPO / "templates" / "lead-flow.flow.yaml"), "-o", "flow.png", "--width", "800")
    assert done.returncode == 0, done.stderr
    png = (tmp_path / "flow.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 800  # the IHDR width


def test_the_bundle_encodes_an_mp4_with_its_own_ffmpeg(bundle, tmp_path):
    # A PATH without any system ffmpeg: the binary must come from inside the bundle.
    done = run(bundle, tmp_path, "export", str(REPO / "templates" / "lead-flow.flow.yaml"), "-o", "flow.mp4",
               "--width", "320", "--duration", "1", "--fps", "5", PATH="/nonexistent")
    assert done.returncode == 0, done.stderr
    assert b"ftyp" in (tmp_path / "flow.mp4").read_bytes()[:64]


def test_the_bundle_simulates_in_parallel(bundle, tmp_path):
    done = run(bundle, tmp_path, "simulate", str(REPO / "templates" / "lead-flow.flow.yaml"),
               "--days", "20", "--replications", "2", "--jobs", "2", "--json", "out.json")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.json").stat().st_size > 0


def test_the_bundle_opens_its_window_offscreen(bundle, tmp_path):
    done = run(bundle, tmp_path, "gui", "--template", "lead-flow", "--quit-after-first-paint", QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert "first paint" in done.stdout
    assert "(12 cards on the canvas)" in done.stdout


def test_the_desktop_entry_installs_for_the_user_and_points_at_the_bundle(bundle, tmp_path):
    data = tmp_path / "data"
    done = subprocess.run(["sh", str(bundle.parent / "install-desktop-entry.sh")], capture_output=True, text=True,
                          timeout=120, env=headless_env(tmp_path))
    assert done.returncode == 0, done.stderr
    entry = (data / "applications" / "flowsim.desktop").read_text()
    assert f'Exec="{bundle}" gui %f' in entry
    assert "Icon=flowsim" in entry
    for size in (16, 48, 256, 512):
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "flowsim.png"
        assert int.from_bytes(png.read_bytes()[16:20], "big") == size
    assert "*.flow.yaml" in (data / "mime" / "packages" / "flowsim.xml").read_text()

"""Shared fixtures. Qt runs offscreen in every test, so the suite needs no display."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # A desk screen (1920×1080) rather than the plugin's 800×600: the window fits itself
    # to its screen, and the tests drive it at the size people use. Laptop screens are
    # tested on purpose, in tests/gui/test_screen_fit.py.
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}"

import pytest  # noqa: E402

from flowsim.resources import data_dir  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def template_files() -> list[Path]:
    """Every bundled template file."""
    files = sorted(data_dir("templates").glob("*.flow.yaml"))
    assert files, "no templates found"
    return files

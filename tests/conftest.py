"""Shared fixtures. Qt runs offscreen in every test, so the suite needs no display."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from flowsim.resources import data_dir  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def template_files() -> list[Path]:
    """Every bundled template file."""
    files = sorted(data_dir("templates").glob("*.flow.yaml"))
    assert files, "no templates found"
    return files

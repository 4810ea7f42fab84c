"""An animated export estimated above the work limit is refused before any work."""

from __future__ import annotations

import threading

import pytest

from flowsim.errors import SimulationError
from flowsim.io import loads_flow
from flowsim.render.export import export_flow

from tests.flows import VALID


def test_a_huge_video_is_refused_with_its_estimate_and_leaves_no_file(tmp_path):
    out = tmp_path / "big.mp4"
    cancelled = threading.Event()
    cancelled.set()  # had the limit been missed, the export would stop at once instead
    with pytest.raises(SimulationError) as info:
        export_flow(loads_flow(VALID), out, width=8192, fps=60, duration=600, cancel=cancelled)
    message = str(info.value)
    assert "steps of work" in message and "pixels of video" in message and "--max-work" in message
    assert list(tmp_path.iterdir()) == []


def test_a_run_too_long_to_animate_is_refused_too(tmp_path):
    with pytest.raises(SimulationError) as info:
        export_flow(loads_flow(VALID), tmp_path / "long.gif", days=1e9)
    assert "1e+09 days" in str(info.value)

"""The wheel carries what an installed flowsim needs: templates, icons, the command."""

import subprocess
import sys
import zipfile


def test_the_wheel_carries_templates_and_assets(tmp_path):
    from tests.conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("flowsim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("lead-flow", "seven-step-workflow", "five-stage-process", "inbound-vs-outbound"):
        assert f"flowsim/_data/templates/{template}.flow.yaml" in names
    for kind in ("source", "capture", "score", "segment", "nurture", "handoff", "sales", "sink"):
        assert f"flowsim/_data/assets/icons/{kind}.svg" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "flowsim = flowsim.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

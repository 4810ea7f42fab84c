"""File format speed: broken files refused, large flows loaded, validated and saved.

Prints figures; never passes or fails. Targets (issue 2 and 5): every broken file is
refused within 1 s; a 1,000-node flow opens (load + validate) well within 1 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import best_of, grid_flow  # noqa: E402
from flowsim.errors import FlowError  # noqa: E402
from flowsim.io import dumps_flow, load_flow, loads_flow, save_flow  # noqa: E402
from flowsim.model import validate  # noqa: E402
from tests.cli.test_broken_files import CASES  # noqa: E402


def refuse(path: Path) -> None:
    try:
        validate(load_flow(path))
    except FlowError:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print("broken files (load + validate, best of 5):")
        worst = 0.0
        for name, (content, _) in CASES.items():
            path = tmp / "case.flow.yaml"
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            seconds = best_of(lambda: refuse(path))
            worst = max(worst, seconds)
            print(f"  {name:<28} {seconds * 1000:8.2f} ms")
        huge = tmp / "huge.flow.yaml"
        with open(huge, "wb") as handle:
            handle.write(b"flowsim: 1\nnodes:\n" + b"  - {id: a, kind: sink}\n" * 2_200_000)
        seconds = best_of(lambda: refuse(huge))
        worst = max(worst, seconds)
        print(f"  {'50 MB file':<28} {seconds * 1000:8.2f} ms")
        print(f"  worst: {worst * 1000:.2f} ms (target < 1000 ms; ratio to target {worst:.4f})")

        print("large flows (best of 5):")
        for n in (1_000, 5_000):
            flow = grid_flow(n)
            text = dumps_flow(flow)
            path = tmp / f"{n}.flow.yaml"
            path.write_text(text, encoding="utf-8")
            load = best_of(lambda: load_flow(path))
            check = best_of(lambda: validate(loads_flow(text)))
            dump = best_of(lambda: dumps_flow(flow))
            save = best_of(lambda: save_flow(flow, path))
            print(
                f"  {n:>5} nodes, {len(text) / 1e6:.2f} MB: load {load * 1000:7.1f} ms, "
                f"load+validate {check * 1000:7.1f} ms, write text {dump * 1000:7.1f} ms, "
                f"atomic save {save * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()

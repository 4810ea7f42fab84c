"""Coverage-guided fuzzing with atheris (libFuzzer) of the targets in tests/fuzz/targets.py.

    python tests/fuzz/atheris_fuzz.py TARGET [-runs=10000] [other libFuzzer options]

Each target turns the fuzzer's raw bytes into an input (``Target.from_bytes``) and checks
its promise. It starts from the target's seeds and its past failures in the corpus; an
input that breaks a promise is written to tests/fuzz/corpus/TARGET/ before the fuzzer
stops on it, so test_corpus.py replays it from then on. ``make fuzz`` runs every target.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["flowsim"]):
    import flowsim.check  # noqa: E402,F401
    import flowsim.cli  # noqa: E402,F401
    import flowsim.io  # noqa: E402,F401
    import flowsim.model  # noqa: E402,F401
    import flowsim.rules  # noqa: E402,F401

from tests.fuzz.targets import TARGETS, target  # noqa: E402
from tests.fuzz.test_fuzz import CORPUS, save  # noqa: E402


def _seed_folder(fuzzed) -> Path:
    """A fresh folder of starting inputs: the target's seeds and its corpus, as raw bytes."""
    folder = Path(tempfile.mkdtemp(prefix=f"flowsim-atheris-{fuzzed.name}-"))
    seeds = [s if isinstance(s, bytes) else s.encode("utf-8") for s in fuzzed.seeds]
    for path in sorted((CORPUS / fuzzed.name).glob("*.json")):
        stored = fuzzed.decode(json.loads(path.read_text(encoding="utf-8"))["input"])
        if isinstance(stored, bytes):
            seeds.append(stored)
        elif isinstance(stored, str):
            seeds.append(stored.encode("utf-8"))
    for n, seed in enumerate(seeds):
        (folder / f"seed-{n}").write_bytes(seed)
    return folder


def main(argv: list[str]) -> None:
    names = [t.name for t in TARGETS]
    if len(argv) < 2 or argv[1] not in names:
        raise SystemExit(f"usage: {argv[0]} TARGET [libFuzzer options]; targets: {', '.join(names)}")
    fuzzed = target(argv[1])

    def one_input(data: bytes) -> None:
        value = fuzzed.from_bytes(data)
        try:
            fuzzed.check(value)
        except Exception:
            print(f"\nfailure kept in {save(fuzzed, value)}", file=sys.stderr)
            raise

    options = [a for a in argv[2:]]
    if not any(a.startswith("-max_len") for a in options):
        options.append("-max_len=4096")
    if not any(a.startswith("-artifact_prefix") for a in options):
        # libFuzzer's own crash-* files go to build/, not the current folder; the input
        # that failed is in the corpus already.
        artifacts = Path(__file__).resolve().parents[2] / "build" / "fuzz"
        artifacts.mkdir(parents=True, exist_ok=True)
        options.append(f"-artifact_prefix={artifacts}/")
    atheris.Setup([argv[0], *options, str(_seed_folder(fuzzed))], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)

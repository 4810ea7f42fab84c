"""Every input a fuzzer ever failed on (tests/fuzz/corpus/<target>/*.json), replayed: each
must keep its target's promise now (see tests/fuzz/targets.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.targets import TARGETS, target

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(CORPUS.glob("*/*.json"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_a_past_failure_keeps_its_targets_promise(path):
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["target"] == path.parent.name
    fuzzed = target(stored["target"])
    fuzzed.check(fuzzed.decode(stored["input"]))


def test_the_corpus_names_only_known_targets():
    assert CASES, "the corpus holds the inputs that once failed; it is never empty"
    assert {p.parent.name for p in CASES} <= {t.name for t in TARGETS}


def test_fuzzing_the_command_line_leaves_this_process_signals_as_they_were():
    # `flowsim gui` blocks stop signals until its window runs; fuzzed in-process, that
    # must not outlive the call (children started later would ignore SIGTERM).
    import signal

    from tests.fuzz.targets import check_cli

    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    check_cli(["gui", "--template", "lead-flow"])
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before

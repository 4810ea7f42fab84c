"""The fuzzers: each target of tests/fuzz/targets.py against generated inputs.

A failing input is written to tests/fuzz/corpus/<target>/ (the smallest Hypothesis found
for each distinct failure), where test_corpus.py replays it forever after.
"""

from __future__ import annotations

import hashlib
import json
import math
import traceback
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import PROFILE
from tests.fuzz.targets import TARGETS, Target

CORPUS = Path(__file__).resolve().parent / "corpus"
_found: dict[tuple, tuple[Target, object]] = {}


def _signature(target: Target, err: BaseException) -> tuple:
    """One failure: the target, the exception's type and the line that raised it."""
    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    return (target.name, type(err).__name__, frame.filename if frame else "", frame.lineno if frame else 0)


def save(target: Target, value: object) -> Path:
    """Write ``value`` into the target's corpus; the file name is a hash of the input."""
    stored = target.encode(value)
    text = json.dumps({"target": target.name, "input": stored}, ensure_ascii=False, indent=1)
    name = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    path = CORPUS / target.name / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module", autouse=True)
def keep_failures():
    """After the fuzzers ran, keep each distinct failure's last (smallest) input."""
    yield
    for target, value in _found.values():
        save(target, value)
    _found.clear()


def _settings(target: Target) -> settings:
    base = settings.get_profile(f"fuzz-{PROFILE}")
    examples = base.max_examples if PROFILE == "full" else max(20, math.ceil(base.max_examples * target.weight))
    return settings(base, max_examples=examples)


def _fuzzer(target: Target):
    @_settings(target)
    @given(data=st.data())
    def fuzz(data):
        value = data.draw(target.strategy, label="input")
        try:
            target.check(value)
        except Exception as err:
            _found[_signature(target, err)] = (target, value)
            raise

    return fuzz


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzz(target):
    _fuzzer(target)()


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_the_seeds_keep_their_promises(target):
    # The inputs the atheris fuzzers start from are good flows, rules and commands.
    for seed in target.seeds:
        target.check(target.from_bytes(seed) if isinstance(seed, bytes) and target.kind != "bytes" else seed)

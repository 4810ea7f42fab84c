"""What the fuzzers attack, and what each target promises for any input.

A :class:`Target` names one entry point, a Hypothesis strategy of inputs for it, how to
build an input from a fuzzer's raw bytes (atheris), and ``check``, which runs one input
and raises only when a promise is broken:

- ``yaml_loader``: any bytes load as a flow or are refused with a FlowError; a flow that
  loads writes out to text that loads again and writes out to the same text.
- ``validator``: any flow that loads is checked without raising; every issue formats as
  one line.
- ``rule_parser``: any text compiles to a rule or is refused with a RuleError; a compiled
  rule evaluated on any lead returns a value or raises a RuleError.
- ``rule_types``: the type check of any rule that compiles, against any field types,
  passes or raises a one-line RuleError, and lists its faults as one-line messages with
  columns.
- ``work_estimate``: any flow that loads and checks clean gets a finite, non-negative
  estimate of its work (or a FlowError), described in one line.
- ``cli_arguments``: any command line exits with a status (0, 1, 2) and no traceback; the
  simulation and the export themselves are replaced by a stand-in that stops the run
  once the arguments were accepted, so the fuzzer spends its time on argument handling.

Another checker joins by appending a Target to :data:`TARGETS` (the Hypothesis fuzzers,
the atheris fuzzers and the corpus regression tests all read that list).

Inputs are stored in the corpus as JSON (:func:`Target.encode`/``decode``); the CLI's
file arguments are placeholders (``{flow}``, ``{out}``...) filled in at run time.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import math
import os
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from unittest import mock

import yaml
from hypothesis import strategies as st

from flowsim.errors import FlowError, RuleError

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((REPO / "templates").glob("*.flow.yaml"))
TEMPLATE_TEXTS = [p.read_text(encoding="utf-8") for p in TEMPLATES]


@dataclass(frozen=True)
class Target:
    """One fuzzed entry point; see the module docstring for each one's promise."""

    name: str
    strategy: st.SearchStrategy
    check: Callable[[Any], None]
    from_bytes: Callable[[bytes], Any]
    #: How an input is stored in the corpus: "bytes" (base64), "text" or "json".
    kind: str = "json"
    #: The share of the profile's examples this target runs (slow targets take fewer).
    weight: float = 1.0
    seeds: list = field(default_factory=list)

    def encode(self, value: Any) -> Any:
        return base64.b64encode(value).decode("ascii") if self.kind == "bytes" else value

    def decode(self, stored: Any) -> Any:
        if self.kind == "bytes":
            return base64.b64decode(stored)
        if self.kind == "json" and isinstance(stored, list) and self.name in ("rule_parser", "rule_types"):
            return (stored[0], stored[1])
        return stored


# --- the YAML loader -------------------------------------------------------------------

_YAML_BITS = [
    ": ", "- ", "{", "}", "[", "]", ",", "&a ", "*a", "<<: *a", "!!python/object:os.system ", "!!binary ",
    "!tag ", "\t", "  ", "'", '"', "# note", "\n", "\r\n", "0x1F", "1e999", "-.inf", ".nan", "~", "?", "|",
    ">-", "---\n", "...\n", "%YAML 1.1\n", "\ufeff", "\x00", "\u2028", "é", "null", "yes", "2026-01-01",
    "flowsim: 2", "flowsim: 0", "id: x", "kind: source", "nodes:", "edges:", "- {from: a, to: b}",
    "when: \"score >= \"", "probability: 2", "capacity: -1", "arrivals: {per_day: 1e9}",
    "service: {dist: lognormal, mean: 1, sd: 1e308}", "patience: 3x", "position: [1]",
]


@st.composite
def mutated_text(draw, texts: list[str]) -> str:
    """One of ``texts`` with a few spans deleted, repeated, or replaced by YAML syntax."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 5))):
        if not text:
            break
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 40)))
        how = draw(st.sampled_from(["delete", "insert", "replace", "repeat"]))
        bit = draw(st.one_of(st.sampled_from(_YAML_BITS), st.text(max_size=6)))
        if how == "delete":
            text = text[:a] + text[b:]
        elif how == "insert":
            text = text[:a] + bit + text[a:]
        elif how == "replace":
            text = text[:a] + bit + text[b:]
        else:
            text = text[:b] + text[a:b] * draw(st.integers(1, 3)) + text[b:]
    return text


yaml_inputs = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8")),
    mutated_text(TEMPLATE_TEXTS).map(lambda t: t.encode("utf-8")),
    mutated_text(TEMPLATE_TEXTS).map(lambda t: t.encode("utf-16")),
)


def check_yaml_loader(raw: bytes) -> None:
    from flowsim.io import dumps_flow, loads_flow
    from flowsim.io.files import decode

    try:
        flow = loads_flow(decode(raw))
    except FlowError:
        return
    text = dumps_flow(flow)
    again = dumps_flow(loads_flow(text))
    assert again == text, "a loaded flow writes out to text that does not write out the same way again"


# --- the validator ---------------------------------------------------------------------

_KEYS = [
    "id", "kind", "label", "position", "arrivals", "per_day", "cost_per_lead", "capacity", "service",
    "patience", "when", "probability", "from", "to", "rules", "threshold", "segments", "attributes",
    "behaviours", "assignment", "outcome", "days", "replications", "seed", "warmup_days", "weekdays",
    "months", "speed_to_lead", "decay", "points", "dist", "mean", "sd", "min", "max", "policy", "reps",
    "conversion", "delay", "color", "notes", "unsubscribe", "emails", "every", "score", "segment",
]
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["30m", "2h", "3d", "1w", "-1d", "0", "1e999", "score >= 60", "score >=", "exponential",
                     "lognormal", "uniform", "round_robin", "won", "lost", "source", "sink", "#fff", "1/0"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=6)), inner, max_size=4)),
    max_leaves=12,
)


def _slots(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a plain YAML tree, the root's keys first."""
    found, todo = [], [data]
    while todo:
        node = todo.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append((node, key))
            todo.append(value)
    return found


@st.composite
def mutated_flow(draw) -> str:
    """A template's data with a few values replaced, removed or added, as YAML text."""
    data = copy.deepcopy(draw(st.sampled_from(_TEMPLATE_DATA)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(data)
        container, key = draw(st.sampled_from(slots))
        how = draw(st.sampled_from(["replace", "delete", "add", "copy"]))
        if how == "replace":
            container[key] = draw(_VALUES)
        elif how == "delete":
            del container[key]
        elif how == "add" and isinstance(container, dict):
            container[draw(st.sampled_from(_KEYS))] = draw(_VALUES)
        elif how == "add":
            container.append(draw(_VALUES))
        else:  # a copy of another value: duplicate ids, nodes as edges...
            other, other_key = draw(st.sampled_from(slots))
            container[key] = copy.deepcopy(other[other_key])
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)


_TEMPLATE_DATA = [yaml.safe_load(text) for text in TEMPLATE_TEXTS]


def check_validator(text: str) -> None:
    from flowsim.check import check_flow
    from flowsim.io import loads_flow
    from flowsim.model import validate

    try:
        flow = loads_flow(text)
    except FlowError:
        return
    validate(flow)
    for issue in check_flow(flow):
        line = issue.format("fuzz.flow.yaml")
        assert isinstance(line, str) and "\n" not in line, f"an issue that is not one line: {line!r}"


# --- the rule parser -------------------------------------------------------------------

_FIELDS = ["score", "channel", "fit_score", "engagement_score", "touches", "waited", "age", "segment",
           "accepted", "job_title", "company_size", "industry", "region", "budget", "x"]
_RULE_TOKENS = _FIELDS + [
    "0", "1", "60", "-3", "1.5", "1e309", "1e-320", "10**9", "9**9**9", "0x10", "1_000", "'a'", '"b"', "''",
    "'%s'", "'%d'", "true", "false", "none", "True", "None", "and", "or", "not", "in", "is", "if", "else",
    "==", "!=", "<", "<=", ">", ">=", "=", "+", "-", "*", "/", "//", "%", "**", "(", ")", "[", "]", "{", "}",
    ",", ":", ".", "lambda", "__class__", "__import__", ".__class__", "abs", "contains", "days", "hours",
    "len", "lower", "max", "min", "minutes", "round", "upper", "weeks", "'\\x00'", "#", "\\", "\n", ";",
]
rule_texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(_RULE_TOKENS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(_RULE_TOKENS), max_size=14).map("".join),
)
_LEAD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(max_size=8),
    st.lists(st.integers(0, 9), max_size=3),
)
rule_inputs = st.tuples(rule_texts, st.dictionaries(st.sampled_from(_FIELDS), _LEAD_VALUES, max_size=6))


def check_rule_parser(value: tuple[str, dict]) -> None:
    from flowsim.rules import compile_rule

    text, lead = value
    for fields in (None, frozenset(_FIELDS)):
        try:
            rule = compile_rule(text, fields=fields)
        except RuleError:
            continue
        try:
            rule(lead)
        except RuleError:
            pass


# --- the command line ------------------------------------------------------------------

_PLACES = {
    "{flow}": "good.flow.yaml", "{bad}": "bad.flow.yaml", "{missing}": "missing.flow.yaml",
    "{dir}": "folder", "{out}": "out/result", "{nowhere}": "no/such/folder/result",
}
_ARG_TOKENS = [
    "templates", "new", "validate", "simulate", "export", "gui", "help", "-h", "--help", "--version",
    "--force", "-q", "--quiet", "--days", "--replications", "--seed", "--jobs", "--warmup-days", "--json",
    "--csv", "-o", "--output", "--width", "--fps", "--duration", "--theme", "--transparent", "--hide",
    "--template", "lead-flow", "five-stage-process", "no-such-template", "light", "dark", "purple",
    "0", "1", "2", "-1", "3.5", "1e9", "1e999", "nan", "inf", "-inf", "99999999999999999999", "0x10", "",
    "x", "--", "-", "=", "--days=7", "--seed=-1", "--width=0", "--hide=won,nope", "won", "ads,", "\x00",
    "{flow}", "{bad}", "{missing}", "{dir}", "{out}.svg", "{out}.png", "{out}.gif", "{out}.mp4", "{out}.json",
    "{out}.csv", "{out}.txt", "{out}", "{nowhere}.png", "{nowhere}.json", "{flow}.png",
]
cli_inputs = st.lists(st.one_of(st.sampled_from(_ARG_TOKENS), st.text(max_size=8)), max_size=8)


class _Accepted(Exception):
    """Raised by the stand-ins for the simulation and the export: the arguments passed."""


def _stand_in(*args: Any, **kwargs: Any) -> Any:
    raise _Accepted


_WORKDIR: Path | None = None


def _workdir() -> Path:
    """A folder with a good flow, a broken one, a sub-folder and an output folder."""
    global _WORKDIR
    if _WORKDIR is None:
        folder = Path(tempfile.mkdtemp(prefix="flowsim-fuzz-"))
        (folder / "good.flow.yaml").write_text(
            "flowsim: 1\nname: Fuzz\nnodes:\n  - {id: ads, kind: source, arrivals: {per_day: 5}}\n"
            "  - {id: won, kind: sink, outcome: won}\nedges:\n  - {from: ads, to: won}\n", encoding="utf-8")
        (folder / "bad.flow.yaml").write_text("flowsim: 1\nname: [unclosed\n", encoding="utf-8")
        (folder / "folder").mkdir()
        (folder / "out").mkdir()
        _WORKDIR = folder
    return _WORKDIR


def fill_places(argv: list[str], folder: Path) -> list[str]:
    out = []
    for arg in argv:
        for place, name in _PLACES.items():
            arg = arg.replace(place, str(folder / name))
        out.append(arg)
    return out


def check_cli(argv: list[str]) -> None:
    from flowsim.cli import main

    folder = _workdir()
    args = fill_places(argv, folder)
    stdout, stderr = io.StringIO(), io.StringIO()
    # `flowsim gui` blocks stop signals until its event loop runs; in this process that
    # would outlive the call and pass on to every child started later.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, []) if hasattr(signal, "pthread_sigmask") else None
    with contextlib.ExitStack() as stack:
        if mask is not None:
            stack.callback(signal.pthread_sigmask, signal.SIG_SETMASK, mask)
        stack.enter_context(contextlib.redirect_stdout(stdout))
        stack.enter_context(contextlib.redirect_stderr(stderr))
        stack.enter_context(contextlib.chdir(folder))
        stack.enter_context(mock.patch.dict(os.environ, {"QT_QPA_PLATFORM": "offscreen"}))
        stack.enter_context(mock.patch("flowsim.sim.runner.simulate", _stand_in))
        stack.enter_context(mock.patch("flowsim.render.export.export_flow", _stand_in))
        stack.enter_context(mock.patch("flowsim.gui.app.run", _stand_in))
        try:
            status = main(args)
        except SystemExit as stop:  # argparse: --help, --version, usage errors
            assert stop.code in (0, 2, None), f"exit {stop.code!r}"
            status = stop.code or 0
        except _Accepted:
            status = 0
    assert status in (0, 1, 2), f"exit status {status!r}"
    assert "Traceback" not in stderr.getvalue() + stdout.getvalue()
    if status == 1 and "validate" not in args:  # validate prints a line per problem
        lines = [line for line in stderr.getvalue().splitlines() if line.strip()]
        assert len(lines) == 1, f"a refusal that is not one line: {stderr.getvalue()!r}"


# --- the rule type checker ------------------------------------------------------------

_TYPE_NAMES = ["num", "str", "bool", "none", "list"]
rule_type_inputs = st.tuples(
    rule_texts,
    st.dictionaries(st.sampled_from(_FIELDS), st.lists(st.sampled_from(_TYPE_NAMES), min_size=1, max_size=3), max_size=8),
)


def check_rule_types(value: tuple[str, dict]) -> None:
    from flowsim.rules import compile_rule
    from flowsim.rules.typecheck import LEAD_FIELD_TYPES, check_types, rule_faults

    text, types = value
    try:
        compile_rule(text)  # the type check is for rules that compile, as check_flow runs it
    except RuleError:
        return
    types = {**LEAD_FIELD_TYPES, **{name: set(kinds) for name, kinds in types.items()}}
    try:
        check_types(text, types)
    except RuleError as err:
        assert "\n" not in str(err), f"a type fault that is not one line: {err}"
    for message, column in rule_faults(text, types):
        assert isinstance(message, str) and "\n" not in message and isinstance(column, int)


# --- the run work estimate -------------------------------------------------------------


def check_work_estimate(text: str) -> None:
    from flowsim.check import check_flow
    from flowsim.io import loads_flow
    from flowsim.model import errors_in
    from flowsim.sim.work import estimate_work

    try:
        flow = loads_flow(text)
    except FlowError:
        return
    if errors_in(check_flow(flow)):
        return  # the app and the CLI estimate only flows that check clean
    try:
        work = estimate_work(flow)
    except FlowError:
        return
    assert work.steps >= 0 and not math.isnan(work.steps), f"estimated {work.steps} steps"
    assert "\n" not in work.describe()


# --- raw bytes to inputs, for atheris --------------------------------------------------


def _text_from(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _rule_from(data: bytes) -> tuple[str, dict]:
    cut = data.find(b"\x00")
    text = _text_from(data if cut < 0 else data[:cut])
    rest = b"" if cut < 0 else data[cut + 1:]
    lead: dict[str, Any] = {}
    for i, chunk in enumerate(rest.split(b"\x00")[:6]):
        name = _FIELDS[i % len(_FIELDS)]
        word = _text_from(chunk)
        try:
            number = float(word)
            lead[name] = number if not math.isfinite(number) or not number.is_integer() else int(number)
        except (ValueError, OverflowError):
            lead[name] = word
    return text, lead


def _argv_from(data: bytes) -> list[str]:
    argv = []
    for byte in data[:10]:
        argv.append(_ARG_TOKENS[byte % len(_ARG_TOKENS)])
    return argv


TARGETS: list[Target] = [
    Target("yaml_loader", yaml_inputs, check_yaml_loader, lambda b: b, kind="bytes",
           seeds=[t.encode("utf-8") for t in TEMPLATE_TEXTS]),
    Target("validator", mutated_flow(), check_validator, _text_from, kind="text", seeds=TEMPLATE_TEXTS),
    Target("rule_parser", rule_inputs, check_rule_parser, _rule_from,
           seeds=[b"score >= 60 and channel == 'paid'\x0070\x00paid", b"lower(job_title) in ['ceo']"]),
    Target("cli_arguments", cli_inputs, check_cli, _argv_from, weight=0.5, seeds=[b"\x02\x48", b"\x03\x49\x0d\x02"]),
    # From the bounded work: the type check of rules, and the estimate behind the work limit.
    Target("rule_types", rule_type_inputs, check_rule_types, lambda b: (_text_from(b), {}),
           seeds=[b"score / (2 - 2) > 1", b"job_title > 5"]),
    Target("work_estimate", mutated_flow(), check_work_estimate, _text_from, kind="text", weight=0.5,
           seeds=TEMPLATE_TEXTS),
]


def target(name: str) -> Target:
    return next(t for t in TARGETS if t.name == name)

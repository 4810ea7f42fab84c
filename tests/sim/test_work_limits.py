"""No valid flow runs away with time: one work estimate, the same in validate and simulate.

Every refusal is checked with a cancel event already set, as test_bad_config does: had the
limit been missed, the run would stop at its first step instead of taking minutes, and
the test would fail on the missing refusal, never on a clock.
"""

from __future__ import annotations

import threading

import pytest

from flowsim.cli import main
from flowsim.errors import SimulationError
from flowsim.io import loads_flow
from flowsim.sim import SimConfig, simulate
from flowsim.sim.work import DEFAULT_MAX_WORK, check_work, estimate_work

LOOP = """\
flowsim: 1
name: A loop that only exists at run time
simulation: {{days: {days}, replications: 1, seed: 1}}
nodes:
  - {{id: ads, kind: source, arrivals: {{per_day: {rate}}}}}
  - {{id: form, kind: capture}}
  - {{id: check, kind: score}}
  - {{id: won, kind: sink}}
edges:
  - {{from: ads, to: form}}
  - {{from: form, to: check}}
  - {{from: check, to: form, when: "age >= 0"}}
  - {{from: check, to: won}}
"""

PLAIN = """\
flowsim: 1
name: Plain
simulation: {{days: {days}, replications: {reps}, seed: 1}}
nodes:
  - {{id: ads, kind: source, arrivals: {{per_day: {rate}}}}}
  - {{id: won, kind: sink}}
edges:
  - {{from: ads, to: won}}
"""

NURTURE = """\
flowsim: 1
name: Long drip
simulation: {{days: 5, replications: 1, seed: 1}}
nodes:
  - {{id: ads, kind: source, arrivals: {{per_day: 20}}}}
  - {{id: drip, kind: nurture, touches: {touches}, every: {every}, engage: 0.5, points: 1}}
  - {{id: done, kind: sink}}
edges:
  - {{from: ads, to: drip}}
  - {{from: drip, to: done}}
"""


def refused(text: str, **config) -> SimulationError:
    flow = loads_flow(text, file="big.flow.yaml")
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(SimulationError) as info:
        simulate(flow, SimConfig(jobs=1, **config), cancel=cancelled)
    return info.value


@pytest.mark.parametrize(
    ("text", "config"),
    [
        (PLAIN.format(days=90, reps=10_000_000, rate=20), {}),  # replications: 10,000,000
        (PLAIN.format(days=90, reps=100_000, rate=20), {}),  # replications: 100,000
        (PLAIN.format(days=1e9, reps=1, rate=0.001), {}),  # days: 1e9 at per_day 0.001
        (PLAIN.format(days=90, reps=1, rate=1e9), {}),  # per_day: 1e9
        (LOOP.format(days=30, rate=2000), {}),  # a loop that exists only at run time
    ],
    ids=["10M replications", "100k replications", "1e9 days", "1e9 a day", "run-time loop"],
)
def test_runaway_runs_are_refused_with_the_estimate(text, config):
    err = refused(text, **config)
    message = str(err)
    assert "steps of work" in message and "--max-work" in message
    assert "arrivals" in message  # the estimate says what it counts
    assert err.line is not None  # at the source that makes the work


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (PLAIN.format(days=90, reps=100_000, rate=20), "100,000 replications"),
        (PLAIN.format(days=1e9, reps=1, rate=0.001), "1e+09 days"),
        (LOOP.format(days=30, rate=2000), "1,000 node visits each"),
    ],
)
def test_validate_warns_with_the_same_estimate_simulate_refuses_with(tmp_path, capsys, text, words):
    path = tmp_path / "big.flow.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 0  # a warning: the file itself is valid
    out = capsys.readouterr().out
    assert "warning:" in out and words in out and "--max-work" in out
    assert main(["simulate", str(path), "--jobs", "1", "--max-work", "1"]) == 1
    assert words in capsys.readouterr().err


def test_one_place_decides_validate_and_simulate_agree():
    flow = loads_flow(LOOP.format(days=30, rate=2000))
    work = estimate_work(flow)
    assert work.steps > DEFAULT_MAX_WORK
    with pytest.raises(SimulationError):
        check_work(work)
    check_work(work, max_work=work.steps)  # exactly at the limit runs


def test_max_work_lets_a_looping_run_go_on_purpose(capsys, tmp_path):
    path = tmp_path / "loop.flow.yaml"
    path.write_text(LOOP.format(days=2, rate=10))
    assert main(["simulate", str(path), "--jobs", "1", "--max-work", "1000"]) == 1
    assert "steps of work" in capsys.readouterr().err
    assert main(["simulate", str(path), "--jobs", "1", "--max-work", "inf"]) == 0
    out = capsys.readouterr().out
    assert "1000 steps in a cycle" in out  # it ran: the loop is caught as before


def test_the_bundled_templates_run_with_room_to_spare(template_files):
    for path in template_files:
        work = estimate_work(loads_flow(path.read_text(encoding="utf-8")))
        assert 3 * work.steps < DEFAULT_MAX_WORK, path.name  # three times the replications pass


def test_the_estimate_grows_with_days_replications_and_rate():
    base = estimate_work(loads_flow(PLAIN.format(days=30, reps=2, rate=50))).steps
    assert estimate_work(loads_flow(PLAIN.format(days=60, reps=2, rate=50))).steps > base
    assert estimate_work(loads_flow(PLAIN.format(days=30, reps=4, rate=50))).steps == pytest.approx(2 * base)
    assert estimate_work(loads_flow(PLAIN.format(days=30, reps=2, rate=100))).steps > base


def test_a_loop_through_a_slow_node_is_bounded_by_the_days():
    slow = LOOP.replace("{{id: check, kind: score}}", "{{id: check, kind: score, delay: 10}}")
    work = estimate_work(loads_flow(slow.format(days=30, rate=10)))
    # 30 days over 10 days a round: at most 4 rounds of the 2-node loop, plus the way out.
    assert work.visits / work.arrivals <= 12


# --- nurture ------------------------------------------------------------------------------


def test_a_million_touches_on_a_five_day_run_only_work_the_touches_inside_it():
    flow = loads_flow(NURTURE.format(touches=1_000_000, every="1w"))
    work = estimate_work(flow)
    assert work.touches <= work.arrivals * 1  # one touch at most falls inside 5 days
    results = simulate(flow, SimConfig(jobs=1))
    # a week between touches: nobody finishes the drip inside 5 days
    assert results.nodes["drip"]["in_progress"].mean == results.nodes["drip"]["entered"].mean


@pytest.mark.parametrize("touches", [10_000, 100_000])
def test_more_touches_than_the_run_can_hold_give_the_same_run(touches):
    flows = [loads_flow(NURTURE.format(touches=n, every="1d")) for n in (touches, 10)]
    a, b = (simulate(f, SimConfig(jobs=1)) for f in flows)
    assert a.to_json().replace("Long drip", "") == b.to_json().replace("Long drip", "")


def test_touches_after_the_end_do_not_count():
    results = simulate(loads_flow(NURTURE.format(touches=3, every="1d")), SimConfig(jobs=1))
    assert results.nodes["done"]["entered"].mean > 0  # three days of drip end inside five


@pytest.mark.parametrize("every", ["0", "0d", "0m"])
def test_every_must_be_positive(tmp_path, capsys, every):
    path = tmp_path / "zero.flow.yaml"
    path.write_text(NURTURE.format(touches=5, every=every))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "every" in out and ":6:" in out  # the nurture node's line
    with pytest.raises(SimulationError):
        simulate(loads_flow(path.read_text()), SimConfig(jobs=1))


def test_a_duration_with_400_digits_is_refused_like_1e308(tmp_path, capsys):
    for delay in ("1" + "0" * 400 + "d", "1e308"):
        text = PLAIN.format(days=5, reps=1, rate=1).replace(
            "{id: won, kind: sink}", f"{{id: won, kind: sink, delay: '{delay}'}}" if delay.endswith("d")
            else f"{{id: won, kind: sink, delay: {delay}}}")
        path = tmp_path / "d.flow.yaml"
        path.write_text(text)
        assert main(["validate", str(path)]) == 1, delay
        assert "delay" in capsys.readouterr().out


def test_max_work_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit):
        main(["simulate", "x.flow.yaml", "--max-work", "-5"])
    assert "max-work" in capsys.readouterr().err

"""Scenarios in the file: overrides by PATH, applied to a copy, checked with lines."""

from __future__ import annotations

import pytest

from flowsim.check import check_flow
from flowsim.io import dumps_flow, loads_flow
from flowsim.model import Scenario, apply_overrides, validate
from flowsim.model.scenarios import PathError, overrides_between, parse_path

TEXT = """flowsim: 1
name: Demo

nodes:
  - id: ads
    kind: source
    position: [0, 0]
    arrivals: {per_day: 40}

  - id: team
    kind: handoff
    position: [1, 0]
    capacity: 2
    service: {dist: exponential, mean: 30m}

  - id: won
    kind: sink
    position: [2, 0]

edges:
  - {from: ads, to: team}
  - {from: team, to: won}

scenarios:
  - {name: three reps, set: {team.capacity: 3, ads.arrivals.per_day: 50}}
  # a comment stays
  - {name: slower, set: {team.service.mean: 1h, ads->team.probability: 0.5, simulation.days: 30}}
"""


def test_scenarios_load_and_save_back_to_the_same_bytes():
    flow = loads_flow(TEXT)
    assert [s.name for s in flow.scenarios] == ["three reps", "slower"]
    assert flow.scenarios[0].values == {"team.capacity": 3, "ads.arrivals.per_day": 50}
    assert dumps_flow(flow) == TEXT
    assert validate(flow) == []


def test_a_file_without_scenarios_has_none_and_writes_none():
    flow = loads_flow(TEXT.split("\nscenarios:")[0])
    assert flow.scenarios == [] and "scenarios" not in dumps_flow(flow)


def test_applying_a_scenario_changes_a_copy_only():
    flow = loads_flow(TEXT)
    twin = apply_overrides(flow, flow.scenarios[1].values)
    assert twin.node("team").params["service"] == {"dist": "exponential", "mean": "1h"}
    assert twin.edges[0].probability == 0.5 and twin.simulation["days"] == 30
    assert twin.scenarios == []
    assert flow == loads_flow(TEXT)


def test_null_removes_a_field_and_a_new_subfield_makes_its_mapping():
    flow = loads_flow(TEXT)
    twin = apply_overrides(flow, {"team.capacity": None, "team.delay.dist": "fixed", "team.delay.value": 1})
    assert "capacity" not in twin.node("team").params
    assert twin.node("team").params["delay"] == {"dist": "fixed", "value": 1}


@pytest.mark.parametrize("path, kind, owner, keys", [
    ("sdr_handoff.capacity", "node", "sdr_handoff", ("capacity",)),
    ("linkedin_ads.arrivals.per_day", "node", "linkedin_ads", ("arrivals", "per_day")),
    ("scoring->nurture.probability", "edge", ("scoring", "nurture"), ("probability",)),
    ("simulation.days", "simulation", None, ("days",)),
])
def test_paths_name_a_node_field_an_edge_field_or_a_setting(path, kind, owner, keys):
    target = parse_path(path)
    assert (target.kind, target.owner, target.keys) == (kind, owner, keys)


@pytest.mark.parametrize("path, fragment", [
    ("nobody.capacity", "no node"),
    ("team.colour", "no field"),
    ("team.position", "does not change"),
    ("won->ads.probability", "no edge"),
    ("ads->team.label", "when or probability"),
    ("simulation.seed", "same for every scenario"),
    ("team", "NODE.FIELD"),
    ("ads.arrivals.per_day.x", "not a mapping"),
])
def test_a_path_that_names_nothing_is_refused_by_name(path, fragment):
    with pytest.raises(PathError, match=fragment):
        apply_overrides(loads_flow(TEXT), {path: 1})


def test_scenario_problems_name_the_scenario_the_path_and_the_line():
    text = TEXT + """  - name: broken
    set:
      team.capacity: 0
      nobody.capacity: 2
  - {name: three reps, set: {}}
  - {name: baseline, set: {}}
"""
    lines = text.splitlines()

    def line(fragment: str, after: int = 0) -> int:
        return next(n for n, t in enumerate(lines, 1) if n > after and fragment in t)

    found = [(i.line, str(i)) for i in check_flow(loads_flow(text))]
    assert len(found) == 4
    (l1, capacity), (l2, nobody), (l3, duplicate), (l4, baseline) = found
    assert l1 == line("team.capacity: 0") and "scenario 'broken', team.capacity" in capacity
    assert "whole number" in capacity
    assert l2 == line("nobody.capacity") and "nobody" in nobody
    first = line("three reps")
    assert l3 == line("three reps", first) and "duplicate" in duplicate and f"line {first}" in duplicate
    assert l4 == line("name: baseline") and "baseline" in baseline


def test_scenarios_have_undoable_edits():
    flow = loads_flow(TEXT)
    events = []
    flow.scenarios_changed.connect(lambda: events.append(True))
    index = flow.add_scenario(Scenario("four reps", {"team.capacity": 4}))
    old = flow.rename_scenario(index, "four")
    previous = flow.set_scenario_values(index, {"team.capacity": 5})
    assert (old, previous) == ("four reps", {"team.capacity": 4})
    flow.set_scenario_values(index, previous)
    flow.rename_scenario(index, old)
    removed = flow.remove_scenario(index)
    assert removed == Scenario("four reps", {"team.capacity": 4})
    assert flow == loads_flow(TEXT) and len(events) == 6


def test_the_edits_between_two_flows_are_the_overrides_that_make_one_from_the_other():
    base = loads_flow(TEXT)
    edited = base.copy()
    edited.set_node("team", "capacity", 4)
    edited.set_node("team", "patience", "2h")
    edited.set_node("ads", "label", "Ads")  # cosmetic: not a scenario's
    edited.set_edge(edited.edges[0], "probability", 0.9)
    edited.set_setting("days", 60)
    values = overrides_between(base, edited)
    assert values == {"team.capacity": 4, "team.patience": "2h", "ads->team.probability": 0.9, "simulation.days": 60}
    twin = apply_overrides(base, values)
    twin.node("ads").label = "Ads"
    edited.scenarios = []
    assert twin == edited


def test_added_or_removed_steps_cannot_be_a_scenario():
    base = loads_flow(TEXT)
    edited = base.copy()
    edited.remove_edge(edited.edges[1])
    with pytest.raises(PathError, match="cannot add, remove"):
        overrides_between(base, edited)

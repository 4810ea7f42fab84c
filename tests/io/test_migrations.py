"""Format versions: old files are migrated, newer ones refused."""

import pytest

from flowsim.errors import FormatError
import flowsim.io.migrate as migrate_module
from flowsim.io import dumps_flow, loads_flow


def test_a_file_of_an_older_version_is_migrated_and_saved_as_current(monkeypatch):
    monkeypatch.setattr(migrate_module, "CURRENT", 2)

    def rename_title(data):  # version 1 → 2 in this pretend history: 'title' became 'name'
        data = dict(data)
        data["name"] = data.pop("title")
        return data

    monkeypatch.setitem(migrate_module.MIGRATIONS, 2, rename_title)
    data, version = migrate_module.migrate({"flowsim": 1, "title": "Old"})
    assert version == 1
    assert data == {"flowsim": 2, "name": "Old"}


def test_loading_migrates_and_saving_writes_the_current_version(monkeypatch):
    monkeypatch.setattr(migrate_module, "CURRENT", 2)
    monkeypatch.setitem(migrate_module.MIGRATIONS, 2, lambda data: {**data, "name": data["name"].upper()})
    flow = loads_flow("flowsim: 1\nname: old\n")
    assert flow.name == "OLD"
    assert dumps_flow(flow).startswith("flowsim: 2\nname: OLD\n")


def test_a_newer_version_is_refused_with_advice():
    with pytest.raises(FormatError, match="please upgrade flowsim"):
        loads_flow("flowsim: 2\nname: Future\n")


def test_files_are_written_with_the_current_version():
    assert dumps_flow(loads_flow("flowsim: 1\nname: Now\n")).startswith("flowsim: 1\n")

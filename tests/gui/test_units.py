"""Durations with units and percentages read and write the file's own values."""

from __future__ import annotations

import pytest

from flowsim.gui.duration_edit import join_duration, split_duration
from flowsim.gui.percent_edit import parse_percent, percent_text


@pytest.mark.parametrize("value, parts", [("45m", (45, "m")), ("1.5h", (1.5, "h")), ("3d", (3, "d")),
                                          ("1w", (1, "w")), (2, (2, "d")), ("90s", (1.5, "m")), ("soon", None)])
def test_a_duration_splits_into_amount_and_unit(value, parts):
    assert split_duration(value) == parts


def test_a_duration_is_written_as_typed():
    assert [join_duration(45, "m"), join_duration(1.5, "h"), join_duration(2.0, "w")] == ["45m", "1.5h", "2w"]


@pytest.mark.parametrize("text, share", [("4", 0.04), ("4 %", 0.04), ("12.5%", 0.125), ("100", 1), ("0", 0), ("", None)])
def test_a_percentage_is_read_as_a_share(text, share):
    assert parse_percent(text) == share


@pytest.mark.parametrize("text", ["140", "-3", "four"])
def test_a_bad_percentage_is_refused_with_a_reason(text):
    with pytest.raises(ValueError):
        parse_percent(text)


def test_a_share_is_shown_as_a_percentage():
    assert [percent_text(0.04), percent_text(0.125), percent_text(1), percent_text(None)] == ["4 %", "12.5 %", "100 %", ""]

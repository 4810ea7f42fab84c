"""One value as one line of YAML, for editors: ``{dist: exponential, mean: 45m}`` ↔ data."""

from __future__ import annotations

from typing import Any

from flowsim.errors import FlowFileError
from flowsim.io.emit import inline as _inline
from flowsim.io.yamlread import read_yaml

__all__ = ["format_value", "parse_value"]


def format_value(value: Any) -> str:
    """``value`` as the file would write it inline (text without quotes when it can)."""
    if value is None:
        return ""
    return _inline(value)


def parse_value(text: str) -> Any:
    """The value of one line of YAML; empty text is ``None``. FlowFileError if malformed."""
    if not text.strip():
        return None
    if "\n" in text.strip():
        raise FlowFileError("write the value on one line")
    try:
        return read_yaml(f"value: {text}").data["value"]
    except FlowFileError as err:
        raise FlowFileError(err.message) from None

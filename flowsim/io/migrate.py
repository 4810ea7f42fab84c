"""Format versions: every file says ``flowsim: N``; older versions are migrated on load.

To change the format: bump :data:`CURRENT`, and register a function that turns a version
N-1 document (plain data) into version N in :data:`MIGRATIONS`. Never rename a key
without one: users' files, the templates and acceptance checks depend on the keys.
"""

from __future__ import annotations

from typing import Any, Callable

from flowsim.errors import FormatError

__all__ = ["CURRENT", "MIGRATIONS", "migrate"]

#: The format version this flowsim writes.
CURRENT = 1

#: ``MIGRATIONS[n]`` turns a version ``n - 1`` document into version ``n``.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any], *, line: int | None = None) -> tuple[dict[str, Any], int]:
    """Bring ``data`` to :data:`CURRENT`; return it and the version it had.

    Raises :class:`~flowsim.errors.FormatError` for a missing, malformed or newer version.
    """
    version = data.get("flowsim")
    if version is None:
        raise FormatError(
            "not a flowsim file: the first key should be 'flowsim: 1' (the format version)",
            line=1,
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError(f"the format version must be a whole number ≥ 1, got {version!r}", line=line)
    if version > CURRENT:
        raise FormatError(
            f"this file is format {version}, from a newer flowsim; this one reads up to "
            f"format {CURRENT}: please upgrade flowsim",
            line=line,
        )
    original = version
    while version < CURRENT:
        version += 1
        data = MIGRATIONS[version](data)
        data["flowsim"] = version
    return data, original

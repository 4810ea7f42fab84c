"""Where the bundled templates and assets are, installed or in a source checkout.

A wheel carries them inside the package (``flowsim/_data``); a checkout or an editable
install has them at the top of the repository (``templates/``, ``assets/``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from flowsim.errors import FlowError

__all__ = ["data_dir", "templates", "template_path", "Template", "TEMPLATE_SUFFIX", "DEFAULT_TEMPLATE"]

TEMPLATE_SUFFIX = ".flow.yaml"
#: The template the app opens on first start and ``make run`` shows.
DEFAULT_TEMPLATE = "lead-flow"

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder of bundled ``templates`` or ``assets``."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FlowError(f"flowsim's {name} folder is missing from this installation")


@dataclass(frozen=True)
class Template:
    """A bundled flow: its short name (for ``flowsim new``), path, title and description."""

    name: str
    path: Path
    title: str
    description: str


def templates() -> list[Template]:
    """The bundled templates, the default first, then by name."""
    from flowsim.io import load_flow  # io sits above this module's users; import on demand

    found = []
    for path in sorted(data_dir("templates").glob("*" + TEMPLATE_SUFFIX)):
        flow = load_flow(path)
        found.append(Template(path.name[: -len(TEMPLATE_SUFFIX)], path, flow.name, flow.description))
    found.sort(key=lambda t: (t.name != DEFAULT_TEMPLATE, t.name))
    return found


def template_path(name: str) -> Path:
    """The file of the template called ``name``; FlowError with suggestions if none is."""
    folder = data_dir("templates")
    path = folder / f"{name}{TEMPLATE_SUFFIX}"
    if path.is_file():
        return path
    names = sorted(p.name[: -len(TEMPLATE_SUFFIX)] for p in folder.glob("*" + TEMPLATE_SUFFIX))
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise FlowError(f"no template called {name!r}; {hint}templates: {', '.join(names)}")

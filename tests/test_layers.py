"""The house's layers: model, io, rules, sim and render never import Qt (design.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import flowsim

PACKAGE = Path(flowsim.__file__).parent
QT_FREE = ("model", "io", "rules", "sim", "render")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_below_gui_imports_qt():
    offenders = []
    for layer in QT_FREE:
        for path in (PACKAGE / layer).rglob("*.py"):
            qt = {m for m in imported_modules(path) if m.split(".")[0] in ("PySide6", "shiboken6")}
            if qt:
                offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(qt)}")
    assert offenders == []


def test_the_import_linter_contracts_hold():
    """pyproject.toml's contracts: Qt only in gui, and layers import only downwards."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=PACKAGE.parent, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_importing_the_core_layers_does_not_load_qt():
    code = "import sys, flowsim.model, flowsim.io, flowsim.rules, flowsim.cli; print(any(m.startswith('PySide6') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr

"""`--backend auto`: the framework a student's files import, read from their source (not run)."""

from __future__ import annotations

import ast
from pathlib import Path

import backends

_ROOTS = {"numpy": "numpy", "torch": "torch", "tensorflow": "tensorflow", "keras": "tensorflow"}


def imported_frameworks(files: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in files:
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                root = _ROOTS.get(name.split(".")[0])
                if root:
                    found.add(root)
    return found


def choose_backend(files: list[Path]) -> tuple[str, str]:
    """The backend for `auto` and why: torch or tensorflow if the files import one, else numpy."""
    found = imported_frameworks(files)
    frameworks = sorted(found - {"numpy"})
    if len(frameworks) == 1:
        return frameworks[0], f"your files import {frameworks[0]}"
    if len(frameworks) > 1:
        # Both imported: take the one an installed backend can serve, torch first.
        for name in ("torch", "tensorflow"):
            if name in frameworks and backends.installed(name):
                return name, f"your files import {' and '.join(frameworks)}; grading with {name}"
    return "numpy", "your files import no framework but NumPy" if found else "the default"

"""Shared fixtures: installed backends, a full-marks submission built from the reference
solutions, and in-process access to the grading engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import backends

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "reference" / "solutions"
STUBS = ROOT / "exercises"

INSTALLED = [name for name in backends.NAMES if backends.installed(name)]


@pytest.fixture(scope="session")
def solutions_dir(tmp_path_factory) -> Path:
    """A submission laid out like exercises/: a copy of every lecture's reference solutions."""
    root = tmp_path_factory.mktemp("solutions")
    for lecture in SOLUTIONS.iterdir():
        if lecture.is_dir() and lecture.name.startswith("lecture"):
            shutil.copytree(lecture, root / lecture.name,
                            ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return root


@pytest.fixture
def submission(tmp_path):
    """Build a submission: submission({'lecture1/activations.py': source, ...}) -> its root."""

    def build(files: dict[str, str], base: Path | None = None) -> Path:
        root = tmp_path / "submission"
        if base is not None:
            shutil.copytree(base, root, dirs_exist_ok=True)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return root

    return build


def require_backend(name: str) -> None:
    if name not in INSTALLED:
        pytest.skip(f"{name} is not installed")

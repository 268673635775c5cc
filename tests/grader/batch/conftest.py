"""A small class to grade: full marks, stubs, a known mistake, zips, hostile entries; and a
course file that keeps each grading to a handful of exercises, so the tests stay quick."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SOLUTIONS, STUBS

# Five exercises of lecture1 in two files: a few tenths of a second per student.
FAST_COURSE = """
[course]
name = "test course"
lectures = ["lecture1"]
backends = ["numpy"]

[lectures.lecture1]
exercises = ["sigmoid", "tanh", "relu", "mse_loss", "softmax"]
points = { sigmoid = 2 }
"""
FAST_EXERCISES = ["lecture1.sigmoid", "lecture1.tanh", "lecture1.relu", "lecture1.mse_loss",
                  "lecture1.softmax"]
FAST_MAX = 7.0

# Appended to activations.py: a later def replaces the solution's. A known mistake of the
# catalog ("tanh instead of sigmoid"), written for any backend.
TANH_FOR_SIGMOID = "\n\ndef sigmoid(z):\n    xp = array_namespace(z)\n    return xp.tanh(z)\n"


def full(target: Path, header: str = "") -> Path:
    """A copy of the reference solutions of lecture1 at target/lecture1."""
    dest = target / "lecture1"
    shutil.copytree(SOLUTIONS / "lecture1", dest,
                    ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    if header:
        for path in dest.glob("*.py"):
            path.write_text(f"# {header}\n" + path.read_text())
    return target


def stub(target: Path) -> Path:
    shutil.copytree(STUBS / "lecture1", target / "lecture1",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def buggy(target: Path, code: str = TANH_FOR_SIGMOID, file: str = "activations.py") -> Path:
    full(target)
    path = target / "lecture1" / file
    path.write_text(path.read_text() + code)
    return target


def zipped(folder: Path, zip_path: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return zip_path


@pytest.fixture
def course_file(tmp_path) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(FAST_COURSE)
    return path


@pytest.fixture
def fast_plan(course_file):
    from grader.batch.course import build_plan, load_course

    return build_plan(load_course(course_file), hidden=False)


@pytest.fixture
def small_class(tmp_path) -> Path:
    """alice: full marks; bob: the stubs; carol.zip: full marks, zipped under a wrapping
    folder; dave: tanh instead of sigmoid; eve.zip: a path that escapes; fay: empty."""
    root = tmp_path / "class"
    root.mkdir()
    full(root / "alice")
    stub(root / "bob")
    carol = full(tmp_path / "carol-src" / "carol", header="carol")
    zipped(carol.parent, root / "carol.zip")
    buggy(root / "dave")
    with zipfile.ZipFile(root / "eve.zip", "w") as zf:
        zf.writestr("../../outside.py", "x = 1\n")
    (root / "fay").mkdir()
    return root

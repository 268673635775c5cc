"""The catalog of lectures and exercises, read from `reference/` without importing NumPy."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import lru_cache

import reference
from grader.spec import Check, Exercise


@dataclass(frozen=True)
class Lecture:
    name: str
    title: str
    exercises: tuple[Exercise, ...]

    @property
    def number(self) -> int:
        return int(self.name.removeprefix("lecture"))

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def files(self) -> list[str]:
        return sorted({e.file for e in self.exercises})


@lru_cache(maxsize=None)
def lectures() -> tuple[Lecture, ...]:
    found = []
    for info in pkgutil.iter_modules(reference.__path__):
        if info.ispkg and re.fullmatch(r"lecture\d+", info.name):
            module = importlib.import_module(f"reference.{info.name}")
            found.append(Lecture(info.name, module.TITLE, tuple(module.EXERCISES)))
    return tuple(sorted(found, key=lambda lec: lec.number))


def lecture(name: str) -> Lecture:
    for lec in lectures():
        if lec.name == name:
            return lec
    known = ", ".join(lec.name for lec in lectures())
    raise KeyError(f"no lecture {name!r}; the catalog has {known}")


def find_exercise(lec: Lecture, name: str) -> Exercise:
    """An exercise by its name (`lstm_step`) or id (`lecture2.lstm_step`)."""
    short = name.split(".", 1)[1] if name.startswith(lec.name + ".") else name
    for ex in lec.exercises:
        if ex.name == short:
            return ex
    close = [e.name for e in lec.exercises if short[:4] in e.name]
    extra = f" (did you mean {', '.join(close)}?)" if close else ""
    raise KeyError(f"{lec.name} has no exercise {name!r}{extra}")


def check_for(ex: Exercise) -> Check:
    module = importlib.import_module(ex.check_module)
    return module.CHECKS[ex.name]

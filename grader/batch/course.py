"""The course file and the grading plan it gives.

A course file is TOML, read with the standard library's tomllib; every key is optional, and with
no file at all the plan is: every lecture, every exercise at its catalog points, any backend, the
engine's limits.

    [course]
    name = "6.S191 spring"
    lectures = ["lecture1", "lecture2"]   # which lectures count (default: all of the catalog)
    backends = ["numpy", "torch"]         # the backends students may use (default: all three)
    backend = "auto"                      # what `grade batch` uses unless --backend is given
    secret_file = "secret.txt"            # hidden cases; relative to this file; the variable
                                          # GRADER_COURSE_SECRET, when set, is used instead

    [limits]
    timeout = 20       # seconds per exercise (default: each exercise's own)
    memory_mb = 2048   # per exercise, on top of the framework
    cpu_seconds = 60   # per exercise

    [lectures.lecture1]
    exercises = ["sigmoid", "tanh"]   # only these count (default: all of the lecture) ...
    exclude = ["dropout"]             # ... or all but these
    points = { sigmoid = 2 }          # points other than the catalog's

The plan (`Plan`) is what a worker needs to grade one submission, and its `setup_key` is what,
with the content hash and the grader version, decides that a submission is already graded.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import backends
from grader import __version__, catalog
from grader.sandbox import Limits

SECRET_ENV = "GRADER_COURSE_SECRET"
DEFAULT_FILE = "course.toml"
_KNOWN = {
    "course": {"name", "lectures", "backends", "backend", "secret_file"},
    "limits": {"timeout", "memory_mb", "cpu_seconds"},
    "lecture": {"exercises", "exclude", "points"},
}


class CourseError(ValueError):
    """The course file or the options asked for something that does not exist: told in one line."""


@dataclass(frozen=True)
class LecturePlan:
    lecture: str
    exercises: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What to grade and how: the same for every submission of a batch."""

    lectures: tuple[LecturePlan, ...]
    points: tuple[tuple[str, float], ...] = ()
    backend: str = "auto"
    allowed_backends: tuple[str, ...] = backends.NAMES
    device: str = "cpu"
    isolation: str = "auto"
    limits: Limits = field(default_factory=Limits)
    timeout: float | None = None
    hidden_salt: str | None = field(default=None, repr=False)
    grader_version: str = ""

    def exercise_ids(self) -> list[str]:
        return [f"{lp.lecture}.{name}" for lp in self.lectures for name in lp.exercises]

    def points_of(self, exercise_id: str) -> float:
        override = dict(self.points)
        if exercise_id in override:
            return float(override[exercise_id])
        lecture, name = exercise_id.split(".", 1)
        return float(catalog.find_exercise(catalog.lecture(lecture), name).points)

    @property
    def max_score(self) -> float:
        return float(sum(self.points_of(i) for i in self.exercise_ids()))

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_salt)

    def setup_key(self) -> str:
        """Everything but the submission that decides its grades. The secret enters as a hash of
        a hash (the gradebook never holds it); isolation and device do not change a verdict."""
        secret = (hashlib.sha256(b"dl-grader-secret|" + self.hidden_salt.encode()).hexdigest()[:16]
                  if self.hidden_salt else None)
        data = {"lectures": [[lp.lecture, list(lp.exercises)] for lp in self.lectures],
                "points": sorted(self.points), "backend": self.backend,
                "allowed": list(self.allowed_backends), "limits": self.limits.to_json(),
                "timeout": self.timeout, "secret": secret}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Course:
    """A course file, checked against the catalog."""

    path: Path | None = None
    name: str = ""
    lectures: tuple[str, ...] = ()
    allowed_backends: tuple[str, ...] = backends.NAMES
    backend: str = "auto"
    secret_file: Path | None = None
    timeout: float | None = None
    memory_mb: int | None = None
    cpu_seconds: int | None = None
    exercises: dict[str, tuple[str, ...]] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)

    def limits(self) -> Limits:
        base = Limits()
        return replace(base, memory_mb=self.memory_mb or base.memory_mb,
                       cpu_seconds=self.cpu_seconds or base.cpu_seconds)

    def secret(self) -> str | None:
        """The course secret: $GRADER_COURSE_SECRET, else the course file's secret_file."""
        env = os.environ.get(SECRET_ENV, "").strip()
        if env:
            return env
        if self.secret_file is None:
            return None
        try:
            text = self.secret_file.read_text().strip()
        except OSError as exc:
            raise CourseError(f"the course file names the secret file {self.secret_file}, which "
                              f"cannot be read ({exc.strerror or exc})") from None
        if not text:
            raise CourseError(f"the secret file {self.secret_file} is empty")
        return text

    def secret_source(self) -> str:
        if os.environ.get(SECRET_ENV, "").strip():
            return f"${SECRET_ENV}"
        return str(self.secret_file) if self.secret_file else ""


def find_course(given: Path | None) -> Course:
    """--course PATH, else ./course.toml when there is one, else the defaults."""
    if given is not None:
        if not given.is_file():
            raise CourseError(f"--course {given}: no such file")
        return load_course(given)
    here = Path.cwd() / DEFAULT_FILE
    return load_course(here) if here.is_file() else Course()


def load_course(path: Path) -> Course:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"the course file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"the course file {path} is not valid TOML: {exc}") from None
    return parse_course(data, path)


def parse_course(data: dict, path: Path | None = None) -> Course:
    where = f"the course file {path}" if path else "the course file"
    unknown = set(data) - {"course", "limits", "lectures"}
    if unknown:
        raise CourseError(f"{where} has unknown sections {sorted(unknown)} "
                          f"(known: course, limits, lectures)")
    head = _table(data, "course", where)
    limits = _table(data, "limits", where)
    _only(head, _KNOWN["course"], f"{where}, [course]")
    _only(limits, _KNOWN["limits"], f"{where}, [limits]")

    # Empty: not given, every lecture of the catalog counts (and `grade gradescope` grades the
    # lectures the submission holds).
    lectures = tuple(_lecture_name(n, where) for n in _strings(head.get("lectures", []),
                                                                "[course] lectures", where))
    if "lectures" in head and not lectures:
        raise CourseError(f"{where}: [course] lectures is empty")
    allowed = tuple(_strings(head.get("backends", list(backends.NAMES)), "[course] backends", where))
    for name in allowed:
        if name not in backends.NAMES:
            raise CourseError(f"{where}: unknown backend {name!r} in [course] backends "
                              f"(choose from {', '.join(backends.NAMES)})")
    if not allowed:
        raise CourseError(f"{where}: [course] backends is empty")
    backend = head.get("backend", "auto")
    if backend != "auto" and backend not in allowed:
        raise CourseError(f"{where}: [course] backend {backend!r} is not among the allowed "
                          f"backends {list(allowed)}")
    secret_file = None
    if "secret_file" in head:
        secret_file = Path(str(head["secret_file"])).expanduser()
        if not secret_file.is_absolute() and path is not None:
            secret_file = path.resolve().parent / secret_file

    exercises: dict[str, tuple[str, ...]] = {}
    points: dict[str, float] = {}
    per_lecture = _table(data, "lectures", where)
    for lec_name, table in per_lecture.items():
        lec_name = _lecture_name(lec_name, where)
        if lectures and lec_name not in lectures:
            raise CourseError(f"{where}: [lectures.{lec_name}] is not among [course] lectures")
        if not isinstance(table, dict):
            raise CourseError(f"{where}: lectures.{lec_name} must be a table")
        _only(table, _KNOWN["lecture"], f"{where}, [lectures.{lec_name}]")
        lec = catalog.lecture(lec_name)
        names = [e.name for e in lec.exercises]
        if "exercises" in table and "exclude" in table:
            raise CourseError(f"{where}: [lectures.{lec_name}] has both exercises and exclude")
        chosen = names
        if "exercises" in table:
            chosen = [_exercise(lec, n, where) for n in _strings(table["exercises"],
                                                                  f"lectures.{lec_name}.exercises", where)]
        if "exclude" in table:
            out = {_exercise(lec, n, where) for n in _strings(table["exclude"],
                                                               f"lectures.{lec_name}.exclude", where)}
            chosen = [n for n in names if n not in out]
        if not chosen:
            raise CourseError(f"{where}: [lectures.{lec_name}] leaves no exercise to grade")
        exercises[lec_name] = tuple(chosen)
        for ex_name, value in _table(table, "points", f"{where}, [lectures.{lec_name}]").items():
            ex_name = _exercise(lec, ex_name, where)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise CourseError(f"{where}: points for {lec_name}.{ex_name} must be a number >= 0")
            points[f"{lec_name}.{ex_name}"] = float(value)

    def number(table: dict, key: str, kind: type) -> float | int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise CourseError(f"{where}: [limits] {key} must be a positive number")
        return kind(value)

    return Course(path=path, name=str(head.get("name", "")), lectures=lectures,
                  allowed_backends=allowed, backend=backend, secret_file=secret_file,
                  timeout=number(limits, "timeout", float),
                  memory_mb=number(limits, "memory_mb", int),
                  cpu_seconds=number(limits, "cpu_seconds", int),
                  exercises=exercises, points=points)


def build_plan(course: Course, lectures: list[str] | None = None, backend: str | None = None,
               device: str = "cpu", isolation: str = "auto", hidden: bool = True) -> Plan:
    """The plan for a batch: the course file's choices, narrowed by the command line."""
    chosen = list(course.lectures) or [lec.name for lec in catalog.lectures()]
    if lectures:
        asked = [_lecture_name(n, "--lecture") for n in lectures]
        outside = [n for n in asked if n not in chosen]
        if outside:
            raise CourseError(f"--lecture {', '.join(outside)}: not among the course's lectures "
                              f"({', '.join(chosen)})")
        chosen = list(dict.fromkeys(asked))
    plans = []
    for name in chosen:
        lec = catalog.lecture(name)
        plans.append(LecturePlan(name, course.exercises.get(name, tuple(e.name for e in lec.exercises))))
    backend = backend or course.backend
    if backend != "auto":
        if backend not in backends.NAMES:
            raise CourseError(f"unknown backend {backend!r}: choose numpy, torch, tensorflow or auto")
        if backend not in course.allowed_backends:
            raise CourseError(f"--backend {backend}: the course allows only "
                              f"{', '.join(course.allowed_backends)}")
    if device not in ("auto", "cpu", "cuda"):
        raise CourseError(f"unknown device {device!r}: choose auto, cpu or cuda")
    points = tuple(sorted((k, v) for k, v in course.points.items()
                          if k.split(".", 1)[0] in chosen))
    return Plan(lectures=tuple(plans), points=points, backend=backend,
                allowed_backends=tuple(course.allowed_backends), device=device,
                isolation=isolation, limits=course.limits(), timeout=course.timeout,
                hidden_salt=course.secret() if hidden else None, grader_version=grader_version())


@lru_cache(maxsize=None)
def grader_version() -> str:
    """The package version and a hash of everything that decides a verdict (the engine, the
    backends, the references): a changed reference means a changed version, so a resumed batch
    regrades rather than keep grades the current grader would not give."""
    import grader
    import reference

    digest = hashlib.sha256()
    engine = Path(grader.__file__).resolve().parent
    roots = [(engine, "grader"), (Path(backends.__file__).resolve().parent, "backends")]
    roots += [(Path(p).resolve(), "reference") for p in reference.__path__]
    for root, label in roots:
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if "__pycache__" in rel.parts:
                continue
            if label == "grader" and (rel.parts[0] == "batch" or rel.name in _PRESENTATION):
                continue
            if label == "reference" and rel.parts[0] == "solutions":
                continue
            digest.update(f"{label}/{rel.as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"


# Modules that only present verdicts: a change to them does not call for regrading.
_PRESENTATION = {"cli.py", "report.py", "terminal.py", "notebook.py"}


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise CourseError(f"{where}: {key} must be a table")
    return value


def _only(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise CourseError(f"{where}: unknown keys {unknown} (known: {sorted(allowed)})")


def _strings(value: object, what: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CourseError(f"{where}: {what} must be a list of strings")
    return list(value)


def _lecture_name(name: str, where: str) -> str:
    """`lecture2`, `2` or `Lecture2`: the catalog's name."""
    text = str(name).strip().lower()
    if text.isdigit():
        text = f"lecture{int(text)}"
    try:
        return catalog.lecture(text).name
    except KeyError as exc:
        raise CourseError(f"{where}: {exc.args[0]}") from None


def _exercise(lec: catalog.Lecture, name: str, where: str) -> str:
    try:
        return catalog.find_exercise(lec, name).name
    except KeyError as exc:
        raise CourseError(f"{where}: {exc.args[0]}") from None

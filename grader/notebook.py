"""Grading a function defined in a notebook (Jupyter, Colab), where the course's labs live:

    from grader import check
    check(lstm_step)

The function's source, with the imports, helper functions and constants it uses from the
notebook, is written out as a one-file submission and graded exactly as `grade lecture2 -e
lstm_step` would grade it: in a child process, never in the notebook's own kernel. The report
is the terminal's, rendered by rich in the notebook.
"""

from __future__ import annotations

import inspect
import tempfile
import textwrap
import types
from pathlib import Path
from typing import Any, Callable

from grader import catalog
from grader.results import ExerciseResult
from grader.spec import Exercise


def _exercise_for(fn: Callable, name: str | None, lecture: str | None) -> Exercise:
    wanted = name or fn.__name__
    found = [ex for lec in catalog.lectures() for ex in lec.exercises
             if ex.name == wanted and (lecture is None or ex.lecture == lecture)]
    if not found:
        raise ValueError(f"{wanted!r} is not an exercise of the catalog (see `grade list`); pass "
                         f"name='the_exercise' if your function is called differently")
    if len(found) > 1:
        raise ValueError(f"{wanted!r} is in several lectures: pass lecture='{found[0].lecture}'")
    return found[0]


def source_of(fn: Callable, name: str) -> str:
    """A self-contained module: the imports, constants and helpers `fn` needs, then `fn` as `name`."""
    header: list[str] = []
    bodies: list[str] = []
    seen: set[str] = set()

    def visit(f: Callable) -> None:
        # A notebook's names are globals; a function defined inside another sees closure cells.
        env = dict(f.__globals__)
        for free, cell in zip(f.__code__.co_freevars, f.__closure__ or ()):
            if _filled(cell):
                env[free] = cell.cell_contents
        for ref in sorted(_global_names(f.__code__) | set(f.__code__.co_freevars)):
            if ref in seen or ref not in env:
                continue
            seen.add(ref)
            value = env[ref]
            if isinstance(value, types.ModuleType):
                header.append(f"import {value.__name__} as {ref}" if value.__name__ != ref
                              else f"import {ref}")
            elif isinstance(value, types.FunctionType) and value.__module__ in ("__main__", None):
                visit(value)
                bodies.append(textwrap.dedent(inspect.getsource(value)))
            elif callable(value) and getattr(value, "__module__", None) not in (None, "__main__"):
                module, qual = value.__module__, getattr(value, "__qualname__", ref)
                header.append(f"from {module} import {qual} as {ref}")
            elif isinstance(value, (int, float, str, bool, tuple, type(None))):
                header.append(f"{ref} = {value!r}")

    visit(fn)
    main = textwrap.dedent(inspect.getsource(fn))
    lines = sorted(set(header)) + [""] + bodies + [main]
    if fn.__name__ != name:
        lines.append(f"{name} = {fn.__name__}")
    return "\n".join(lines) + "\n"


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def check(fn: Callable, name: str | None = None, lecture: str | None = None,
          backend: str = "auto", device: str = "auto", show: bool = True) -> ExerciseResult:
    """Grade `fn` as the exercise of its name; show the report and return the verdict."""
    from grader.grading import grade_lecture

    ex = _exercise_for(fn, name, lecture)
    source = source_of(fn, ex.name)
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as tmp:
        folder = Path(tmp) / ex.lecture
        folder.mkdir()
        (folder / ex.file).write_text(source)
        result = grade_lecture(ex.lecture, Path(tmp), backend=backend, device=device,
                               only=[ex.name])
    if show:
        _show(result)
    return result.exercises[0]


def _show(result: Any) -> None:
    from grader.report import render_lecture
    from grader.terminal import Terminal

    render_lecture(Terminal(), result)

"""The types an exercise is declared with.

Two halves, kept apart on purpose: `Exercise` is the catalog row (names, points, hint) and
imports nothing heavy, so `grade list` and `grade --help` never load NumPy; `Check` holds what
grading needs (reference, cases, known mistakes) and lives in the topic modules of `reference/`,
imported only when a lecture is graded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Exercise:
    lecture: str
    name: str
    file: str
    points: float
    title: str
    hint: str
    by_hand: bool = False
    stochastic: bool = False
    # Seconds of wall time for all its cases, before the backend's TIME_FACTOR. A quick
    # function's reference runs in milliseconds, and even an element-by-element Python loop
    # over its largest case takes under half a second in NumPy or PyTorch; heavier exercises
    # (sequences, convolutions, training) say so in the catalog. A short default matters:
    # an endless loop holds a batch worker for the whole limit.
    timeout: float = 5.0
    # Exercises of the same lecture this one is built from: when it fails and one of them fails
    # too, the feedback says to fix that one first.
    parts: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.lecture}.{self.name}"

    @property
    def check_module(self) -> str:
        """The module of `reference/` whose CHECKS dict holds this exercise's Check."""
        return f"reference.{self.lecture}.{self.file.removesuffix('.py')}"


@dataclass(frozen=True)
class Fn:
    """A function the grader hands to the student's code (numerical_gradient's f).

    Only its name and parameters cross to the child, which builds it from `grader.fixtures`.
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    """One call of the student's function.

    `args`/`kwargs` hold NumPy arrays, Python scalars, strings, lists, or `Fn`. Float arrays are
    sent in the run's float dtype unless `float_dtype` pins one. `private` is data the child never
    sees (held-out sets for a custom verify). `note` tells the student why the case exists.
    """

    label: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    float_dtype: str | None = None
    note: str = ""
    private: dict[str, Any] = field(default_factory=dict)
    widen: float = 1.0
    # Under a backend with autodiff, the child also returns the gradients of sum(output) with
    # respect to these positional arguments, checked against Check.grad_reference.
    grad_wrt: tuple[int, ...] = ()


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong implementation; when the student's output matches it, we name it."""

    name: str
    explanation: str
    fn: Callable[..., Any]


@dataclass(frozen=True)
class Problem:
    """What a custom `verify` found wrong, and the known mistake it points to, if any."""

    message: str
    mistake: str | None = None
    explanation: str = ""


@dataclass
class Check:
    """How one exercise is graded.

    reference: the right implementation, written against `backends.array_namespace`, so it
        runs on NumPy in the parent and, copied into a submission, on any backend.
    cases: builds the cases from a seeded NumPy Generator, small and readable first, then
        batches, then numerically hard inputs, then large ones.
    verify: replaces the comparison with the reference for exercises graded by properties
        (stochastic ones, accuracy on held-out data); returns a failure message or None.
    """

    reference: Callable[..., Any]
    cases: Callable[[Any], list[Case]]
    mistakes: list[Mistake] = field(default_factory=list)
    verify: Callable[[Case, Any], "str | Problem | None"] | None = None
    # grad_reference(*args) -> the expected gradients of sum(output) for each index of a case's
    # grad_wrt, in that order; grad_message says what a mismatch means for the student.
    grad_reference: Callable[..., list[Any]] | None = None
    grad_message: str = "the gradients do not flow through your function as they should"

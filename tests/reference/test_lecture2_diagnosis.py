"""Lecture 2 in float32, the dtype PyTorch and TensorFlow grade in: every known mistake, computed
in float32 as a student's code would be, fails a case and is named by the grader's own
diagnosis, and the reference run in float32 passes every case. (tests/reference/test_checks.py
does the same in float64 for every lecture.)"""

from __future__ import annotations

import numpy as np
import pytest

from grader import catalog, grading, wire
from grader.compare import compare

LECTURE = catalog.lecture("lecture2")
EXERCISES = {ex.name: ex for ex in LECTURE.exercises}


def _as_reply(x, dtype):
    """A NumPy result as the parent reads a student's reply: arrays of the run's float dtype."""
    if isinstance(x, tuple):
        return tuple(_as_reply(v, dtype) for v in x)
    if isinstance(x, list):
        return [_as_reply(v, dtype) for v in x]
    if isinstance(x, dict):
        return {k: _as_reply(v, dtype) for k, v in x.items()}
    a = np.asarray(x)
    if a.dtype.kind == "f":
        a = a.astype(dtype)
    return wire.Array(a, "native")


def _run(fn, item):
    with np.errstate(all="ignore"):
        return fn(*grading._with_fns(item.args), **grading._with_fns(item.kwargs))


def _mistake_params():
    for ex in LECTURE.exercises:
        for k, mistake in enumerate(catalog.check_for(ex).mistakes):
            yield pytest.param(ex.name, k, id=f"{ex.name}-{mistake.name}")


@pytest.mark.parametrize("dtype,backend", [("float32", "torch"), ("float32", "tensorflow")])
@pytest.mark.parametrize("name,k", list(_mistake_params()))
def test_mistake_is_named(name, k, dtype, backend):
    ex = EXERCISES[name]
    check = catalog.check_for(ex)
    mistake = check.mistakes[k]
    cases = grading.prepare(ex, check, dtype)
    failures = []
    for item in cases:
        got = _as_reply(_run(mistake.fn, item), item.dtype)
        found = compare(item.expected, got, backend, item.tolerance)
        if found:
            failures.append((item, found, got))
    assert failures, f"{mistake.name!r} passes every case of {name}"
    diagnosis = grading._diagnose(check, failures, backend)
    assert diagnosis is not None and diagnosis["name"] == mistake.name, diagnosis


@pytest.mark.parametrize("dtype,backend", [("float32", "torch"), ("float32", "tensorflow")])
@pytest.mark.parametrize("name", list(EXERCISES))
def test_reference_passes_every_case(name, dtype, backend):
    ex = EXERCISES[name]
    check = catalog.check_for(ex)
    for item in grading.prepare(ex, check, dtype):
        got = _as_reply(_run(check.reference, item), item.dtype)
        assert compare(item.expected, got, backend, item.tolerance) is None, item.case.label


def test_at_least_two_mistakes_per_exercise():
    for ex in LECTURE.exercises:
        assert len(catalog.check_for(ex).mistakes) >= 2, ex.name

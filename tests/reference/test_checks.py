"""Catalog-wide checks, run for every exercise of every lecture: adding an exercise adds its
tests here without writing any.

- the reference implementation, run on each installed backend, agrees with float64 NumPy;
- every known mistake fails at least one case and the grader names it;
- the stub and the reference solution have the catalog's signature, and the stub raises
  NotImplementedError.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest

import backends
from grader import catalog, grading, wire
from grader.compare import Tolerance, compare
from tests.conftest import INSTALLED, SOLUTIONS, STUBS

EXERCISES = [ex for lec in catalog.lectures() for ex in lec.exercises]
IDS = [ex.id for ex in EXERCISES]


def _native(x, backend, device="cpu"):
    module = backends.get(backend)
    if isinstance(x, np.ndarray):
        return module.to_native(x, device)
    if isinstance(x, tuple):
        return tuple(_native(v, backend) for v in x)
    if isinstance(x, list):
        return [_native(v, backend) for v in x]
    if isinstance(x, dict):
        return {k: _native(v, backend) for k, v in x.items()}
    return x


def _wrap(x, backend, kind="native"):
    """A value as the child would send it back, for compare()."""
    module = backends.get(backend)
    if isinstance(x, (tuple, list)):
        return type(x)(_wrap(v, backend, kind) for v in x)
    if isinstance(x, dict):
        return {k: _wrap(v, backend, kind) for k, v in x.items()}
    if isinstance(x, bool) or isinstance(x, int):
        return wire.Scalar(x, None)
    if isinstance(x, float):
        return wire.Scalar(x, None)
    if isinstance(x, np.ndarray):
        return wire.Array(x, kind)
    if type(x).__module__.split(".")[0] in ("torch", "tensorflow"):
        return wire.Array(module.to_numpy(x), kind)
    if isinstance(x, np.generic):
        return wire.Array(np.asarray(x), kind)
    raise TypeError(type(x))


@pytest.mark.parametrize("backend", INSTALLED)
@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_reference_agrees_with_float64_numpy_on_every_backend(ex, backend, monkeypatch):
    check = catalog.check_for(ex)
    if check.verify is not None:
        pytest.skip("graded by properties (stochastic or held-out accuracy), not by value")
    monkeypatch.setenv(backends.ACTIVE_ENV, backend)
    if backend == "torch":
        backends.get("torch").configure_precision()
    for item in grading.prepare(ex, check, "float64"):
        args = grading._with_fns(_native(item.args64, backend))
        kwargs = grading._with_fns(_native(item.kwargs64, backend))
        got = _wrap(check.reference(*args, **kwargs), backend)
        # float64 on every backend: only summation order may differ.
        found = compare(item.expected, got, backend, Tolerance("float64"))
        assert found is None, f"{ex.id} on {backend}, case {item.case.label!r}: {found.message}"


MISTAKES = [(ex, m) for ex in EXERCISES for m in catalog.check_for(ex).mistakes]


@pytest.mark.parametrize("ex,mistake", MISTAKES, ids=[f"{ex.id}:{m.name}" for ex, m in MISTAKES])
def test_every_known_mistake_fails_and_is_named(ex, mistake):
    check = catalog.check_for(ex)
    failures = []
    for item in grading.prepare(ex, check, "float64"):
        with np.errstate(all="ignore"):
            wrong = grading._normalise(mistake.fn(*grading._with_fns(item.args64),
                                                  **grading._with_fns(item.kwargs64)))
        got = _wrap(wrong, "numpy")
        found = compare(item.expected, got, "numpy", item.tolerance)
        if found is not None:
            failures.append((item, found, got))
    assert failures, f"the mistake {mistake.name!r} passes every case of {ex.id}"
    diagnosis = grading._diagnose(check, failures, "numpy")
    assert diagnosis is not None and diagnosis["name"] == mistake.name, (
        f"{ex.id}: a submission with the mistake {mistake.name!r} was diagnosed as {diagnosis}")


def _signature(path: Path, name: str) -> str:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            args = node.args
            names = [a.arg for a in args.args]
            defaults = [ast.unparse(d) for d in args.defaults]
            padded = [None] * (len(names) - len(defaults)) + defaults
            return ", ".join(n if d is None else f"{n}={d}" for n, d in zip(names, padded))
    raise AssertionError(f"{path} defines no {name}()")


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_stub_and_solution_have_the_same_signature(ex):
    stub = _signature(STUBS / ex.lecture / ex.file, ex.name)
    solution = _signature(SOLUTIONS / ex.lecture / ex.file, ex.name)
    assert stub == solution


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_stub_raises_not_implemented(ex):
    namespace: dict = {}
    path = STUBS / ex.lecture / ex.file
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    fn = namespace[ex.name]
    n = len([p for p in inspect.signature(fn).parameters.values() if p.default is p.empty])
    with pytest.raises(NotImplementedError):
        fn(*([None] * n))


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_cases_are_deterministic_and_ordered_small_first(ex):
    check = catalog.check_for(ex)
    first = grading.prepare(ex, check, "float32")
    second = grading.prepare(ex, check, "float32")
    assert [c.case.label for c in first] == [c.case.label for c in second]
    for a, b in zip(first, second):
        for x, y in zip(grading._arrays(a.args), grading._arrays(b.args)):
            np.testing.assert_array_equal(x, y)
    assert first[0].size <= max(c.size for c in first)
    assert len(first) >= 2, "an exercise needs more than one case"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_every_exercise_knows_at_least_two_mistakes(ex):
    check = catalog.check_for(ex)
    if check.verify is not None:
        # Graded by properties: the named problems live in the verifier and are tested with it
        # (tests/reference/test_lecture1_frameworks.py).
        source = inspect.getsource(check.verify)
        assert source.count("Problem(") >= 2, f"{ex.id}'s verifier names fewer than two mistakes"
    else:
        assert len(check.mistakes) >= 2, f"{ex.id} knows {len(check.mistakes)} mistake(s)"
    names = [m.name for m in check.mistakes]
    assert len(names) == len(set(names)), f"{ex.id} has two mistakes of the same name"

"""Comparing what a student returned with what the reference expects.

The order is torch.testing.assert_close's: returned type, then shape, then dtype kind, then
NaN/inf, then values within a tolerance that depends on the dtype the student computed in.
Each stage stops at the first problem and says precisely what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.wire import Array, Other, Scalar

# PyTorch's defaults (torch.testing): the tolerance a correct answer needs in each dtype.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-7, 1e-7),
    "float32": (1.3e-6, 1e-5),
    "float16": (1e-3, 1e-5),
}
# How much room past the reference's own float32 error a correct answer gets.
CONDITIONING_FACTOR = 4.0

BACKEND_TYPE = {"numpy": "numpy.ndarray", "torch": "torch.Tensor", "tensorflow": "tf.Tensor"}

# Stages that are `error` (wrong type or shape) rather than `failed` (wrong numbers).
ERROR_STAGES = {"type", "shape"}


@dataclass
class Mismatch:
    stage: str  # type | shape | dtype | nonfinite | value
    message: str
    path: str = ""
    index: tuple[int, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.stage in ERROR_STAGES


@dataclass
class Tolerance:
    """Per-leaf float tolerance settings for one case."""

    case_dtype: str
    widen: float = 1.0
    # Leaf path -> error of the reference itself run in float32, in units of float32's tolerance.
    conditioning: dict[str, float] = field(default_factory=dict)

    def for_leaf(self, path: str, dtype: str | None) -> tuple[float, float, str]:
        name = dtype if dtype in TOLERANCES else self.case_dtype
        if name == "float16":
            name = "float32"  # computing in half precision earns no extra room
        rtol, atol = TOLERANCES.get(name, TOLERANCES["float32"])
        factor = self.widen
        if name == "float32":
            factor *= max(1.0, CONDITIONING_FACTOR * self.conditioning.get(path, 0.0))
        return rtol * factor, atol * factor, name


def compare(expected: Any, got: Any, backend: str, tol: Tolerance, path: str = "") -> Mismatch | None:
    """None when `got` matches `expected`; otherwise the first mismatch, stage by stage."""
    where = f" in {path}" if path else ""
    if isinstance(expected, (tuple, list)):
        kind = "tuple" if isinstance(expected, tuple) else "list"
        if not isinstance(got, (tuple, list)):
            return Mismatch("type", f"expected a {kind} of {len(expected)} items{where}, "
                                    f"got {_describe(got, backend)}", path)
        if len(got) != len(expected):
            return Mismatch("type", f"expected {len(expected)} items{where}, got {len(got)}", path)
        for i, (e, g) in enumerate(zip(expected, got)):
            found = compare(e, g, backend, tol, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Mismatch("type", f"expected a dict with keys {sorted(expected)}{where}, "
                                    f"got {_describe(got, backend)}", path)
        if set(got) != set(expected):
            missing = sorted(set(expected) - set(got))
            extra = sorted(set(got) - set(expected))
            parts = []
            if missing:
                parts.append(f"missing keys {missing}")
            if extra:
                parts.append(f"unexpected keys {extra}")
            return Mismatch("type", f"the dict{where} has {' and '.join(parts)}", path)
        for key in expected:
            found = compare(expected[key], got[key], backend, tol, f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(expected, bool):
        return _compare_exact(expected, got, backend, path)
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, bool):
        return _compare_int(int(expected), got, backend, path)
    if isinstance(expected, (float, np.floating)) or (
            isinstance(expected, np.ndarray) and expected.ndim == 0):
        return _compare_scalar(np.asarray(expected), got, backend, tol, path)
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, got, backend, tol, path)
    raise TypeError(f"the reference returned an unsupported {type(expected).__name__}")


def _describe(got: Any, backend: str) -> str:
    if isinstance(got, Array):
        origin = {"native": BACKEND_TYPE[backend], "numpy": "numpy.ndarray",
                  "subclass": f"a subclass of {BACKEND_TYPE[backend]}"}.get(got.kind, got.kind)
        return f"{origin} of shape {tuple(got.value.shape)} and dtype {got.value.dtype}"
    if isinstance(got, Scalar):
        return f"the {type(got.value).__name__} {got.value!r}"
    if isinstance(got, Other):
        return f"{'an' if got.type[:1].lower() in 'aeiou' else 'a'} {got.type}"
    if got is None:
        return "None (did you forget to return?)"
    if isinstance(got, (tuple, list)):
        return f"a {type(got).__name__} of {len(got)} items"
    if isinstance(got, dict):
        return f"a dict with keys {sorted(got)}"
    return type(got).__name__


def array_type_problem(got: Array, backend: str, path: str) -> Mismatch | None:
    where = f" in {path}" if path else ""
    want = BACKEND_TYPE[backend]
    if got.kind == "native":
        return None
    if got.kind == "numpy":
        return Mismatch("type", f"returned a numpy.ndarray{where}; under the {backend} backend "
                                f"return a {want} (the type of the inputs)", path)
    if got.kind == "subclass":
        return Mismatch("type", f"returned a subclass of {want}{where}; return a plain {want}",
                        path)
    return Mismatch("type", f"returned {_describe(got, backend)}{where}; expected a {want}", path)


def _compare_exact(expected: Any, got: Any, backend: str, path: str) -> Mismatch | None:
    value = got.value if isinstance(got, Scalar) else None
    if value is None or value != expected:
        return Mismatch("value", f"expected {expected!r}, got {_describe(got, backend)}", path)
    return None


def _compare_int(expected: int, got: Any, backend: str, path: str) -> Mismatch | None:
    where = f" in {path}" if path else ""
    if isinstance(got, Array) and got.value.ndim == 0 and got.value.dtype.kind in "iu":
        problem = array_type_problem(got, backend, path)
        if problem:
            return problem
        value = int(got.value)
    elif isinstance(got, Scalar) and isinstance(got.value, int) and not isinstance(got.value, bool):
        value = got.value
    else:
        return Mismatch("type", f"expected an int{where}, got {_describe(got, backend)}", path)
    if value != expected:
        return Mismatch("value", f"expected {expected}{where}, got {value}", path,
                        extra={"expected": expected, "got": value})
    return None


def _compare_scalar(expected: np.ndarray, got: Any, backend: str, tol: Tolerance,
                    path: str) -> Mismatch | None:
    where = f" in {path}" if path else ""
    if isinstance(got, Array):
        problem = array_type_problem(got, backend, path)
        if problem:
            return problem
        if got.value.ndim != 0:
            return Mismatch("shape", f"expected a scalar (a 0-d array or a float){where}, got "
                                     f"shape {tuple(got.value.shape)}", path)
        value, dtype = got.value, got.value.dtype.name
    elif isinstance(got, Scalar) and not isinstance(got.value, bool):
        value, dtype = np.asarray(float(got.value)), got.np
    else:
        return Mismatch("type", f"expected a scalar (a 0-d {BACKEND_TYPE[backend]} or a float)"
                                f"{where}, got {_describe(got, backend)}", path)
    if np.asarray(value).dtype.kind not in "f":
        return Mismatch("dtype", f"expected a float{where}, got dtype {np.asarray(value).dtype}", path)
    return _compare_values(expected.astype(np.float64), np.asarray(value, dtype=np.float64),
                           tol, path, dtype)


def _compare_array(expected: np.ndarray, got: Any, backend: str, tol: Tolerance,
                   path: str) -> Mismatch | None:
    where = f" in {path}" if path else ""
    if not isinstance(got, Array):
        if isinstance(got, Scalar):
            return Mismatch("type", f"expected a {BACKEND_TYPE[backend]} of shape "
                                    f"{tuple(expected.shape)}{where}, got {_describe(got, backend)}",
                            path)
        return Mismatch("type", f"expected a {BACKEND_TYPE[backend]}{where}, got "
                                f"{_describe(got, backend)}", path)
    problem = array_type_problem(got, backend, path)
    if problem:
        return problem
    value = got.value
    if value.shape != expected.shape:
        hint = ""
        if value.shape == expected.shape[::-1] and value.ndim > 1:
            hint = " (the transpose: check the order of a matrix product)"
        elif value.size == expected.size:
            hint = " (same number of elements: a reshape or a missing/extra axis?)"
        return Mismatch("shape", f"expected shape {tuple(expected.shape)}{where}, got "
                                 f"{tuple(value.shape)}{hint}", path)
    if expected.dtype.kind == "f" and value.dtype.kind != "f":
        return Mismatch("dtype", f"expected a float array{where} (the dtype of the inputs), got "
                                 f"dtype {value.dtype}", path)
    if expected.dtype.kind in "iu" and value.dtype.kind not in "iu":
        return Mismatch("dtype", f"expected an integer array{where}, got dtype {value.dtype}", path)
    if expected.dtype.kind in "iub":
        wrong = expected != value
        if wrong.any():
            index = tuple(int(i) for i in np.argwhere(wrong)[0])
            return Mismatch("value", f"{int(wrong.sum())} of {wrong.size} elements differ{where}; "
                                     f"first at index {index}: expected {expected[index]}, "
                                     f"got {value[index]}", path, index)
        return None
    return _compare_values(expected.astype(np.float64), value.astype(np.float64), tol, path,
                           value.dtype.name)


def _compare_values(expected: np.ndarray, got: np.ndarray, tol: Tolerance, path: str,
                    dtype: str | None) -> Mismatch | None:
    where = f" in {path}" if path else ""
    exp_finite = np.isfinite(expected)
    got_finite = np.isfinite(got)
    if exp_finite.all() and got_finite.all():
        # The common case, a pass, in a few passes over the data; a failure is explained below.
        rtol, atol, _name = tol.for_leaf(path, dtype)
        if (np.abs(got - expected) <= atol + rtol * np.abs(expected)).all():
            return None
    bad = exp_finite & ~got_finite
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if got.ndim else ()
        nans = int(np.isnan(got[bad]).sum())
        infs = int(bad.sum()) - nans
        parts = [f"{what} ({n} element{'s' if n != 1 else ''})"
                 for what, n in (("nan", nans), ("inf", infs)) if n]
        at = f"; first at index {index}" if got.ndim else ""
        return Mismatch("nonfinite", f"your result{where} holds {' and '.join(parts)} where a "
                                     f"finite value is expected{at}", path, index,
                        extra={"nan": nans, "inf": infs})
    # Where the true value is infinite (a KL with q = 0), the same infinity is expected.
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    inf_wrong = ~exp_finite & ~same
    if inf_wrong.any():
        index = tuple(int(i) for i in np.argwhere(inf_wrong)[0]) if got.ndim else ()
        return Mismatch("value", f"expected {expected[index]} at index {index}{where}, got "
                                 f"{got[index]}", path, index)
    rtol, atol, name = tol.for_leaf(path, dtype)
    e, g = expected[exp_finite], got[exp_finite]
    diff = np.abs(g - e)
    allowed = atol + rtol * np.abs(e)
    outside = diff > allowed
    if not outside.any():
        return None
    full_diff = np.zeros(expected.shape)
    full_diff[exp_finite] = diff
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(full_diff)), expected.shape))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        rel = diff / np.maximum(np.abs(e), np.finfo(np.float64).tiny)
    full_rel = np.zeros(expected.shape)
    full_rel[exp_finite] = rel
    rel_index = tuple(int(i) for i in np.unravel_index(int(np.argmax(full_rel)), expected.shape))
    count, total = int(outside.sum()), int(outside.size)
    at = f" at index {index}" if expected.ndim else ""
    message = (f"{count} of {total} values{where} differ by more than the tolerance "
               f"({100 * count / total:.3g}%). Greatest absolute difference: "
               f"{full_diff[index]:.3g}{at} (expected {expected[index]:.8g}, got {got[index]:.8g}); "
               f"greatest relative difference: {full_rel[rel_index]:.3g}"
               f"{' at index ' + str(rel_index) if expected.ndim else ''}. "
               f"Allowed: atol={atol:.2g} + rtol={rtol:.2g}·|expected| ({name}).")
    return Mismatch("value", message, path, index if expected.ndim else None,
                    extra={"count": count, "total": total, "max_abs": float(full_diff[index]),
                           "rtol": rtol, "atol": atol})


def matches(expected: Any, got: Any, backend: str, tol: Tolerance) -> bool:
    return compare(expected, got, backend, tol) is None

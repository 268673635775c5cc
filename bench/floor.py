"""The in-process floor of a grading run: the same cases, their expected outputs, and the
reference solutions called on them as a student's code would be, all in one process: no child
process, no files, no comparison. `python bench/floor.py lecture1 numpy`."""

from __future__ import annotations

import importlib
import os
import sys
import time


def main(lecture: str, backend_name: str) -> None:
    start = time.perf_counter()
    import backends
    from grader import catalog, grading

    os.environ[backends.ACTIVE_ENV] = backend_name
    backend = backends.get(backend_name)
    backend.load()
    lec = catalog.lecture(lecture)
    for ex in lec.exercises:
        check = catalog.check_for(ex)
        solution = importlib.import_module(f"reference.solutions.{lecture}.{ex.file[:-3]}")
        fn = getattr(solution, ex.name)
        for item in grading.prepare(ex, check, backend.DEFAULT_FLOAT):
            args = grading._with_fns(_native(item.args, backend))
            kwargs = grading._with_fns(_native(item.kwargs, backend))
            backend.seed(item.seed)
            _to_numpy(fn(*args, **kwargs), backend)
    print(f"{time.perf_counter() - start:.4f}")


def _native(x, backend):
    import numpy as np

    if isinstance(x, np.ndarray):
        return backend.to_native(x, "cpu")
    if isinstance(x, (tuple, list)):
        return type(x)(_native(v, backend) for v in x)
    if isinstance(x, dict):
        return {k: _native(v, backend) for k, v in x.items()}
    return x


def _to_numpy(x, backend):
    if isinstance(x, (tuple, list)):
        return [_to_numpy(v, backend) for v in x]
    if isinstance(x, dict):
        return {k: _to_numpy(v, backend) for k, v in x.items()}
    if backend.classify(x) == "native":
        return backend.to_numpy(x)
    return x


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "numpy")

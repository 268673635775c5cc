"""What a grandchild of the fork server does: load the student's file, run the cases, write
the results as plain data. Everything here runs with the student's code in the same process,
so the parent trusts none of it beyond what it can check.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

import backends
from grader import fixtures, wire

# A traceback shown to a student keeps only the frames of their own files.
MAX_TRACEBACK_FRAMES = 6


def run_job(job_dir: Path, backend_name: str, device: str) -> None:
    job = wire.read_json(job_dir / "job.json")
    backend = backends.get(backend_name)
    if hasattr(backend, "place"):
        backend.place(device)
    backend.configure_precision()
    result: dict[str, Any] = {"device": device, "cases": []}
    try:
        fn = _load_function(Path(job["file"]), job["function"], result)
        if fn is not None:
            _run_cases(fn, job, job_dir, backend, device, result)
    finally:
        wire.write_json(job_dir / "result.json", result)


def _load_function(path: Path, name: str, result: dict) -> Any:
    if not path.is_file():
        result["load"] = {"status": "missing", "message": f"there is no file {path.name}"}
        return None
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_name = f"_submission_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        result["load"] = {"status": "error", "message": _syntax_message(exc, path)}
        return None
    except BaseException as exc:
        result["load"] = {"status": "error",
                          "message": f"importing {path.name} raised {_describe(exc)}",
                          "traceback": _student_traceback(exc, path.parent)}
        return None
    fn = getattr(module, name, None)
    if fn is None:
        result["load"] = {"status": "missing", "message": f"{path.name} defines no {name}()"}
        return None
    if not callable(fn):
        result["load"] = {"status": "error",
                          "message": f"{name} in {path.name} is a {type(fn).__name__}, not a function"}
        return None
    result["load"] = {"status": "ok", "signature": _signature(fn)}
    return fn


def _run_cases(fn: Any, job: dict, job_dir: Path, backend: Any, device: str, result: dict) -> None:
    encoder = wire.Encoder(job_dir, classify=backend.classify, to_numpy=backend.to_numpy)

    def make_array(a: np.ndarray) -> Any:
        return backend.to_native(a, device)

    def make_fn(name: str, params: dict) -> Any:
        return fixtures.build(name, params)

    for index, case in enumerate(job["cases"]):
        folder = job_dir / f"in{index}"
        args = wire.decode_inputs(case["args"], folder, make_array, make_fn)
        kwargs = wire.decode_inputs(case["kwargs"], folder, make_array, make_fn)
        backend.seed(case["seed"])
        start = time.perf_counter()
        try:
            if job["by_hand"]:
                with backend.forbid_autodiff():
                    value = fn(*args, **kwargs)
            else:
                value = fn(*args, **kwargs)
            encoded = encoder.encode(value)
        except NotImplementedError as exc:
            result["cases"].append({"status": "not_implemented", "message": str(exc)})
            return
        except BaseException as exc:
            result["cases"].append({
                "status": "raised",
                "message": _describe(exc),
                "autodiff": type(exc).__name__ == "AutodiffForbidden",
                "traceback": _student_traceback(exc, Path(job["file"]).parent),
            })
            return
        entry = {"status": "ok", "value": encoded, "seconds": round(time.perf_counter() - start, 6)}
        if case.get("grad_wrt") and backend.HAS_AUTODIFF:
            entry["grads"] = _gradients(fn, args, kwargs, case["grad_wrt"], backend, encoder)
        result["cases"].append(entry)


def _gradients(fn: Any, args: tuple, kwargs: dict, wrt: list[int], backend: Any,
               encoder: wire.Encoder) -> dict:
    """Autodiff gradients of sum(fn(...)) with respect to args[i], i in wrt: does the student's
    function let gradients flow (the reparameterization trick's whole point)?"""
    try:
        grads = backend.grad(lambda *a: fn(*a, **kwargs), list(args), list(wrt))
        return {"status": "ok", "value": encoder.encode(list(grads))}
    except BaseException as exc:
        return {"status": "raised", "message": _describe(exc)}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"SystemExit({exc.code!r}): your code called sys.exit() or exit()"
    text = str(exc).strip().splitlines()
    first = text[0][:300] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _student_traceback(exc: BaseException, folder: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve().is_relative_to(folder.resolve())]
    lines = []
    for frame in frames[-MAX_TRACEBACK_FRAMES:]:
        lines.append(f'  {Path(frame.filename).name}, line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return "\n".join(lines)


def _syntax_message(exc: SyntaxError, path: Path) -> str:
    where = f"line {exc.lineno}" if exc.lineno else "somewhere"
    text = (exc.text or "").rstrip()
    caret = ""
    if text and exc.offset:
        caret = "\n    " + text.strip() + "\n    " + " " * max(0, exc.offset - 1 - (len(text) - len(text.lstrip()))) + "^"
    return f"{path.name} has a syntax error at {where}: {exc.msg}{caret}"


def _signature(fn: Any) -> str:
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return "(?)"

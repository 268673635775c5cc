"""What a grandchild of the fork server does: load the student's file, run the cases, write
the results as plain data. Everything here runs with the student's code in the same process,
so the parent trusts none of it beyond what it can check.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
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


def run_jobs(job_dirs: list[Path], backend_name: str, device: str, config: dict,
             status_fd: int) -> None:
    """Run the jobs in order, one process for all: set up once, confine once, then per job write
    `start i`, grade, write result.json, write `done i` on the status pipe. The fork server watches
    that pipe to enforce each job's timeout and to restart after a crash."""
    backend = backends.get(backend_name)
    if hasattr(backend, "place"):
        backend.place(device)
    backend.configure_precision()
    # Touch the device once as the privileged user (CUDA's first use needs room and /dev access).
    backend.to_native(np.zeros(1), device)
    jobs = [wire.read_json(d / "job.json") for d in job_dirs]
    _confine(job_dirs, jobs, config)
    status = os.fdopen(status_fd, "w", buffering=1)
    modules: dict[str, Any] = {}
    for index, (job_dir, job) in enumerate(zip(job_dirs, jobs)):
        status.write(f"start {index}\n")
        status.flush()
        _run_one(job_dir, job, backend, device, modules)
        status.write(f"done {index}\n")
        status.flush()


def _run_one(job_dir: Path, job: dict, backend: Any, device: str, modules: dict) -> None:
    result: dict[str, Any] = {"device": device, "cases": []}
    try:
        inputs = _decode_inputs(job, job_dir, backend, device)
        fn = _load_function(Path(job["file"]), job["function"], result, modules)
        if fn is not None:
            _run_cases(fn, job, inputs, job_dir, backend, result)
    except MemoryError:
        result["load"] = {"status": "memory", "message": "ran out of memory"}
    finally:
        wire.write_json(job_dir / "result.json", result)


def _decode_inputs(job: dict, job_dir: Path, backend: Any, device: str) -> list[tuple]:
    def make_array(a: np.ndarray) -> Any:
        return backend.to_native(a, device)

    def make_fn(name: str, params: dict) -> Any:
        return fixtures.build(name, params)

    arrays = wire.ArrayFile.preloaded(job["inputs"])
    return [(wire.decode_inputs(case["args"], arrays, make_array, make_fn),
             wire.decode_inputs(case["kwargs"], arrays, make_array, make_fn))
            for case in job["cases"]]


def _confine(job_dirs: list[Path], jobs: list[dict], config: dict) -> None:
    from grader import confine

    writable = list(job_dirs)
    if config.get("isolation") != "bwrap":
        tmp = job_dirs[0].parent / "tmp"
        tmp.mkdir(exist_ok=True)
        writable.append(tmp)
        os.environ["TMPDIR"] = os.environ["HOME"] = str(tmp)
    confine.apply_limits(config.get("limits", {}))
    if config.get("drop_privileges", True):
        confine.drop_privileges(writable)
    readable = [Path(p) for p in config.get("readable", [])]
    readable += sorted({Path(job["file"]).parent for job in jobs})
    confine.install_audit_hook(readable, writable, [Path(p) for p in config.get("hidden", [])],
                               check_files=config.get("isolation") != "bwrap")


def _load_function(path: Path, name: str, result: dict, modules: dict) -> Any:
    """The student's function; each file is imported once per process (and a failure to import
    it is remembered, so every exercise of that file reports it)."""
    if not path.is_file():
        result["load"] = {"status": "missing", "message": f"there is no file {path.name}"}
        return None
    key = str(path)
    if key not in modules:
        modules[key] = _import(path)
    module = modules[key]
    if isinstance(module, dict):
        result["load"] = module
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


def _import(path: Path) -> Any:
    """The module, or the load failure to report."""
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
        return {"status": "error", "message": _syntax_message(exc, path)}
    except MemoryError:
        return {"status": "memory", "message": f"importing {path.name} ran out of memory"}
    except BaseException as exc:
        return {"status": "error", "message": f"importing {path.name} raised {_describe(exc)}",
                "traceback": _student_traceback(exc, path.parent)}
    return module


def _run_cases(fn: Any, job: dict, inputs: list[tuple], job_dir: Path, backend: Any,
               result: dict) -> None:
    encoder = wire.Encoder(job_dir, classify=backend.classify, to_numpy=backend.to_numpy)
    try:
        _run_each(fn, job, inputs, backend, result, encoder)
    finally:
        encoder.close()  # every array on disk before result.json says where it is


def _run_each(fn: Any, job: dict, inputs: list[tuple], backend: Any, result: dict,
              encoder: wire.Encoder) -> None:
    for case, (args, kwargs) in zip(job["cases"], inputs):
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
                "status": "memory" if _out_of_memory(exc) else "raised",
                "message": _describe(exc),
                "autodiff": type(exc).__name__ == "AutodiffForbidden",
                "traceback": _student_traceback(exc, Path(job["file"]).parent),
            })
            return
        entry = {"status": "ok", "value": encoded, "seconds": round(time.perf_counter() - start, 6)}
        if case.get("grad_wrt") and backend.HAS_AUTODIFF:
            entry["grads"] = _gradients(fn, args, kwargs, case["grad_wrt"], backend, encoder)
        result["cases"].append(entry)


def _out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(s in text for s in ("can't allocate memory", "out of memory",
                                   "resourceexhausted", "cannot allocate memory"))


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

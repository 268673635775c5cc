"""Grading one submission, in a batch worker: a process of the local pool or a Dask worker.

A worker keeps one engine Session (a fork server that has imported the framework, inside the
sandbox) per backend and grades many students with it in turn: the framework's import is paid
once per worker, not once per student. `Session.stage` copies one student's lecture folder into
the sandbox's view at a time, so a student's code never sees another's files. The course secret
stays in this (trusted) process: the engine sends the sandbox case inputs only.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.batch.course import SECRET_ENV, Plan, grader_version

_SESSIONS: dict[tuple, Any] = {}
_LOCK = threading.Lock()
_SCRATCH: Path | None = None
SESSIONS_FILE = "sessions.txt"


def set_scratch(folder: Path | None) -> None:
    """This worker's own folder: it lists the engine's scratch folders of its Sessions."""
    global _SCRATCH
    _SCRATCH = folder


def grade_task(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one submission: {"student", "content_hash", "root", "plan"} -> an outcome dict.

    `error` with `retry` True means the grader, not the student, failed (a backend that would not
    start, a version mismatch): the submission is not recorded, so the next run tries again."""
    start = time.monotonic()
    plan: Plan = task["plan"]
    outcome: dict[str, Any] = {"student": task["student"], "content_hash": task["content_hash"],
                               "results": [], "error": None, "retry": False,
                               "grader_version": grader_version()}
    if plan.grader_version != outcome["grader_version"]:
        outcome.update(error=f"this worker runs grader {outcome['grader_version']}, the batch "
                             f"{plan.grader_version}: install the same version everywhere",
                       retry=True)
        return outcome
    try:
        with _LOCK:
            outcome["results"] = _grade(Path(task["root"]), plan)
    except Exception as exc:  # the grader failed, not the student: say so, try again next run
        from grader.grading import UsageError

        outcome["results"] = []
        outcome["retry"] = True
        outcome["error"] = (str(exc) if isinstance(exc, UsageError) else
                            f"the grader failed: {type(exc).__name__}: {exc}\n"
                            + "".join(traceback.format_exc(limit=6)))
    outcome["seconds"] = round(time.monotonic() - start, 4)
    return outcome


def _grade(root: Path, plan: Plan) -> list[dict[str, Any]]:
    import backends
    from grader import catalog
    from grader.detect import choose_backend
    from grader.grading import UsageError, grade_lecture

    # The fork server inherits this process's environment, and the student's code with it: the
    # secret must not be there (the plan carries it, and it stays in this process).
    os.environ.pop(SECRET_ENV, None)
    version = grader_version()
    out: list[dict[str, Any]] = []
    for lp in plan.lectures:
        lec = catalog.lecture(lp.lecture)
        folder = root / lec.name
        files = [folder / f for f in lec.files if (folder / f).is_file()]
        if plan.backend != "auto":
            name = plan.backend
        elif not files:
            name = plan.allowed_backends[0]  # nothing to run: every exercise is missing
        else:
            name, _why = choose_backend(files)
        if name not in plan.allowed_backends:
            why = (f"your {lec.name} files import {name}" if name != "numpy"
                   else f"your {lec.name} files import no framework but NumPy")
            message = (f"{why}, and this course grades only with "
                       f"{', '.join(plan.allowed_backends)}: nothing was run")
            for ex_name in lp.exercises:
                ex = catalog.find_exercise(lec, ex_name)
                out.append(_row(ex.id, "error", 0.0, plan.points_of(ex.id), message, name, "",
                                version, hint=ex.hint))
            continue
        try:
            backends.require(name)
        except backends.BackendUnavailable as exc:
            raise UsageError(f"{lec.name}: {exc}") from None
        device = "cpu" if name == "numpy" else plan.device
        session = _session(name, device, plan)
        try:
            result = grade_lecture(lec.name, root, name, device, only=list(lp.exercises),
                                   session=session, timeout=plan.timeout,
                                   hidden_salt=plan.hidden_salt)
        finally:
            # Nothing of this student stays in the sandbox's view for the next one.
            for sub in ("submission", "jobs"):
                shutil.rmtree(session.scratch / sub, ignore_errors=True)
        for ex in result.exercises:
            points = plan.points_of(ex.id)
            score = (ex.score / ex.max_score * points) if ex.max_score else (
                points if ex.status == "passed" else 0.0)
            out.append(_row(ex.id, ex.status, float(score), points, ex.feedback, result.backend,
                            result.device, version, diagnosis=ex.diagnosis, output=ex.output,
                            case=asdict(ex.case) if ex.case else None, hint=ex.hint,
                            seconds=ex.seconds))
    return out


def _row(exercise_id: str, status: str, score: float, max_score: float, feedback: str,
         backend: str, device: str, version: str, **extra: Any) -> dict[str, Any]:
    row = {"id": exercise_id, "status": status, "score": score, "max_score": max_score,
           "feedback": feedback, "diagnosis": None, "backend": backend, "device": device,
           "grader_version": version, "output": "", "case": None, "hint": "", "seconds": 0.0}
    row.update(extra)
    return row


def _session(backend: str, device: str, plan: Plan) -> Any:
    from grader.session import Session  # NumPy-free: the fork server starts before NumPy loads here

    key = (backend, device, plan.isolation, plan.limits)
    session = _SESSIONS.get(key)
    if session is None:
        session = Session(backend, device, plan.isolation, plan.limits)
        _SESSIONS[key] = session
        if _SCRATCH is not None:
            # Written down so that a later batch removes it if this one is killed (a killed
            # worker never reaches Session.close).
            _SCRATCH.mkdir(parents=True, exist_ok=True)
            with open(_SCRATCH / SESSIONS_FILE, "a") as f:
                f.write(f"{session.scratch}\n")
    return session


def warm(plan: Plan, backend: str) -> None:
    """Start a backend's fork server before the first student (the framework's import)."""
    from grader.grading import UsageError

    device = "cpu" if backend == "numpy" else plan.device
    try:
        _session(backend, device, plan).worker()
    except UsageError:
        pass  # said again, per student, when grading needs it


def close_sessions() -> None:
    while _SESSIONS:
        _key, session = _SESSIONS.popitem()
        try:
            session.close()
        except Exception:
            pass


atexit.register(close_sessions)


# --- the process of the local pool ----------------------------------------------------------

def main(argv: list[str]) -> int:
    """`python -m grader.batch.worker SCRATCH PARENT_PID [BACKEND]`: read the plan, then tasks,
    from stdin (length-prefixed pickles from the coordinator); write one outcome per task to
    stdout; warm BACKEND's fork server first. Ends with its stdin, or with the coordinator."""
    import os
    import signal
    import sys

    from grader.batch.runner import wire_recv, wire_send
    from grader.malloc import keep_freed_memory

    scratch, parent = Path(argv[0]), int(argv[1])
    _die_with_parent(parent)
    keep_freed_memory()  # the same arrays for every student: no page faults to redo each time
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    # The coordinator's channel on a private fd: nothing printed by a library can reach it.
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    inbox = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
    set_scratch(scratch)
    try:
        plan = wire_recv(inbox)
        if len(argv) > 2 and argv[2]:
            warm(plan, argv[2])
        while True:
            try:
                task = wire_recv(inbox)
            except EOFError:
                break
            outcome = grade_task({**task, "plan": plan})
            outcome["worker"] = f"{os.uname().nodename}:{os.getpid()}"
            try:
                wire_send(channel, outcome)
            except OSError:
                break
    finally:
        close_sessions()
    return 0


def _die_with_parent(parent_pid: int) -> None:
    """Linux: this process gets SIGKILL when the coordinator dies, however it dies."""
    import os
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

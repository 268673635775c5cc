"""The child side of the trust boundary: a fork server that runs student code.

`python -m grader.child BACKEND DEVICE` imports the backend's framework once, then, for each job
the parent names on stdin, forks a grandchild that loads the student's file, calls the function on
the job's case inputs and writes the results as plain data into the job's folder. The fork server
never holds reference outputs: the parent sends case inputs only. It never touches CUDA itself (a
forked child could not use it afterwards); the grandchildren do.

Replies to the parent are JSON lines on stdout; a grandchild's stdout and stderr go to a file in
its job folder, so nothing the student prints can reach the parent's channel.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import backends

REPLY_FD = 1


def main(argv: list[str]) -> int:
    backend_name, device = argv[0], argv[1]
    os.environ[backends.ACTIVE_ENV] = backend_name
    # The parent's channel: keep it on a private fd so grandchildren can close it.
    channel = os.fdopen(os.dup(REPLY_FD), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, REPLY_FD)
    os.close(devnull)

    backend = backends.get(backend_name)
    try:
        backend.load()
        import numpy  # noqa: F401  (the grandchildren all need it)
        import grader.wire  # noqa: F401
        import grader.fixtures  # noqa: F401
    except Exception as exc:  # the framework fails to import: say so, once
        _reply(channel, {"op": "ready", "ok": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    probe = _probe_device(backend, device, channel)
    _reply(channel, {"op": "ready", **probe})
    if not probe.get("ok"):
        return 1
    resolved = probe["device"]

    for line in sys.stdin:
        command = json.loads(line)
        if command.get("op") == "quit":
            break
        if command.get("op") == "run":
            outcome = _run_forked(Path(command["dir"]), backend_name, resolved,
                                  float(command["timeout"]), channel)
            _reply(channel, {"op": "done", **outcome})
    return 0


def _reply(channel: Any, message: dict) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def _probe_device(backend: Any, device: str, channel: Any) -> dict:
    """Resolve the device in a forked child, so the fork server itself never initialises CUDA."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            result = {"ok": True, "device": backend.resolve_device(device),
                      "version": backend.version()}
        except Exception as exc:
            result = {"ok": False, "error": str(exc)}
        os.write(write_end, json.dumps(result).encode())
        os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    try:
        return json.loads(data.decode())
    except ValueError:
        return {"ok": False, "error": "the device probe crashed"}


def _run_forked(job_dir: Path, backend_name: str, device: str, timeout: float,
                channel: Any) -> dict:
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setsid()
            channel.close()
            code = _grandchild(job_dir, backend_name, device)
        except BaseException:
            try:
                (job_dir / "crash.txt").write_text(traceback.format_exc())
            except BaseException:
                pass
        finally:
            os._exit(code)
    status = _wait(pid, timeout)
    status["seconds"] = round(time.monotonic() - start, 4)
    return status


def _wait(pid: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            _kill_group(pid)
            os.waitpid(pid, 0)
            return {"status": "timeout"}
        if fd is not None:
            select.select([fd], [], [], left)
        else:
            time.sleep(min(left, 0.005))
    if fd is not None:
        os.close(fd)
    _kill_group(pid)  # whatever the student left running in its process group goes too
    if os.WIFSIGNALED(status):
        return {"status": "signaled", "signal": os.WTERMSIG(status)}
    return {"status": "exited", "code": os.WEXITSTATUS(status)}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- in the grandchild --------------------------------------------------------------------------

def _grandchild(job_dir: Path, backend_name: str, device: str) -> int:
    out = os.open(job_dir / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ[backends.DEVICE_ENV] = device

    from grader import runcases

    runcases.run_job(job_dir, backend_name, device)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

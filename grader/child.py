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
# Set by the parent: {"isolation": "bwrap"|"process", "limits": {...}}
CONFIG: dict = {}


def main(argv: list[str]) -> int:
    backend_name, device = argv[0], argv[1]
    global CONFIG
    CONFIG = json.loads(argv[2]) if len(argv) > 2 else {}
    os.environ[backends.ACTIVE_ENV] = backend_name
    # The parent's channel: keep it on a private fd so grandchildren can close it.
    channel = os.fdopen(os.dup(REPLY_FD), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, REPLY_FD)
    os.close(devnull)

    backend = backends.get(backend_name)
    try:
        backend.load()
        _preload()
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


def _preload() -> None:
    """Import, once, everything each grandchild needs: a fork then costs no imports."""
    import numpy
    import numpy.random  # noqa: F401  (NumPy 2 loads it lazily; seeding needs it)

    import grader.confine  # noqa: F401
    import grader.fixtures  # noqa: F401
    import grader.runcases  # noqa: F401
    import grader.wire  # noqa: F401

    numpy.random.seed(0)


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
    out_read, out_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setsid()
            channel.close()
            os.close(out_read)
            code = _grandchild(job_dir, backend_name, device, out_write)
        except BaseException:
            try:
                (job_dir / "crash.txt").write_text(traceback.format_exc())
            except BaseException:
                pass
        finally:
            os._exit(code)
    os.close(out_write)
    limit = int(CONFIG.get("limits", {}).get("output_bytes", 64 * 1024))
    status = _wait(pid, timeout, out_read, job_dir / "output.txt", limit)
    os.close(out_read)
    if CONFIG.get("isolation") == "bwrap":
        _reap_strays()
    status["seconds"] = round(time.monotonic() - start, 4)
    return status


def _wait(pid: int, timeout: float, out_fd: int, out_path: Path, limit: int) -> dict:
    """Wait for the grandchild, keeping the first `limit` bytes it prints and draining the rest."""
    deadline = time.monotonic() + timeout
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    kept = bytearray()
    total = 0
    out_open = True
    status = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                _kill_group(pid)
                os.waitpid(pid, 0)
                return {"status": "timeout", "output_bytes": total}
            watch = [fd for fd in (pidfd, out_fd if out_open else None) if fd is not None]
            if watch:
                ready, _, _ = select.select(watch, [], [], min(left, 0.05 if pidfd is None else left))
            else:
                time.sleep(min(left, 0.005))
                ready = []
            if out_open and out_fd in ready:
                chunk = os.read(out_fd, 65536)
                if not chunk:
                    out_open = False
                else:
                    total += len(chunk)
                    if len(kept) < limit:
                        kept += chunk[: limit - len(kept)]
    finally:
        if pidfd is not None:
            os.close(pidfd)
        _kill_group(pid)  # whatever the student left running in its process group goes too
        # What was printed just before the end is still in the pipe.
        os.set_blocking(out_fd, False)
        try:
            while out_open:
                chunk = os.read(out_fd, 65536)
                if not chunk:
                    break
                total += len(chunk)
                if len(kept) < limit:
                    kept += chunk[: limit - len(kept)]
        except (BlockingIOError, OSError):
            pass
        try:
            out_path.write_bytes(bytes(kept))
        except OSError:
            pass
    if os.WIFSIGNALED(status):
        return {"status": "signaled", "signal": os.WTERMSIG(status), "output_bytes": total}
    return {"status": "exited", "code": os.WEXITSTATUS(status), "output_bytes": total}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap_strays() -> None:
    """Inside bubblewrap's own PID namespace: end every process but the sandbox's init and this
    server, so nothing a student started (a daemon, a double fork) outlives its exercise."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, me):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


# --- in the grandchild --------------------------------------------------------------------------

def _grandchild(job_dir: Path, backend_name: str, device: str, out_fd: int) -> int:
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ[backends.DEVICE_ENV] = device
    if CONFIG.get("isolation") != "bwrap":
        tmp = job_dir / "tmp"
        tmp.mkdir(exist_ok=True)
        os.environ["TMPDIR"] = os.environ["HOME"] = str(tmp)

    from grader import runcases

    runcases.run_job(job_dir, backend_name, device, CONFIG)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

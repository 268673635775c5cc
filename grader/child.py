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

import base64
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Generator, Iterator

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
        if command.get("op") == "inputs":
            # Kept here, inherited by every grandchild: no student's code can change them.
            from grader import wire

            wire.PRELOADED[str(command["key"])] = base64.b64decode(command["data"])
        if command.get("op") == "run":
            jobs = [(Path(job["dir"]), float(job["timeout"])) for job in command["jobs"]]
            for index, outcome in _run_jobs(jobs, backend_name, resolved, channel):
                _reply(channel, {"op": "done", "index": index, **outcome})
            _reply(channel, {"op": "finished"})
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


def _run_jobs(jobs: list[tuple[Path, float]], backend_name: str, device: str,
              channel: Any) -> Iterator[tuple[int, dict]]:
    """Run the jobs in forked grandchildren, as few as possible: one runs them in order and says on
    a status pipe when each starts and ends. A job past its timeout, or a grandchild that dies,
    ends that job's run; a new grandchild takes the remaining jobs."""
    pending = list(range(len(jobs)))
    while pending:
        status_r, status_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                os.setsid()
                channel.close()
                os.close(status_r)
                os.close(out_r)
                code = _grandchild([jobs[i][0] for i in pending], backend_name, device,
                                   status_w, out_w)
            except BaseException:
                try:
                    (jobs[pending[0]][0] / "crash.txt").write_text(traceback.format_exc())
                except BaseException:
                    pass
            finally:
                os._exit(code)
        os.close(status_w)
        os.close(out_w)
        finished = yield from _supervise(pid, [(i, *jobs[i]) for i in pending], status_r, out_r)
        os.close(status_r)
        os.close(out_r)
        if CONFIG.get("isolation") == "bwrap":
            _reap_strays()
        pending = [i for i in pending if i not in finished]


class _Output:
    """What the grandchild prints: the first `limit` bytes of each job kept, the rest drained."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if len(self.kept) < self.limit:
            self.kept += chunk[: self.limit - len(self.kept)]

    def save(self, path: Path) -> int:
        try:
            if self.kept:  # no file when nothing was printed: most jobs, in a batch
                path.write_bytes(bytes(self.kept))
        except OSError:
            pass
        total = self.total
        self.kept, self.total = bytearray(), 0
        return total


# A grandchild between jobs runs only the grader's code: if it stays there this long, it is stuck.
BETWEEN_JOBS = 60.0


def _supervise(pid: int, jobs: list[tuple[int, Path, float]], status_fd: int,
               out_fd: int) -> Generator[tuple[int, dict], None, set[int]]:
    limit = int(CONFIG.get("limits", {}).get("output_bytes", 64 * 1024))
    output = _Output(limit)
    by_position = {position: job for position, job in enumerate(jobs)}
    finished: set[int] = set()
    current: tuple[int, Path, float] | None = None
    started = time.monotonic()
    deadline = started + BETWEEN_JOBS
    status_buffer = b""
    last_start = -1
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    open_fds = {status_fd, out_fd}
    exit_status = None
    try:
        while True:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_status = raw
                break
            left = deadline - time.monotonic()
            if left <= 0:
                _kill_group(pid)
                os.waitpid(pid, 0)
                # Stuck between jobs counts against the next one, so that every restart progresses.
                blame = current or _next(jobs, finished)
                if blame is not None:
                    index, job_dir, _ = blame
                    total = output.save(job_dir / "output.txt")
                    finished.add(index)
                    yield index, {"status": "timeout", "output_bytes": total,
                                  "seconds": round(time.monotonic() - started, 4)}
                return finished
            watch = [fd for fd in (pidfd, *open_fds) if fd is not None]
            ready, _, _ = select.select(watch, [], [], min(left, 0.05) if pidfd is None else left)
            if out_fd in ready:
                chunk = os.read(out_fd, 65536)
                if chunk:
                    output.add(chunk)
                else:
                    open_fds.discard(out_fd)
            if status_fd in ready:
                chunk = os.read(status_fd, 4096)
                if not chunk:
                    open_fds.discard(status_fd)
                status_buffer += chunk
                while b"\n" in status_buffer:
                    line, status_buffer = status_buffer.split(b"\n", 1)
                    word, _, number = line.decode(errors="replace").partition(" ")
                    try:
                        position = int(number)
                    except ValueError:
                        continue
                    # Student code shares the grandchild and could write here too: a start counts
                    # only after the previous job's done, and only further down the list, so no
                    # running job's deadline can be pushed back.
                    if (word == "start" and current is None and position in by_position
                            and position > last_start):
                        last_start = position
                        current = by_position[position]
                        started = time.monotonic()
                        deadline = started + current[2]
                    elif word == "done" and current is not None and position == last_start:
                        index, job_dir, _ = current
                        _drain(out_fd, output)
                        total = output.save(job_dir / "output.txt")
                        finished.add(index)
                        yield index, {"status": "exited", "code": 0, "output_bytes": total,
                                      "seconds": round(time.monotonic() - started, 4)}
                        current = None
                        deadline = time.monotonic() + BETWEEN_JOBS
    finally:
        if pidfd is not None:
            os.close(pidfd)
        _kill_group(pid)  # whatever the student left running in its process group goes too
    # The grandchild ended: the job it was running ends with it. Ending before it had started
    # the next job (a crash in set-up, a student's thread ending the process) counts against
    # that next job, so that every restart progresses.
    blame = current or _next(jobs, finished)
    if blame is not None:
        index, job_dir, _ = blame
        _drain(out_fd, output)
        total = output.save(job_dir / "output.txt")
        finished.add(index)
        seconds = round(time.monotonic() - started, 4)
        if os.WIFSIGNALED(exit_status):
            yield index, {"status": "signaled", "signal": os.WTERMSIG(exit_status),
                          "output_bytes": total, "seconds": seconds}
        else:
            yield index, {"status": "exited", "code": os.WEXITSTATUS(exit_status),
                          "output_bytes": total, "seconds": seconds, "early": True}
    return finished


def _next(jobs: list[tuple[int, Path, float]], finished: set[int]) -> tuple[int, Path, float] | None:
    return next((job for job in jobs if job[0] not in finished), None)


def _drain(fd: int, output: _Output) -> None:
    """Whatever is already in the pipe, without blocking."""
    os.set_blocking(fd, False)
    try:
        while chunk := os.read(fd, 65536):
            output.add(chunk)
    except (BlockingIOError, OSError):
        pass
    finally:
        os.set_blocking(fd, True)


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

def _grandchild(job_dirs: list[Path], backend_name: str, device: str, status_fd: int,
                out_fd: int) -> int:
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ[backends.DEVICE_ENV] = device

    from grader import runcases

    runcases.run_jobs(job_dirs, backend_name, device, CONFIG, status_fd)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # No interpreter teardown: with PyTorch or TensorFlow loaded it costs a noticeable fraction of
    # a second, and there is nothing left to clean up.
    os._exit(code)

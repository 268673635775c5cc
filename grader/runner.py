"""The parent's handle on the fork server (`grader.child`) that runs student code.

One fork server per grading run pays the framework import once; each exercise runs in its own
forked grandchild with its own timeout. If the server itself dies (a student's code killed it)
the next exercise starts a new one.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import grader
from grader import sandbox
from grader.sandbox import Limits

PROJECT_ROOT = Path(grader.__file__).resolve().parent.parent
READY_TIMEOUT = 300.0
# Past the exercise's own timeout, how long the parent waits for the server to answer.
GRACE = 30.0


# Never handed to student code: the course secret (hidden cases) and anything named like a
# credential.
SECRET_VARIABLES = ("GRADER_COURSE_SECRET",)
SECRET_MARKS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "_KEY", "APIKEY")


def child_environment() -> dict[str, str]:
    """This process's environment less what student code must not read."""
    return {k: v for k, v in os.environ.items()
            if k not in SECRET_VARIABLES and not any(mark in k.upper() for mark in SECRET_MARKS)}


class WorkerError(RuntimeError):
    """The fork server died or stopped answering."""


class StartError(RuntimeError):
    """The fork server could not start the backend (framework broken, no such device)."""


class Worker:
    def __init__(self, backend: str, device: str, scratch: Path, isolation: str = "process",
                 limits: Limits | None = None) -> None:
        self.backend = backend
        self.isolation = isolation
        self.requested_device = device
        self.scratch = scratch
        self.log_path = scratch / "worker.log"
        env = child_environment()
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["PYTHONUNBUFFERED"] = "1"
        config = {"isolation": isolation, "limits": (limits or Limits()).to_json(),
                  "readable": [str(p) for p in sandbox.interpreter_paths()]
                  + [str(PROJECT_ROOT / name) for name in sandbox.CHILD_PACKAGES],
                  "hidden": [str(p) for p in sandbox.hidden_paths()],
                  # Outside bubblewrap, `nobody` must be able to read the interpreter itself
                  # (pyenv under /root is not): otherwise the grandchild keeps its user.
                  "drop_privileges": isolation == "bwrap" or all(
                      sandbox.readable_by_others(p) for p in sandbox.interpreter_paths())}
        argv = [sys.executable, "-m", "grader.child", backend, device, json.dumps(config)]
        if isolation == "bwrap":
            argv = sandbox.bwrap_command(argv, readable=[], writable=[scratch], device=device)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=scratch, env=env)
        self._buffer = b""
        self._sent_inputs: set[str] = set()
        self._ready = False
        self.device = ""
        self.version = ""

    def wait_ready(self) -> None:
        """The server imports its framework while the parent prepares cases; wait for it here."""
        if self._ready:
            return
        ready = self._read(READY_TIMEOUT)
        if ready is None or not ready.get("ok"):
            self.close()
            error = ready.get("error") if ready else self._log_tail() or "no answer"
            raise StartError(error)
        self.device = ready["device"]
        self.version = ready.get("version", "")
        self._ready = True

    def run_many(self, jobs: list[tuple[Path, float, str]],
                 inputs: dict[str, tuple[Any, bytes]] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """Run the jobs (folder, timeout, inputs key) in order; yields (index, how its run ended)
        as each one finishes. `inputs` holds the case inputs by key: each is sent to this server
        once, and its grandchildren inherit them."""
        self.wait_ready()
        try:
            for key in dict.fromkeys(k for _, _, k in jobs):
                if key and key not in self._sent_inputs:
                    data = base64.b64encode((inputs or {})[key][1]).decode("ascii")
                    self._send({"op": "inputs", "key": key, "data": data})
                    self._sent_inputs.add(key)
            self._send({"op": "run", "jobs": [{"dir": str(d), "timeout": t}
                                              for d, t, _ in jobs]})
        except (BrokenPipeError, OSError) as exc:
            raise WorkerError("the grading process died") from exc
        patience = max((t for _, t, _ in jobs), default=0.0) + GRACE
        while True:
            reply = self._read(patience)
            if reply is None:
                self.close()
                raise WorkerError("the grading process died or stopped answering")
            if reply.get("op") == "finished":
                return
            if reply.get("op") == "done" and isinstance(reply.get("index"), int):
                yield reply["index"], reply

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self._send({"op": "quit"})
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def _send(self, message: dict) -> None:
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def _read(self, timeout: float) -> dict[str, Any] | None:
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""

"""A grading session: the fork server for one backend and device, and the staged copy of the
submission it can see. Imports no NumPy, so the command line can start the server (which imports
the framework) before the parent pays for its own imports: the two then load side by side."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import backends
from grader import sandbox
from grader.runner import StartError, Worker
from grader.sandbox import Limits


class UsageError(Exception):
    """A problem with what was asked for (exit status 2), told in one line."""


def resolve_backend(requested: str, files: list[Path]) -> tuple[str, str]:
    from grader.detect import choose_backend

    if requested == "auto":
        name, why = choose_backend(files)
    elif requested in backends.NAMES:
        name, why = requested, "asked for"
    else:
        raise UsageError(f"unknown backend {requested!r}: choose numpy, torch, tensorflow or auto")
    try:
        backends.require(name)
    except backends.BackendUnavailable as exc:
        raise UsageError(str(exc)) from None
    return name, why


MAX_STAGED_BYTES = 64 * 1024 * 1024
MIN_SHM_BYTES = 1024 * 1024 * 1024


def _copy_tree(source: Path, target: Path) -> None:
    """Regular files only (no links out of the folder), world-readable, size-capped."""
    total = 0
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o755)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if "__pycache__" in rel.parts or any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            continue
        dest = target / rel
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            os.chmod(dest, 0o755)
        elif path.is_file():
            total += path.stat().st_size
            if total > MAX_STAGED_BYTES:
                raise UsageError(f"the submission folder {source} holds more than "
                                 f"{MAX_STAGED_BYTES >> 20} MiB")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            os.chmod(dest, 0o644)


def _scratch_root() -> str | None:
    """Job folders in memory (/dev/shm) where there is one: thousands of small files per run."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        stats = os.statvfs(shm)
        if stats.f_bavail * stats.f_frsize >= MIN_SHM_BYTES:  # a container's 64 MiB is too little
            return str(shm)
    return None


class Session:
    """A fork server for one backend and device, restarted when a student's code kills it."""

    def __init__(self, backend: str, device: str, isolation: str = "auto",
                 limits: Limits | None = None, scratch_root: str | Path | None = None) -> None:
        self.backend = backend
        self.requested_device = device
        try:
            self.isolation = sandbox.resolve(isolation)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        self.limits = limits or Limits()
        self.scratch = Path(tempfile.mkdtemp(prefix="grade-", dir=scratch_root or _scratch_root()))
        os.chmod(self.scratch, 0o711)  # the unprivileged grandchild must reach its job folder
        self._worker: Worker | None = None
        self.device = device if device != "auto" else "cpu"
        self.version = ""
        # Each exercise's case inputs, encoded once per session: {key: (encoded cases, bytes)}.
        self.inputs: dict[str, tuple[list[dict], bytes]] = {}
        # Prepared cases and their expected outputs, by (exercise, dtype, hidden salt).
        self.prepared: dict[tuple, list[Any]] = {}
        self._input_keys: dict[tuple, str] = {}

    def case_inputs(self, key: tuple, cases: list[Any]) -> tuple[str, list[dict]]:
        """The inputs of an exercise's prepared cases, encoded once per session (a batch worker
        grades every student on the same cases) and sent once to each fork server, which keeps
        them in memory for its grandchildren. Returns (inputs key, encoded cases)."""
        name = self._input_keys.get(key)
        if name is None:
            from grader import wire

            enc = wire.Encoder(None)
            encoded = [{"args": enc.encode(c.args), "kwargs": enc.encode(c.kwargs),
                        "seed": c.seed, "grad_wrt": list(c.case.grad_wrt)} for c in cases]
            name = f"inputs-{len(self._input_keys)}"
            self.inputs[name] = (encoded, enc.getvalue())
            self._input_keys[key] = name
        return name, self.inputs[name][0]

    def start(self) -> None:
        """Start the fork server without waiting for it (it imports the framework meanwhile)."""
        if self._worker is None or not self._worker.alive():
            self._worker = Worker(self.backend, self.requested_device, self.scratch,
                                  self.isolation, self.limits)

    def worker(self) -> Worker:
        self.start()
        try:
            self._worker.wait_ready()
        except StartError as exc:
            raise UsageError(f"the {self.backend} backend could not start: {exc}") from None
        self.device, self.version = self._worker.device, self._worker.version
        return self._worker

    def stage(self, folder: Path, lecture: str) -> Path:
        """A copy of the student's lecture folder that the sandbox can see (and the student's
        code may change without touching the original)."""
        target = self.scratch / "submission" / lecture
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(target.parent, 0o755)
        if folder.is_dir():
            _copy_tree(folder, target)
        else:
            target.mkdir()
        return target

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

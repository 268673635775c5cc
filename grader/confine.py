"""Confinement applied inside the grandchild, just before the student's code is loaded:
resource limits, an unprivileged user, and (in the `process` isolation mode) an audit hook.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any

NOBODY = 65534


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def apply_limits(limits: dict[str, Any]) -> None:
    """Memory (address space on top of the preloaded framework), CPU time, processes, file size."""
    def cap(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    if limits.get("memory_mb"):
        cap(resource.RLIMIT_AS, _vm_size() + int(limits["memory_mb"]) * 1024 * 1024)
    if limits.get("cpu_seconds"):
        cap(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    if limits.get("processes") and hasattr(resource, "RLIMIT_NPROC") and os.geteuid() == 0:
        # Counted per user: only meaningful for `nobody`, whom drop_privileges switches to next.
        # For an ordinary user it would count their whole desktop; it is left alone there.
        cap(resource.RLIMIT_NPROC, int(limits["processes"]))
    if limits.get("file_mb"):
        cap(resource.RLIMIT_FSIZE, int(limits["file_mb"]) * 1024 * 1024)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails, not kills
    cap(resource.RLIMIT_CORE, 0)


def drop_privileges(writable: list[Path]) -> None:
    """As root (CI, a grading server), run the student's code as nobody."""
    if os.geteuid() != 0:
        return
    for path in writable:
        try:
            os.chown(path, NOBODY, NOBODY)
        except OSError:
            pass
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


class Refused(PermissionError):
    pass


def install_audit_hook(readable: list[Path], writable: list[Path], hidden: list[Path],
                       check_files: bool = True) -> None:
    """PEP 578: refuse network, subprocesses and (with check_files) files outside the allowed
    folders.

    Under bubblewrap the files are out of view anyway and only the events are refused, so that
    both modes give the same verdicts. Without it, this hook is the wall, and a low one (ctypes
    can go around it), which is why bubblewrap is preferred."""
    read_roots = tuple(str(p) + os.sep for p in readable + writable) + (
        "/usr/", "/lib/", "/lib64/", "/etc/", "/proc/", "/sys/", "/dev/")
    write_roots = tuple(str(p) + os.sep for p in writable) + ("/dev/null",)
    refused_events = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
                      "socket.getaddrinfo", "subprocess.Popen", "os.system", "os.exec",
                      "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn",
                      "os.kill", "os.killpg"}

    hidden_roots = tuple(str(p) + os.sep for p in hidden)
    # Events on paths other than open(): reading a folder, and changing the file system.
    listing_events = {"os.listdir", "os.scandir", "os.chdir", "glob.glob"}
    changing_events = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.symlink", "os.link",
                       "os.chmod", "os.chown", "os.utime", "os.truncate", "shutil.rmtree",
                       "shutil.copyfile", "shutil.move"}

    def allowed(path: Any, writing: bool) -> bool:
        if path is None or isinstance(path, int):
            return True
        full = os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, bytes, os.PathLike)) \
            else None
        if full is None:
            return True
        roots = write_roots if writing else read_roots
        if (full + os.sep).startswith(hidden_roots):
            return False
        return (full + os.sep).startswith(roots) or full == "/dev/null" or (
            not writing and (full + os.sep) in read_roots)

    def hook(event: str, args: tuple) -> None:
        if event in refused_events:
            if event in ("os.kill", "os.killpg") and args and args[0] == os.getpid():
                return
            raise Refused(f"{event} is not allowed while grading")
        if not check_files:
            return
        if event == "open":
            path, mode = args[0], args[1]
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = isinstance(mode, str) and any(c in mode for c in "wax+")
            writing = writing or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND))
            if not allowed(path, writing):
                raise Refused(f"opening {os.fsdecode(path)} is not allowed while grading")
        elif event in listing_events:
            path = args[0] if args else "."
            if not allowed(path if path is not None else ".", writing=False):
                raise Refused(f"{event} of {os.fsdecode(path)} is not allowed while grading")
        elif event in changing_events:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not allowed(path, writing=True):
                    raise Refused(f"{event} of {os.fsdecode(path)} is not allowed while grading")

    sys.addaudithook(hook)

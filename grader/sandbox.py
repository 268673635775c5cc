"""Where student code runs: the limits it runs under and the sandbox around the fork server.

Two isolation modes:

- `bwrap`: the fork server runs under bubblewrap with no network, no shared namespaces, a
  read-only view of the interpreter, the grader's child-side code and the submission, and a
  private /tmp. `reference/`, tests, hidden-case material, the gradebook and other submissions
  are simply not in its view. Grandchildren drop to an unprivileged user before student code runs.
- `process`: where bubblewrap is missing or cannot run (a laptop, macOS): resource limits plus a
  PEP 578 audit hook in the grandchild that refuses sockets, subprocesses and file access outside
  the submission, the scratch folder and the Python installation. Weaker (an audit hook can be
  bypassed through ctypes), and `grade doctor` says which one is active.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

import grader

PROJECT_ROOT = Path(grader.__file__).resolve().parent.parent
# The only parts of the project the child may see: its own code.
CHILD_PACKAGES = ("grader", "backends")
MODES = ("auto", "bwrap", "process")


@dataclass(frozen=True)
class Limits:
    """Per exercise. Memory is address space on top of what the preloaded framework uses."""

    memory_mb: int = 3072
    cpu_seconds: int = 120
    processes: int = 256
    output_bytes: int = 64 * 1024
    file_mb: int = 256

    def to_json(self) -> dict:
        return asdict(self)


@functools.lru_cache(maxsize=None)
def bwrap_works() -> bool:
    """bubblewrap is installed and can build a sandbox here (it needs user namespaces or root)."""
    exe = shutil.which("bwrap")
    if exe is None or not sys.platform.startswith("linux"):
        return False
    try:
        probe = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                                "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


ISOLATION_ENV = "GRADER_ISOLATION"


def resolve(mode: str) -> str:
    """`auto` is $GRADER_ISOLATION when set (CI runs the suite under each mode), else bubblewrap
    where it runs, else `process`."""
    if mode == "auto" and os.environ.get(ISOLATION_ENV):
        mode = os.environ[ISOLATION_ENV]
    if mode not in MODES:
        raise ValueError(f"unknown isolation {mode!r}: choose auto, bwrap or process")
    if mode == "auto":
        return "bwrap" if bwrap_works() else "process"
    if mode == "bwrap" and not bwrap_works():
        raise ValueError("--isolation bwrap asked for, but bubblewrap is not installed or cannot "
                         "run here (Debian/Ubuntu: apt-get install bubblewrap)")
    return mode


def hidden_paths() -> list[Path]:
    """What the child must never see, wherever the grader is installed."""
    import reference

    hidden = [Path(p).resolve() for p in reference.__path__]
    if SOURCE_LAYOUT:
        hidden += [PROJECT_ROOT / "tests", PROJECT_ROOT / "bench"]
    return hidden


# Run from a checkout (`pip install -e .`): the project root holds reference/ and must not be
# bound whole. Installed as a package: site-packages holds it, and reference/ is masked instead.
SOURCE_LAYOUT = (PROJECT_ROOT / "pyproject.toml").exists()


def interpreter_paths() -> list[Path]:
    """The Python installation the child needs to read: prefixes, stdlib, site-packages."""
    paths = sysconfig.get_paths()
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, paths.get("stdlib"),
                  paths.get("purelib"), paths.get("platlib"),
                  os.path.dirname(os.path.realpath(sys.executable))]
    candidates += [p for p in sys.path if p]
    found: list[Path] = []
    for item in candidates:
        if not item or not os.path.isdir(item):
            continue
        path = Path(item).resolve()
        if SOURCE_LAYOUT and (path.is_relative_to(PROJECT_ROOT) or PROJECT_ROOT.is_relative_to(path)):
            continue  # never the checkout, nor a folder above it: that would show reference/
        if any(path.is_relative_to(p) for p in found):
            continue
        found = [p for p in found if not p.is_relative_to(path)] + [path]
    return found


SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc")


def bwrap_command(argv: list[str], readable: list[Path], writable: list[Path], device: str) -> list[str]:
    """bubblewrap around `argv`: nothing visible but what is listed, no network."""
    # As root (CI, a grading server) no user namespace: the grandchild then drops to the real
    # unprivileged user `nobody`, which the kernel's per-user process limit applies to. As an
    # ordinary user, bubblewrap needs the user namespace, and the user is unprivileged already.
    unshare = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"] if os.geteuid() == 0 else ["--unshare-all"])
    cmd = ["bwrap", *unshare, "--die-with-parent", "--new-session",
           "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp",
           "--perms", "1777", "--tmpfs", "/dev/shm",
           "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp"]
    for d in SYSTEM_DIRS:
        if os.path.isdir(d):
            cmd += ["--ro-bind", d, d] if not os.path.islink(d) else ["--symlink", os.readlink(d), d]
    made: set[str] = set()

    def parents(path: Path) -> list[str]:
        # bubblewrap creates missing parents 0700: an unprivileged grandchild could not pass them.
        out = []
        for parent in reversed(path.parents):
            if str(parent) in ("/", *SYSTEM_DIRS, "/tmp", "/dev", "/proc") or str(parent) in made:
                continue
            made.add(str(parent))
            out += ["--perms", "0755", "--dir", str(parent)]
        return out

    for path in interpreter_paths():
        if str(path).startswith(SYSTEM_DIRS):
            continue
        cmd += parents(path) + ["--ro-bind", str(path), str(path)]
    if SOURCE_LAYOUT:
        for name in CHILD_PACKAGES:
            p = PROJECT_ROOT / name
            cmd += parents(p) + ["--ro-bind", str(p), str(p)]
    for path in hidden_paths():
        if path.exists() and not (SOURCE_LAYOUT and path.is_relative_to(PROJECT_ROOT)):
            cmd += ["--tmpfs", str(path)]
    for path in readable:
        cmd += parents(path) + ["--ro-bind", str(path), str(path)]
    for path in writable:
        cmd += parents(path) + ["--bind", str(path), str(path)]
    if device in ("cuda", "auto"):
        # The GPU's device nodes, when there are any (PyTorch and TensorFlow open them).
        for node in sorted(Path("/dev").glob("nvidia*")):
            cmd += ["--dev-bind-try", str(node), str(node)]
        cmd += ["--ro-bind-try", "/proc/driver/nvidia", "/proc/driver/nvidia",
                "--ro-bind-try", "/sys", "/sys"]
    cmd += ["--chdir", str(writable[0]) if writable else "/tmp", "--"]
    return cmd + argv


def readable_by_others(path: Path) -> bool:
    """Could an unprivileged user (nobody) read `path`: every folder above it passable?"""
    path = path.resolve()
    try:
        for folder in [*reversed(path.parents), path]:
            mode = folder.stat().st_mode
            if not mode & 0o001 or (folder == path and not mode & 0o004):
                return False
    except OSError:
        return False
    return True

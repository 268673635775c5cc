"""The one console wrapper (hatch's `Terminal`): where output goes, styles, and exit codes."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import Any

from rich.console import Console


class Exit(IntEnum):
    """Exit statuses of `grade` (DESIGN.md)."""

    OK = 0  # everything graded passed
    NOT_ALL_PASSED = 1  # something did not pass
    USAGE = 2  # a usage error: bad option, unknown lecture, backend not installed


STATUS_STYLE = {
    "passed": ("passed", "green"),
    "failed": ("failed", "red"),
    "error": ("error", "red"),
    "timeout": ("timeout", "magenta"),
    "memory": ("memory", "magenta"),
    "not_implemented": ("not implemented", "yellow"),
    "missing": ("missing", "yellow"),
}


class Terminal:
    def __init__(self) -> None:
        self.out = Console(highlight=False, soft_wrap=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def interactive(self) -> bool:
        return self.err.is_terminal

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.out.print(*objects, **kwargs)

    def error(self, message: str) -> None:
        self.err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)

    def plain(self, text: str) -> None:
        """Machine output (JSON): straight to stdout, no markup, no wrapping."""
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

"""`grade watch lecture2`: regrade whenever a file of the lecture is saved (watchfiles)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable


def changed_python_files(changes: set) -> list[str]:
    return sorted({path for _change, path in changes if str(path).endswith(".py")})


def watch_loop(folder: Path, on_change: Callable[[list[str]], None],
               stop: threading.Event | None = None, debounce_ms: int = 300) -> None:
    """Call `on_change(paths)` after each save of a .py file under `folder`, until `stop` is set
    (or Ctrl-C)."""
    from watchfiles import watch

    for changes in watch(folder, stop_event=stop, debounce=debounce_ms, raise_interrupt=False,
                         rust_timeout=200, yield_on_timeout=False):
        paths = changed_python_files(changes)
        if paths:
            on_change(paths)

"""Progress of a batch: a rich bar (count, rate, time left) on a terminal, plain lines elsewhere
(a log file, CI, a pipe), one per submission."""

from __future__ import annotations

import sys
import time
from typing import IO

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Submissions per second, over the run so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("… /s" if speed is None else f"{speed:.2f}/s", style="cyan")


class BatchProgress:
    def __init__(self, console: Console | None = None, stream: IO[str] | None = None,
                 label: str = "grading") -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.stream = stream or sys.stderr
        self.label = label
        self.total = 0
        self.done = 0
        self.started = 0.0
        self._bar: Progress | None = None
        self._task = None

    @property
    def interactive(self) -> bool:
        return self.console.is_terminal

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        if self.interactive:
            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
                                 TextColumn("left"), TimeRemainingColumn(),
                                 TextColumn("{task.fields[last]}", style="dim"),
                                 console=self.console, transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total, last="")
        else:
            self._line(f"{self.label} {total} submissions")

    def advance(self, student: str, text: str) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, last=f"{student}: {text}"[:60])
            return
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        self._line(f"[{self.done}/{self.total}] {student}: {text} "
                   f"({rate:.2f}/s, {_duration(left)} left)")

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"

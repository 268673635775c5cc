"""The terminal report: a table of verdicts, then the smallest failing case of each failure."""

from __future__ import annotations

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.catalog import Lecture
from grader.results import ExerciseResult, LectureResult
from grader.terminal import STATUS_STYLE, Terminal


def _status(status: str) -> Text:
    label, style = STATUS_STYLE.get(status, (status, "white"))
    return Text(label, style=style)


def _points(value: float) -> str:
    return f"{value:g}"


def render_lecture(term: Terminal, result: LectureResult, details: bool = True) -> None:
    title = (f"{result.lecture}: {result.title}\n"
             f"backend {result.backend} on {result.device}")
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("feedback", overflow="fold")
    for ex in result.exercises:
        first = _summary(ex)
        table.add_row(ex.id.split(".", 1)[1], _status(ex.status),
                      f"{_points(ex.score)}/{_points(ex.max_score)}", escape(first))
    term.print(table)
    if details:
        for ex in result.exercises:
            if ex.status in ("failed", "error", "timeout", "memory"):
                render_details(term, ex)
    score = Text(f"Score: {_points(result.score)}/{_points(result.max_score)}", style="bold")
    passed = sum(e.status == "passed" for e in result.exercises)
    score.append(f"   {passed} of {len(result.exercises)} exercises passed", style="dim")
    term.print(score)


def _summary(ex: ExerciseResult, width: int = 90) -> str:
    """One line for the table: the named mistake when there is one, else the first line."""
    if ex.status == "passed" or not ex.feedback:
        return ""
    if ex.diagnosis:
        return f"likely mistake: {ex.diagnosis['name']}"
    first = ex.feedback.splitlines()[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def render_details(term: Terminal, ex: ExerciseResult) -> None:
    lines = Text()
    if ex.case is not None:
        lines.append(f"case: {ex.case.label}\n", style="bold")
        if ex.case.inputs:
            lines.append(f"inputs:   {ex.case.inputs}\n")
        if ex.case.expected and ex.status == "failed":
            lines.append(f"expected: {ex.case.expected}\n", style="green")
        if ex.case.got and ex.status == "failed":
            lines.append(f"got:      {ex.case.got}\n", style="red")
    lines.append(ex.feedback.strip() + "\n")
    if ex.diagnosis:
        pass  # already in the feedback, named
    if ex.output.strip():
        lines.append("your code printed:\n", style="dim")
        lines.append(_indent(ex.output.strip()[:1500]) + "\n", style="dim")
    if ex.hint:
        lines.append(f"hint: {ex.hint}", style="cyan")
    term.print(Panel(lines, title=f"{ex.id}: {STATUS_STYLE.get(ex.status, (ex.status,))[0]}",
                     title_align="left", border_style="red" if ex.status != "timeout" else "magenta"))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def render_list(term: Terminal, lectures: list[Lecture]) -> None:
    for lec in lectures:
        table = Table(title=f"{lec.name}: {lec.title}", title_justify="left")
        table.add_column("exercise", no_wrap=True)
        table.add_column("file", no_wrap=True)
        table.add_column("points", justify="right")
        # NumPy's and PyTorch's; TensorFlow gets more (its eager ops are slower).
        table.add_column("time limit", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        for ex in lec.exercises:
            tags = ", ".join(t for t, on in (("by hand", ex.by_hand), ("stochastic", ex.stochastic)) if on)
            table.add_row(ex.name, ex.file, _points(ex.points), f"{ex.timeout:g} s", tags)
        table.add_row("", "", Text(_points(lec.max_score), style="bold"), "", "total")
        term.print(table)


def render_progress_line(term: Terminal, result: LectureResult, width: int = 24) -> None:
    """lecture1  ███████████░░░░░░░░░░░░░  24/38  Foundations…"""
    filled = int(round(width * result.score / result.max_score)) if result.max_score else 0
    bar = Text("█" * filled, style="green")
    bar.append("░" * (width - filled), style="dim")
    line = Text(f"{result.lecture:10}")
    line.append_text(bar)
    line.append(f"  {_points(result.score):>3}/{_points(result.max_score):<3}  ")
    line.append(result.title.split(":")[0], style="dim")
    term.print(line)

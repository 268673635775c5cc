"""`grade`: the command line (DESIGN.md's contract).

Only typer, rich and the plain-data catalog are imported at the top: `grade --help` and
`grade list` must not pay for NumPy, PyTorch or TensorFlow. Grading imports them inside the
commands that need them (pip's habit).
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path
from typing import List, Optional

import typer

from grader import __version__, catalog
from grader.terminal import Exit, Terminal

app = typer.Typer(
    add_completion=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    help="Grade your MIT 6.S191 exercises: `grade lecture1` checks exercises/lecture1/ against "
         "reference implementations on NumPy, PyTorch or TensorFlow.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

BackendOpt = typer.Option("auto", "--backend", "-b",
                          help="numpy | torch | tensorflow | auto (what your files import)")
DeviceOpt = typer.Option("auto", "--device", "-d", help="auto (the GPU when there is one) | cpu | cuda")
ExerciseOpt = typer.Option(None, "--exercise", "-e",
                           help="grade only this exercise (repeatable), e.g. -e sigmoid")
SubmissionOpt = typer.Option(None, "--submission", "-s",
                             help="a folder laid out like exercises/ (default: ./exercises)")
JsonOpt = typer.Option(False, "--json", help="print the result as JSON on stdout, nothing else")
IsolationOpt = typer.Option("auto", "--isolation",
                            help="auto | bwrap (bubblewrap sandbox) | process (limits and an "
                                 "audit hook, where bubblewrap cannot run)")


def _find_submission(given: Optional[Path]) -> Path:
    from grader.session import UsageError

    if given is not None:
        if not given.is_dir():
            raise UsageError(f"--submission {given}: no such folder")
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir():
            return folder / "exercises"
    raise UsageError("no exercises/ folder here or above: run grade in the course repository, "
                     "or pass --submission DIR")


def _grade(lectures: List[str], backend: str, device: str, exercises: Optional[List[str]],
           submission: Optional[Path], as_json: bool, isolation: str = "auto") -> None:
    from grader.session import Session, UsageError, resolve_backend

    term = Terminal()
    results = []
    sessions: dict[str, Session] = {}
    try:
        root = _find_submission(submission)
        # Start each backend's fork server first: it imports its framework while this process
        # imports NumPy and prepares the cases.
        chosen = {}
        for name in lectures:
            try:
                lec = catalog.lecture(name)
            except KeyError as exc:
                raise UsageError(exc.args[0]) from None
            files = [root / lec.name / f for f in lec.files]
            chosen[name] = resolve_backend(backend, [f for f in files if f.is_file()])[0]
            if chosen[name] not in sessions:
                sessions[chosen[name]] = Session(chosen[name], device, isolation)
                sessions[chosen[name]].start()
        from grader.grading import grade_lecture

        for name in lectures:
            session = sessions[chosen[name]]
            if as_json or not term.interactive:
                result = grade_lecture(name, root, chosen[name], device, exercises, session=session)
            else:
                with term.err.status(f"grading {name}…") as status:
                    def progress(ex, verdict, status=status) -> None:
                        if verdict is None:
                            status.update(f"grading {ex.id}…")

                    result = grade_lecture(name, root, chosen[name], device, exercises,
                                           progress=progress, session=session)
            results.append(result)
            if not as_json:
                from grader.report import render_lecture

                render_lecture(term, result)
    except UsageError as exc:
        term.error(str(exc))
        raise typer.Exit(Exit.USAGE)
    finally:
        for session in sessions.values():
            session.close()
    if as_json:
        payload = results[0].to_json() if len(lectures) == 1 else [r.to_json() for r in results]
        term.plain(json.dumps(payload))
    passed = all(r.all_passed for r in results)
    raise typer.Exit(Exit.OK if passed else Exit.NOT_ALL_PASSED)


def _lecture_command(lecture: catalog.Lecture):
    def command(
        backend: str = BackendOpt,
        device: str = DeviceOpt,
        exercise: Optional[List[str]] = ExerciseOpt,
        submission: Optional[Path] = SubmissionOpt,
        as_json: bool = JsonOpt,
        isolation: str = IsolationOpt,
    ) -> None:
        _grade([lecture.name], backend, device, exercise, submission, as_json, isolation)

    command.__doc__ = f"Grade {lecture.name}: {lecture.title} ({lecture.max_score:g} points)."
    return command


for _lec in catalog.lectures():
    app.command(_lec.name)(_lecture_command(_lec))


@app.callback()
def overview(ctx: typer.Context) -> None:
    """With no command: grade every lecture and show each one's score as a line with a bar."""
    if ctx.invoked_subcommand is not None:
        return
    from grader.grading import UsageError, grade_lecture

    term = Terminal()
    try:
        root = _find_submission(None)
    except UsageError as exc:
        term.print(ctx.get_help())
        term.error(str(exc))
        raise typer.Exit(Exit.USAGE)
    results = []
    for lec in catalog.lectures():
        try:
            if term.interactive:
                with term.err.status(f"grading {lec.name}…"):
                    result = grade_lecture(lec.name, root)
            else:
                result = grade_lecture(lec.name, root)
        except UsageError as exc:
            term.error(f"{lec.name}: {exc}")
            raise typer.Exit(Exit.USAGE)
        results.append(result)
        from grader.report import render_progress_line

        render_progress_line(term, result)
    term.print("[dim]grade lectureN for the details, grade --help for every command[/]")
    raise typer.Exit(Exit.OK if all(r.all_passed for r in results) else Exit.NOT_ALL_PASSED)


@app.command()
def hint(
    exercise: str = typer.Argument(..., help="e.g. lecture2.lstm_step (or lstm_step)"),
    reset: bool = typer.Option(False, "--reset", help="start this exercise's hints again"),
) -> None:
    """Show the next hint for an exercise (each call reveals one more)."""
    from grader import hints

    term = Terminal()
    try:
        ex = hints.find(exercise)
    except KeyError as exc:
        term.error(exc.args[0])
        raise typer.Exit(Exit.USAGE)
    folder = hints.state_dir()
    if reset:
        hints.reset(ex, folder)
        term.print(f"hints for {ex.id} start again from the first")
        return
    number, total, text = hints.next_hint(ex, folder)
    term.print(f"[bold]{ex.id}[/], hint {number} of {total}:")
    term.print(text)
    if number < total:
        term.print(f"[dim]run `grade hint {ex.id}` again for the next one[/]")


@app.command()
def watch(
    lecture: str = typer.Argument(..., help="e.g. lecture2"),
    backend: str = BackendOpt,
    device: str = DeviceOpt,
    exercise: Optional[List[str]] = ExerciseOpt,
    submission: Optional[Path] = SubmissionOpt,
) -> None:
    """Regrade a lecture every time one of its files is saved (Ctrl-C to stop)."""
    from grader.grading import UsageError, grade_lecture
    from grader.report import render_lecture
    from grader.watch import watch_loop

    term = Terminal()
    try:
        lec = catalog.lecture(lecture)
        root = _find_submission(submission)
    except (KeyError, UsageError) as exc:
        term.error(exc.args[0] if isinstance(exc, KeyError) else str(exc))
        raise typer.Exit(Exit.USAGE)

    def regrade(paths: List[str]) -> None:
        if paths:
            term.print(f"[dim]changed: {', '.join(Path(p).name for p in paths)}[/]")
        try:
            render_lecture(term, grade_lecture(lec.name, root, backend, device, exercise))
        except UsageError as exc:
            term.error(str(exc))
        term.print(f"[dim]watching {root / lec.name} for changes (Ctrl-C to stop)…[/]")

    regrade([])
    watch_loop(root / lec.name, regrade)


@app.command("all")
def grade_all(
    backend: str = BackendOpt,
    device: str = DeviceOpt,
    submission: Optional[Path] = SubmissionOpt,
    as_json: bool = JsonOpt,
    isolation: str = IsolationOpt,
) -> None:
    """Grade every lecture."""
    _grade([lec.name for lec in catalog.lectures()], backend, device, None, submission, as_json,
           isolation)


@app.command("list")
def list_exercises(lecture: Optional[str] = typer.Argument(None, help="e.g. lecture2")) -> None:
    """The catalog: every exercise with its file and points."""
    from grader.report import render_list

    term = Terminal()
    try:
        lectures = [catalog.lecture(lecture)] if lecture else list(catalog.lectures())
    except KeyError as exc:
        term.error(exc.args[0])
        raise typer.Exit(Exit.USAGE)
    render_list(term, lectures)


@app.command()
def doctor() -> None:
    """The backends, versions and devices found on this machine."""
    import backends
    from rich.table import Table

    term = Terminal()
    term.print(f"grade {__version__} · Python {platform.python_version()} · {sys.platform}")
    table = Table(title="backends", title_justify="left")
    for col in ("backend", "installed", "version", "devices"):
        table.add_column(col)
    for name in backends.NAMES:
        if not backends.installed(name):
            table.add_row(name, "[red]no[/]", "", f"grading with --backend {name} is refused")
            continue
        version, devices, error = _probe_backend(name)
        if error:
            table.add_row(name, "[red]broken[/]", version, error[:120])
        else:
            table.add_row(name, "[green]yes[/]", version, devices)
    term.print(table)
    from grader import sandbox

    mode = sandbox.resolve("auto")
    limits = sandbox.Limits()
    if mode == "bwrap":
        how = "bubblewrap sandbox (no network, read-only view of the interpreter and submission)"
    else:
        how = ("process limits and an audit hook (bubblewrap is not available here: "
               "apt-get install bubblewrap)")
    term.print(f"isolation: {mode}: {how}")
    term.print(f"limits per exercise: {limits.memory_mb} MiB of memory on top of the framework, "
               f"{limits.cpu_seconds} s of CPU, {limits.processes} processes, "
               f"{limits.output_bytes // 1024} KiB of output kept")


def _probe_backend(name: str) -> tuple[str, str, str]:
    """(version, devices, error), found in a fresh interpreter: a broken framework (or its log
    noise) stays out of this process."""
    import os
    import subprocess

    code = ("import json, backends\n"
            f"m = backends.get({name!r})\n"
            "print(json.dumps({'version': m.version(), 'devices': m.devices()}))")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, env=env)
    except subprocess.TimeoutExpired:
        return "", "", "importing it took over 120 s"
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        return data["version"], ", ".join(data["devices"]), ""
    except (IndexError, ValueError, KeyError):
        lines = proc.stderr.strip().splitlines()
        return "", "", lines[-1] if lines else f"exit status {proc.returncode}"


# --- instructors: a whole class (grader.batch), and Gradescope ---------------------------------

LectureOpt = typer.Option(None, "--lecture", "-l",
                          help="a lecture to grade, e.g. 1 or lecture1 (repeatable; default: the "
                               "course file's lectures, else every lecture)")
CourseOpt = typer.Option(None, "--course",
                         help="the course file (TOML; default: ./course.toml when there is one)")
HiddenOpt = typer.Option(True, "--hidden/--public-only",
                         help="grade with the hidden cases of the course secret "
                              "($GRADER_COURSE_SECRET or the course file's secret_file), when set")


@app.command("batch")
def batch(
    submissions: Path = typer.Argument(..., help="a folder with one entry per student, named by "
                                                 "student id: a folder laid out like exercises/, "
                                                 "or a .zip of one"),
    lecture: Optional[List[str]] = LectureOpt,
    backend: Optional[str] = typer.Option(None, "--backend", "-b",
                                          help="numpy | torch | tensorflow | auto (each "
                                               "student's imports; default: the course file's, "
                                               "else auto)"),
    device: str = typer.Option("cpu", "--device", "-d",
                               help="cpu | cuda | auto (default cpu: every exercise's child "
                                    "would initialise CUDA afresh)"),
    workers: Optional[int] = typer.Option(None, "--workers", "-w",
                                          help="worker processes (default: the number of cores)"),
    gradebook: Optional[Path] = typer.Option(None, "--gradebook",
                                             help="the SQLite gradebook (default: OUT/gradebook.sqlite)"),
    out: Path = typer.Option(Path("grades"), "--out", "-o",
                             help="where grades.csv, feedback/, gradescope/ and report.html go"),
    course: Optional[Path] = CourseOpt,
    regrade: bool = typer.Option(False, "--regrade",
                                 help="grade again what the gradebook already holds"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="grade on a Dask cluster: tcp://HOST:PORT"),
    isolation: str = IsolationOpt,
    scratch: Optional[Path] = typer.Option(None, "--scratch",
                                           help="working folder (default: /dev/shm when it has "
                                                "room, else the system's temporary folder)"),
    report: bool = typer.Option(True, "--report/--no-report", help="write the class report"),
    hidden: bool = HiddenOpt,
) -> None:
    """Instructors: grade every student's submission into a gradebook, resumably.

    Exit status 0 when every entry was graded, 1 when some could not be, 2 for a usage error."""
    from grader.batch import commands

    raise typer.Exit(commands.batch(submissions, lecture, backend, device, workers, gradebook,
                                    out, course, regrade, scheduler, isolation, scratch, report,
                                    hidden))


@app.command("gradescope")
def gradescope(
    submission: Path = typer.Option(Path("/autograder/submission"), "--submission",
                                    help="the student's files"),
    results: Path = typer.Option(Path("/autograder/results/results.json"), "--results",
                                 help="where Gradescope reads the results"),
    lecture: Optional[List[str]] = LectureOpt,
    backend: Optional[str] = typer.Option(None, "--backend", "-b",
                                          help="numpy | torch | tensorflow | auto"),
    device: str = typer.Option("cpu", "--device", "-d", help="cpu | cuda | auto"),
    course: Optional[Path] = CourseOpt,
    isolation: str = IsolationOpt,
    hidden: bool = HiddenOpt,
) -> None:
    """Grade one submission on Gradescope's autograder into its results.json."""
    from grader.batch import commands

    raise typer.Exit(commands.gradescope(submission, results, lecture, backend, device, course,
                                         isolation, hidden))


def main() -> None:
    app()


if __name__ == "__main__":
    main()

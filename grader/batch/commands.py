"""What `grade batch` and `grade gradescope` (grader.cli) call: options in, exit status out."""

from __future__ import annotations

from pathlib import Path

from grader.terminal import Exit, Terminal


def _say(term: Terminal, text: str) -> None:
    """One line to stderr, never wrapped (it may be a log file) and never read as markup."""
    term.err.print(text, markup=False, highlight=False, soft_wrap=True)


def _error(term: Terminal, text: str) -> None:
    from rich.markup import escape

    term.err.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)


def batch(submissions: Path, lectures: list[str] | None, backend: str | None, device: str,
          workers: int | None, gradebook: Path | None, out: Path, course_path: Path | None,
          regrade: bool, scheduler: str | None, isolation: str, scratch: Path | None,
          report: bool, hidden: bool) -> int:
    import backends
    from grader import sandbox
    from grader.batch.course import CourseError, build_plan, find_course
    from grader.batch.progress import BatchProgress
    from grader.batch.runner import BatchOptions, default_workers, run_batch
    from grader.grading import UsageError

    term = Terminal()
    try:
        if not submissions.is_dir():
            raise UsageError(f"{submissions}: no such folder (one entry per student expected)")
        course = find_course(course_path)
        plan = build_plan(course, lectures, backend, device, isolation, hidden)
        if plan.backend != "auto":
            backends.require(plan.backend)
        if scheduler is None:
            sandbox.resolve(isolation)
        if workers is not None and workers < 1:
            raise UsageError("--workers must be at least 1")
    except (UsageError, CourseError, ValueError, backends.BackendUnavailable) as exc:
        _error(term, str(exc))
        return Exit.USAGE
    workers = workers or default_workers()
    gradebook = gradebook or out / "gradebook.sqlite"
    n_ex = len(plan.exercise_ids())
    where = f"on the cluster at {scheduler}" if scheduler else f"with {workers} workers"
    secret = (f"with hidden cases (secret from {course.secret_source()})" if plan.hidden
              else "public cases only")
    _say(term, f"grading {', '.join(lp.lecture for lp in plan.lectures)} ({n_ex} exercises, "
                   f"{plan.max_score:g} points) of {submissions} {where}, backend {plan.backend}, "
                   f"{secret}; gradebook {gradebook}")
    opts = BatchOptions(submissions=submissions, plan=plan, out=out, gradebook=gradebook,
                        workers=workers, regrade=regrade, scheduler=scheduler, scratch=scratch,
                        report=report)
    try:
        summary = run_batch(opts, BatchProgress(console=term.err))
    except KeyboardInterrupt:
        _error(term, "interrupted: every submission graded so far is in the gradebook; run the "
                   "same command again to resume")
        return 130
    except (UsageError, CourseError) as exc:
        _error(term, str(exc))
        return Exit.USAGE
    graded = [s for s in summary.records if not s.error]
    mean = sum(s.score for s in graded) / len(graded) if graded else 0.0
    rate = f" ({summary.rate:.2f} submissions/s)" if summary.graded else ""
    _say(term, f"{summary.students} students: {summary.graded} graded in "
                   f"{summary.seconds:.1f} s{rate}, {summary.skipped} already graded, "
                   f"{len(summary.rejected)} not gradable, {len(summary.failed)} failed; "
                   f"class mean {mean:.1f} / {plan.max_score:g}")
    for student, why in summary.rejected:
        _say(term, f"  not gradable: {student}: {why.splitlines()[0]}")
    for student, why in summary.failed:
        _say(term, f"  failed (the grader's fault; rerun to retry): {student}: "
                       f"{why.splitlines()[0]}")
    for name, path in summary.exports.items():
        _say(term, f"{name}: {path}")
    return Exit.OK if not summary.rejected and not summary.failed else Exit.NOT_ALL_PASSED


def gradescope(submission: Path, results: Path, lectures: list[str] | None,
               backend: str | None, device: str, course_path: Path | None, isolation: str,
               hidden: bool) -> int:
    from grader.batch.course import Course, CourseError, find_course
    from grader.batch.gradescope import _error_payload, _finish, run_gradescope

    term = Terminal()
    try:
        course = find_course(course_path)
    except CourseError as exc:
        import time

        _finish(results, _error_payload(f"the autograder is misconfigured: {exc}",
                                        time.monotonic()), 2)
        _error(term, str(exc))
        return Exit.USAGE
    status, payload = run_gradescope(course if isinstance(course, Course) else Course(),
                                     submission, results, lectures, backend, device, isolation,
                                     hidden)
    term.print(payload.get("output", ""), markup=False, highlight=False, soft_wrap=True)
    for test in payload.get("tests", []):
        term.print(f"{test['status']:7} {test['score']:g}/{test['max_score']:g}  {test['name']}",
                   markup=False, highlight=False, soft_wrap=True)
    term.print(f"results: {results}", markup=False, highlight=False, soft_wrap=True)
    return status

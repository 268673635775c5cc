"""The batch's coordinator and its local pool of worker processes.

The coordinator (the `grade batch` process) opens each student's entry, skips what the gradebook
already holds for this content, grader version and setup, hands the rest to the workers, and
writes each outcome to the gradebook in one transaction as it comes back; then the exports. Only
the coordinator writes the gradebook.

Each worker is a process of its own (started with spawn: nothing of the coordinator's state is
inherited) that keeps its fork servers for many students (`worker.grade_task`). A worker dies with
the coordinator (PR_SET_PDEATHSIG), so a kill -9 of the batch leaves nothing grading behind: what
was in flight is lost, and a rerun grades it.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

from grader.batch import intake as intake_mod
from grader.batch.course import Plan
from grader.batch.gradebook import Gradebook, ResultRecord, SubmissionRecord, now, timestamp

SHM = Path("/dev/shm")
SHM_MIN_FREE = 2 << 30


@dataclass
class BatchOptions:
    submissions: Path
    plan: Plan
    out: Path
    gradebook: Path
    workers: int = 0
    regrade: bool = False
    scheduler: str | None = None
    scratch: Path | None = None
    report: bool = True


@dataclass
class BatchSummary:
    students: int = 0
    graded: int = 0
    skipped: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    records: list[SubmissionRecord] = field(default_factory=list)
    exports: dict[str, Path] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.graded / self.seconds if self.seconds else 0.0


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, student: str, text: str) -> None: ...
    def stop(self) -> None: ...


class _Quiet:
    def start(self, total: int) -> None:
        pass

    def advance(self, student: str, text: str) -> None:
        pass

    def stop(self) -> None:
        pass


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_batch(opts: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    from grader import catalog

    progress = progress or _Quiet()
    plan = opts.plan
    lectures = [catalog.lecture(lp.lecture) for lp in plan.lectures]
    entries = intake_mod.discover(opts.submissions)
    summary = BatchSummary(students=len(entries))
    setup, version = plan.setup_key(), plan.grader_version
    book = Gradebook(opts.gradebook)
    done = book.graded_keys(version, setup)
    workdir = make_workdir(opts.scratch)
    pending: dict[str, intake_mod.Intake] = {}
    start = time.monotonic()

    def tasks() -> Iterator[dict[str, Any]]:
        for entry in entries:
            item = intake_mod.open_entry(entry, lectures, workdir / "intake")
            if (item.student, item.content_hash) in done and not opts.regrade:
                item.cleanup()
                summary.skipped += 1
                progress.advance(item.student, "already graded")
                continue
            if item.error:
                _record(book, plan, item, [], item.error, 0.0, opts.regrade)
                summary.rejected.append((item.student, item.error))
                progress.advance(item.student, f"not graded: {item.error}")
                continue
            pending[item.student] = item
            yield {"student": item.student, "content_hash": item.content_hash,
                   "root": str(item.root), "plan": plan}

    progress.start(len(entries))
    pool: Any = None
    try:
        if opts.scheduler:
            from grader.batch.cluster import ClusterPool

            pool = ClusterPool(opts.scheduler, lectures)
        else:
            pool = LocalPool(opts.workers or default_workers(), workdir, plan)
        for outcome in pool.run(tasks()):
            item = pending.pop(outcome["student"])
            if outcome.get("retry"):
                summary.failed.append((item.student, outcome["error"]))
                progress.advance(item.student, f"could not grade: {outcome['error'].splitlines()[0]}")
            else:
                sub = _record(book, plan, item, outcome["results"], None,
                              float(outcome.get("seconds", 0.0)), opts.regrade)
                summary.graded += 1
                progress.advance(item.student, f"{sub.score:g}/{sub.max_score:g}")
            item.cleanup()
    finally:
        progress.stop()
        if pool is not None:
            pool.close()
        for item in pending.values():
            item.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    summary.seconds = time.monotonic() - start
    summary.records = book.latest(version, setup, [e.student for e in entries])
    book.close()
    from grader.batch import exports

    opts.out.mkdir(parents=True, exist_ok=True)
    summary.exports = exports.write_all(opts.out, plan, summary.records)
    if opts.report:
        from grader.batch.report_html import write_report

        summary.exports["report"] = write_report(opts.out / "report.html", plan,
                                                 summary.records)
    return summary


def _record(book: Gradebook, plan: Plan, item: intake_mod.Intake, results: list[dict],
            error: str | None, seconds: float, replace: bool) -> SubmissionRecord:
    rows = [ResultRecord.from_json(r) for r in results]
    sub = SubmissionRecord(
        student=item.student, content_hash=item.content_hash, source=item.source,
        submitted_at=timestamp(item.submitted_at), graded_at=now(),
        grader_version=plan.grader_version, setup=plan.setup_key(),
        score=float(sum(r.score for r in rows)), max_score=plan.max_score, error=error,
        note=item.note, seconds=seconds, results=rows)
    book.record(sub, replace=replace)
    return sub


# --- scratch --------------------------------------------------------------------------------

def work_root(given: Path | None = None) -> Path:
    """Where a batch keeps its unpacked submissions and the fork servers' job folders: the
    given folder, else $TMPDIR when set, else /dev/shm (memory: the engine's many small files
    are far faster there) when it has room, else the system's temporary folder."""
    if given is not None:
        return given
    if not os.environ.get("TMPDIR") and SHM.is_dir() and os.access(SHM, os.W_OK | os.X_OK):
        try:
            st = os.statvfs(SHM)
            if st.f_bavail * st.f_frsize >= SHM_MIN_FREE:
                return SHM
        except OSError:
            pass
    return Path(tempfile.gettempdir())


def make_workdir(given: Path | None = None) -> Path:
    root = work_root(given)
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale(root)
    folder = Path(tempfile.mkdtemp(prefix=f"grade-batch-{os.getpid()}-", dir=root))
    # Passable by the unprivileged user the student's code runs as (the process isolation).
    os.chmod(folder, 0o711)
    return folder


def _remove_stale(root: Path) -> None:
    """Work folders of batches that were killed (kill -9 leaves them behind)."""
    for path in root.glob("grade-batch-*-*"):
        try:
            pid = int(path.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the local pool -------------------------------------------------------------------------

class LocalPool:
    """`workers` processes, each grading one submission at a time with its own fork servers."""

    def __init__(self, workers: int, workdir: Path, plan: Plan) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.workdir = workdir
        self.plan = plan
        self.procs: list[Any] = [None] * max(1, workers)
        self.conns: list[Any] = [None] * len(self.procs)
        for i in range(len(self.procs)):
            self._start(i)

    def _start(self, i: int) -> None:
        parent, child = self.ctx.Pipe()
        warm = [self.plan.backend] if self.plan.backend != "auto" else []
        proc = self.ctx.Process(target=serve, name=f"grade-batch-worker-{i}", daemon=True,
                                args=(child, str(self.workdir / f"worker{i}"), os.getpid(),
                                      self.plan, warm))
        proc.start()
        child.close()
        self.procs[i], self.conns[i] = proc, parent

    def run(self, tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        source = iter(tasks)
        idle = list(range(len(self.procs)))
        busy: dict[int, dict[str, Any]] = {}
        exhausted = False
        while True:
            while idle and not exhausted:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                i = idle.pop(0)
                try:
                    self.conns[i].send(task)
                    busy[i] = task
                except (OSError, BrokenPipeError):
                    yield _died(task, "the grading worker could not be reached")
                    self._restart(i)
                    idle.append(i)
            if not busy:
                return
            watched = {}
            for i in busy:
                watched[self.conns[i]] = i
                watched[self.procs[i].sentinel] = i
            ready = wait(list(watched))
            for i in sorted({watched[r] for r in ready}):
                if i not in busy:
                    continue
                conn = self.conns[i]
                outcome = None
                try:
                    if conn.poll():
                        outcome = conn.recv()
                except (EOFError, OSError):
                    outcome = None
                if outcome is None and self.procs[i].is_alive():
                    continue  # the sentinel fired spuriously; keep waiting
                task = busy.pop(i)
                if outcome is None:
                    outcome = _died(task, f"the grading worker died (exit status "
                                          f"{self.procs[i].exitcode})")
                    self._restart(i)
                idle.append(i)
                yield outcome

    def _restart(self, i: int) -> None:
        proc = self.procs[i]
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(5)
        self._start(i)

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 30
        for proc in self.procs:
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        for conn in self.conns:
            conn.close()


def _died(task: dict[str, Any], message: str) -> dict[str, Any]:
    return {"student": task["student"], "content_hash": task["content_hash"], "results": [],
            "error": message, "retry": True}


def serve(conn: Any, scratch: str, parent_pid: int, plan: Plan, warm: list[str]) -> None:
    """A worker process: grade what the coordinator sends until it sends None or goes away."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    from grader.batch import worker

    folder = Path(scratch)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o711)
    worker.set_scratch(folder)
    try:
        for backend in warm:
            worker.warm(plan, backend)
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break
            if task is None:
                break
            outcome = worker.grade_task(task)
            try:
                conn.send(outcome)
            except (OSError, BrokenPipeError):
                break
    finally:
        worker.close_sessions()


def _die_with_parent(parent_pid: int) -> None:
    """Linux: this process gets SIGKILL when the coordinator dies, however it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if os.getppid() != parent_pid:
        os._exit(0)

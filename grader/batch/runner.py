"""The batch's coordinator and its local pool of worker processes.

The coordinator (the `grade batch` process) opens each student's entry, skips what the gradebook
already holds for this content, grader version and setup, hands the rest to the workers, and
writes each outcome to the gradebook in one transaction as it comes back; then the exports. Only
the coordinator writes the gradebook.

Each worker is a fresh interpreter (`python -m grader.batch.worker`: nothing of the
coordinator's state is inherited, and a script that calls `run_batch` needs no __main__ guard)
that keeps its fork servers for many students (`worker.grade_task`). A worker dies with the
coordinator (PR_SET_PDEATHSIG), so a kill -9 of the batch leaves nothing grading behind: what was
in flight is lost, and a rerun grades it.
"""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

from grader.batch import intake as intake_mod
from grader.batch.course import SECRET_ENV, Plan
from grader.batch.gradebook import Gradebook, ResultRecord, SubmissionRecord, now, timestamp
from grader.batch.worker import SESSIONS_FILE

SHM = Path("/dev/shm")
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent  # holds grader/ and backends/
# Thread pools of OpenMP (torch), MKL, OpenBLAS (NumPy) and TensorFlow; a value already set in the
# environment is kept.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
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
    workers: set[str] = field(default_factory=set)  # host:pid of every worker that graded

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
    # Students' unpacked files: for this user alone (the student code runs as another).
    (workdir / "intake").mkdir(mode=0o700)
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
        work = tasks()
        first = next(work, None)  # no worker (nor framework import) when nothing is left to do
        if first is not None:
            if opts.scheduler:
                from grader.batch.cluster import ClusterPool

                pool = ClusterPool(opts.scheduler, lectures)
            else:
                pool = LocalPool(opts.workers or default_workers(), workdir, plan)
        for outcome in pool.run(itertools.chain([first], work)) if pool else ():
            item = pending.pop(outcome["student"])
            if outcome.get("worker"):
                summary.workers.add(outcome["worker"])
            if outcome.get("retry"):
                summary.failed.append((item.student, outcome["error"]))
                progress.advance(item.student, f"could not grade: {outcome['error'].splitlines()[0]}")
            else:
                sub = _record(book, plan, item, outcome["results"], None,
                              float(outcome.get("seconds", 0.0)), opts.regrade)
                summary.graded += 1
                progress.advance(item.student, f"{sub.score:g}/{sub.max_score:g}")
            item.cleanup()
    except BaseException:
        if pool is not None:  # Ctrl-C, or a failure here: stop grading at once
            pool.terminate()
        raise
    finally:
        progress.stop()
        if pool is not None:
            pool.close()
        for item in pending.values():
            item.cleanup()
        remove_workdir(workdir)
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
        remove_workdir(path)


def remove_workdir(path: Path) -> None:
    """A batch's work folder, once no worker of it runs: first the engine's scratch folders of
    its workers' Sessions that were not closed (a worker killed), then the folder itself."""
    for listing in path.rglob(SESSIONS_FILE):
        try:
            lines = listing.read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            scratch = Path(line.strip())
            if scratch.name.startswith("grade-") and scratch.is_absolute():
                shutil.rmtree(scratch, ignore_errors=True)
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
    """`workers` processes (`python -m grader.batch.worker`), each grading one submission at a
    time with its own fork servers. Tasks and outcomes travel as length-prefixed pickles over the
    worker's stdin and stdout: both ends are the grader's own code (student code never runs in a
    worker, only in the engine's sandboxed grandchildren)."""

    def __init__(self, workers: int, workdir: Path, plan: Plan) -> None:
        self.workdir = workdir
        self.plan = plan
        # The frameworks' thread pools, sized for the workers sharing the cores (half of a
        # worker's share: its grading process needs a core as well). Left to themselves, every
        # worker's torch takes every core, and two workers were measured slower than one.
        self.threads = max(1, default_workers() // (2 * max(1, workers)))
        self.procs: list[subprocess.Popen] = []
        self.log_starts: dict[int, int] = {}
        for i in range(max(1, workers)):
            self.procs.append(self._start(i))

    def _start(self, i: int) -> subprocess.Popen:
        folder = self.workdir / f"worker{i}"
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o711)
        warm = self.plan.backend if self.plan.backend != "auto" else ""
        log = open(self.workdir / f"worker{i}.log", "ab")
        self.log_starts[i] = log.tell()
        try:
            # The course secret reaches a worker inside the plan, never in its environment
            # (which its fork servers, and the students' code, would inherit).
            env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
            # The worker runs in its own folder: the grader must import from there too, also
            # when it runs from a checkout that pip never installed.
            env["PYTHONPATH"] = os.pathsep.join(
                [str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
            for name in THREAD_VARIABLES:
                env.setdefault(name, str(self.threads))
            proc = subprocess.Popen([sys.executable, "-m", "grader.batch.worker", str(folder),
                                     str(os.getpid()), warm], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=log, cwd=folder, bufsize=0,
                                    env=env)
        finally:
            log.close()
        # The plan goes once, first: every task names it.
        wire_send(proc.stdin, self.plan)
        return proc

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
                    wire_send(self.procs[i].stdin, {k: v for k, v in task.items() if k != "plan"})
                    busy[i] = task
                except (OSError, ValueError):
                    yield _died(task, "the grading worker died before it got this submission")
                    self._restart(i)
                    idle.append(i)
            if not busy:
                return
            watched = {self.procs[i].stdout: i for i in busy}
            for stream in wait(list(watched)):
                i = watched[stream]
                task = busy.pop(i)
                try:
                    outcome = wire_recv(stream)
                except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                    outcome = None
                if outcome is None:
                    self.procs[i].wait()
                    outcome = _died(task, f"the grading worker died (exit status "
                                          f"{self.procs[i].returncode})" + log_tail(
                                              self.workdir / f"worker{i}.log", self.log_starts[i]))
                    self._restart(i)
                idle.append(i)
                yield outcome

    def _restart(self, i: int) -> None:
        proc = self.procs[i]
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.procs[i] = self._start(i)

    def terminate(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()

    def close(self) -> None:
        for proc in self.procs:
            try:
                proc.stdin.close()  # end of tasks: the worker closes its sessions and exits
            except OSError:
                pass
        deadline = time.monotonic() + 30
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            try:
                proc.stdout.close()
            except OSError:
                pass


def log_tail(path: Path, start: int = 0, lines: int = 3) -> str:
    """The last lines a dead worker wrote (its traceback's end says why), for the message."""
    try:
        with open(path, "rb") as f:
            f.seek(max(start, os.path.getsize(path) - 4096))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return (": " + " | ".join(line.strip() for line in kept)) if kept else ""


def _died(task: dict[str, Any], message: str) -> dict[str, Any]:
    return {"student": task["student"], "content_hash": task["content_hash"], "results": [],
            "error": message, "retry": True}


def wire_send(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        written = stream.write(view)
        view = view[written if written is not None else len(view):]
    stream.flush()


def wire_recv(stream: Any) -> Any:
    head = _read_exactly(stream, 8)
    return pickle.loads(_read_exactly(stream, struct.unpack("<Q", head)[0]))


def _read_exactly(stream: Any, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        data += chunk
    return data

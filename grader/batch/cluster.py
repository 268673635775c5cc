"""Past one machine: `grade batch --scheduler tcp://HOST:PORT` grades on a Dask `distributed`
cluster. The coordinator stays where it is (intake, gradebook, exports); each task carries one
student's graded lecture folders as zip bytes, and the Dask worker unpacks them into a local
folder and grades them exactly as a local worker does (`worker.grade_task`): its own fork server
per backend, kept between students, the same sandbox and limits.

Every Dask worker needs this grader installed at the same version (a task from a coordinator of
another version is refused, not graded differently). With hidden cases the course secret travels
with each task: use a tls:// scheduler address when the network is not yours.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator

from grader.batch import intake
from grader.catalog import Lecture

_SCRATCH: Path | None = None


class ClusterPool:
    def __init__(self, address: str, lectures: list[Lecture], timeout: str = "30s") -> None:
        from grader.grading import UsageError

        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--scheduler needs Dask's distributed: pip install "
                             "'dl-grader[batch]'") from None
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler {address}: cannot reach the scheduler ({exc})") from None
        self.lectures = lectures

    def run(self, tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        source = iter(tasks)
        waiting = as_completed()
        sent: dict[str, dict[str, Any]] = {}

        def submit() -> bool:
            task = next(source, None)
            if task is None:
                return False
            remote = {k: v for k, v in task.items() if k != "root"}
            remote["archive"] = intake.pack(Path(task["root"]), self.lectures)
            future = self.client.submit(grade_remote, remote, pure=False,
                                        key=f"grade-{uuid.uuid4().hex}")
            sent[future.key] = task
            waiting.add(future)
            return True

        # Twice as many tasks in flight as the cluster has threads: none idles between two.
        for _ in range(2 * threads):
            if not submit():
                break
        for future in waiting:
            task = sent.pop(future.key)
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died with the task, or the cluster went away
                outcome = {"student": task["student"], "content_hash": task["content_hash"],
                           "results": [], "retry": True,
                           "error": f"the cluster could not grade it: {type(exc).__name__}: {exc}"}
            finally:
                future.release()
            yield outcome
            submit()

    def terminate(self) -> None:
        self.client.close()

    def close(self) -> None:
        self.client.close()


def grade_remote(task: dict[str, Any]) -> dict[str, Any]:
    """On a Dask worker: unpack one submission into a local folder and grade it."""
    from grader.batch import runner, worker

    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = runner.make_workdir()
        worker.set_scratch(_SCRATCH / "sessions")
        from grader.malloc import keep_freed_memory

        keep_freed_memory()
    dest = Path(tempfile.mkdtemp(prefix="submission-", dir=_SCRATCH))
    try:
        intake.extract_zip(task.pop("archive"), dest)
        task["root"] = str(dest)
        outcome = worker.grade_task(task)
        outcome["worker"] = f"{os.uname().nodename}:{os.getpid()}"
        return outcome
    except intake.IntakeError as exc:
        return {"student": task["student"], "content_hash": task["content_hash"], "results": [],
                "retry": True, "error": f"the submission did not reach the worker whole: {exc}"}
    finally:
        shutil.rmtree(dest, ignore_errors=True)

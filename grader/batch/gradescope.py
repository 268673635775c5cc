"""`grade gradescope`: grade the one submission of a Gradescope autograder run.

Gradescope runs the course's `run_autograder` script with the student's files in
/autograder/submission and reads /autograder/results/results.json. A course runs this grader there
as it is, e.g.

    #!/usr/bin/env bash
    cd /autograder/source && grade gradescope --course course.toml

with the course file and (for hidden cases) its secret file in the autograder's source folder,
which students never see. The student's upload may be the lecture folders, the lecture's files
themselves (`activations.py`, ...), a repository holding exercises/, or one .zip of any of these.

With hidden cases every exercise is graded twice: the public cases alone (a visible test with no
points, the verdict the student can reproduce locally) and with the hidden cases (the points,
shown after the grades are published).
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.batch import exports, intake, worker
from grader.batch.course import Course, CourseError, build_plan
from grader.batch.gradebook import ResultRecord

SUBMISSION = Path("/autograder/submission")
RESULTS = Path("/autograder/results/results.json")


def run_gradescope(course: Course, submission: Path = SUBMISSION, results: Path = RESULTS,
                   lectures: list[str] | None = None, backend: str | None = None,
                   device: str = "cpu", isolation: str = "auto",
                   hidden: bool = True) -> tuple[int, dict[str, Any]]:
    """Grade, write results.json; (exit status, the payload). Whatever goes wrong with the
    student's files is said in results.json, and the status is 0; a grader that cannot grade
    (a missing backend, a bad course file) still writes results.json, with status 2."""
    from grader import catalog
    from grader.batch import runner

    start = time.monotonic()
    scratch = runner.make_workdir()
    worker.set_scratch(scratch / "sessions")
    try:
        every = list(catalog.lectures())
        entry = intake.Entry("submission", _entry_path(submission))
        item = intake.open_entry(entry, every, scratch / "intake")
        if item.error:
            return _finish(results, _error_payload(item.error, start), 0)
        chosen = lectures or list(course.lectures) or _present(item.root, every)
        if not chosen:
            names = ", ".join(sorted({f for lec in every for f in lec.files}))
            return _finish(results, _error_payload(
                f"found none of the course's files in the submission (expected lecture folders "
                f"such as lecture1/, or files such as {names})", start), 0)
        try:
            plan = build_plan(course, chosen, backend, device, isolation, hidden)
        except CourseError as exc:
            return _finish(results, _error_payload(f"the autograder is misconfigured: {exc}",
                                                   start), 2)
        task = {"student": "submission", "content_hash": item.content_hash,
                "root": str(item.root), "plan": plan}
        outcome = worker.grade_task(task)
        if outcome.get("retry"):
            return _finish(results, _error_payload(
                f"the autograder could not grade this submission: {outcome['error']}", start), 2)
        graded = [ResultRecord.from_json(r) for r in outcome["results"]]
        public = None
        if plan.hidden:
            again = worker.grade_task({**task, "plan": replace(plan, hidden_salt=None)})
            if not again.get("retry"):
                public = {r["id"]: ResultRecord.from_json(r) for r in again["results"]}
        total = sum(r.score for r in graded)
        summary = (f"Graded {', '.join(lp.lecture for lp in plan.lectures)} with the "
                   f"{', '.join(sorted({r.backend for r in graded if r.backend})) or 'default'} "
                   f"backend (grader {plan.grader_version}): {total:g} / {plan.max_score:g}."
                   + (f" Note: {item.note}." if item.note else "")
                   + (" Some tests include hidden cases; their results appear when grades are "
                      "published." if plan.hidden else ""))
        payload = exports.gradescope_results(plan, graded, public=public, output=summary,
                                             execution_time=time.monotonic() - start)
        return _finish(results, payload, 0)
    finally:
        worker.close_sessions()
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def _entry_path(submission: Path) -> Path:
    """The submission folder, or the one .zip it holds and nothing else."""
    if submission.is_dir():
        inside = [p for p in submission.iterdir() if not p.name.startswith(".")]
        if len(inside) == 1 and inside[0].is_file() and inside[0].name.lower().endswith(".zip"):
            return inside[0]
    return submission


def _present(root: Path | None, lectures: list) -> list[str]:
    if root is None:
        return []
    return [lec.name for lec in lectures
            if any((root / lec.name / f).is_file() for f in lec.files)]


def _error_payload(message: str, start: float) -> dict[str, Any]:
    return {"score": 0.0, "output": message, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [],
            "execution_time": round(time.monotonic() - start, 2)}


def _finish(path: Path, payload: dict[str, Any], status: int) -> tuple[int, dict[str, Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1))
    tmp.replace(path)
    return status, payload

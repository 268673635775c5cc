"""A small class graded end to end through the engine, in worker processes: verdicts, the
gradebook, resuming, regrading, hidden cases, and one student's code kept from another's files."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from grader.batch.course import SECRET_ENV, build_plan, load_course
from grader.batch.runner import BatchOptions, run_batch
from tests.grader.batch.conftest import FAST_COURSE, FAST_EXERCISES, FAST_MAX, full, stub


def _plan(tmp_path, text=FAST_COURSE, hidden=False):
    path = tmp_path / "course.toml"
    path.write_text(text)
    return build_plan(load_course(path), hidden=hidden)


def _run(root, out, plan, **kwargs):
    opts = BatchOptions(submissions=root, plan=plan, out=out, gradebook=out / "gradebook.sqlite",
                        workers=kwargs.pop("workers", 2), **kwargs)
    return run_batch(opts)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The conftest's small class, graded once for the tests of this module."""
    from tests.grader.batch.conftest import buggy, zipped

    tmp = tmp_path_factory.mktemp("graded")
    root = tmp / "class"
    root.mkdir()
    full(root / "alice")
    stub(root / "bob")
    zipped(full(tmp / "carol-src" / "carol", header="carol").parent, root / "carol.zip")
    buggy(root / "dave")
    import zipfile

    with zipfile.ZipFile(root / "eve.zip", "w") as zf:
        zf.writestr("../../outside.py", "x = 1\n")
    (root / "fay").mkdir()
    plan = _plan(tmp)
    out = tmp / "out"
    summary = _run(root, out, plan)
    return root, out, plan, summary


def test_every_student_gets_a_verdict(graded):
    _root, _out, plan, summary = graded
    by = {s.student: s for s in summary.records}
    assert sorted(by) == ["alice", "bob", "carol", "dave", "eve", "fay"]
    assert summary.graded == 4 and summary.skipped == 0 and not summary.failed
    assert sorted(s for s, _ in summary.rejected) == ["eve", "fay"]
    assert by["alice"].score == by["carol"].score == FAST_MAX == plan.max_score
    assert [r.exercise for r in by["alice"].results] == FAST_EXERCISES
    assert {r.status for r in by["bob"].results} == {"not_implemented"} and by["bob"].score == 0
    dave = {r.exercise: r for r in by["dave"].results}
    assert dave["lecture1.sigmoid"].status == "failed"
    assert dave["lecture1.sigmoid"].diagnosis["name"] == "tanh instead of sigmoid"
    assert dave["lecture1.sigmoid"].max_score == 2.0  # the course file's points
    assert by["dave"].score == FAST_MAX - 2
    assert "escapes its folder" in by["eve"].error and by["eve"].results == []
    assert by["fay"].error == "the submission is empty"
    assert all(r.backend == "numpy" and r.device == "cpu" for s in by.values() for r in s.results)


def test_grades_csv_equals_the_gradebook(graded):
    _root, out, plan, _summary = graded
    assert_csv_matches_gradebook(out / "grades.csv", out / "gradebook.sqlite", plan)


def assert_csv_matches_gradebook(csv_path: Path, db_path: Path, plan) -> None:
    """grades.csv against the gradebook, read with plain SQL (not the code under test)."""
    db = sqlite3.connect(db_path)
    # Each student's grade is their most recent submission under this version and setup.
    subs = db.execute("SELECT id, student, score, error FROM submissions WHERE id IN (SELECT "
                      "MAX(id) FROM submissions WHERE grader_version=? AND setup=? GROUP BY "
                      "student) ORDER BY student", (plan.grader_version, plan.setup_key())
                      ).fetchall()
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    assert [r["student"] for r in rows] == [s[1] for s in subs]
    for row, (sid, student, score, error) in zip(rows, subs):
        assert float(row["total"]) == score
        assert row["max_score"] and float(row["max_score"]) == plan.max_score
        results = dict(db.execute("SELECT exercise, score FROM results WHERE submission=?",
                                  (sid,)).fetchall())
        for ex in plan.exercise_ids():
            if error:
                assert row[ex] == "" and row["error"] == error.splitlines()[0]
            else:
                assert float(row[ex]) == results[ex], (student, ex)
        assert sum(results.values()) == score
    db.close()


def test_feedback_gradescope_and_report_are_written(graded):
    _root, out, _plan, summary = graded
    names = sorted(p.name for p in (out / "feedback").iterdir())
    assert names == [f"{s}.md" for s in ["alice", "bob", "carol", "dave", "eve", "fay"]]
    dave = (out / "feedback" / "dave.md").read_text()
    assert "tanh instead of sigmoid" in dave and "**Score: 5 / 7**" in dave
    assert (out / "gradescope" / "dave" / "results.json").is_file()
    assert summary.exports["report"] == out / "report.html"
    assert "tanh instead of sigmoid" in (out / "report.html").read_text()


def test_a_rerun_skips_what_is_graded_and_grades_what_changed(graded, tmp_path):
    root, out, plan, _summary = graded
    again = _run(root, out, plan)
    assert again.graded == 0 and again.skipped == 6 and not again.failed
    # A changed submission is a new one: graded, and kept beside the first in the gradebook.
    changed = tmp_path / "class"
    shutil.copytree(root, changed)
    path = changed / "bob" / "lecture1" / "losses.py"
    solution = (root / "alice" / "lecture1" / "losses.py").read_text()
    path.write_text(solution)
    third = _run(changed, out, plan)
    assert third.graded == 1 and third.skipped == 5
    bob = {s.student: s for s in third.records}["bob"]
    assert bob.score == 3.0  # mse_loss and softmax now pass (1 + 2 points)
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("SELECT COUNT(*) FROM submissions WHERE student='bob'").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 7
    db.close()
    assert_csv_matches_gradebook(out / "grades.csv", out / "gradebook.sqlite", plan)


def test_regrade_grades_again_without_duplicating(graded, tmp_path):
    root, out, plan, _summary = graded
    book = tmp_path / "copy.sqlite"
    shutil.copy(out / "gradebook.sqlite", book)
    summary = run_batch(BatchOptions(submissions=root, plan=plan, out=tmp_path / "out",
                                     gradebook=book, workers=2, regrade=True, report=False))
    assert summary.graded == 4 and summary.skipped == 0
    db = sqlite3.connect(book)
    dupes = db.execute("SELECT student, content_hash, COUNT(*) FROM submissions "
                       "GROUP BY student, content_hash, grader_version, setup HAVING COUNT(*) > 1"
                       ).fetchall()
    assert dupes == []
    db.close()


def test_hidden_cases_come_from_the_course_secret(tmp_path, monkeypatch):
    root = tmp_path / "class"
    full(root / "alice")
    text = FAST_COURSE.replace('points = { sigmoid = 2 }', 'exercises = ["sigmoid"]') \
        .replace('exercises = ["sigmoid", "tanh", "relu", "mse_loss", "softmax"]\n', "")
    public = _run(root, tmp_path / "public", _plan(tmp_path, text), report=False)
    monkeypatch.setenv(SECRET_ENV, "course-secret")
    secret_plan = _plan(tmp_path, text, hidden=True)
    assert secret_plan.hidden
    hidden = _run(root, tmp_path / "hidden", secret_plan, report=False)
    n_public = int(public.records[0].results[0].feedback.split()[1])
    assert public.records[0].results[0].feedback == f"all {n_public} cases passed"
    assert hidden.records[0].results[0].feedback == f"all {2 * n_public} cases passed"
    payload = (tmp_path / "hidden" / "gradescope" / "alice" / "results.json").read_text()
    assert '"after_published"' in payload and "course-secret" not in payload


def test_a_students_code_cannot_read_another_students_files(tmp_path):
    root = tmp_path / "class"
    full(root / "alice")
    secret = root / "alice" / "lecture1" / "activations.py"
    book = tmp_path / "out" / "gradebook.sqlite"
    # mallory's sigmoid is right only while neither alice's file nor the gradebook can be read.
    snoop = (f"\n\ndef sigmoid(z):\n"
             f"    for p in ({str(secret)!r}, {str(book)!r}, {str(root)!r}):\n"
             f"        try:\n"
             f"            import os\n"
             f"            os.listdir(p) if p.endswith('class') else open(p).read()\n"
             f"            return z * 0 + 7\n"
             f"        except Exception:\n"
             f"            pass\n"
             f"    xp = array_namespace(z)\n"
             f"    e = xp.exp(-xp.abs(z))\n"
             f"    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))\n")
    full(root / "mallory")
    path = root / "mallory" / "lecture1" / "activations.py"
    path.write_text(path.read_text() + snoop)
    summary = _run(root, tmp_path / "out", _plan(tmp_path), report=False)
    mallory = {s.student: s for s in summary.records}["mallory"]
    sigmoid = mallory.results[0]
    assert sigmoid.exercise == "lecture1.sigmoid"
    assert sigmoid.status == "passed", sigmoid.feedback


def test_a_worker_that_dies_loses_only_its_submission(tmp_path, monkeypatch):
    """A worker process killed mid-grading (the OOM killer, say): its student is reported as
    not graded (and not recorded, so a rerun grades it); the others are graded."""
    from grader.batch import runner

    root = tmp_path / "class"
    for name in ("a1", "a2", "a3"):
        full(root / name)
    pool_run = runner.LocalPool.run

    def run_and_kill_once(self, tasks):
        killed = False
        for outcome in pool_run(self, tasks):
            if not killed:
                killed = True
                for proc in self.procs:
                    proc.kill()
            yield outcome

    monkeypatch.setattr(runner.LocalPool, "run", run_and_kill_once)
    started = time.time()
    summary = _run(root, tmp_path / "out", _plan(tmp_path), report=False)
    # The killed workers' engine scratch folders (never closed) were removed with the batch's.
    deadline = time.monotonic() + 10
    while _leftover_scratch(started) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _leftover_scratch(started)
    assert summary.graded + len(summary.failed) == 3 and summary.graded >= 1
    assert all("worker died" in why for _s, why in summary.failed)
    monkeypatch.undo()
    again = _run(root, tmp_path / "out", _plan(tmp_path), report=False)
    assert again.graded == len(summary.failed) and again.skipped == summary.graded


def _leftover_scratch(since: float) -> list[Path]:
    """Engine scratch folders made since `since` that graded this module's exercises."""
    found = []
    for path in Path("/dev/shm").glob("grade-*"):
        try:
            if path.stat().st_ctime >= since - 1 and (path / "jobs" / "softmax").is_dir() \
                    and not (path / "jobs" / "dense").exists():
                found.append(path)
        except OSError:
            pass
    return found


def test_cases_are_prepared_once_per_session_and_no_grading_reaches_the_next(monkeypatch):
    """A batch worker's session grades student after student on the same cases: the references
    run once, and what one grading (or a checker) does to its cases cannot reach the next."""
    import numpy as np

    from grader import catalog, grading
    from grader.session import Session

    calls = []
    original = grading.prepare

    def counting(*args, **kwargs):
        calls.append(args[0].id)
        return original(*args, **kwargs)

    monkeypatch.setattr(grading, "prepare", counting)
    ex = catalog.find_exercise(catalog.lecture("lecture1"), "dense")
    check = catalog.check_for(ex)
    session = Session("numpy", "cpu")
    try:
        first = grading.prepared(session, ex, check, "float64")
        fresh = original(ex, check, "float64")
        with pytest.raises(ValueError):
            first[0].args[0][...] = 999.0  # the kept arrays are read-only ...
        first[0].args = (np.zeros(1),)  # ... and the case objects are this grading's own
        copied = grading._with_fns(first[1].args64)
        copied[0][...] = 999.0  # a checker gets copies it may write into
        second = grading.prepared(session, ex, check, "float64")
        assert calls == ["lecture1.dense"]  # the references ran once
        assert first is not second and first[0] is not second[0]
        for a, b in zip(second, fresh):
            assert all(np.array_equal(x, y) for x, y in zip(a.args, b.args))
        assert np.array_equal(second[0].expected, fresh[0].expected)
        hidden = grading.prepared(session, ex, check, "float64", hidden_salt="s")
        assert len(hidden) == 2 * len(fresh) and calls == ["lecture1.dense"] * 2
    finally:
        session.close()


def test_student_code_never_sees_the_course_secret(tmp_path, monkeypatch):
    """Neither in its environment nor as the course file's secret_file."""
    root = tmp_path / "class"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("the-course-secret")
    text = FAST_COURSE.replace('backends = ["numpy"]',
                               f'backends = ["numpy"]\nsecret_file = {str(secret_file)!r}')
    snoop = (f"\n\ndef sigmoid(z):\n"
             f"    import os\n"
             f"    found = 'the-course-secret' in str(os.environ)\n"
             f"    try:\n"
             f"        found = found or 'secret' in open({str(secret_file)!r}).read()\n"
             f"    except Exception:\n"
             f"        pass\n"
             f"    if found:\n"
             f"        return z * 0 + 7\n"
             f"    xp = array_namespace(z)\n"
             f"    e = xp.exp(-xp.abs(z))\n"
             f"    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))\n")
    full(root / "mallory")
    path = root / "mallory" / "lecture1" / "activations.py"
    path.write_text(path.read_text() + snoop)
    for source in ("file", "env"):
        if source == "env":
            monkeypatch.setenv(SECRET_ENV, "the-course-secret")
        plan = _plan(tmp_path, text, hidden=True)
        assert plan.hidden_salt == "the-course-secret"
        summary = _run(root, tmp_path / f"out-{source}", plan, report=False)
        sigmoid = summary.records[0].results[0]
        assert sigmoid.status == "passed", (source, sigmoid.feedback)


def test_a_worker_that_cannot_start_says_why(tmp_path, monkeypatch):
    """A worker runs in its own folder, so the grader must reach it through PYTHONPATH (a
    checkout that pip never installed failed here: every student 'worker died (exit status 1)'),
    and a worker that dies says why: the end of its log joins the message."""
    import sys

    from grader.batch import runner

    fake = tmp_path / "fake_worker.py"
    fake.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(runner.PROJECT_ROOT)!r})\n"
        "from grader.batch.runner import wire_recv\n"
        "wire_recv(sys.stdin.buffer)  # the plan\n"
        "wire_recv(sys.stdin.buffer)  # a task\n"
        "print('PYTHONPATH=' + os.environ.get('PYTHONPATH', ''), file=sys.stderr)\n"
        "print(\"ModuleNotFoundError: No module named 'something'\", file=sys.stderr)\n"
        "sys.exit(1)\n")
    launcher = tmp_path / "python"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {fake}\n")
    launcher.chmod(0o755)
    plan = _plan(tmp_path)
    monkeypatch.setattr(runner.sys, "executable", str(launcher))
    pool = runner.LocalPool(1, tmp_path / "work", plan)
    try:
        [outcome] = list(pool.run([{"student": "s1", "content_hash": "h", "root": "r",
                                    "plan": plan}]))
    finally:
        pool.terminate()
        pool.close()
    assert outcome["retry"] is True
    assert "worker died (exit status 1)" in outcome["error"]
    assert "No module named 'something'" in outcome["error"]
    assert f"PYTHONPATH={runner.PROJECT_ROOT}" in outcome["error"]

"""A batch killed with SIGKILL while it grades: the gradebook stays whole, nothing keeps grading,
and rerunning the same command grades every student exactly once, with grades.csv equal to the
gradebook."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.grader.batch.conftest import FAST_EXERCISES, full
from tests.grader.batch.test_batch_run import _leftover_scratch, assert_csv_matches_gradebook

STUDENTS = 12


def _count(book: Path) -> int:
    if not book.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kill_when(cmd: list[str], book: Path, recorded: int) -> int:
    """Start the batch, SIGKILL it once `recorded` submissions are in the gradebook; check that
    its workers and fork servers die with it. The count it was killed at."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    family: set[int] = set()
    while _count(book) < recorded:
        assert proc.poll() is None, "the batch ended before it could be killed: " + \
            proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline
        family |= _descendants(proc.pid)
        time.sleep(0.02)
    family |= _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert family, "the batch had no worker processes"
    deadline = time.monotonic() + 20
    while any(_running(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in family if _running(p)], "processes outlived the killed batch"
    return _count(book)


def _check_whole(book: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(book)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT s.student, COUNT(r.exercise) FROM submissions s LEFT JOIN "
                          "results r ON r.submission = s.id GROUP BY s.id ORDER BY s.student"
                          ).fetchall()
    finally:
        db.close()
    # No submission half-written, none twice.
    assert all(n == len(FAST_EXERCISES) for _s, n in rows), rows
    assert len({s for s, _n in rows}) == len(rows)
    return rows


def test_sigkill_then_resume_grades_everyone_exactly_once(tmp_path, course_file, fast_plan):
    started = time.time()
    root = tmp_path / "class"
    for i in range(STUDENTS):
        full(root / f"s{i:02d}", header=f"student {i}")
    out = tmp_path / "out"
    book = out / "gradebook.sqlite"
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(root), "--course", str(course_file),
           "--workers", "2", "--out", str(out), "--no-report", "--public-only"]

    first = _kill_when(cmd, book, 2)
    assert 2 <= first < STUDENTS
    assert len(_check_whole(book)) == first

    second = _kill_when(cmd, book, first + 2)
    assert first + 2 <= second < STUDENTS
    assert len(_check_whole(book)) == second

    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{STUDENTS - second} graded" in done.stderr
    assert f"{second} already graded" in done.stderr
    rows = _check_whole(book)
    assert [s for s, _n in rows] == [f"s{i:02d}" for i in range(STUDENTS)]
    assert_csv_matches_gradebook(out / "grades.csv", book, fast_plan)
    import csv

    with open(out / "grades.csv") as f:
        totals = [float(r["total"]) for r in csv.DictReader(f)]
    assert totals == [fast_plan.max_score] * STUDENTS
    # What the killed batches left in /dev/shm went with the run that finished.
    assert not _leftover_scratch(started)
    assert not [p for p in Path("/dev/shm").glob("grade-batch-*") if _made_since(p, started)]


def _made_since(path: Path, since: float) -> bool:
    try:
        return path.stat().st_ctime >= since - 1
    except OSError:
        return False

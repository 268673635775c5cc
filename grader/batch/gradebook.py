"""The gradebook: SQLite (standard library, WAL), written by the batch's coordinator alone.

Tables: `students`; `submissions` (one grading of one student's content under one grader version
and setup: content hash, when it was handed in and graded, total, or why it could not be graded);
`results` (one row per exercise: status, score, feedback, diagnosis, backend, grader version).

Each submission is written in one transaction (BEGIN IMMEDIATE … COMMIT), so a kill -9 at any
moment leaves every submission either whole or absent; the UNIQUE key (student, content hash,
grader version, setup) makes a second copy impossible, and is what a resumed batch skips.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS students (
    id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student TEXT NOT NULL REFERENCES students(id),
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    submitted_at TEXT,
    graded_at TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    setup TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    error TEXT,
    note TEXT NOT NULL DEFAULT '',
    seconds REAL NOT NULL DEFAULT 0,
    UNIQUE (student, content_hash, grader_version, setup)
);
CREATE TABLE IF NOT EXISTS results (
    submission INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    feedback TEXT NOT NULL,
    diagnosis TEXT,
    backend TEXT NOT NULL,
    device TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    output TEXT NOT NULL DEFAULT '',
    failing_case TEXT,
    hint TEXT NOT NULL DEFAULT '',
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (submission, exercise)
);
CREATE INDEX IF NOT EXISTS submissions_by_setup ON submissions (grader_version, setup, student);
"""


@dataclass
class ResultRecord:
    exercise: str
    status: str
    score: float
    max_score: float
    feedback: str = ""
    diagnosis: dict[str, str] | None = None
    backend: str = ""
    device: str = ""
    grader_version: str = ""
    output: str = ""
    case: dict[str, str] | None = None
    hint: str = ""
    seconds: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ResultRecord":
        return cls(exercise=data["id"], status=data["status"], score=float(data["score"]),
                   max_score=float(data["max_score"]), feedback=data.get("feedback", ""),
                   diagnosis=data.get("diagnosis"), backend=data.get("backend", ""),
                   device=data.get("device", ""), grader_version=data.get("grader_version", ""),
                   output=data.get("output", ""), case=data.get("case"),
                   hint=data.get("hint", ""), seconds=float(data.get("seconds", 0.0)))

    @property
    def lecture(self) -> str:
        return self.exercise.split(".", 1)[0]


@dataclass
class SubmissionRecord:
    student: str
    content_hash: str
    source: str
    submitted_at: str | None
    graded_at: str
    grader_version: str
    setup: str
    score: float
    max_score: float
    error: str | None = None
    note: str = ""
    seconds: float = 0.0
    results: list[ResultRecord] = field(default_factory=list)
    id: int | None = None

    @property
    def backends(self) -> list[str]:
        return sorted({r.backend for r in self.results if r.backend})


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def timestamp(seconds: float) -> str | None:
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


class Gradebook:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Not readable by other users (the student code runs as one); sqlite gives its
            # -wal and -shm files the same mode.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o640))
        # Autocommit mode: transactions are begun and ended explicitly below.
        self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed submission survives a power cut too, not only a killed process.
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=60000")
        self.db.executescript(SCHEMA)
        found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if found is None:
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found[0] != SCHEMA_VERSION:
            raise RuntimeError(f"the gradebook {path} has schema {found[0]}; this grader writes "
                               f"schema {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def record(self, sub: SubmissionRecord, replace: bool = False) -> bool:
        """Write one submission and its results in one transaction. With `replace` an earlier
        grading of the same key is deleted first (--regrade); without, an existing one is kept
        and False is returned."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            key = (sub.student, sub.content_hash, sub.grader_version, sub.setup)
            old = db.execute("SELECT id FROM submissions WHERE student=? AND content_hash=? AND "
                             "grader_version=? AND setup=?", key).fetchone()
            if old is not None:
                if not replace:
                    db.execute("ROLLBACK")
                    return False
                db.execute("DELETE FROM submissions WHERE id=?", (old[0],))
            db.execute("INSERT OR IGNORE INTO students (id, first_seen) VALUES (?, ?)",
                       (sub.student, sub.graded_at))
            cur = db.execute(
                "INSERT INTO submissions (student, content_hash, source, submitted_at, graded_at,"
                " grader_version, setup, score, max_score, error, note, seconds)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key[:2], sub.source, sub.submitted_at, sub.graded_at, sub.grader_version,
                 sub.setup, sub.score, sub.max_score, sub.error, sub.note, sub.seconds))
            sub.id = cur.lastrowid
            db.executemany(
                "INSERT INTO results (submission, exercise, position, status, score, max_score,"
                " feedback, diagnosis, backend, device, grader_version, output, failing_case,"
                " hint, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(sub.id, r.exercise, i, r.status, r.score, r.max_score, r.feedback,
                  json.dumps(r.diagnosis) if r.diagnosis else None, r.backend, r.device,
                  r.grader_version or sub.grader_version, r.output,
                  json.dumps(r.case) if r.case else None, r.hint, r.seconds)
                 for i, r in enumerate(sub.results)])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return True

    # --- reading ---------------------------------------------------------------------------

    def graded_keys(self, grader_version: str, setup: str) -> set[tuple[str, str]]:
        """(student, content hash) of every submission graded under this version and setup."""
        rows = self.db.execute("SELECT student, content_hash FROM submissions WHERE "
                               "grader_version=? AND setup=?", (grader_version, setup))
        return {(s, h) for s, h in rows}

    def latest(self, grader_version: str, setup: str,
               students: Iterable[str] | None = None) -> list[SubmissionRecord]:
        """Each student's most recent submission graded under this version and setup."""
        rows = self.db.execute(
            "SELECT * FROM submissions WHERE id IN (SELECT MAX(id) FROM submissions WHERE "
            "grader_version=? AND setup=? GROUP BY student) ORDER BY student",
            (grader_version, setup)).fetchall()
        wanted = set(students) if students is not None else None
        subs = [self._submission(row) for row in rows if wanted is None or row[1] in wanted]
        return subs

    def all_submissions(self) -> list[SubmissionRecord]:
        rows = self.db.execute("SELECT * FROM submissions ORDER BY id").fetchall()
        return [self._submission(row) for row in rows]

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("students", "submissions", "results")}

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def _submission(self, row: tuple) -> SubmissionRecord:
        (sid, student, content_hash, source, submitted_at, graded_at, version, setup, score,
         max_score, error, note, seconds) = row
        sub = SubmissionRecord(student, content_hash, source, submitted_at, graded_at, version,
                               setup, score, max_score, error, note, seconds, id=sid)
        for r in self.db.execute(
                "SELECT exercise, status, score, max_score, feedback, diagnosis, backend, device,"
                " grader_version, output, failing_case, hint, seconds FROM results"
                " WHERE submission=? ORDER BY position", (sid,)):
            sub.results.append(ResultRecord(
                exercise=r[0], status=r[1], score=r[2], max_score=r[3], feedback=r[4],
                diagnosis=json.loads(r[5]) if r[5] else None, backend=r[6], device=r[7],
                grader_version=r[8], output=r[9], case=json.loads(r[10]) if r[10] else None,
                hint=r[11], seconds=r[12]))
        return sub

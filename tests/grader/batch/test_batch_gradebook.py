"""The gradebook: WAL, one transaction per submission, one row per key, resumable reads."""

from __future__ import annotations

import sqlite3

import pytest

from grader.batch.gradebook import Gradebook, ResultRecord, SubmissionRecord


def _sub(student="alice", content="h1", version="v1", setup="s1", scores=(1.0, 0.0),
         graded_at="2026-01-01T00:00:00+00:00") -> SubmissionRecord:
    results = [ResultRecord(f"lecture1.ex{i}", "passed" if s else "failed", s, 1.0,
                            feedback=f"feedback {i}", backend="numpy", device="cpu",
                            diagnosis={"name": "m", "explanation": "e"} if not s else None,
                            case={"label": "c", "inputs": "[1]"} if not s else None)
               for i, s in enumerate(scores)]
    return SubmissionRecord(student, content, f"{student}.zip", None, graded_at, version, setup,
                            sum(scores), float(len(scores)), results=results)


def test_records_read_back_whole_in_wal_mode(tmp_path):
    path = tmp_path / "book.sqlite"
    with Gradebook(path) as book:
        assert book.record(_sub())
        assert book.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Gradebook(path) as book:
        [sub] = book.latest("v1", "s1")
        assert (sub.student, sub.content_hash, sub.score, sub.max_score) == ("alice", "h1", 1.0, 2.0)
        assert [r.status for r in sub.results] == ["passed", "failed"]
        assert sub.results[1].diagnosis == {"name": "m", "explanation": "e"}
        assert sub.results[1].case == {"label": "c", "inputs": "[1]"}
        assert sub.results[0].grader_version == "v1" and sub.backends == ["numpy"]
        assert book.graded_keys("v1", "s1") == {("alice", "h1")}
        assert book.graded_keys("v2", "s1") == set()
        assert book.counts() == {"students": 1, "submissions": 1, "results": 2}
        assert book.integrity() == "ok"


def test_the_same_key_is_never_stored_twice(tmp_path):
    with Gradebook(tmp_path / "book.sqlite") as book:
        assert book.record(_sub())
        assert not book.record(_sub(scores=(0.0, 0.0)))  # kept, not duplicated
        assert book.counts() == {"students": 1, "submissions": 1, "results": 2}
        assert book.latest("v1", "s1")[0].score == 1.0
        assert book.record(_sub(scores=(1.0, 1.0)), replace=True)  # --regrade
        assert book.counts() == {"students": 1, "submissions": 1, "results": 2}
        assert book.latest("v1", "s1")[0].score == 2.0
        # Another version or setup is another grading, kept beside the first.
        assert book.record(_sub(version="v2"))
        assert book.counts()["submissions"] == 2


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    with Gradebook(tmp_path / "book.sqlite") as book:
        bad = _sub()
        bad.results.append(bad.results[0])  # the same exercise twice: the primary key refuses
        with pytest.raises(sqlite3.IntegrityError):
            book.record(bad)
        assert book.counts() == {"students": 0, "submissions": 0, "results": 0}
        assert not book.db.in_transaction
        assert book.record(_sub())


def test_latest_is_each_students_most_recent_submission(tmp_path):
    with Gradebook(tmp_path / "book.sqlite") as book:
        book.record(_sub("alice", "old", scores=(0.0, 0.0)))
        book.record(_sub("bob", "b1"))
        book.record(_sub("alice", "new", scores=(1.0, 1.0)))
        latest = {s.student: s for s in book.latest("v1", "s1")}
        assert latest["alice"].content_hash == "new" and latest["alice"].score == 2.0
        assert [s.student for s in book.latest("v1", "s1", ["bob"])] == ["bob"]
        assert len(book.all_submissions()) == 3


def test_an_error_submission_has_no_results(tmp_path):
    with Gradebook(tmp_path / "book.sqlite") as book:
        sub = _sub("eve", "raw:x", scores=())
        sub.error = "the zip is empty"
        book.record(sub)
        [back] = book.latest("v1", "s1")
        assert back.error == "the zip is empty" and back.results == []

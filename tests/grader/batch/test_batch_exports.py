"""Exports from gradebook records: grades.csv, Markdown feedback, Gradescope results.json."""

from __future__ import annotations

import csv
import json

from grader.batch import exports
from grader.batch.course import Course, build_plan
from grader.batch.gradebook import ResultRecord, SubmissionRecord


def _plan(hidden=None):
    plan = build_plan(Course(exercises={"lecture1": ("sigmoid", "softmax")}), ["lecture1"],
                      hidden=False)
    if hidden:
        from dataclasses import replace

        plan = replace(plan, hidden_salt=hidden)
    return plan


def _records():
    ok = ResultRecord("lecture1.sigmoid", "passed", 1.0, 1.0, "all 4 cases passed", None,
                      "numpy", "cpu")
    wrong = ResultRecord("lecture1.softmax", "failed", 0.0, 2.0,
                         "case 'hard': 3 of 4 values differ\nLikely mistake: no max shift: …",
                         {"name": "no max shift", "explanation": "subtract the max"}, "numpy",
                         "cpu", output="debug ``` fence\n" * 3,
                         case={"label": "hard", "inputs": "[1000.]", "expected": "[1.]",
                               "got": "[nan]"},
                         hint="Subtract each row's maximum")
    alice = SubmissionRecord("alice", "h", "alice", None, "2026-01-01T00:00:00+00:00", "v", "s",
                             1.0, 3.0, results=[ok, wrong])
    eve = SubmissionRecord("eve", "raw:x", "eve.zip", None, "2026-01-01T00:00:00+00:00", "v",
                           "s", 0.0, 3.0, error="the zip is empty\nsecond line")
    return [eve, alice]


def test_grades_csv_has_a_row_per_student_a_column_per_exercise_and_the_total(tmp_path):
    path = exports.write_grades_csv(tmp_path / "grades.csv", _plan(), _records())
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["student", "lecture1.sigmoid", "lecture1.softmax", "total", "max_score", "error"],
        ["alice", "1", "0", "1", "3", ""],
        ["eve", "", "", "0", "3", "the zip is empty"],
    ]


def test_feedback_markdown_explains_each_failure(tmp_path):
    plan = _plan()
    folder = exports.write_feedback(tmp_path / "feedback", plan, _records())
    text = (folder / "alice.md").read_text()
    assert text.startswith("# Feedback for alice\n")
    assert "**Score: 1 / 3**" in text
    assert "| lecture1.softmax | failed | 0 / 2 |" in text
    assert "## lecture1.softmax: failed" in text and "## lecture1.sigmoid" not in text
    assert "inputs:   [1000.]\nexpected: [1.]\ngot:      [nan]" in text
    assert "Likely mistake: **no max shift**: subtract the max" in text
    assert "Hint: Subtract each row's maximum" in text
    # A student's ``` cannot close the block that quotes their output.
    assert "````text\ndebug ``` fence" in text
    assert "could not be graded" in (folder / "eve.md").read_text()


def test_gradescope_results_follow_the_published_format(tmp_path):
    plan = _plan()
    folder = exports.write_gradescope(tmp_path / "gs", plan, _records())
    payload = json.loads((folder / "alice" / "results.json").read_text())
    assert payload["score"] == 1.0 and payload["stdout_visibility"] == "hidden"
    assert [t["name"] for t in payload["tests"]] == ["lecture1.sigmoid: Sigmoid",
                                                     "lecture1.softmax: Softmax"]
    for test in payload["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output",
                             "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
    assert payload["tests"][1]["status"] == "failed" and "no max shift" in payload["tests"][1]["output"]
    eve = json.loads((folder / "eve" / "results.json").read_text())
    assert eve["score"] == 0.0 and eve["tests"] == [] and "zip is empty" in eve["output"]


def test_gradescope_hidden_cases_are_shown_after_publishing():
    plan = _plan(hidden="secret")
    alice = _records()[1]
    payload = exports.gradescope_results(plan, alice.results)
    assert {t["visibility"] for t in payload["tests"]} == {"after_published"}
    public = {r.exercise: r for r in alice.results}
    payload = exports.gradescope_results(plan, alice.results, public=public)
    visible = [t for t in payload["tests"] if t["visibility"] == "visible"]
    later = [t for t in payload["tests"] if t["visibility"] == "after_published"]
    assert len(visible) == len(later) == 2
    assert all(t["max_score"] == 0 for t in visible)
    assert sum(t["score"] for t in later) == payload["score"] == 1.0
    assert "secret" not in json.dumps(payload)

"""`grade gradescope`: one submission into Gradescope's results.json, paths overridable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from grader.batch.course import SECRET_ENV
from tests.conftest import ROOT
from tests.grader.batch.conftest import FAST_EXERCISES, FAST_MAX, full, zipped


def _grade(submission, results, course_file, *extra, env=None):
    cmd = [sys.executable, "-m", "grader.cli", "gradescope", "--submission", str(submission),
           "--results", str(results), "--course", str(course_file), *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def _env(secret=""):
    import os

    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    if secret:
        env[SECRET_ENV] = secret
    return env


def test_loose_files_uploaded_to_gradescope_are_graded(tmp_path, course_file):
    src = full(tmp_path / "src")
    submission = tmp_path / "submission"
    submission.mkdir()
    for path in (src / "lecture1").iterdir():
        shutil.copy(path, submission / path.name)
    results = tmp_path / "results" / "results.json"
    proc = _grade(submission, results, course_file, env=_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    payload = json.loads(results.read_text())
    assert payload["score"] == FAST_MAX
    assert [t["name"].split(":")[0] for t in payload["tests"]] == FAST_EXERCISES
    assert all(t["status"] == "passed" and t["visibility"] == "visible" for t in payload["tests"])
    assert "placed into their lecture folders" in payload["output"]
    assert "passed" in proc.stdout


def test_hidden_cases_on_gradescope_are_published_later(tmp_path, course_file):
    sub = full(tmp_path / "submission")
    results = tmp_path / "results.json"
    proc = _grade(sub, results, course_file, env=_env("the-course-secret"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    payload = json.loads(results.read_text())
    visible = [t for t in payload["tests"] if t["visibility"] == "visible"]
    later = [t for t in payload["tests"] if t["visibility"] == "after_published"]
    assert len(visible) == len(later) == len(FAST_EXERCISES)
    assert all(t["max_score"] == 0 and t["name"].endswith("(public cases)") for t in visible)
    assert sum(t["score"] for t in later) == payload["score"] == FAST_MAX
    assert "the-course-secret" not in results.read_text()


def test_a_zip_upload_and_a_bad_upload(tmp_path, course_file):
    src = full(tmp_path / "src")
    submission = tmp_path / "submission"
    submission.mkdir()
    zipped(src, submission / "mine.zip")
    results = tmp_path / "results.json"
    proc = _grade(submission, results, course_file, env=_env())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(results.read_text())["score"] == FAST_MAX

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello")
    proc = _grade(empty, results, course_file, env=_env())
    assert proc.returncode == 0
    payload = json.loads(results.read_text())
    assert payload["score"] == 0 and payload["tests"] == []
    assert "found no lecture folder" in payload["output"]


def test_a_misconfigured_autograder_still_writes_results(tmp_path):
    bad = tmp_path / "course.toml"
    bad.write_text("[course]\nlectures = ['lecture99']\n")
    results = tmp_path / "results.json"
    proc = _grade(tmp_path, results, bad, env=_env())
    assert proc.returncode == 2
    payload = json.loads(results.read_text())
    assert payload["score"] == 0 and "misconfigured" in payload["output"]


def test_the_secret_in_the_environment_does_not_reach_the_students_code(tmp_path, course_file):
    sub = full(tmp_path / "submission")
    path = sub / "lecture1" / "activations.py"
    path.write_text(path.read_text() + (
        "\n\ndef sigmoid(z):\n    import os\n    if 'the-course-secret' in str(os.environ):\n"
        "        return z * 0 + 7\n    xp = array_namespace(z)\n    e = xp.exp(-xp.abs(z))\n"
        "    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"))
    results = tmp_path / "results.json"
    proc = _grade(sub, results, course_file, env=_env("the-course-secret"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    tests = {t["name"]: t for t in json.loads(results.read_text())["tests"]}
    assert tests["lecture1.sigmoid: Sigmoid (public cases)"]["status"] == "passed"
    assert tests["lecture1.sigmoid: Sigmoid (with hidden cases)"]["status"] == "passed"

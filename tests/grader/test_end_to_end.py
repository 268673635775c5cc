"""Whole lectures through the child process: the reference solutions copied as a submission
score full marks on every backend, and the untouched stubs grade as not implemented."""

from __future__ import annotations

import pytest

from grader import catalog
from grader.grading import grade_lecture
from tests.conftest import INSTALLED, STUBS

LECTURES = [lec.name for lec in catalog.lectures()]


@pytest.mark.slow
@pytest.mark.parametrize("backend", INSTALLED)
@pytest.mark.parametrize("lecture", LECTURES)
def test_reference_solutions_score_full_marks(lecture, backend, solutions_dir):
    result = grade_lecture(lecture, solutions_dir, backend=backend, device="cpu")
    wrong = {e.id: (e.status, e.feedback) for e in result.exercises if e.status != "passed"}
    assert not wrong
    assert result.score == result.max_score == catalog.lecture(lecture).max_score
    assert result.backend == backend and result.device == "cpu"


@pytest.mark.parametrize("lecture", LECTURES)
def test_untouched_stubs_grade_as_not_implemented(lecture):
    result = grade_lecture(lecture, STUBS, backend="numpy", device="cpu")
    statuses = {e.id: e.status for e in result.exercises}
    assert set(statuses.values()) == {"not_implemented"}, statuses
    assert result.score == 0
    assert all(e.feedback.startswith("not implemented") for e in result.exercises)

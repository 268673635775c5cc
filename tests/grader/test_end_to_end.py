"""Whole lectures through the child process: the reference solutions copied as a submission
score full marks on every backend, and the untouched stubs grade as not implemented."""

from __future__ import annotations

import numpy as np
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


def test_hidden_cases_add_cases_and_reveal_no_values(submission):
    # A sigmoid that is right on the small public inputs and wrong past |z| > 3.
    source = ("import numpy as np\n\ndef sigmoid(z):\n"
              "    s = 1 / (1 + np.exp(-np.clip(z, -3, 3)))\n    return s\n")
    root = submission({"lecture1/activations.py": source})
    public = grade_lecture("lecture1", root, backend="numpy", device="cpu", only=["sigmoid"])
    hidden = grade_lecture("lecture1", root, backend="numpy", device="cpu", only=["sigmoid"],
                           hidden_salt="course-secret")
    assert public.exercises[0].status == hidden.exercises[0].status == "failed"
    from grader import catalog, grading

    ex = catalog.find_exercise(catalog.lecture("lecture1"), "sigmoid")
    check = catalog.check_for(ex)
    n_public = len(grading.prepare(ex, check, "float64"))
    both = grading.prepare(ex, check, "float64", hidden_salt="course-secret")
    assert len(both) == 2 * n_public and all(c.hidden for c in both[n_public:])
    other = grading.prepare(ex, check, "float64", hidden_salt="another-secret")
    assert not np.array_equal(both[-1].args[0], other[-1].args[0])


def test_hidden_feedback_shows_neither_inputs_nor_expected_values(submission):
    import re

    from grader import catalog, grading

    # A lookup table of the public answers: right on every public case, wrong on hidden ones.
    ex = catalog.find_exercise(catalog.lecture("lecture1"), "dense")
    public = grading.prepare(ex, catalog.check_for(ex), "float64")
    source = ("import numpy as np, os\n"
              "DATA = np.load(os.path.join(os.path.dirname(__file__), 'answers.npz'))\n"
              "def dense(x, W, b):\n"
              "    for i in range(len(DATA.files) // 2):\n"
              "        if DATA[f'x{i}'].shape == x.shape and np.array_equal(DATA[f'x{i}'], x):\n"
              "            return DATA[f'y{i}']\n"
              "    return np.zeros((x.shape[0], W.shape[1]))\n")
    root = submission({"lecture1/perceptron.py": source})
    answers = {}
    for i, case in enumerate(public):
        answers[f"x{i}"], answers[f"y{i}"] = case.args[0], case.expected
    np.savez(root / "lecture1" / "answers.npz", **answers)
    assert grade_lecture("lecture1", root, backend="numpy", device="cpu",
                         only=["dense"]).exercises[0].status == "passed"
    result = grade_lecture("lecture1", root, backend="numpy", device="cpu", only=["dense"],
                           hidden_salt="course-secret")
    verdict = result.exercises[0]
    assert verdict.status == "failed"
    assert verdict.feedback.startswith("a hidden case failed")
    assert not re.search(r"\d\.\d", verdict.feedback), verdict.feedback
    assert verdict.case.inputs == "" and verdict.case.expected == "" and verdict.case.got == ""


def test_a_failing_composite_points_to_its_failing_part(submission, solutions_dir):
    import shutil

    root = submission({}, base=solutions_dir)
    lstm = root / "lecture2" / "lstm.py"
    # lstm_gates with tanh on the forget gate; lstm_step built on the student's own gates.
    source = lstm.read_text().replace("def lstm_gates(", "def _right_gates(")
    source += ('''

def lstm_gates(x_t, h_prev, Wx, Wh, b):
    i, f, g, o = _right_gates(x_t, h_prev, Wx, Wh, b)
    from backends import array_namespace
    xp = array_namespace(f)
    return i, 2 * f - 1, g, o


def lstm_step(x_t, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = lstm_gates(x_t, h_prev, Wx, Wh, b)
    c = f * c_prev + i * g
    from backends import array_namespace
    return o * array_namespace(c).tanh(c), c
''')
    lstm.write_text(source)
    result = grade_lecture("lecture2", root, backend="numpy", device="cpu",
                           only=["lstm_gates", "lstm_cell_update", "lstm_hidden", "lstm_step"])
    verdicts = {e.id.split(".")[1]: e for e in result.exercises}
    assert verdicts["lstm_gates"].status == "failed"
    assert verdicts["lstm_step"].status == "failed"
    assert verdicts["lstm_step"].feedback.startswith(
        "lstm_step is built from lstm_gates, lstm_cell_update, lstm_hidden; lstm_gates (failed)")
    shutil.rmtree(root)


def test_a_failing_composite_whose_parts_pass_says_so(submission, solutions_dir):
    root = submission({}, base=solutions_dir)
    lstm = root / "lecture2" / "lstm.py"
    lstm.write_text(lstm.read_text() + '''

def lstm_step(x_t, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = lstm_gates(x_t, h_prev, Wx, Wh, b)
    c = lstm_cell_update(c_prev, i, f, g)
    return c, lstm_hidden(c, o)          # (c, h): the wrong order
''')
    result = grade_lecture("lecture2", root, backend="numpy", device="cpu",
                           only=["lstm_gates", "lstm_cell_update", "lstm_hidden", "lstm_step"])
    step = {e.id.split(".")[1]: e for e in result.exercises}["lstm_step"]
    assert step.status == "failed"
    assert "Its parts (lstm_gates, lstm_cell_update, lstm_hidden) pass" in step.feedback

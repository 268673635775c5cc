"""Each exercise's time limit: the catalog's, scaled by the backend, or the course's as given."""

from __future__ import annotations

import shutil

import pytest

import backends
from grader import catalog
from grader.grading import prepare_job
from grader.session import Session
from tests.conftest import INSTALLED, SOLUTIONS


def _job(tmp_path, backend, name, timeout=None):
    lec = catalog.lecture("lecture1")
    ex = catalog.find_exercise(lec, name)
    shutil.copytree(SOLUTIONS / "lecture1", tmp_path / "lecture1")
    session = Session(backend, "cpu")
    try:
        return ex, prepare_job(ex, tmp_path / "lecture1", session,
                               backends.get(backend).DEFAULT_FLOAT, timeout)
    finally:
        session.close()


@pytest.mark.parametrize("backend", INSTALLED)
def test_the_catalog_limit_scales_with_the_backend(tmp_path, backend):
    ex, job = _job(tmp_path, backend, "early_stopping")
    assert job.timeout == ex.timeout * backends.get(backend).TIME_FACTOR


def test_tensorflow_gets_more_time_than_numpy_and_torch():
    factors = {name: backends.get(name).TIME_FACTOR for name in backends.NAMES}
    assert factors["numpy"] == factors["torch"] == 1.0 < factors["tensorflow"]


def test_a_course_limit_is_taken_as_given(tmp_path):
    _ex, job = _job(tmp_path, INSTALLED[-1], "early_stopping", timeout=12.5)
    assert job.timeout == 12.5


def test_quick_exercises_have_short_limits_and_heavy_ones_long():
    """An endless loop holds a batch worker for the whole limit: quick functions get 5 s; the
    ones with sequences, convolutions or training loops more."""
    by_name = {ex.name: ex.timeout for lec in catalog.lectures() for ex in lec.exercises}
    assert by_name["sigmoid"] == by_name["early_stopping"] == 5.0
    assert by_name["conv2d"] >= 60 and by_name["rnn_backward"] >= 30
    assert by_name["train_pass_predictor"] >= 60


LOOPED_SIGMOID = {
    "numpy": "import math\nimport numpy as np\n\ndef sigmoid(z):\n    out = np.empty_like(z)\n"
             "    for i in np.ndindex(z.shape):\n        v = float(z[i])\n"
             "        out[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))\n"
             "    return out\n",
    "torch": "import torch\n\ndef sigmoid(z):\n    out = torch.empty_like(z)\n    flat, res = z.reshape(-1), out.reshape(-1)\n"
             "    for i in range(flat.numel()):\n        v = flat[i]\n"
             "        res[i] = 1 / (1 + torch.exp(-v)) if v >= 0 else torch.exp(v) / (1 + torch.exp(v))\n"
             "    return out\n",
}


@pytest.mark.parametrize("backend", [b for b in ("numpy", "torch") if b in INSTALLED])
def test_an_element_by_element_loop_fits_a_quick_limit(tmp_path, backend):
    """The 5 s limit is for endless loops, not for slow-but-right beginners' code."""
    from grader.grading import grade_lecture

    (tmp_path / "lecture1").mkdir()
    (tmp_path / "lecture1" / "activations.py").write_text(LOOPED_SIGMOID[backend])
    verdict = grade_lecture("lecture1", tmp_path, backend, "cpu", only=["sigmoid"]).exercises[0]
    assert verdict.status == "passed", verdict.feedback
    assert verdict.seconds < verdict_limit(backend) / 3


def verdict_limit(backend: str) -> float:
    ex = catalog.find_exercise(catalog.lecture("lecture1"), "sigmoid")
    return ex.timeout * backends.get(backend).TIME_FACTOR

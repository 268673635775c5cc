"""Checks for exercises/lecture1/project.py: graded by accuracy on held-out students."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Problem
from reference.common import np_sigmoid
from reference.solutions.lecture1 import project as ref

THRESHOLD = 0.9


def _students(rng, n):
    """Lectures attended (0-24) and project hours (0-60); passing depends on both, noisily."""
    lectures = rng.integers(0, 25, n).astype(np.float64)
    hours = rng.uniform(0, 60, n)
    score = 0.6 * (lectures - 12) + 0.25 * (hours - 30) + rng.normal(0, 0.8, n)
    return np.stack([lectures, hours], axis=1), (score > 0).astype(np.float64)


def _cases(rng):
    cases = []
    for label, n, lr, epochs in (("200 students, lr 0.5, 300 epochs", 200, 0.5, 300),
                                 ("60 students, lr 0.1, 1000 epochs", 60, 0.1, 1000)):
        X, y = _students(rng, n)
        X_test, y_test = _students(rng, 2000)
        cases.append(Case(label, (X, y, lr, epochs), private={"X_test": X_test, "y_test": y_test}))
    return cases


def _accuracy(w, w0, X, y):
    return float(((np_sigmoid(w0 + X @ w) > 0.5) == (y > 0.5)).mean())


def _verify(case, got):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"expected (w, w0), got {type(got).__name__}"
    w, w0 = got
    w = np.asarray(w, dtype=np.float64) if isinstance(w, np.ndarray) else None
    if w is None or w.shape != (2,):
        return f"w must be an array of shape (2,), got {getattr(got[0], 'shape', type(got[0]).__name__)}"
    try:
        w0 = float(np.asarray(w0, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        return "w0 must be a scalar (a float or a 0-d array)"
    if not np.isfinite(w).all() or not np.isfinite(w0):
        return "w or w0 holds nan or inf: is the learning rate too large for raw features?"
    X = case.args[0].astype(np.float64)
    X_test, y_test = case.private["X_test"], case.private["y_test"]
    accuracy = _accuracy(w, w0, X_test, y_test)
    if accuracy >= THRESHOLD:
        return None
    if accuracy <= 1 - THRESHOLD:
        return Problem(f"held-out accuracy {accuracy:.3f}: your predictor is reliably wrong, it "
                       "predicts the opposite class", "gradient ascent",
                       "step against the gradient (w - lr·∂J/∂w), and use p - y, not y - p")
    mu, sd = X.mean(0), X.std(0)
    if _accuracy(w, w0, (X_test - mu) / sd, y_test) >= THRESHOLD:
        return Problem(f"held-out accuracy {accuracy:.3f} < {THRESHOLD}, but {w}, {w0:.3g} work on "
                       "standardised features", "weights for standardised X",
                       "map back to raw units: w_raw = w/σ, w0_raw = w0 - Σ w·μ/σ")
    return f"held-out accuracy {accuracy:.3f}, below the {THRESHOLD} asked for"


CHECKS = {"train_pass_predictor": Check(ref.train_pass_predictor, _cases, verify=_verify)}

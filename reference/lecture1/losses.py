"""Checks for exercises/lecture1/losses.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture1 import losses as ref


def _mse_cases(rng):
    return [
        Case("small: 3 values", (np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0]))),
        Case("a batch (16, 4)", (rng.normal(size=(16, 4)), rng.normal(size=(16, 4)))),
        Case("large (512, 32)", (rng.normal(size=(512, 32)), rng.normal(size=(512, 32)))),
    ]


def _bce_cases(rng):
    return [
        Case("small: 4 predictions", (np.array([0.9, 0.2, 0.6, 0.5]), np.array([1.0, 0.0, 1.0, 0.0]))),
        Case("a batch of 64", (rng.uniform(0.05, 0.95, 64), rng.integers(0, 2, 64).astype(float))),
        Case("hard: p within 1e-6 of 0 and 1",
             (np.array([1e-6, 1 - 1e-6, 1e-6, 1 - 1e-6, 0.5]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])),
             note="p = 1e-6 and 1 - 1e-6: the exact value is asked for, without clipping; "
                  "log(1-p) with p near 1 is best written log1p(-p)."),
        Case("large: 4096 predictions",
             (rng.uniform(1e-3, 1 - 1e-3, 4096), rng.integers(0, 2, 4096).astype(float))),
    ]


def _softmax_cases(rng):
    return [
        Case("small: logits [[1, 2, 3], [0, 0, 0]]", (np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),)),
        Case("a batch (16, 10)", (rng.normal(0, 2, (16, 10)),)),
        Case("hard: logits up to 1e4",
             (np.array([[1000.0, 1001.0, 999.0], [1e4, 0.0, -1e4], [-1000.0, -1000.0, -1001.0]]),),
             note="e^1000 overflows: subtract each row's max first (softmax(z) = softmax(z - max z))."),
        Case("a 1-D vector of 5 logits", (rng.normal(size=5),),
             note="softmax is over the last axis, whatever the number of axes."),
        Case("large (256, 100)", (rng.normal(0, 3, (256, 100)),)),
    ]


def _sce_cases(rng):
    return [
        Case("small: 2 examples, 3 classes",
             (np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), np.array([0, 2]))),
        Case("a batch: 32 examples, 10 classes",
             (rng.normal(0, 2, (32, 10)), rng.integers(0, 10, 32))),
        Case("hard: logits up to 1e4",
             (np.array([[1e4, 0.0, -1e4], [1000.0, 1001.0, 999.0], [-1000.0, 1000.0, 0.0]]),
              np.array([1, 0, 1])),
             note="use log-sum-exp with the max trick; -log(softmax) of a probability that "
                  "underflows to 0 is inf."),
        Case("large: 1024 examples, 100 classes",
             (rng.normal(0, 3, (1024, 100)), rng.integers(0, 100, 1024))),
    ]


def _np_softmax_naive(z):
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / e.sum(-1, keepdims=True)


def _np_log_softmax(z):
    m = z.max(-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))


CHECKS = {
    "mse_loss": Check(ref.mse_loss, _mse_cases, [
        Mistake("sum instead of mean", "the loss is the mean over all elements",
                lambda y_hat, y: ((y - y_hat) ** 2).sum()),
        Mistake("absolute instead of squared error", "square the differences",
                lambda y_hat, y: np.abs(y - y_hat).mean()),
        Mistake("no mean over the batch, mean over the last axis only",
                "average over every element", lambda y_hat, y: ((y - y_hat) ** 2).mean(-1)),
    ]),
    "binary_cross_entropy": Check(ref.binary_cross_entropy, _bce_cases, [
        Mistake("the (1-y) log(1-p) term is missing", "BCE has a term for each label value",
                lambda p, y: -(y * np.log(p)).mean()),
        Mistake("sign flipped", "the loss is minus the mean log-likelihood",
                lambda p, y: (y * np.log(p) + (1 - y) * np.log1p(-p)).mean()),
        Mistake("clipped p", "clipping p (e.g. to [1e-7, 1-1e-7]) or adding an epsilon changes "
                "the value here: compute the exact value", lambda p, y: -(
                    y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7)).mean()),
    ]),
    "softmax": Check(ref.softmax, _softmax_cases, [
        Mistake("no max shift", "e^z overflows for large logits: subtract the row max first",
                _np_softmax_naive),
        Mistake("normalised over the wrong axis", "each row (the last axis) sums to 1",
                lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(0, keepdims=True)),
    ]),
    "softmax_cross_entropy": Check(ref.softmax_cross_entropy, _sce_cases, [
        Mistake("log of a softmax without the max trick", "exp overflows: use log-sum-exp",
                lambda z, k: -np.log(np.take_along_axis(_np_softmax_naive(z), k[:, None], 1)).mean()),
        Mistake("sum over the batch instead of the mean", "average over the examples",
                lambda z, k: -np.take_along_axis(_np_log_softmax(z), k[:, None], 1).sum()),
        Mistake("sign flipped", "the loss is -log p(label)",
                lambda z, k: np.take_along_axis(_np_log_softmax(z), k[:, None], 1).mean()),
    ]),
}

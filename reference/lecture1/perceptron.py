"""Checks for exercises/lecture1/perceptron.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.common import np_sigmoid
from reference.solutions.lecture1 import perceptron as ref


def _perceptron_cases(rng):
    return [
        Case("small: 2 examples, 3 features",
             (np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]), np.array([0.5, -0.25, 0.1]), 0.2)),
        Case("a batch of 32 examples, 10 features",
             (rng.normal(size=(32, 10)), rng.normal(size=10), float(rng.normal()))),
        Case("hard: scores of ±1000 (large weights)",
             (np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, -1.0]]), np.array([500.0, 500.0]), 0.0),
             note="w0 + x @ w reaches ±1000: the sigmoid must not overflow."),
        Case("large: 512 examples, 64 features",
             (rng.normal(size=(512, 64)), rng.normal(size=64) / 4, float(rng.normal()))),
    ]


def _dense_cases(rng):
    return [
        Case("small: x (2, 3), W (3, 2)",
             (np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]]),
              np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]]), np.array([0.1, -0.1]))),
        Case("a batch: x (16, 5), W (5, 4)",
             (rng.normal(size=(16, 5)), rng.normal(size=(5, 4)), rng.normal(size=4))),
        Case("large: x (256, 128), W (128, 64)",
             (rng.normal(size=(256, 128)), rng.normal(size=(128, 64)) / 8, rng.normal(size=64))),
    ]


def _mlp_cases(rng):
    return [
        Case("small: x (2, 3), hidden 4, output 2",
             (np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0]]), rng.normal(size=(3, 4)),
              rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2))),
        Case("a batch: x (32, 8), hidden 16, output 3",
             (rng.normal(size=(32, 8)), rng.normal(size=(8, 16)), rng.normal(size=16),
              rng.normal(size=(16, 3)), rng.normal(size=3))),
        Case("large: x (256, 64), hidden 128, output 10",
             (rng.normal(size=(256, 64)), rng.normal(size=(64, 128)) / 8, rng.normal(size=128),
              rng.normal(size=(128, 10)) / 10, rng.normal(size=10))),
    ]


CHECKS = {
    "perceptron": Check(ref.perceptron, _perceptron_cases, [
        Mistake("bias forgotten", "ŷ = σ(w0 + x @ w): add w0 before the sigmoid",
                lambda x, w, w0: np_sigmoid(x @ w)),
        Mistake("no sigmoid", "the perceptron's output goes through the activation g = σ",
                lambda x, w, w0: w0 + x @ w),
    ]),
    "dense": Check(ref.dense, _dense_cases, [
        Mistake("bias forgotten", "z = x @ W + b", lambda x, W, b: x @ W),
        Mistake("activation applied", "dense() is the layer before g: no sigmoid here",
                lambda x, W, b: np_sigmoid(x @ W + b)),
    ]),
    "mlp_forward": Check(ref.mlp_forward, _mlp_cases, [
        Mistake("ReLU on the output too", "the output layer is linear: no activation after W2",
                lambda x, W1, b1, W2, b2: np.maximum(np.maximum(x @ W1 + b1, 0) @ W2 + b2, 0)),
        Mistake("no hidden activation", "without relu between the layers the network is linear",
                lambda x, W1, b1, W2, b2: (x @ W1 + b1) @ W2 + b2),
        Mistake("sigmoid instead of ReLU", "the hidden layer uses relu",
                lambda x, W1, b1, W2, b2: np_sigmoid(x @ W1 + b1) @ W2 + b2),
    ]),
}

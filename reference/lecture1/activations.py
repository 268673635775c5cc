"""Checks for exercises/lecture1/activations.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Check, Mistake
from reference.common import elementwise_cases, np_sigmoid
from reference.solutions.lecture1 import activations as ref

HARD = [-1e4, -1000.0, -20.0, 20.0, 1000.0, 1e4]
OVERFLOW_NOTE = ("|z| up to 1e4: e^1000 overflows to inf, so a formula that divides two "
                 "exponentials gives inf/inf = nan. Use a stable form.")


def _lecture_tanh(z):
    with np.errstate(all="ignore"):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def _naive_sigmoid(z):
    with np.errstate(all="ignore"):
        return np.exp(z) / (1 + np.exp(z))


CHECKS = {
    "sigmoid": Check(ref.sigmoid, lambda rng: elementwise_cases(rng, HARD, OVERFLOW_NOTE), [
        Mistake("e^z/(1+e^z) for every z", "for large z, e^z overflows and inf/inf gives nan; use "
                "e^z/(1+e^z) only where z < 0", _naive_sigmoid),
        Mistake("sign of the exponent", "σ(z) = 1/(1+e^(-z)): with e^(+z) you computed σ(-z)",
                lambda z: np_sigmoid(-z)),
        Mistake("tanh instead of sigmoid", "tanh ranges over (-1, 1); σ over (0, 1)", np.tanh),
    ]),
    "tanh": Check(ref.tanh, lambda rng: elementwise_cases(rng, HARD, OVERFLOW_NOTE), [
        Mistake("the lecture's formula, unstabilised", "(e^z - e^-z)/(e^z + e^-z) is inf/inf = nan "
                "for |z| ≳ 710; use the sign trick", _lecture_tanh),
        Mistake("sigmoid instead of tanh", "tanh(z) = 2σ(2z) - 1, not σ(z)", np_sigmoid),
    ]),
    "relu": Check(ref.relu, lambda rng: elementwise_cases(rng), [
        Mistake("absolute value", "relu(z) is 0 for negative z, not |z|", np.abs),
        Mistake("min instead of max", "relu(z) = max(0, z)", lambda z: np.minimum(z, 0.0)),
    ]),
    "sigmoid_grad": Check(ref.sigmoid_grad, lambda rng: elementwise_cases(rng, HARD, OVERFLOW_NOTE), [
        Mistake("z(1-z) instead of σ(z)(1-σ(z))", "the derivative is in terms of σ(z), not z",
                lambda z: z * (1 - z)),
        Mistake("returned σ(z)", "that is the function; its derivative is σ(z)(1-σ(z))", np_sigmoid),
    ]),
    "tanh_grad": Check(ref.tanh_grad, lambda rng: elementwise_cases(rng, HARD, OVERFLOW_NOTE), [
        Mistake("1 - z² instead of 1 - tanh²(z)", "square tanh(z), not z", lambda z: 1 - z * z),
        Mistake("1 - tanh(z), not squared", "the derivative is 1 - tanh(z)²",
                lambda z: 1 - np.tanh(z)),
    ]),
    "relu_grad": Check(ref.relu_grad, lambda rng: elementwise_cases(rng), [
        Mistake("1 at z = 0", "use z > 0 (strictly): the grader takes the gradient at 0 to be 0",
                lambda z: (z >= 0).astype(z.dtype)),
        Mistake("returned relu(z)", "the gradient is 1 where z > 0 and 0 elsewhere, not max(0, z)",
                lambda z: np.maximum(z, 0.0)),
    ]),
}

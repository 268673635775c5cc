"""Checks for exercises/lecture1/optimization.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Fn, Mistake
from reference.common import np_sigmoid
from reference.solutions.lecture1 import optimization as ref


def _gd_cases(rng):
    return [
        Case("small: 3 weights", (np.array([1.0, -2.0, 0.5]), np.array([0.5, 0.5, -1.0]), 0.1)),
        Case("a matrix (8, 4)", (rng.normal(size=(8, 4)), rng.normal(size=(8, 4)), 0.01)),
        Case("large (256, 256)", (rng.normal(size=(256, 256)), rng.normal(size=(256, 256)), 0.003)),
    ]


def _numgrad_cases(rng):
    return [
        Case("small: w of 3 elements, h = 1e-5",
             (Fn("smooth"), np.array([0.5, -1.0, 2.0])), {"h": 1e-5}, float_dtype="float64"),
        Case("w a (3, 2) matrix", (Fn("smooth", {"scale": 2.0}), rng.normal(size=(3, 2))),
             {"h": 1e-5}, float_dtype="float64", note="the result has w's shape"),
        Case("f returns a Python float; h = 1e-4",
             (Fn("smooth", {"as_float": True}), rng.normal(size=5)), {"h": 1e-4},
             float_dtype="float64", note="use the h you are given"),
        Case("the default h", (Fn("smooth"), rng.normal(size=4)), float_dtype="float64"),
    ]


def _forward_difference(f, w, h=1e-5):
    w = np.array(w, dtype=np.float64)
    g = np.zeros_like(w)
    base = float(f(w))
    for i in np.ndindex(w.shape):
        wp = w.copy()
        wp[i] += h
        g[i] = (float(f(wp)) - base) / h
    return g


def _no_half(f, w, h=1e-5):
    return 2 * ref.numerical_gradient(f, w, h)


def _minibatch_cases(rng):
    return [
        Case("small: 2 examples of 3 weights", (np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]),)),
        Case("a batch of 16 gradients of shape (4, 3)", (rng.normal(size=(16, 4, 3)),)),
        Case("large: 128 gradients of shape (64, 32)", (rng.normal(size=(128, 64, 32)),)),
    ]


def _two_layer_cases(rng):
    def make(n, d, hdim, k, scale=1.0):
        return (rng.normal(size=(n, d)), rng.normal(size=(n, k)), rng.normal(0, scale, (d, hdim)),
                rng.normal(size=hdim), rng.normal(0, scale, (hdim, k)), rng.normal(size=k))

    return [
        Case("small: N=2, D=3, H=4, K=2", make(2, 3, 4, 2)),
        Case("a batch: N=16, D=5, H=8, K=3", make(16, 5, 8, 3)),
        Case("N=1, D=4, H=3, K=1 (single example, single output)", make(1, 4, 3, 1),
             note="K = 1 and N = 1: keep every axis (dJ/dŷ = 2(ŷ-y)/(N·K))."),
        Case("saturated sigmoids: large weights", make(8, 4, 6, 2, scale=30.0),
             note="large pre-activations: the sigmoid must not overflow."),
        Case("large: N=128, D=32, H=64, K=10", make(128, 32, 64, 10, scale=0.3)),
    ]


def _tlb_parts(x, y, W1, b1, W2, b2):
    h = np_sigmoid(x @ W1 + b1)
    y_hat = h @ W2 + b2
    return h, y_hat, y_hat - y


def _tlb_no_sigmoid_grad(x, y, W1, b1, W2, b2):
    h, y_hat, d = _tlb_parts(x, y, W1, b1, W2, b2)
    dy = 2 * d / d.size
    dz = dy @ W2.T
    return (d ** 2).mean(), {"W1": x.T @ dz, "b1": dz.sum(0), "W2": h.T @ dy, "b2": dy.sum(0)}


def _tlb_mean_over_batch_only(x, y, W1, b1, W2, b2):
    h, y_hat, d = _tlb_parts(x, y, W1, b1, W2, b2)
    dy = 2 * d / d.shape[0]
    dz = dy @ W2.T * h * (1 - h)
    return (d ** 2).mean(), {"W1": x.T @ dz, "b1": dz.sum(0), "W2": h.T @ dy, "b2": dy.sum(0)}


def _tlb_no_two(x, y, W1, b1, W2, b2):
    h, y_hat, d = _tlb_parts(x, y, W1, b1, W2, b2)
    dy = d / d.size
    dz = dy @ W2.T * h * (1 - h)
    return (d ** 2).mean(), {"W1": x.T @ dz, "b1": dz.sum(0), "W2": h.T @ dy, "b2": dy.sum(0)}


CHECKS = {
    "gradient_descent_step": Check(ref.gradient_descent_step, _gd_cases, [
        Mistake("gradient ascent", "step against the gradient: w - lr·dw",
                lambda w, dw, lr: w + lr * dw),
        Mistake("learning rate ignored", "scale the gradient by lr", lambda w, dw, lr: w - dw),
    ]),
    "numerical_gradient": Check(ref.numerical_gradient, _numgrad_cases, [
        Mistake("forward difference", "(f(w+h) - f(w))/h is only first-order accurate: use the "
                "central difference (f(w+h) - f(w-h))/2h", _forward_difference),
        Mistake("divided by h instead of 2h", "the two points are 2h apart", _no_half),
    ]),
    "minibatch_gradient": Check(ref.minibatch_gradient, _minibatch_cases, [
        Mistake("sum instead of mean", "(1/B) Σ: divide by the batch size",
                lambda g: g.sum(0)),
        Mistake("mean over every axis", "average over axis 0 only: the result has a weight's shape",
                lambda g: np.full(g.shape[1:], g.mean())),
    ]),
    "two_layer_backward": Check(ref.two_layer_backward, _two_layer_cases, [
        Mistake("sigmoid derivative forgotten", "through h = σ(z1), multiply by σ(z1)(1-σ(z1))",
                _tlb_no_sigmoid_grad),
        Mistake("divided by N instead of N·K", "J is the mean over all N·K elements",
                _tlb_mean_over_batch_only),
        Mistake("factor 2 forgotten", "d(ŷ-y)²/dŷ = 2(ŷ-y)", _tlb_no_two),
    ]),
}

"""Checks for exercises/lecture1/optimizers.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture1 import optimizers as ref


def _state_cases(rng, n_states, extra_args=(), extra_kwargs=None, positive=()):
    """Cases for w, dw, state... with states that are non-negative where `positive` says so."""
    def states(shape):
        out = []
        for i in range(n_states):
            s = rng.normal(size=shape)
            out.append(np.abs(s) if i in positive else s)
        return out

    small_shape, batch_shape, large_shape = (3,), (8, 4), (256, 128)
    w = np.array([1.0, -2.0, 0.5])
    dw = np.array([0.5, 0.25, -1.0])
    cases = [Case("small: 3 weights", (w, dw, *states(small_shape), *extra_args), dict(extra_kwargs or {}))]
    for label, shape in (("a matrix (8, 4)", batch_shape), ("large (256, 128)", large_shape)):
        cases.append(Case(label, (rng.normal(size=shape), rng.normal(size=shape), *states(shape),
                                  *extra_args), dict(extra_kwargs or {})))
    return cases


def _momentum_cases(rng):
    cases = _state_cases(rng, 1, (0.1,))
    cases.append(Case("beta given: 0.5", cases[1].args, {"beta": 0.5}))
    return cases


def _adagrad_cases(rng):
    cases = _state_cases(rng, 1, (0.1,), positive=(0,))
    zero = np.zeros(3)
    cases.append(Case("first step: cache = 0, a zero gradient", (np.ones(3), np.array([0.0, 1.0, -2.0]),
                                                                  zero, 0.1),
                      note="with cache = 0 and dw = 0 the step is 0/(0+eps) = 0: add eps after the sqrt"))
    return cases


def _rmsprop_cases(rng):
    cases = _state_cases(rng, 1, (0.01,), positive=(0,))
    cases.append(Case("decay given: 0.9", cases[1].args, {"decay": 0.9}))
    return cases


def _adadelta_cases(rng):
    cases = _state_cases(rng, 2, (), positive=(0, 1))
    cases.append(Case("rho and lr given", cases[1].args, {"rho": 0.95, "lr": 0.5}))
    cases.append(Case("first step: zero state", (np.array([1.0, -1.0]), np.array([0.3, -0.2]),
                                                 np.zeros(2), np.zeros(2))))
    return cases


def _adam_cases(rng):
    cases = _state_cases(rng, 2, (1,), positive=(1,))
    w, dw = cases[1].args[:2]
    m, v = np.abs(rng.normal(size=w.shape)) * 0.1, np.abs(rng.normal(size=w.shape)) * 0.01
    cases += [
        Case("step t = 10, lr = 0.01", (w, dw, m, v, 10), {"lr": 0.01}),
        Case("first step from zero moments", (np.array([1.0, -1.0, 0.0]), np.array([0.1, -0.2, 0.3]),
                                              np.zeros(3), np.zeros(3), 1),
             note="at t = 1 with zero moments, bias correction makes the step ≈ lr·sign(dw)"),
        Case("late step t = 1000 with betas given", (w, dw, m, v, 1000),
             {"lr": 0.002, "beta1": 0.8, "beta2": 0.99}),
        Case("tiny gradients (1e-4), first step", (np.array([0.5, -0.5, 1.0]),
                                                   np.array([1e-4, -2e-4, 5e-5]), np.zeros(3),
                                                   np.zeros(3), 1),
             note="with v̂ ≈ 1e-8, where eps goes matters: w - lr·m̂/(√v̂ + eps)"),
    ]
    return cases


def _adam_no_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m2 = beta1 * m + (1 - beta1) * dw
    v2 = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m2 / (np.sqrt(v2) + eps), m2, v2


def _adam_t_from_zero(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return ref.adam_step(w, dw, m, v, t + 1, lr, beta1, beta2, eps)


def _adam_eps_inside(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m2 = beta1 * m + (1 - beta1) * dw
    v2 = beta2 * v + (1 - beta2) * dw * dw
    mh, vh = m2 / (1 - beta1 ** t), v2 / (1 - beta2 ** t)
    return w - lr * mh / np.sqrt(vh + eps), m2, v2


CHECKS = {
    "momentum_step": Check(ref.momentum_step, _momentum_cases, [
        Mistake("stepped with the old velocity", "update v first, then w - lr·v'",
                lambda w, dw, v, lr, beta=0.9: (w - lr * v, beta * v + dw)),
        Mistake("(1-β) on the gradient", "this exercise's form is v' = βv + dw (PyTorch's), "
                "not βv + (1-β)dw", lambda w, dw, v, lr, beta=0.9: (
                    w - lr * (beta * v + (1 - beta) * dw), beta * v + (1 - beta) * dw)),
    ]),
    "adagrad_step": Check(ref.adagrad_step, _adagrad_cases, [
        Mistake("old cache in the step", "accumulate dw² first, then divide by √cache'",
                lambda w, dw, c, lr, eps=1e-8: (w - lr * dw / (np.sqrt(c) + eps), c + dw * dw)),
        Mistake("no square root", "divide by √cache' + eps",
                lambda w, dw, c, lr, eps=1e-8: (w - lr * dw / (c + dw * dw + eps), c + dw * dw)),
    ]),
    "rmsprop_step": Check(ref.rmsprop_step, _rmsprop_cases, [
        Mistake("a running sum, as in Adagrad", "RMSProp keeps a moving average: "
                "decay·cache + (1-decay)·dw²", lambda w, dw, c, lr, decay=0.99, eps=1e-8: (
                    w - lr * dw / (np.sqrt(c + dw * dw) + eps), c + dw * dw)),
        Mistake("decay on the wrong term", "cache' = decay·cache + (1-decay)·dw²",
                lambda w, dw, c, lr, decay=0.99, eps=1e-8: (
                    w - lr * dw / (np.sqrt((1 - decay) * c + decay * dw * dw) + eps),
                    (1 - decay) * c + decay * dw * dw)),
    ]),
    "adadelta_step": Check(ref.adadelta_step, _adadelta_cases, [
        Mistake("edx2 updated before Δ", "Δ uses the old edx2; update edx2 with Δ afterwards",
                lambda w, dw, g, x, rho=0.9, eps=1e-6, lr=1.0: _adadelta_wrong_order(
                    w, dw, g, x, rho, eps, lr)),
        Mistake("sign of Δ", "Δ = -√(edx2+eps)/√(eg2'+eps)·dw: a step against the gradient",
                lambda w, dw, g, x, rho=0.9, eps=1e-6, lr=1.0: _adadelta_flip(
                    w, dw, g, x, rho, eps, lr)),
    ]),
    "adam_step": Check(ref.adam_step, _adam_cases, [
        Mistake("no bias correction", "divide m' by 1-β1^t and v' by 1-β2^t before the step",
                _adam_no_correction),
        Mistake("t off by one", "t is this step's number, starting at 1: use β^t, not β^(t+1)",
                _adam_t_from_zero),
        Mistake("eps inside the square root", "w' = w - lr·m̂/(√v̂ + eps)", _adam_eps_inside),
    ]),
}


def _adadelta_wrong_order(w, dw, eg2, edx2, rho, eps, lr):
    eg2n = rho * eg2 + (1 - rho) * dw * dw
    guess = -np.sqrt(edx2 + eps) / np.sqrt(eg2n + eps) * dw
    edx2n = rho * edx2 + (1 - rho) * guess * guess
    delta = -np.sqrt(edx2n + eps) / np.sqrt(eg2n + eps) * dw
    return w + lr * delta, eg2n, edx2n


def _adadelta_flip(w, dw, eg2, edx2, rho, eps, lr):
    w2, g2, x2 = ref.adadelta_step(w, dw, eg2, edx2, rho, eps, lr)
    return 2 * w - w2, g2, x2

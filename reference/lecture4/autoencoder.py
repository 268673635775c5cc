"""Checks for exercises/lecture4/autoencoder.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.common import np_sigmoid
from reference.solutions.lecture4 import autoencoder as ref


def _forward_cases(rng):
    return [
        Case("small: x (2, 3), latent 2",
             (np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
              np.array([[1.0, -1.0], [0.5, 0.5], [0.0, 1.0]]), np.array([0.0, -0.5]),
              np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]]), np.array([0.0, 0.1, -0.1]))),
        Case("a batch: x (16, 8), latent 4",
             (rng.normal(size=(16, 8)), rng.normal(size=(8, 4)), rng.normal(size=4),
              rng.normal(size=(4, 8)), rng.normal(size=8))),
        Case("hard: decoder pre-activations of ±1000",
             (np.array([[1.0, 1.0], [2.0, -1.0], [-1.0, 3.0]]),
              np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.0, 0.0]),
              np.array([[500.0, -500.0, 1.0], [-500.0, 500.0, -1.0]]), np.array([0.0, 0.0, 0.0])),
             note="z @ W_dec + b_dec reaches ±1000: the output sigmoid must give 0 and 1, not nan "
                  "(e^1000 overflows; exponentiate -|a| only)."),
        Case("large: x (256, 64), latent 16",
             (rng.normal(size=(256, 64)), rng.normal(size=(64, 16)) / 8, rng.normal(size=16),
              rng.normal(size=(16, 64)) / 4, rng.normal(size=64))),
    ]


def _relu(a):
    return np.maximum(a, 0)


def _naive_sigmoid(a):
    with np.errstate(all="ignore"):
        return np.exp(a) / (1 + np.exp(a))


def _loss_cases(rng):
    return [
        Case("small: 2 examples, 3 features",
             (np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]]),
              np.array([[0.5, 0.0, 0.5], [0.0, 0.5, 0.0]]))),
        Case("a batch (16, 10)", (rng.uniform(size=(16, 10)), rng.uniform(size=(16, 10)))),
        Case("images (8, 4, 4): every non-batch axis",
             (rng.uniform(size=(8, 4, 4)), rng.uniform(size=(8, 4, 4))),
             note="for images the sum runs over every axis but the batch axis, then the mean is "
                  "over the N examples."),
        Case("large (128, 784)", (rng.uniform(size=(128, 784)), rng.uniform(size=(128, 784)))),
    ]


def _per_example(d):
    return d.reshape(d.shape[0], -1).sum(-1)


CHECKS = {
    "autoencoder_forward": Check(ref.autoencoder_forward, _forward_cases, [
        Mistake("(x_hat, z) returned in the wrong order", "return the code first: (z, x_hat)",
                lambda x, We, be, Wd, bd: (np_sigmoid(_relu(x @ We + be) @ Wd + bd),
                                           _relu(x @ We + be))),
        Mistake("no ReLU in the encoder", "z = relu(x @ W_enc + b_enc): the code is non-negative",
                lambda x, We, be, Wd, bd: (x @ We + be, np_sigmoid((x @ We + be) @ Wd + bd))),
        Mistake("sigmoid in the encoder", "the encoder uses relu; only the output has a sigmoid",
                lambda x, We, be, Wd, bd: (np_sigmoid(x @ We + be),
                                           np_sigmoid(np_sigmoid(x @ We + be) @ Wd + bd))),
        Mistake("no sigmoid on the output", "x_hat = σ(z @ W_dec + b_dec), in (0, 1) like pixels",
                lambda x, We, be, Wd, bd: (_relu(x @ We + be), _relu(x @ We + be) @ Wd + bd)),
        Mistake("sigmoid as e^a / (1 + e^a)", "e^1000 = inf and inf/inf = nan: use the stable "
                "sigmoid (exponentiate -|a| only)",
                lambda x, We, be, Wd, bd: (_relu(x @ We + be),
                                           _naive_sigmoid(_relu(x @ We + be) @ Wd + bd))),
    ]),
    "reconstruction_loss": Check(ref.reconstruction_loss, _loss_cases, [
        Mistake("mean over every element", "sum over the features (‖x - x̂‖² per example), "
                "then average over the batch only", lambda x, xh: ((x - xh) ** 2).mean()),
        Mistake("summed over the batch too", "average the per-example sums over the batch",
                lambda x, xh: ((x - xh) ** 2).sum()),
        Mistake("summed over the last axis only", "sum over EVERY non-batch axis, then average "
                "over the batch", lambda x, xh: ((x - xh) ** 2).sum(-1).mean()),
        Mistake("absolute instead of squared error", "square the differences",
                lambda x, xh: _per_example(np.abs(x - xh)).mean()),
        Mistake("‖x - x̂‖ instead of ‖x - x̂‖²", "the per-example loss is the squared norm: no "
                "square root", lambda x, xh: np.sqrt(_per_example((x - xh) ** 2)).mean()),
    ]),
}

"""Checks for exercises/lecture4/vae.py.

`GRADIENTS` says what autodiff must find through a right `reparameterize` (the point of the
trick) and names the ways a solution cuts the graph. The engine does not run it yet: it needs
the child to return autodiff gradients; see the docstring of `GradientCheck`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture4 import vae as ref


# --- reparameterize ------------------------------------------------------------------------------

def _reparam_cases(rng):
    return [
        Case("eps = 0: z is mu", (np.array([[0.5, -1.0, 2.0]]), np.array([[0.0, 1.0, -2.0]]),
                                  np.zeros((1, 3))),
             note="with eps = 0, z = mu exactly. If yours differs you left eps out or drew noise "
                  "of your own: eps is given so that z is deterministic, use it."),
        Case("small: 2 examples, latent 2",
             (np.array([[0.0, 1.0], [-1.0, 2.0]]), np.array([[0.0, 0.0], [2.0, -2.0]]),
              np.array([[1.0, -1.0], [0.5, 2.0]]))),
        Case("a batch (32, 8)", (rng.normal(size=(32, 8)), rng.normal(size=(32, 8)),
                                 rng.normal(size=(32, 8)))),
        Case("hard: log_var from -30 to 30",
             (rng.normal(size=(4, 7)), np.tile(np.linspace(-30.0, 30.0, 7), (4, 1)),
              rng.normal(size=(4, 7))),
             note="log_var = ±30: σ = exp(±15) spans 3.1e-7 to 3.3e6. σ = exp(log_var) would be "
                  "1e13; √log_var is nan for negative values."),
        Case("large (512, 32)", (rng.normal(size=(512, 32)), rng.normal(size=(512, 32)),
                                 rng.normal(size=(512, 32)))),
    ]


def _sqrt_lv(mu, lv, eps):
    with np.errstate(invalid="ignore"):
        return mu + np.sqrt(lv) * eps


# --- gaussian_kl ---------------------------------------------------------------------------------

def _np_kl(mu, lv):
    return -0.5 * (1 + lv - mu ** 2 - np.exp(lv)).sum(-1)


def _kl_cases(rng):
    return [
        Case("small: 3 examples, latent 2",
             (np.array([[0.0, 0.0], [1.0, -1.0], [0.5, 0.0]]),
              np.array([[0.0, 0.0], [0.0, 0.0], [1.0, -1.0]]))),
        Case("a batch (16, 8)", (rng.normal(size=(16, 8)), rng.normal(size=(16, 8)))),
        Case("one example (1, 5)", (rng.normal(size=(1, 5)), rng.normal(size=(1, 5))),
             note="the result has one value per example: shape (1,) here, not a scalar."),
        Case("hard: posteriors near the prior, and log_var = ±20",
             (np.concatenate([rng.normal(0, 1e-3, (3, 6)), rng.normal(size=(3, 6))]),
              np.concatenate([rng.normal(0, 1e-3, (3, 6)),
                              np.tile([-20.0, -10.0, 0.0, 5.0, 10.0, 20.0], (3, 1))])),
             note="rows 0-2 are almost N(0, 1): the KL is about 5e-6 and comes from cancelling "
                  "terms; rows 3-5 have σ² = exp(log_var) from 2e-9 to 4.9e8."),
        Case("large (512, 64)", (rng.normal(size=(512, 64)), rng.normal(0, 0.5, (512, 64)))),
    ]


# --- vae_loss ------------------------------------------------------------------------------------

def _vae_cases(rng):
    return [
        Case("small: 3 examples, 3 features, latent 2, β = 1 (default)",
             (np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0], [0.5, 0.5, 0.5]]),
              np.array([[0.5, 0.0, 0.5], [0.0, 0.5, 0.0], [0.5, 0.5, 0.5]]),
              np.array([[0.0, 0.0], [1.0, -1.0], [0.5, 0.0]]),
              np.array([[0.0, 0.0], [0.0, 0.0], [1.0, -1.0]]))),
        Case("a batch (16, 10), latent 4, β = 0.5",
             (rng.uniform(size=(16, 10)), rng.uniform(size=(16, 10)), rng.normal(size=(16, 4)),
              rng.normal(size=(16, 4))), {"beta": 0.5}),
        Case("β-VAE: β = 4 given by position",
             (rng.uniform(size=(8, 6)), rng.uniform(size=(8, 6)), rng.normal(size=(8, 3)),
              rng.normal(size=(8, 3)), 4.0)),
        Case("images (8, 3, 4, 4), latent 6",
             (rng.uniform(size=(8, 3, 4, 4)), rng.uniform(size=(8, 3, 4, 4)),
              rng.normal(size=(8, 6)), rng.normal(size=(8, 6))),
             note="the squared error is summed over every non-batch axis of the image."),
        Case("large (128, 784), latent 32",
             (rng.uniform(size=(128, 784)), rng.uniform(size=(128, 784)),
              rng.normal(size=(128, 32)), rng.normal(0, 0.5, (128, 32)))),
    ]


def _rec(x, xh):
    return ((x - xh) ** 2).reshape(x.shape[0], -1).sum(-1)


# --- the checks ----------------------------------------------------------------------------------

CHECKS = {
    "reparameterize": Check(ref.reparameterize, _reparam_cases, [
        Mistake("σ = exp(log σ²)", "exp(log_var) is the variance σ²; the standard deviation is "
                "σ = exp(½·log_var)", lambda mu, lv, eps: mu + np.exp(lv) * eps),
        Mistake("σ = √(log σ²)", "log_var is a log: σ = exp(½·log_var), not its square root",
                _sqrt_lv),
        Mistake("log σ² used as σ", "log_var is not σ: σ = exp(½·log_var)",
                lambda mu, lv, eps: mu + lv * eps),
        Mistake("eps left out", "z = mu + σ·eps: multiply σ by the noise you are given",
                lambda mu, lv, eps: mu + np.exp(0.5 * lv)),
    ]),
    "gaussian_kl": Check(ref.gaussian_kl, _kl_cases, [
        Mistake("the ½ left out", "KL = -½ Σ_j (1 + log σ² - μ² - σ²): keep the ½",
                lambda mu, lv: 2 * _np_kl(mu, lv)),
        Mistake("sign flipped", "the KL is -½ Σ (1 + log σ² - μ² - σ²), which is >= 0",
                lambda mu, lv: -_np_kl(mu, lv)),
        Mistake("summed over the batch", "return one KL per example, shape (N,): sum over the "
                "latent axis only", lambda mu, lv: _np_kl(mu, lv).sum()),
        Mistake("averaged over the batch", "return one KL per example, shape (N,): the mean over "
                "the batch comes later, in the loss", lambda mu, lv: _np_kl(mu, lv).mean()),
        Mistake("mean over the latent axis", "the KL of a diagonal Gaussian is a SUM over the "
                "latent dimensions", lambda mu, lv: _np_kl(mu, lv) / mu.shape[-1]),
        Mistake("σ where σ² belongs", "the last term is σ² = exp(log_var), not σ = "
                "exp(½·log_var)", lambda mu, lv: -0.5 * (1 + lv - mu ** 2 - np.exp(0.5 * lv)).sum(-1)),
    ]),
    "vae_loss": Check(ref.vae_loss, _vae_cases, [
        Mistake("β on the reconstruction term", "β multiplies the KL term only",
                lambda x, xh, mu, lv, beta=1.0: (beta * _rec(x, xh) + _np_kl(mu, lv)).mean()),
        Mistake("β ignored", "the KL term is weighted by β",
                lambda x, xh, mu, lv, beta=1.0: (_rec(x, xh) + _np_kl(mu, lv)).mean()),
        Mistake("KL summed over the batch", "average the KL over the batch, like the "
                "reconstruction term", lambda x, xh, mu, lv, beta=1.0:
                _rec(x, xh).mean() + beta * _np_kl(mu, lv).sum()),
        Mistake("reconstruction averaged over the features", "the squared error is SUMMED over "
                "the features (then averaged over the batch)", lambda x, xh, mu, lv, beta=1.0:
                ((x - xh) ** 2).mean() + beta * _np_kl(mu, lv).mean()),
        Mistake("the ½ left out of the KL", "KL = -½ Σ_j (1 + log σ² - μ² - σ²)",
                lambda x, xh, mu, lv, beta=1.0: (_rec(x, xh) + 2 * beta * _np_kl(mu, lv)).mean()),
        Mistake("KL subtracted", "the loss ADDS β·KL (the KL is >= 0; minus the ELBO is "
                "reconstruction + KL)", lambda x, xh, mu, lv, beta=1.0:
                (_rec(x, xh) - beta * _np_kl(mu, lv)).mean()),
    ]),
}


# --- gradients through reparameterize (awaiting the engine) --------------------------------------

@dataclass(frozen=True)
class GradientCheck:
    """What autodiff must find through a student's function (proposed for grader/spec.py).

    For each case, under a backend with autodiff, the child would also compute
    `backends.<b>.grad(fn, args, wrt)` - the gradients of sum(fn(*args)) with respect to
    args[i] for i in `wrt` - and send them back as arrays. The parent compares them with
    `expected(*args64)` like any output (same dtype-based tolerance); on a mismatch it names the
    first of `mistakes` whose gradients match, as for values. An exception in the gradient run
    (e.g. torch's "Can't call numpy() on Tensor that requires grad") fails with its message.
    """

    wrt: tuple[int, ...]
    names: tuple[str, ...]
    expected: Callable[..., list[Any]]
    mistakes: list[Mistake] = field(default_factory=list)


def _reparam_grads(mu, lv, eps):
    """∂Σz/∂mu = 1 and ∂Σz/∂log_var = ½·σ·eps with σ = exp(½·log_var)."""
    return [np.ones_like(mu), 0.5 * np.exp(0.5 * lv) * eps]


GRADIENTS = {
    "reparameterize": GradientCheck((0, 1), ("mu", "log_var"), _reparam_grads, [
        Mistake("mu detached", "no gradient reaches mu (detach(), stop_gradient or a copy "
                "outside the framework): the encoder's mean would never learn",
                lambda mu, lv, eps: [np.zeros_like(mu), 0.5 * np.exp(0.5 * lv) * eps]),
        Mistake("log_var detached", "no gradient reaches log_var: the encoder's variance would "
                "never learn; compute σ from log_var with your framework's exp",
                lambda mu, lv, eps: [np.ones_like(mu), np.zeros_like(lv)]),
        Mistake("z computed outside autodiff", "no gradient reaches mu or log_var: z was built "
                "from detached values or NumPy copies, so nothing upstream of z can learn",
                lambda mu, lv, eps: [np.zeros_like(mu), np.zeros_like(lv)]),
    ]),
}

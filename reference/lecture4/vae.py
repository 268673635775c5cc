"""Checks for exercises/lecture4/vae.py.

reparameterize is also graded on what the trick is for: under torch and TensorFlow its cases
(all but eps = 0) ask the child for the autodiff gradients of sum(z) with respect to mu and
log_var (Case.grad_wrt), which must be ∂z/∂μ = 1 and ∂z/∂log σ² = ½σε (Check.grad_reference).
A solution that detaches, or goes through NumPy, loses the exercise with the engine's "no
gradient path"; one that draws its own noise already fails on values (the eps = 0 case).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture4 import vae as ref


# --- reparameterize ------------------------------------------------------------------------------

# These cases also ask for the gradients of sum(z) with respect to mu and log_var.
GradCase = partial(Case, grad_wrt=(0, 1))


def _reparam_cases(rng):
    return [
        # Values only: with eps = 0 the gradient for log_var is 0 whatever the code does, and
        # this note would mislead a student whose z is right but detached. log_var >= 0 here,
        # so that only leaving eps out or drawing noise fails this case (√log_var·0 is no nan).
        Case("eps = 0: z is mu", (np.array([[0.5, -1.0, 2.0]]), np.array([[0.0, 1.0, 2.0]]),
                                  np.zeros((1, 3))),
             note="with eps = 0, z = mu exactly. If yours differs you left eps out or drew noise "
                  "of your own: eps is given so that z is deterministic, use it."),
        GradCase("small: 2 examples, latent 2",
                 (np.array([[0.0, 1.0], [-1.0, 2.0]]), np.array([[0.0, 0.0], [2.0, -2.0]]),
                  np.array([[1.0, -1.0], [0.5, 2.0]]))),
        GradCase("a batch (32, 8)", (rng.normal(size=(32, 8)), rng.normal(size=(32, 8)),
                                     rng.normal(size=(32, 8)))),
        GradCase("hard: log_var from -30 to 30",
                 (rng.normal(size=(4, 7)), np.tile(np.linspace(-30.0, 30.0, 7), (4, 1)),
                  rng.normal(size=(4, 7))),
                 note="log_var = ±30: σ = exp(±15) spans 3.1e-7 to 3.3e6. σ = exp(log_var) "
                      "would be 1e13; √log_var is nan for negative values."),
        GradCase("large (512, 32)", (rng.normal(size=(512, 32)), rng.normal(size=(512, 32)),
                                     rng.normal(size=(512, 32)))),
    ]


def _reparam_grads(mu, lv, eps):
    """∂Σz/∂mu = 1 and ∂Σz/∂log_var = ½·σ·eps with σ = exp(½·log_var)."""
    return [np.ones_like(mu), 0.5 * np.exp(0.5 * lv) * eps]


def _sqrt_lv(mu, lv, eps):
    with np.errstate(invalid="ignore"):
        return mu + np.sqrt(lv) * eps


_REPARAM_MISTAKES = [
    Mistake("σ = exp(log σ²)", "exp(log_var) is the variance σ²; the standard deviation is "
            "σ = exp(½·log_var)", lambda mu, lv, eps: mu + np.exp(lv) * eps),
    Mistake("σ = √(log σ²)", "log_var is a log: σ = exp(½·log_var), not its square root",
            _sqrt_lv),
    Mistake("log σ² used as σ", "log_var is not σ: σ = exp(½·log_var)",
            lambda mu, lv, eps: mu + lv * eps),
    Mistake("eps left out", "z = mu + σ·eps: multiply σ by the noise you are given",
            lambda mu, lv, eps: mu + np.exp(0.5 * lv)),
]


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
    "reparameterize": Check(
        ref.reparameterize, _reparam_cases, _REPARAM_MISTAKES, grad_reference=_reparam_grads,
        grad_message="z must be a differentiable function of mu and log_var (∂z/∂mu = 1, "
                     "∂z/∂log_var = ½σ·eps): that is what the reparameterization trick is for"),
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
                "exp(½·log_var)",
                lambda mu, lv: -0.5 * (1 + lv - mu ** 2 - np.exp(0.5 * lv)).sum(-1)),
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

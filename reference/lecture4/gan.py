"""Checks for exercises/lecture4/gan.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture4 import gan as ref


def _np_softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _np_log_sigmoid_naive(x):
    """log(1/(1 + e^-x)) as written: e^-x overflows for x <= -710 and the log of 0 is -inf."""
    with np.errstate(all="ignore"):
        return np.log(1 / (1 + np.exp(-x)))


def _np_log_one_minus_sigmoid_naive(x):
    with np.errstate(all="ignore"):
        return np.log(1 - 1 / (1 + np.exp(-x)))


HARD = [-1e4, -1000.0, -3.0, 0.0, 2.0, 1000.0, 1e4]


def _disc_cases(rng):
    return [
        Case("small: 3 real and 3 fake logits",
             (np.array([2.0, -1.0, 0.5]), np.array([-1.5, 0.0, 3.0]))),
        Case("a batch: 64 real and 64 fake, shape (64, 1)",
             (rng.normal(1, 2, (64, 1)), rng.normal(-1, 2, (64, 1))),
             note="a discriminator's output is often (N, 1): the mean is over every element."),
        Case("10 real and 30 fake logits",
             (rng.normal(1, 2, 10), rng.normal(-1, 2, 30)),
             note="real and fake batches may differ in size: the mean of each term separately."),
        Case(f"hard: logits {HARD}", (np.array(HARD), np.array(HARD[::-1])),
             note="softplus(x) = log(1 + e^x) for x = ±1e4: e^1e4 overflows and log(σ(-1e4)) is "
                  "log 0 = -inf. Use softplus(x) = max(x, 0) + log1p(e^-|x|): softplus(1e4) = "
                  "1e4 and softplus(-1e4) = 0, exactly the cross-entropy of a confident logit."),
        Case("large: 4096 real and 4096 fake", (rng.normal(2, 3, 4096), rng.normal(-2, 3, 4096))),
    ]


def _gen_cases(rng):
    return [
        Case("small: 4 fake logits", (np.array([-2.0, 0.0, 1.0, 3.0]),)),
        Case("a batch (64, 1)", (rng.normal(-1, 2, (64, 1)),)),
        Case(f"hard: logits {HARD}", (np.array(HARD),),
             note="softplus(-x) for x = -1e4 is 1e4: exponentiate -|x| only "
                  "(softplus(x) = max(x, 0) + log1p(e^-|x|))."),
        Case("large: 4096 fake logits", (rng.normal(-3, 3, 4096),)),
    ]


def _cycle_cases(rng):
    return [
        Case("small: 2 × 3", (np.array([[0.0, 0.5, 1.0], [1.0, -1.0, 0.25]]),
                              np.array([[0.5, 0.5, 0.0], [1.5, -1.0, 0.0]]))),
        Case("images (4, 3, 8, 8)", (rng.uniform(-1, 1, (4, 3, 8, 8)),
                                     rng.uniform(-1, 1, (4, 3, 8, 8)))),
        Case("large: images (16, 3, 32, 32)", (rng.uniform(-1, 1, (16, 3, 32, 32)),
                                               rng.uniform(-1, 1, (16, 3, 32, 32)))),
    ]


CHECKS = {
    "discriminator_loss": Check(ref.discriminator_loss, _disc_cases, [
        Mistake("real and fake labels swapped", "real logits are labelled 1 (loss softplus(-real))"
                ", fake ones 0 (loss softplus(fake))",
                lambda r, f: np.mean(_np_softplus(r)) + np.mean(_np_softplus(-f))),
        Mistake("log(sigmoid(x)) that overflows", "log σ(x) and log(1 - σ(x)) as written give "
                "log 0 = -inf for confident logits: use softplus(x) = max(x, 0) + log1p(e^-|x|)",
                lambda r, f: -np.mean(_np_log_sigmoid_naive(r))
                - np.mean(_np_log_one_minus_sigmoid_naive(f))),
        Mistake("sign flipped", "the loss is the NEGATIVE log-likelihood: -log D(x) - log(1 - "
                "D(G(z)))", lambda r, f: -np.mean(_np_softplus(-r)) - np.mean(_np_softplus(f))),
        Mistake("the two terms averaged", "add the mean real term and the mean fake term",
                lambda r, f: 0.5 * (np.mean(_np_softplus(-r)) + np.mean(_np_softplus(f)))),
        Mistake("sum instead of mean", "average each term over its batch",
                lambda r, f: _np_softplus(-r).sum() + _np_softplus(f).sum()),
    ]),
    "generator_loss": Check(ref.generator_loss, _gen_cases, [
        Mistake("the saturating loss log(1 − D(G(z)))", "minimising log(1 - D(G(z))) gives "
                "vanishing gradients when D wins: minimise -log D(G(z)) = softplus(-fake)",
                lambda f: -np.mean(_np_softplus(f))),
        Mistake("fake labelled 0 (the discriminator's target)", "the generator wants D to say "
                "real: label 1, loss softplus(-fake)", lambda f: np.mean(_np_softplus(f))),
        Mistake("log(sigmoid(x)) that overflows", "-log σ(x) as written is -log 0 = inf for "
                "x = -1e4: use softplus(-x) = max(-x, 0) + log1p(e^-|x|)",
                lambda f: -np.mean(_np_log_sigmoid_naive(f))),
        Mistake("sum instead of mean", "average over the batch", lambda f: _np_softplus(-f).sum()),
    ]),
    "cycle_consistency_loss": Check(ref.cycle_consistency_loss, _cycle_cases, [
        Mistake("squared instead of absolute error", "CycleGAN's cycle loss is L1: |x - F(G(x))|",
                lambda x, xc: np.mean((x - xc) ** 2)),
        Mistake("sum instead of mean", "the mean over every element",
                lambda x, xc: np.abs(x - xc).sum()),
        Mistake("per-image sum, averaged over the batch", "the mean over EVERY element, not "
                "only over the batch",
                lambda x, xc: np.abs(x - xc).reshape(len(x), -1).sum(-1).mean()),
        Mistake("no absolute value", "without |·| positive and negative errors cancel",
                lambda x, xc: np.mean(x - xc)),
    ]),
}

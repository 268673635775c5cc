"""Checks for exercises/lecture4/divergences.py."""

from __future__ import annotations

import math

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture4 import divergences as ref


def _dirichlet(rng, shape, alpha=1.0):
    """Probability vectors along the last axis, every entry at least about 1e-6."""
    p = rng.dirichlet(np.full(shape[-1], alpha), size=shape[:-1]) + 1e-6
    return p / p.sum(-1, keepdims=True)


def _kl_cases(rng):
    return [
        Case("small: p = [0.5, 0.5], q = [0.9, 0.1]",
             (np.array([0.5, 0.5]), np.array([0.9, 0.1])),
             note="a single pair of vectors gives a scalar (0-d) result."),
        Case("a batch of 8 distributions over 5 outcomes", (_dirichlet(rng, (8, 5)),
                                                            _dirichlet(rng, (8, 5)))),
        Case("zeros in p",
             (np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
              np.array([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])),
             note="where p = 0 the term p·log(p/q) is 0 (its limit), whatever q is; "
                  "0·log 0 computed as written is 0·(-inf) = nan: select with where() instead."),
        Case("zeros in q where p > 0: KL = +inf",
             (np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.3, 0.7, 0.0]]),
              np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.4, 0.6, 0.0]])),
             note="where p > 0 and q = 0, KL(p‖q) = +inf (q says impossible what p says "
                  "happens). Return inf there: no epsilon, no clipping; rows where p and q are "
                  "both 0 in the same place stay finite."),
        Case("near-degenerate distributions",
             (np.array([[1.0 - 3e-7, 1e-7, 1e-7, 1e-7], [1e-30, 1.0, 0.0, 0.0],
                        [0.25, 0.25, 0.25, 0.25], [0.5, 0.5 - 1e-6, 1e-6, 0.0]]),
              np.array([[1e-7, 1e-7, 1e-7, 1.0 - 3e-7], [1e-20, 1.0, 1e-20, 0.0],
                        [0.25, 0.25, 0.25 + 1e-6, 0.25 - 1e-6], [0.5, 0.5 - 1e-6, 1e-6, 0.0]])),
             note="almost one-hot distributions and tiny probabilities (down to 1e-30): the "
                  "terms range from 3e-29 to 23 bits in size, and rows 2-3 have a KL near 0."),
        Case("natural log: base = e", (_dirichlet(rng, (6, 4)), _dirichlet(rng, (6, 4))),
             {"base": math.e}, note="log_base(x) = ln(x) / ln(base)."),
        Case("large: 256 distributions over 100 outcomes",
             (_dirichlet(rng, (256, 100), 0.5), _dirichlet(rng, (256, 100), 0.5))),
    ]


def _js_cases(rng):
    return [
        Case("small: p = [1, 0], q = [0, 1] (disjoint: JS = 1)",
             (np.array([1.0, 0.0]), np.array([0.0, 1.0]))),
        Case("small: p = [0.5, 0.5], q = [0.9, 0.1]", (np.array([0.5, 0.5]), np.array([0.9, 0.1]))),
        Case("a batch of 8 distributions over 5 outcomes", (_dirichlet(rng, (8, 5)),
                                                            _dirichlet(rng, (8, 5)))),
        Case("zeros in p and in q",
             (np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.2, 0.0, 0.8], [1.0, 0.0, 0.0]]),
              np.array([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5], [0.2, 0.0, 0.8], [1.0, 0.0, 0.0]])),
             note="JS stays finite with zeros: m = (p + q)/2 is > 0 wherever p or q is. Terms "
                  "with p = 0 (or q = 0) are 0, not nan."),
        Case("near-degenerate distributions",
             (np.array([[1.0 - 3e-7, 1e-7, 1e-7, 1e-7], [1e-30, 1.0, 0.0, 0.0],
                        [0.25, 0.25, 0.25, 0.25]]),
              np.array([[1e-7, 1e-7, 1e-7, 1.0 - 3e-7], [1e-20, 1.0, 1e-20, 0.0],
                        [0.25, 0.25, 0.25 + 1e-6, 0.25 - 1e-6]])),
             note="almost one-hot distributions (JS close to 1) and almost equal ones (JS close "
                  "to 0), with probabilities down to 1e-30."),
        Case("natural log: base = e", (_dirichlet(rng, (6, 4)), _dirichlet(rng, (6, 4))),
             {"base": math.e}, note="in base e, JS lies in [0, ln 2]."),
        Case("large: 256 distributions over 100 outcomes",
             (_dirichlet(rng, (256, 100), 0.5), _dirichlet(rng, (256, 100), 0.5))),
    ]


def _np_kl(p, q, base=2):
    """The right KL, in NumPy (scipy.special.rel_entr's conventions)."""
    with np.errstate(all="ignore"):
        terms = np.where(p > 0, np.where(q > 0, p * np.log(np.where(p > 0, p, 1) /
                                                                np.where(q > 0, q, 1)), np.inf), 0)
    return terms.sum(-1) / math.log(base)


def _np_kl_naive(p, q, base=2):
    with np.errstate(all="ignore"):
        return (p * np.log(p / q)).sum(-1) / math.log(base)


def _np_kl_zero_where_q0(p, q, base=2):
    with np.errstate(all="ignore"):
        terms = np.where((p > 0) & (q > 0), p * np.log(np.where(p > 0, p, 1) /
                                                          np.where(q > 0, q, 1)), 0)
    return terms.sum(-1) / math.log(base)


def _np_js(p, q, base=2, kl=_np_kl):
    m = (p + q) / 2
    return 0.5 * kl(p, m, base) + 0.5 * kl(q, m, base)


CHECKS = {
    "kl_divergence": Check(ref.kl_divergence, _kl_cases, [
        Mistake("natural log where base 2 is asked", "log_base(x) = ln(x) / ln(base): divide "
                "by ln 2 for the default base 2 (bits)", lambda p, q, base=2: _np_kl(p, q, math.e)),
        Mistake("KL(q‖p) instead of KL(p‖q)", "KL is not symmetric: the weights are p, "
                "Σ p·log(p/q)", lambda p, q, base=2: _np_kl(q, p, base)),
        Mistake("NaN where p = 0", "0·log(0/q) computed as written is 0·(-inf) = nan; the term "
                "is 0 there: pick it with where(p > 0, ..., 0)", _np_kl_naive),
        Mistake("0 instead of inf where q = 0", "where p > 0 and q = 0 the KL is +inf: only "
                "terms with p = 0 are 0", _np_kl_zero_where_q0),
        Mistake("summed over the batch", "one divergence per pair of distributions: sum over "
                "the last axis only", lambda p, q, base=2: _np_kl(p, q, base).sum()),
        Mistake("wrong sign", "KL(p‖q) = Σ p·log(p/q), which is >= 0: the ratio is p/q",
                lambda p, q, base=2: -_np_kl(p, q, base)),
    ]),
    "js_divergence": Check(ref.js_divergence, _js_cases, [
        Mistake("m = p + q", "the mixture is m = (p + q)/2, itself a probability vector",
                lambda p, q, base=2: 0.5 * _np_kl(p, p + q, base) + 0.5 * _np_kl(q, p + q, base)),
        Mistake("square root taken (the JS distance)", "scipy.spatial.distance.jensenshannon "
                "returns √JS, a distance; the divergence is asked for: no square root",
                lambda p, q, base=2: np.sqrt(np.maximum(_np_js(p, q, base), 0))),
        Mistake("natural log where base 2 is asked", "use log_base(x) = ln(x) / ln(base); in "
                "base 2, JS lies in [0, 1]", lambda p, q, base=2: _np_js(p, q, math.e)),
        Mistake("NaN where p = 0", "terms with p = 0 (or q = 0) are 0, not 0·log 0 = nan",
                lambda p, q, base=2: _np_js(p, q, base, _np_kl_naive)),
        Mistake("the ½ weights left out", "JS = ½KL(p‖m) + ½KL(q‖m)",
                lambda p, q, base=2: 2 * _np_js(p, q, base)),
        Mistake("symmetrised KL instead of JS", "½(KL(p‖q) + KL(q‖p)) is not JS: compare each "
                "distribution with the mixture m = (p + q)/2",
                lambda p, q, base=2: 0.5 * _np_kl(p, q, base) + 0.5 * _np_kl(q, p, base)),
    ]),
}

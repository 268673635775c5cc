"""Checks for exercises/lecture1/regularization.py."""

from __future__ import annotations

import math

import numpy as np

from grader.spec import Case, Check, Mistake, Problem
from reference import stats
from reference.solutions.lecture1 import regularization as ref

# --- dropout ------------------------------------------------------------------------------------


def _dropout_x(rng, shape):
    """Values away from 0, so a zero in the output can only be a dropped element."""
    return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def _dropout_cases(rng):
    return [
        Case("small: x (4, 5), p = 0.5", (_dropout_x(rng, (4, 5)), 0.5)),
        Case("x (200, 300), p = 0.2", (_dropout_x(rng, (200, 300)), 0.2),
             note="p is the probability of DROPPING an element"),
        Case("x (100, 400), p = 0.5", (_dropout_x(rng, (100, 400)), 0.5)),
        Case("x (16, 8, 32), p = 0.8", (_dropout_x(rng, (16, 8, 32)), 0.8)),
        Case("not training: x unchanged", (_dropout_x(rng, (6, 7)), 0.5), {"training": False}),
        Case("p = 0: nothing dropped", (_dropout_x(rng, (5, 5)), 0.0)),
    ]


def _verify_dropout(case, got):
    x, p = case.args[0], case.args[1]
    training = case.kwargs.get("training", True)
    if not isinstance(got, np.ndarray) or got.shape != x.shape:
        shape = getattr(got, "shape", None)
        return f"expected an array of x's shape {x.shape}, got {shape if shape is not None else type(got).__name__}"
    if got.dtype.kind != "f":
        return f"expected a float array (x's dtype), got dtype {got.dtype}"
    if not np.isfinite(got).all():
        return "the result holds nan or inf"
    tol = 1e-5 if got.dtype == np.float32 else 1e-9
    if not training or p == 0:
        if not np.allclose(got, x, rtol=tol, atol=tol):
            return Problem("with training=False or p = 0, dropout must return x unchanged",
                           "dropped while not training", "at test time dropout is the identity "
                           "(inverted dropout scales at training time instead)")
        return None
    kept = got != 0
    scale = 1 / (1 - p)
    if not np.allclose(got[kept], x[kept] * scale, rtol=tol * 10, atol=tol):
        if np.allclose(got[kept], x[kept], rtol=tol * 10, atol=tol):
            return Problem(f"the kept elements equal x: inverted dropout scales them by "
                           f"1/(1-p) = {scale:g}", "dropout without rescaling",
                           "survivors must be divided by 1-p so the expected value is unchanged")
        if np.allclose(got[kept], x[kept] / p, rtol=tol * 10, atol=tol):
            return Problem(f"the kept elements are scaled by 1/p; divide by 1-p = {1 - p:g}",
                           "scaled by 1/p", "p is the drop probability: survivors are kept with "
                           "probability 1-p")
        return "the kept elements are not x/(1-p)"
    flat = kept.reshape(kept.shape[0], -1) if kept.ndim > 1 else kept.reshape(1, -1)
    q = p * p + (1 - p) * (1 - p)  # the chance that two independent draws agree
    rows = flat.shape[0] // 2 * 2
    if rows >= 2:
        pairs = flat[0:rows:2] == flat[1:rows:2]
        if int(pairs.sum()) > pairs.size * q and not stats.binomial_ok(int(pairs.sum()), pairs.size, q):
            return Problem("the rows share one mask: draw the mask with x's full shape",
                           "one mask for every example", "a mask of shape (D,) broadcast over the "
                           "batch drops the same units in every example")
    n, dropped = x.size, int((~kept).sum())
    if not stats.binomial_ok(dropped, n, p):
        if stats.binomial_ok(dropped, n, 1 - p):
            return Problem(f"{dropped} of {n} elements dropped ({dropped / n:.3f}), expected about "
                           f"p = {p:g}: you kept each element with probability p",
                           "keep and drop probabilities swapped",
                           "drop (zero) each element with probability p, keep it with 1-p")
        return (f"{dropped} of {n} elements dropped ({dropped / n:.3f}); with p = {p:g} that is "
                f"too far from {p * n:.0f} to be chance")
    cols = flat.shape[1] // 2 * 2
    if cols >= 2:
        pairs = flat[:, 0:cols:2] == flat[:, 1:cols:2]
        if not stats.binomial_ok(int(pairs.sum()), pairs.size, q):
            return Problem("neighbouring elements are dropped together far more (or less) often "
                           "than chance allows: each element needs its own random draw",
                           "structured mask", "draw an independent uniform number per element")
    return None


# --- early stopping -------------------------------------------------------------------------


def _early_cases(rng):
    walk = list(np.round(2.0 + np.cumsum(rng.normal(-0.05, 0.2, 60)), 3))
    return [
        Case("the catalog's example", ([1.0, 0.8, 0.9, 0.85, 0.95], 2)),
        Case("never stops: always improving", ([5.0, 4.0, 3.0, 2.5, 2.0], 2),
             note="when it never stops, stop_epoch is the last epoch (0-based)"),
        Case("patience 1", ([1.0, 0.5, 0.6, 0.4], 1)),
        Case("a tie is not an improvement", ([1.0, 0.8, 0.8, 0.8, 0.7], 2),
             note="only a strictly smaller loss counts as an improvement"),
        Case("one epoch", ([0.3], 3)),
        Case("stops on the last epoch", ([1.0, 0.9, 1.0, 1.1], 2)),
        Case("a noisy curve of 60 epochs, patience 5", ([float(v) for v in walk], 5)),
    ]


def _early_non_strict(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def _early_one_based(val_losses, patience):
    stop, best = ref.early_stopping(val_losses, patience)
    return stop + 1, best + 1


def _early_one_late(val_losses, patience):
    stop, best = ref.early_stopping(val_losses, patience)
    return min(stop + 1, len(val_losses) - 1) if stop < len(val_losses) - 1 else stop, best


# --- init_weights ----------------------------------------------------------------------------


def _init_cases(rng):
    return [
        Case("small: (3, 4), σ = 1", (3, 4, 1.0)),
        Case("(300, 400), σ = 0.1", (300, 400, 0.1)),
        Case("(500, 200), σ = 2", (500, 200, 2.0)),
        Case("(784, 128), σ = √(2/784) (He initialisation)", (784, 128, math.sqrt(2 / 784))),
    ]


def _verify_init(case, got):
    fan_in, fan_out, sigma = case.args
    if not isinstance(got, np.ndarray) or got.shape != (fan_in, fan_out):
        shape = getattr(got, "shape", None)
        return f"expected an array of shape ({fan_in}, {fan_out}), got {shape if shape is not None else type(got).__name__}"
    if got.dtype.kind != "f":
        return f"expected a float array, got dtype {got.dtype}"
    if not np.isfinite(got).all():
        return "the weights hold nan or inf"
    x = got.astype(np.float64).ravel()
    n = x.size
    if n < 100:
        return None if x.std() > 0 else "every weight is the same: draw them at random"
    mean, std = float(x.mean()), float(x.std())
    if abs(mean) > stats.Z * sigma / math.sqrt(n):
        return f"the weights' mean is {mean:.4g}; N(0, σ²) has mean 0"
    ratio = std * std / (sigma * sigma)
    if abs(ratio - 1) > stats.Z * math.sqrt(2 / (n - 1)):
        if abs(std - sigma * sigma) < 0.05 * sigma * sigma:
            return Problem(f"standard deviation {std:.4g}, expected σ = {sigma:g}: you scaled by "
                           f"σ² instead of σ", "σ² as the scale", "N(0, σ²) has standard deviation "
                           "σ: multiply a standard normal draw by σ")
        if abs(std - math.sqrt(sigma)) < 0.05 * math.sqrt(sigma):
            return Problem(f"standard deviation {std:.4g}, expected σ = {sigma:g}: you scaled by "
                           f"√σ", "√σ as the scale", "multiply a standard normal draw by σ itself")
        return f"standard deviation {std:.4g}, expected σ = {sigma:g}"
    d, critical = stats.ks_normal(x, sigma)
    if d > critical:
        return Problem(f"the weights are not normally distributed (Kolmogorov-Smirnov distance "
                       f"{d:.4f} > {critical:.4f})", "not a normal distribution",
                       "draw from a normal distribution (randn / random.normal), not a uniform one")
    return None


CHECKS = {
    "dropout": Check(ref.dropout, _dropout_cases, verify=_verify_dropout),
    "early_stopping": Check(ref.early_stopping, _early_cases, [
        Mistake("a tie counted as an improvement", "only a strictly smaller loss resets the count",
                _early_non_strict),
        Mistake("1-based epochs", "epochs are counted from 0", _early_one_based),
        Mistake("stopped one epoch late", "stop at the epoch that completes `patience` epochs "
                "without improvement", _early_one_late),
    ]),
    "init_weights": Check(ref.init_weights, _init_cases, verify=_verify_init),
}

"""Checks for exercises/lecture2/rnn.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.common import np_sigmoid
from reference.solutions.lecture2 import rnn as ref

SATURATED_NOTE = ("large weights: pre-activations reach ±100s and tanh saturates at ±1; "
                  "(e^z - e^-z)/(e^z + e^-z) overflows to nan there: use your framework's tanh")


def orthogonal(rng, n):
    """A random orthogonal (n, n) matrix: every singular value is 1."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def rnn_weights(rng, d, h, scale=None, w_hh=None):
    """(W_xh, W_hh, b_h) with scale ~ 1/√fan_in unless given."""
    sx = scale if scale is not None else 1 / np.sqrt(d)
    sh = scale if scale is not None else 1 / np.sqrt(h)
    W_hh = w_hh if w_hh is not None else rng.normal(0, sh, (h, h))
    return rng.normal(0, sx, (d, h)), W_hh, rng.normal(0, 0.1 if scale is None else scale, h)


def rounded(a, decimals=1):
    return np.round(a, decimals) + 0.0


# --- rnn_step -----------------------------------------------------------------------------------


def _step_cases(rng):
    def make(n, d, h, scale=None):
        return (rng.normal(size=(n, d)), rng.uniform(-1, 1, (n, h))) + rnn_weights(rng, d, h, scale)

    small = tuple(rounded(a) for a in make(1, 2, 3))
    return [
        Case("small: N=1, D=2, H=3", small),
        Case("a batch: N=8, D=4, H=5", make(8, 4, 5)),
        Case("saturated: large weights, N=4, D=3, H=4", make(4, 3, 4, scale=50.0),
             note=SATURATED_NOTE),
        Case("large: N=128, D=64, H=128", make(128, 64, 128)),
    ]


def _np_step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


# --- rnn_output ---------------------------------------------------------------------------------


def _output_cases(rng):
    def make(n, h, v):
        return rng.uniform(-1, 1, (n, h)), rng.normal(0, 1 / np.sqrt(h), (h, v)), rng.normal(size=v)

    return [
        Case("small: N=1, H=3, V=2", tuple(rounded(a) for a in make(1, 3, 2))),
        Case("a batch: N=8, H=5, V=7", make(8, 5, 7)),
        Case("large: N=256, H=128, V=1000", make(256, 128, 1000)),
    ]


def _np_softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# --- rnn_forward ----------------------------------------------------------------------------------


def _forward_cases(rng):
    def make(n, t, d, h, **kw):
        return (rng.normal(size=(n, t, d)), rng.uniform(-1, 1, (n, h))) + rnn_weights(rng, d, h, **kw)

    return [
        Case("small: N=1, T=3, D=2, H=3", tuple(rounded(a) for a in make(1, 3, 2, 3))),
        Case("a batch: N=4, T=6, D=3, H=5", make(4, 6, 3, 5)),
        Case("T=1: a single step", make(3, 1, 2, 4),
             note="T = 1 still has a time axis: the result is (N, 1, H)"),
        Case("a long sequence: T=50, W_hh orthogonal", make(2, 50, 3, 6, w_hh=orthogonal(rng, 6)),
             note="the same W_xh, W_hh, b_h at every step; each step starts from the previous h"),
        Case("large: N=32, T=40, D=16, H=64", make(32, 40, 16, 64)),
    ]


def _np_forward(x, h0, W_xh, W_hh, b_h, step=_np_step, carry=True):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = step(x[:, t], h if carry else h0, W_xh, W_hh, b_h)
        hs.append(h)
    return np.stack(hs, axis=1)


def _forward_off_by_one(x, h0, W_xh, W_hh, b_h):
    hs = _np_forward(x, h0, W_xh, W_hh, b_h)
    return np.concatenate([h0[:, None], hs[:, :-1]], axis=1)


# --- rnn_backward ---------------------------------------------------------------------------------


def _backward_cases(rng):
    def make(n, t, d, h, dhs="all", x_scale=1.0, h0_scale=1.0, **kw):
        x = rng.normal(0, x_scale, (n, t, d))
        h0 = rng.uniform(-1, 1, (n, h)) * h0_scale
        W_xh, W_hh, b_h = rnn_weights(rng, d, h, **kw)
        if x_scale < 1:
            b_h = b_h * x_scale
        g = rng.normal(size=(n, t, h))
        if dhs == "last":
            g[:, :-1] = 0.0
        return x, h0, W_xh, W_hh, b_h, g

    return [
        Case("small: N=1, T=3, D=2, H=3", tuple(rounded(a) for a in make(1, 3, 2, 3)),
             note="D ≠ H: dW_xh has W_xh's shape (D, H)"),
        Case("a batch: N=4, T=5, D=3, H=4", make(4, 5, 3, 4)),
        Case("T=1: a single step", make(2, 1, 3, 2),
             note="one step: dz = dhs[:, 0]·(1 - h_1²), dh0 = dz @ W_hhᵀ, dx has shape (N, 1, D)"),
        Case("a loss at the last step only: T=8", make(3, 8, 2, 4, dhs="last"),
             note="dhs is zero except at t = T-1 (a many-to-one task): the earlier steps get "
                  "gradient only through the recurrence, dh_next = dz @ W_hhᵀ"),
        Case("vanishing gradients: T=50, W_hh = 0.5·orthogonal", make(
            2, 50, 3, 6, dhs="last", w_hh=0.5 * orthogonal(rng, 6)),
             note="each step back multiplies the gradient by W_hhᵀ (norm 0.5) and tanh' ≤ 1: "
                  "less than 0.5⁵⁰ ≈ 9e-16 of the last step's gradient reaches h0. This is why "
                  "plain RNNs struggle with long-term dependencies"),
        Case("exploding gradients: T=50, W_hh = 1.1·orthogonal, h near 0", make(
            2, 50, 3, 6, dhs="last", x_scale=1e-4, h0_scale=0.0, w_hh=1.1 * orthogonal(rng, 6)),
             note="h stays near 0 so tanh' ≈ 1, and each step back multiplies the gradient by "
                  "W_hhᵀ (norm 1.1): dx[:, 0] is roughly 100 times dx[:, -1] (1.1⁵⁰ ≈ 117). This "
                  "is what gradient clipping is for"),
        Case("large: N=16, T=30, D=8, H=32", make(16, 30, 8, 32)),
    ]


def _np_backward(x, h0, W_xh, W_hh, b_h, dhs, recurrent=True, tanh_grad=True,
                 transpose_back=True, whh_from="prev", transpose_dwhh=False):
    hs = _np_forward(x, h0, W_xh, W_hh, b_h)
    dW_xh, dW_hh, db = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(b_h)
    dh_next = np.zeros_like(h0)
    dx = np.zeros_like(x)
    for t in reversed(range(x.shape[1])):
        h_t = hs[:, t]
        h_prev = hs[:, t - 1] if t > 0 else h0
        dh = dhs[:, t] + (dh_next if recurrent else 0.0)
        dz = dh * (1 - h_t ** 2) if tanh_grad else dh
        dx[:, t] = dz @ W_xh.T
        dW_xh += x[:, t].T @ dz
        h_used = h_prev if whh_from == "prev" else h_t
        dW_hh += (dz.T @ h_used) if transpose_dwhh else (h_used.T @ dz)
        db += dz.sum(0)
        dh_next = dz @ (W_hh.T if transpose_back else W_hh)
    return {"x": dx, "h0": dh_next, "W_xh": dW_xh, "W_hh": dW_hh, "b_h": db}


# --- sequence_loss --------------------------------------------------------------------------------


def _loss_cases(rng):
    def make(n, t, v, scale=2.0):
        return rng.normal(0, scale, (n, t, v)), rng.integers(0, v, (n, t))

    return [
        Case("small: N=1, T=3, V=4", (np.array([[[2.0, 1.0, 0.0, -1.0], [0.0, 0.0, 0.0, 0.0],
                                                  [1.0, 3.0, -2.0, 0.5]]]),
                                        np.array([[0, 2, 1]]))),
        Case("a batch: N=4, T=5, V=6", make(4, 5, 6),
             note="L = Σ_t L_t summed over the 5 steps, then the mean over the 4 sequences"),
        Case("T=1: one step", make(3, 1, 5)),
        Case("large logits: ±1000", make(4, 6, 5, scale=1000.0),
             note="exp(1000) overflows: use logsumexp with the max trick"),
        Case("large: N=32, T=50, V=100", make(32, 50, 100)),
    ]


def _np_step_losses(logits, targets):
    m = logits.max(-1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(-1)) + m[..., 0]
    return lse - np.take_along_axis(logits, targets[..., None].astype(np.int64), -1)[..., 0]


def _loss_naive_softmax(logits, targets):
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        picked = np.take_along_axis(p, targets[..., None].astype(np.int64), -1)[..., 0]
        return -np.log(picked).sum() / logits.shape[0]


# --- clip_by_global_norm --------------------------------------------------------------------------


def _clip_cases(rng):
    def net(scale):
        return [rng.normal(0, scale, (5, 4)), rng.normal(0, scale, 4), rng.normal(0, scale, (4, 3)),
                rng.normal(0, scale, 3)]

    return [
        Case("small: [3, 4] and [[0, 12]], max_norm 1",
             ([np.array([3.0, 4.0]), np.array([[0.0, 12.0]])], 1.0),
             note="one norm for the whole list: n = √(3² + 4² + 12²) = 13 > 1, so both arrays "
                  "are scaled by 1/13"),
        Case("under the threshold: unchanged", ([np.array([0.3, -0.1]), np.array([0.2])], 1.0),
             note="n = √0.14 ≈ 0.37 ≤ max_norm: return the gradients unchanged"),
        Case("a network's gradients (W1, b1, W2, b2), max_norm 5", (net(2.0), 5.0)),
        Case("all zeros", ([np.zeros((3, 2)), np.zeros(2)], 1.0),
             note="n = 0 is under any max_norm: nothing to scale (and no division by 0)"),
        Case("one exploding gradient among small ones, max_norm 1",
             ([rng.normal(0, 0.01, (8, 8)), rng.normal(0, 1e4, (8, 8)), rng.normal(0, 0.01, 8)],
              1.0),
             note="the exploding array dominates n: every array, the small ones too, is scaled "
                  "by the same factor max_norm/n, which keeps the update's direction"),
        Case("large: four (256, 256) gradients, max_norm 10",
             ([rng.normal(size=(256, 256)) for _ in range(4)], 10.0)),
    ]


def _clip_each(grads, max_norm):
    out = []
    for g in grads:
        n = np.sqrt((g ** 2).sum())
        out.append(g * (max_norm / n) if n > max_norm else g.copy())
    return out


def _clip_always(grads, max_norm):
    n = np.sqrt(sum((g ** 2).sum() for g in grads))
    with np.errstate(all="ignore"):
        return [g * (max_norm / n) for g in grads]


# --- identity_init --------------------------------------------------------------------------------


def _init_cases(rng):
    return [
        Case("H = 3", (3,)),
        Case("H = 1", (1,)),
        Case("H = 64", (64,)),
        Case("H = 300", (300,)),
    ]


CHECKS = {
    "rnn_step": Check(ref.rnn_step, _step_cases, [
        Mistake("tanh forgotten", "h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h): the "
                "nonlinearity is part of the step", lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b),
        Mistake("sigmoid instead of tanh", "the RNN's state update uses tanh, with values in "
                "(-1, 1)", lambda x, h, Wx, Wh, b: np_sigmoid(x @ Wx + h @ Wh + b)),
        Mistake("transposed weight: h_prev @ W_hhᵀ", "with row vectors the weights go on the "
                "right untransposed: h_prev @ W_hh (the lecture's W_hhᵀh_{t-1} in column form)",
                lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b)),
    ]),
    "rnn_output": Check(ref.rnn_output, _output_cases, [
        Mistake("tanh on the output", "ŷ_t = h_t @ W_hy + b_y is linear: no activation",
                lambda h, W, b: np.tanh(h @ W + b)),
        Mistake("softmax on the output", "return the scores (logits); the softmax belongs to "
                "the loss", lambda h, W, b: _np_softmax(h @ W + b)),
        Mistake("bias forgotten", "add b_y", lambda h, W, b: h @ W),
    ]),
    "rnn_forward": Check(ref.rnn_forward, _forward_cases, [
        Mistake("state not carried", "each step starts from the PREVIOUS step's h, not from h0",
                lambda *a: _np_forward(*a, carry=False)),
        Mistake("h0 returned, last state dropped", "return h_1 .. h_T (the states after each "
                "step), not h_0 .. h_{T-1}", _forward_off_by_one),
        Mistake("transposed weight: h_prev @ W_hhᵀ", "with row vectors, h_prev @ W_hh",
                lambda x, h0, Wx, Wh, b: _np_forward(x, h0, Wx, Wh.T, b)),
    ]),
    "rnn_backward": Check(ref.rnn_backward, _backward_cases, [
        Mistake("BPTT without the recurrent term", "the gradient of h_t also flows back from "
                "h_{t+1}: dh = dhs[:, t] + dh_next, with dh_next = dz_{t+1} @ W_hhᵀ",
                lambda *a: _np_backward(*a, recurrent=False)),
        Mistake("tanh derivative forgotten", "through h_t = tanh(z_t), multiply by 1 - h_t²",
                lambda *a: _np_backward(*a, tanh_grad=False)),
        Mistake("transposed weight: dh_next = dz @ W_hh", "z = h_prev @ W_hh, so "
                "∂L/∂h_prev = dz @ W_hhᵀ", lambda *a: _np_backward(*a, transpose_back=False)),
        Mistake("transposed weight gradient: dW_hh = dzᵀ @ h_prev", "dW_hh = h_prevᵀ @ dz, "
                "summed over t (it has W_hh's layout, rows indexed by h_prev)",
                lambda *a: _np_backward(*a, transpose_dwhh=True)),
        Mistake("dW_hh from h_t instead of h_{t-1}", "W_hh multiplies the PREVIOUS state: "
                "dW_hh += h_{t-1}ᵀ @ dz_t (h0 at t = 0)", lambda *a: _np_backward(*a, whh_from="t")),
    ]),
    "sequence_loss": Check(ref.sequence_loss, _loss_cases, [
        Mistake("averaged over time instead of summed", "L = Σ_t L_t: sum over the steps, "
                "average over the batch only (divide by N, not N·T)",
                lambda z, y: _np_step_losses(z, y).mean()),
        Mistake("summed over the batch", "the mean over the batch: divide the total by N",
                lambda z, y: _np_step_losses(z, y).sum()),
        Mistake("softmax without the max trick", "exp of a large logit overflows: compute "
                "logsumexp(z) - z[target] with the max subtracted", _loss_naive_softmax),
    ]),
    "clip_by_global_norm": Check(ref.clip_by_global_norm, _clip_cases, [
        Mistake("each gradient clipped by its own norm", "clip by the GLOBAL norm √(Σ over all "
                "arrays of Σ g²): one factor for every array, which keeps the direction",
                _clip_each),
        Mistake("rescaled even under the threshold", "scale only when n > max_norm; otherwise "
                "return the gradients unchanged", _clip_always),
        Mistake("clipped elementwise", "clip by the norm: scale by max_norm/n, do not clip each "
                "value to [-max_norm, max_norm]",
                lambda grads, m: [np.clip(g, -m, m) for g in grads]),
    ]),
    "identity_init": Check(ref.identity_init, _init_cases, [
        Mistake("zeros instead of the identity", "W_hh = I: the identity keeps the state "
                "unchanged when the inputs are 0", lambda h: (np.zeros((h, h)), np.zeros(h))),
        Mistake("all-ones instead of the identity", "W_hh = I has ones on the diagonal only",
                lambda h: (np.ones((h, h)), np.zeros(h))),
    ]),
}

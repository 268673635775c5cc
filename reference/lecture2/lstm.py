"""Checks for exercises/lecture2/lstm.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.common import np_sigmoid
from reference.lecture2.rnn import rounded
from reference.solutions.lecture2 import lstm as ref

SATURATED_NOTE = ("large weights: pre-activations reach ±100s; σ and tanh saturate at 0/±1 "
                  "and a formula that exponentiates a large positive number overflows (nan/inf): "
                  "use a stable sigmoid (or your framework's) and your framework's tanh")


def lstm_weights(rng, d, h, gates=4, scale=None):
    """(Wx (D, gates·H), Wh (H, gates·H), b (gates·H,)), scale ~ 1/√fan_in unless given."""
    sx = scale if scale is not None else 1 / np.sqrt(d)
    sh = scale if scale is not None else 1 / np.sqrt(h)
    return (rng.normal(0, sx, (d, gates * h)), rng.normal(0, sh, (h, gates * h)),
            rng.normal(0, 0.5 if scale is None else scale, gates * h))


# --- NumPy variants for the known mistakes -------------------------------------------------------


def _np_gates(x_t, h_prev, Wx, Wh, b, order="ifgo", gate=np_sigmoid, cand=np.tanh):
    a = x_t @ Wx + h_prev @ Wh + b
    blocks = dict(zip(order, np.split(a, 4, axis=-1)))
    return gate(blocks["i"]), gate(blocks["f"]), cand(blocks["g"]), gate(blocks["o"])


def _np_update(c_prev, i, f, g, kind="right"):
    if kind == "no input gate":
        return f * c_prev + g
    if kind == "no forget gate":
        return c_prev + i * g
    if kind == "swapped":
        return i * c_prev + f * g
    return f * c_prev + i * g


def _np_hidden(c, o, kind="right"):
    if kind == "no tanh":
        return o * c
    if kind == "sigmoid":
        return o * np_sigmoid(c)
    if kind == "tanh of product":
        return np.tanh(o * c)
    return o * np.tanh(c)


def _np_step(x_t, h_prev, c_prev, Wx, Wh, b, order="ifgo", gate=np_sigmoid, update="right",
             hidden="right", swap_out=False):
    i, f, g, o = _np_gates(x_t, h_prev, Wx, Wh, b, order=order, gate=gate)
    c = _np_update(c_prev, i, f, g, update)
    h = _np_hidden(c, o, hidden)
    return (c, h) if swap_out else (h, c)


def _np_forward(x, h0, c0, Wx, Wh, b, carry_c=True, off_by_one=False, **kw):
    h, c, hs = h0, c0, []
    for t in range(x.shape[1]):
        if off_by_one:
            hs.append(h)
        h, c = _np_step(x[:, t], h, c if carry_c else c0, Wx, Wh, b, **kw)
        if not off_by_one:
            hs.append(h)
    return np.stack(hs, axis=1), c


# The mistakes shared by lstm_step and lstm_forward, as keyword arguments of _np_step.
GATE_MISTAKES = [
    ("tanh on a gate that needs sigmoid", "i, f and o are gates: σ keeps them in (0, 1); only "
     "the candidate g uses tanh", {"gate": np.tanh}),
    ("gate blocks in the order i,f,o,g", "split a into i, f, g, o (PyTorch's and Keras's order): "
     "the third block is the candidate g, the fourth the output gate o", {"order": "ifog"}),
    ("input gate forgotten: c = f⊙c_prev + g", "the candidate is gated: c = f⊙c_prev + i⊙g",
     {"update": "no input gate"}),
    ("tanh forgotten: h = o⊙c", "squash the cell state first: h = o⊙tanh(c)",
     {"hidden": "no tanh"}),
]


# --- cases -----------------------------------------------------------------------------------------


def _gates_cases(rng):
    def make(n, d, h, scale=None):
        return (rng.normal(size=(n, d)), rng.uniform(-1, 1, (n, h))) + lstm_weights(rng, d, h,
                                                                                    scale=scale)

    return [
        Case("small: N=1, D=2, H=2 (a has 8 columns)", tuple(rounded(a) for a in make(1, 2, 2)),
             note="a = x_t@Wx + h_prev@Wh + b has 4H columns: i = a[:, :H], f = a[:, H:2H], "
                  "g = a[:, 2H:3H], o = a[:, 3H:]"),
        Case("a batch: N=8, D=3, H=4", make(8, 3, 4)),
        Case("saturated: large weights, N=4, D=3, H=3", make(4, 3, 3, scale=50.0),
             note=SATURATED_NOTE),
        Case("large: N=64, D=32, H=64", make(64, 32, 64)),
    ]


def _update_cases(rng):
    def make(n, h, c_scale=1.0):
        return (rng.normal(0, c_scale, (n, h)), np_sigmoid(rng.normal(0, 2, (n, h))),
                np_sigmoid(rng.normal(0, 2, (n, h))), np.tanh(rng.normal(0, 2, (n, h))))

    return [
        Case("small: N=1, H=3", (np.array([[1.0, -2.0, 0.5]]), np.array([[0.5, 1.0, 0.0]]),
                                  np.array([[0.9, 0.0, 1.0]]), np.array([[1.0, -0.5, 0.8]])),
             note="c = f⊙c_prev + i⊙g = [0.9·1 + 0.5·1, 0·(-2) + 1·(-0.5), 1·0.5 + 0·0.8]"),
        Case("a batch: N=8, H=5", make(8, 5)),
        Case("a large cell state: |c_prev| ~ 100", make(4, 6, c_scale=100.0),
             note="the cell state is not bounded: f ≈ 1 carries it unchanged over many steps"),
        Case("large: N=256, H=512", make(256, 512)),
    ]


def _hidden_cases(rng):
    def make(n, h, c_scale=1.0):
        return rng.normal(0, c_scale, (n, h)), np_sigmoid(rng.normal(0, 2, (n, h)))

    return [
        Case("small: N=1, H=3", (np.array([[0.0, 1.0, -2.0]]), np.array([[1.0, 0.5, 0.25]])),
             note="h = o⊙tanh(c) = [1·tanh(0), 0.5·tanh(1), 0.25·tanh(-2)]"),
        Case("a batch: N=8, H=5", make(8, 5, 2.0)),
        Case("a large cell state: |c| up to ~1000", make(4, 6, 500.0),
             note="tanh(±1000) = ±1: a tanh built from exp(c) overflows to nan; use your "
                  "framework's tanh"),
        Case("large: N=256, H=512", make(256, 512, 2.0)),
    ]


def _step_cases(rng):
    def make(n, d, h, scale=None, c_scale=1.0):
        return ((rng.normal(size=(n, d)), rng.uniform(-1, 1, (n, h)), rng.normal(0, c_scale, (n, h)))
                + lstm_weights(rng, d, h, scale=scale))

    return [
        Case("small: N=1, D=2, H=2", tuple(rounded(a) for a in make(1, 2, 2)),
             note="return (h, c), in that order"),
        Case("a batch: N=8, D=3, H=4", make(8, 3, 4)),
        Case("saturated: large weights, N=4, D=3, H=3", make(4, 3, 3, scale=50.0),
             note=SATURATED_NOTE),
        Case("large: N=64, D=32, H=64", make(64, 32, 64)),
    ]


def _forward_cases(rng):
    def make(n, t, d, h, c_scale=1.0):
        return ((rng.normal(size=(n, t, d)), rng.uniform(-1, 1, (n, h)), rng.normal(0, c_scale, (n, h)))
                + lstm_weights(rng, d, h))

    return [
        Case("small: N=1, T=3, D=2, H=2", tuple(rounded(a) for a in make(1, 3, 2, 2)),
             note="return (hs, c_T): hs stacks h_1 .. h_T on axis 1"),
        Case("a batch: N=4, T=6, D=3, H=4", make(4, 6, 3, 4)),
        Case("T=1: a single step", make(3, 1, 2, 3),
             note="T = 1 still has a time axis: hs is (N, 1, H)"),
        Case("a long sequence: T=60", make(2, 60, 3, 5),
             note="carry both h and c from each step to the next"),
        Case("large: N=32, T=40, D=16, H=32", make(32, 40, 16, 32)),
    ]


def _gru_cases(rng):
    def make(n, d, h, scale=None):
        Wx, Wh, bx = lstm_weights(rng, d, h, gates=3, scale=scale)
        return (rng.normal(size=(n, d)), rng.uniform(-1, 1, (n, h)), Wx, Wh, bx,
                rng.normal(0, 0.5 if scale is None else scale, 3 * h))

    return [
        Case("small: N=1, D=2, H=2 (6 columns: r, z, n)", tuple(rounded(a) for a in make(1, 2, 2)),
             note="blocks r = [:, :H], z = [:, H:2H], n = [:, 2H:]; the reset gate multiplies "
                  "h_prev@Wh_n + bh_n, after the product"),
        Case("a batch: N=8, D=3, H=4", make(8, 3, 4)),
        Case("saturated: large weights, N=4, D=3, H=3", make(4, 3, 3, scale=50.0),
             note=SATURATED_NOTE),
        Case("large: N=64, D=32, H=64", make(64, 32, 64)),
    ]


# --- GRU mistakes -----------------------------------------------------------------------------------


def _np_gru(x_t, h_prev, Wx, Wh, bx, bh, order="rzn", gate=np_sigmoid, reset_before=False,
            swap_z=False):
    gx = dict(zip(order, np.split(x_t @ Wx + bx, 3, axis=-1)))
    gh = dict(zip(order, np.split(h_prev @ Wh + bh, 3, axis=-1)))
    r = gate(gx["r"] + gh["r"])
    z = gate(gx["z"] + gh["z"])
    if reset_before:
        H = h_prev.shape[-1]
        order_n = order.index("n")
        Wh_n = Wh[:, order_n * H:(order_n + 1) * H]
        bh_n = bh[order_n * H:(order_n + 1) * H]
        n = np.tanh(gx["n"] + (r * h_prev) @ Wh_n + bh_n)
    else:
        n = np.tanh(gx["n"] + r * gh["n"])
    return z * n + (1 - z) * h_prev if swap_z else (1 - z) * n + z * h_prev


def _mistakes(fn, extra=()):
    return [Mistake(name, why, lambda *a, _kw=kw: fn(*a, **_kw)) for name, why, kw in GATE_MISTAKES] + list(extra)


CHECKS = {
    "lstm_gates": Check(ref.lstm_gates, _gates_cases, [
        Mistake(GATE_MISTAKES[0][0], GATE_MISTAKES[0][1],
                lambda *a: _np_gates(*a, gate=np.tanh)),
        Mistake(GATE_MISTAKES[1][0], GATE_MISTAKES[1][1], lambda *a: _np_gates(*a, order="ifog")),
        Mistake("sigmoid on the candidate g", "g is the candidate value, in (-1, 1): tanh, not σ",
                lambda *a: _np_gates(*a, cand=np_sigmoid)),
    ]),
    "lstm_cell_update": Check(ref.lstm_cell_update, _update_cases, [
        Mistake(GATE_MISTAKES[2][0], GATE_MISTAKES[2][1],
                lambda c, i, f, g: _np_update(c, i, f, g, "no input gate")),
        Mistake("forget gate forgotten: c = c_prev + i⊙g", "the forget gate scales the old "
                "state: c = f⊙c_prev + i⊙g", lambda c, i, f, g: _np_update(c, i, f, g,
                                                                            "no forget gate")),
        Mistake("input and forget gates swapped", "f multiplies the old state c_prev, i the "
                "candidate g", lambda c, i, f, g: _np_update(c, i, f, g, "swapped")),
    ]),
    "lstm_hidden": Check(ref.lstm_hidden, _hidden_cases, [
        Mistake(GATE_MISTAKES[3][0], GATE_MISTAKES[3][1], lambda c, o: _np_hidden(c, o, "no tanh")),
        Mistake("sigmoid instead of tanh", "h = o⊙tanh(c): tanh, with values in (-1, 1)",
                lambda c, o: _np_hidden(c, o, "sigmoid")),
        Mistake("tanh of the product: h = tanh(o⊙c)", "apply tanh to c, then multiply by o",
                lambda c, o: _np_hidden(c, o, "tanh of product")),
    ]),
    "lstm_step": Check(ref.lstm_step, _step_cases, _mistakes(_np_step, [
        Mistake("(c, h) returned instead of (h, c)", "return the hidden state first: (h, c)",
                lambda *a: _np_step(*a, swap_out=True)),
    ])),
    "lstm_forward": Check(ref.lstm_forward, _forward_cases, _mistakes(_np_forward, [
        Mistake("cell state not carried", "each step starts from the previous step's c, not c0",
                lambda *a: _np_forward(*a, carry_c=False)),
        Mistake("h0 returned, last state dropped", "hs holds h_1 .. h_T, the states after each "
                "step", lambda *a: _np_forward(*a, off_by_one=True)),
    ])),
    "gru_step": Check(ref.gru_step, _gru_cases, [
        Mistake("z and 1-z swapped", "h' = (1-z)⊙n + z⊙h_prev: z is the share of the OLD state "
                "kept (PyTorch's and Keras's convention)", lambda *a: _np_gru(*a, swap_z=True)),
        Mistake("reset gate applied before the product", "this exercise is PyTorch's GRU: "
                "n = tanh(x@Wx_n + bx_n + r⊙(h_prev@Wh_n + bh_n)), not (r⊙h_prev)@Wh_n",
                lambda *a: _np_gru(*a, reset_before=True)),
        Mistake("gate blocks in the order z,r,n", "the blocks are r, z, n (PyTorch's order; "
                "Keras stores z first)", lambda *a: _np_gru(*a, order="zrn")),
        Mistake("tanh on a gate that needs sigmoid", "r and z are gates: σ keeps them in (0, 1)",
                lambda *a: _np_gru(*a, gate=np.tanh)),
    ]),
}

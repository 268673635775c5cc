"""Lecture 2 end to end, through the child process: wrong student code, written the way students
write it, is diagnosed by name, and rnn_backward refuses autodiff. (Full marks for the solutions
and not_implemented for the stubs are tests/grader/test_end_to_end.py's, for every lecture.)"""

from __future__ import annotations

import textwrap

import pytest

import backends
from grader.grading import grade_lecture

pytestmark = pytest.mark.slow


WRONG_TORCH_RNN = '''
import torch


def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    return torch.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h)       # W_hh h, column style


def rnn_backward(x, h0, W_xh, W_hh, b_h, dhs):
    N, T, D = x.shape
    hs, h = [], h0
    for t in range(T):
        h = torch.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
        hs.append(h)
    dW_xh, dW_hh, db = torch.zeros_like(W_xh), torch.zeros_like(W_hh), torch.zeros_like(b_h)
    dxs = [None] * T
    dh_prev = torch.zeros_like(h0)
    for t in reversed(range(T)):
        dz = dhs[:, t] * (1 - hs[t] ** 2)                         # forgets dh_next
        dxs[t] = dz @ W_xh.T
        dW_xh += x[:, t].T @ dz
        dW_hh += (hs[t - 1] if t > 0 else h0).T @ dz
        db += dz.sum(0)
        dh_prev = dz @ W_hh.T
    return {"x": torch.stack(dxs, 1), "h0": dh_prev, "W_xh": dW_xh, "W_hh": dW_hh, "b_h": db}


def sequence_loss(logits, targets):
    logp = torch.log_softmax(logits, dim=-1)
    return -logp.gather(-1, targets[..., None]).mean()           # mean over N and T


def clip_by_global_norm(grads, max_norm):
    out = []
    for g in grads:
        n = torch.linalg.norm(g)
        out.append(g * max_norm / n if n > max_norm else g)
    return out
'''

WRONG_TORCH_LSTM = '''
import torch


def lstm_gates(x_t, h_prev, Wx, Wh, b):
    a = x_t @ Wx + h_prev @ Wh + b
    i, f, g, o = a.chunk(4, dim=-1)
    return torch.tanh(i), torch.tanh(f), torch.tanh(g), torch.tanh(o)


def lstm_cell_update(c_prev, i, f, g):
    return f * c_prev + g


def lstm_hidden(c, o):
    return o * c


def lstm_step(x_t, h_prev, c_prev, Wx, Wh, b):
    a = x_t @ Wx + h_prev @ Wh + b
    i, f, o, g = a.chunk(4, dim=-1)
    i, f, o, g = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(g)
    c = f * c_prev + i * g
    return o * torch.tanh(c), c


def gru_step(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    gx = x_t @ Wx + bx
    r = torch.sigmoid(gx[:, :H] + h_prev @ Wh[:, :H] + bh[:H])
    z = torch.sigmoid(gx[:, H:2 * H] + h_prev @ Wh[:, H:2 * H] + bh[H:2 * H])
    n = torch.tanh(gx[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:] + bh[2 * H:])
    return (1 - z) * n + z * h_prev
'''

WRONG_NUMPY_ENCODINGS = '''
import numpy as np


def bag_of_words(tokens, vocab):
    return np.array([1.0 if w in tokens else 0.0 for w in vocab])


def fixed_window(tokens, vocab, window):
    out = []
    for tok in reversed(tokens[-window:]):
        out += [1.0 if tok == w else 0.0 for w in vocab]
    out += [0.0] * (window * len(vocab) - len(out))
    return np.array(out)
'''


def _submission(tmp_path, files):
    folder = tmp_path / "lecture2"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    return tmp_path


EXPECTED_TORCH = {
    "rnn_step": "transposed weight: h_prev @ W_hhᵀ",
    "rnn_backward": "BPTT without the recurrent term",
    "sequence_loss": "averaged over time instead of summed",
    "clip_by_global_norm": "each gradient clipped by its own norm",
    "lstm_gates": "tanh on a gate that needs sigmoid",
    "lstm_cell_update": "input gate forgotten: c = f⊙c_prev + g",
    "lstm_hidden": "tanh forgotten: h = o⊙c",
    "lstm_step": "gate blocks in the order i,f,o,g",
    "gru_step": "reset gate applied before the product",
}


def test_wrong_torch_code_is_diagnosed_by_name(tmp_path):
    pytest.importorskip("torch")
    sub = _submission(tmp_path, {"rnn.py": WRONG_TORCH_RNN, "lstm.py": WRONG_TORCH_LSTM})
    result = grade_lecture("lecture2", sub, backend="torch", device="cpu",
                           only=list(EXPECTED_TORCH))
    got = {e.id.split(".")[1]: (e.status, (e.diagnosis or {}).get("name")) for e in result.exercises}
    assert got == {name: ("failed", mistake) for name, mistake in EXPECTED_TORCH.items()}


def test_wrong_numpy_encodings_are_diagnosed_by_name(tmp_path):
    sub = _submission(tmp_path, {"encodings.py": WRONG_NUMPY_ENCODINGS})
    result = grade_lecture("lecture2", sub, backend="numpy", device="cpu",
                           only=["bag_of_words", "fixed_window"])
    got = {e.id.split(".")[1]: (e.status, (e.diagnosis or {}).get("name")) for e in result.exercises}
    assert got == {"bag_of_words": ("failed", "presence instead of counts"),
                   "fixed_window": ("failed", "newest word first")}


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_rnn_backward_refuses_autodiff(backend, tmp_path):
    if not backends.installed(backend):
        pytest.skip(f"{backend} is not installed")
    body = {
        "torch": '''
            import torch

            def rnn_backward(x, h0, W_xh, W_hh, b_h, dhs):
                leaves = [a.clone().requires_grad_(True) for a in (x, h0, W_xh, W_hh, b_h)]
                x, h, W_xh, W_hh, b_h = leaves
                hs = []
                for t in range(x.shape[1]):
                    h = torch.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
                    hs.append(h)
                (torch.stack(hs, 1) * dhs).sum().backward()
                return dict(zip(["x", "h0", "W_xh", "W_hh", "b_h"], [v.grad for v in leaves]))
            ''',
        "tensorflow": '''
            import tensorflow as tf

            def rnn_backward(x, h0, W_xh, W_hh, b_h, dhs):
                with tf.GradientTape() as tape:
                    for v in (x, h0, W_xh, W_hh, b_h):
                        tape.watch(v)
                    h, hs = h0, []
                    for t in range(x.shape[1]):
                        h = tf.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
                        hs.append(h)
                    loss = tf.reduce_sum(tf.stack(hs, 1) * dhs)
                grads = tape.gradient(loss, [x, h0, W_xh, W_hh, b_h])
                return dict(zip(["x", "h0", "W_xh", "W_hh", "b_h"], grads))
            ''',
    }[backend]
    sub = _submission(tmp_path, {"rnn.py": body})
    result = grade_lecture("lecture2", sub, backend=backend, device="cpu", only=["rnn_backward"])
    (verdict,) = result.exercises
    assert verdict.status == "error" and "autodiff" in verdict.feedback

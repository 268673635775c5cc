"""Lecture 2, RNNs: the references against autodiff, finite differences and the frameworks'
own layers."""

from __future__ import annotations

import numpy as np
import pytest

import backends
from grader.spec import Case
from reference.lecture2 import rnn as checks
from reference.solutions.lecture2 import rnn as ref

BACKWARD_CASES = checks.CHECKS["rnn_backward"].cases(np.random.default_rng(2024))
ARG_NAMES = ["x", "h0", "W_xh", "W_hh", "b_h"]


def _labels(cases):
    return [c.label for c in cases]


def _loss(args, dhs):
    """L = Σ dhs ⊙ hs: the loss whose ∂L/∂h_t is dhs[:, t]."""
    return float((ref.rnn_forward(*args) * dhs).sum())


def _central_differences(args, dhs, h=1e-6):
    grads = {}
    for k, name in enumerate(ARG_NAMES):
        a = args[k]
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            plus = [v.copy() for v in args]
            minus = [v.copy() for v in args]
            plus[k][i] += h
            minus[k][i] -= h
            g[i] = (_loss(plus, dhs) - _loss(minus, dhs)) / (2 * h)
        grads[name] = g
    return grads


def test_backward_cases_cover_the_hard_shapes():
    shapes = [(c.args[0].shape, c.args[1].shape[1]) for c in BACKWARD_CASES]
    assert any(x[1] == 1 for x, _ in shapes), "a case with T = 1"
    assert any(x[0] == 1 for x, _ in shapes), "a case with N = 1"
    assert all(x[2] != h for x, h in shapes), "D ≠ H everywhere, so a transposed dW_xh cannot pass"
    assert sum(x[1] == 50 for x, _ in shapes) >= 2, "long sequences"


@pytest.mark.parametrize("case", [c for c in BACKWARD_CASES if not c.label.startswith("large")],
                         ids=lambda c: c.label)
def test_backward_matches_central_differences(case):
    *args, dhs = case.args
    got = ref.rnn_backward(*args, dhs)
    want = _central_differences(list(args), dhs)
    for name in ARG_NAMES:
        scale = max(1.0, np.abs(want[name]).max())
        np.testing.assert_allclose(got[name], want[name], rtol=1e-6, atol=1e-7 * scale,
                                   err_msg=name)


def test_backward_large_case_directional_derivatives():
    case = [c for c in BACKWARD_CASES if c.label.startswith("large")][0]
    *args, dhs = case.args
    got = ref.rnn_backward(*args, dhs)
    rng = np.random.default_rng(7)
    for _ in range(3):
        dirs = [rng.normal(size=a.shape) for a in args]
        h = 1e-6
        plus = [a + h * d for a, d in zip(args, dirs)]
        minus = [a - h * d for a, d in zip(args, dirs)]
        numeric = (_loss(plus, dhs) - _loss(minus, dhs)) / (2 * h)
        analytic = sum(float((got[n] * d).sum()) for n, d in zip(ARG_NAMES, dirs))
        assert analytic == pytest.approx(numeric, rel=1e-6)


def test_vanishing_and_exploding_cases_do_what_their_notes_say():
    by_label = {c.label.split(":")[0]: c for c in BACKWARD_CASES}
    *args, dhs = by_label["vanishing gradients"].args
    g = ref.rnn_backward(*args, dhs)
    bound = 0.5 ** 50 * np.linalg.norm(dhs[:, -1], axis=1)
    assert (np.linalg.norm(g["h0"], axis=1) <= bound).all()
    assert np.abs(g["x"][:, -1]).max() > 1e-3
    *args, dhs = by_label["exploding gradients"].args
    g = ref.rnn_backward(*args, dhs)
    ratio = np.abs(g["x"][:, 0]).max() / np.abs(g["x"][:, -1]).max()
    assert 30 < ratio < 300


@pytest.mark.parametrize("case", BACKWARD_CASES, ids=lambda c: c.label)
def test_backward_matches_torch_autograd(case):
    torch = pytest.importorskip("torch")
    tb = backends.get("torch")
    *args, dhs = case.args
    targs = [torch.from_numpy(a.copy()) for a in args]
    tdhs = torch.from_numpy(dhs.copy())
    auto = tb.grad(lambda *a: ref.rnn_forward(*a) * tdhs, targs, list(range(5)))
    got = ref.rnn_backward(*targs, tdhs)
    for name, g in zip(ARG_NAMES, auto):
        np.testing.assert_allclose(got[name].numpy(), g.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


@pytest.mark.parametrize("case", BACKWARD_CASES, ids=lambda c: c.label)
def test_backward_matches_tf_gradient_tape(case):
    tf = pytest.importorskip("tensorflow")
    tfb = backends.get("tensorflow")
    *args, dhs = case.args
    targs = [tf.constant(a) for a in args]
    tdhs = tf.constant(dhs)
    auto = tfb.grad(lambda *a: ref.rnn_forward(*a) * tdhs, targs, list(range(5)))
    got = ref.rnn_backward(*targs, tdhs)
    for name, g in zip(ARG_NAMES, auto):
        np.testing.assert_allclose(got[name].numpy(), g.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


def test_backward_mistakes_differ_from_autodiff():
    """The known mistakes really are wrong: each disagrees with torch.autograd somewhere."""
    torch = pytest.importorskip("torch")
    tb = backends.get("torch")
    for mistake in checks.CHECKS["rnn_backward"].mistakes:
        wrong_somewhere = False
        for case in BACKWARD_CASES:
            *args, dhs = case.args
            targs = [torch.from_numpy(a.copy()) for a in args]
            auto = tb.grad(lambda *a: ref.rnn_forward(*a) * torch.from_numpy(dhs), targs,
                           list(range(5)))
            bad = mistake.fn(*args, dhs)
            if any(not np.allclose(bad[n], g.numpy(), rtol=1e-6, atol=1e-8)
                   for n, g in zip(ARG_NAMES, auto)):
                wrong_somewhere = True
        assert wrong_somewhere, mistake.name


def _forward_cases():
    return checks.CHECKS["rnn_forward"].cases(np.random.default_rng(11))


@pytest.mark.parametrize("case", _forward_cases(), ids=lambda c: c.label)
def test_forward_matches_torch_rnn(case):
    torch = pytest.importorskip("torch")
    x, h0, W_xh, W_hh, b_h = case.args
    D, H = W_xh.shape
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True, dtype=torch.float64)
    half = b_h / 2
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xh.T.copy()))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh.T.copy()))
        rnn.bias_ih_l0.copy_(torch.from_numpy(half))
        rnn.bias_hh_l0.copy_(torch.from_numpy(b_h - half))
        out, h_n = rnn(torch.from_numpy(x), torch.from_numpy(h0)[None])
    got = ref.rnn_forward(x, h0, W_xh, W_hh, b_h)
    np.testing.assert_allclose(got, out.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[:, -1], h_n[0].numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", _forward_cases(), ids=lambda c: c.label)
def test_forward_matches_keras_simple_rnn(case):
    pytest.importorskip("tensorflow")
    import keras

    x, h0, W_xh, W_hh, b_h = case.args
    layer = keras.layers.SimpleRNN(W_xh.shape[1], return_sequences=True, dtype="float64")
    layer.build(x.shape)
    layer.set_weights([W_xh, W_hh, b_h])
    out = np.asarray(layer(x, initial_state=[h0]))
    np.testing.assert_allclose(ref.rnn_forward(x, h0, W_xh, W_hh, b_h), out, rtol=1e-12,
                               atol=1e-12)


def test_worked_examples():
    x, h0, W_xh, W_hh, b_h = (np.array([[[1.0], [2.0]]]), np.array([[0.0]]), np.array([[0.5]]),
                              np.array([[1.0]]), np.array([0.0]))
    np.testing.assert_allclose(ref.rnn_forward(x, h0, W_xh, W_hh, b_h).ravel(),
                               [0.462117, 0.898063], atol=5e-7)
    g = ref.rnn_backward(x, h0, W_xh, W_hh, b_h, np.array([[[0.0], [1.0]]]))
    want = {"x": [0.076082, 0.096741], "h0": [0.152164], "W_xh": [0.539130],
            "W_hh": [0.089412], "b_h": [0.345647]}
    for name, values in want.items():
        np.testing.assert_allclose(g[name].ravel(), values, atol=5e-7, err_msg=name)
    step = ref.rnn_step(np.array([[1.0, 2.0]]), np.array([[0.5, -0.5, 0.0]]),
                        np.array([[0.1, 0.2, -0.1], [0.3, -0.4, 0.2]]), 0.5 * np.eye(3),
                        np.array([0.0, 0.1, 0.0]))
    np.testing.assert_allclose(step, [[0.739783, -0.635149, 0.291313]], atol=5e-7)
    np.testing.assert_allclose(ref.rnn_output(np.array([[1.0, -1.0]]),
                                              np.array([[2.0, 0.0, 1.0], [1.0, 1.0, 1.0]]),
                                              np.array([0.0, 0.5, 0.0])), [[1.0, -0.5, 0.0]])
    assert ref.sequence_loss(np.array([[[0.0, 0.0], [2.0, 0.0]]]),
                             np.array([[0, 1]])) == pytest.approx(2.820075, abs=5e-7)
    clipped = ref.clip_by_global_norm([np.array([3.0, 0.0]), np.array([[0.0, 4.0]])], 1.0)
    np.testing.assert_allclose(clipped[0], [0.6, 0.0])
    np.testing.assert_allclose(clipped[1], [[0.0, 0.8]])


def test_step_and_output_are_one_forward_step():
    rng = np.random.default_rng(3)
    x, h0 = rng.normal(size=(4, 1, 3)), rng.normal(size=(4, 5))
    W_xh, W_hh, b_h = checks.rnn_weights(rng, 3, 5)
    np.testing.assert_array_equal(ref.rnn_forward(x, h0, W_xh, W_hh, b_h)[:, 0],
                                  ref.rnn_step(x[:, 0], h0, W_xh, W_hh, b_h))


def _loss_cases():
    return checks.CHECKS["sequence_loss"].cases(np.random.default_rng(5))


@pytest.mark.parametrize("case", _loss_cases(), ids=lambda c: c.label)
def test_sequence_loss_matches_torch_cross_entropy(case):
    torch = pytest.importorskip("torch")
    logits, targets = case.args
    N, T, V = logits.shape
    want = torch.nn.functional.cross_entropy(torch.from_numpy(logits).reshape(N * T, V),
                                             torch.from_numpy(targets).reshape(N * T),
                                             reduction="sum") / N
    assert float(ref.sequence_loss(logits, targets)) == pytest.approx(float(want), rel=1e-12)


@pytest.mark.parametrize("case", _loss_cases(), ids=lambda c: c.label)
def test_sequence_loss_matches_tf(case):
    tf = pytest.importorskip("tensorflow")
    logits, targets = case.args
    per = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
    want = float(tf.reduce_sum(per)) / logits.shape[0]
    assert float(ref.sequence_loss(logits, targets)) == pytest.approx(want, rel=1e-12)
    assert float(ref.sequence_loss(tf.constant(logits), tf.constant(targets))) == pytest.approx(
        want, rel=1e-12)


def _clip_cases():
    return checks.CHECKS["clip_by_global_norm"].cases(np.random.default_rng(9))


@pytest.mark.parametrize("case", _clip_cases(), ids=lambda c: c.label)
def test_clip_matches_tf_clip_by_global_norm(case):
    tf = pytest.importorskip("tensorflow")
    grads, max_norm = case.args
    want, _ = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    got = ref.clip_by_global_norm(grads, max_norm)
    assert isinstance(got, list) and len(got) == len(grads)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize("case", _clip_cases(), ids=lambda c: c.label)
def test_clip_matches_torch_clip_grad_norm(case):
    torch = pytest.importorskip("torch")
    grads, max_norm = case.args
    params = []
    for g in grads:
        p = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        p.grad = torch.from_numpy(g.copy())
        params.append(p)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    got = ref.clip_by_global_norm([torch.from_numpy(g.copy()) for g in grads], max_norm)
    # torch divides by (n + 1e-6): the same up to a relative 1e-6 / n.
    for g, p in zip(got, params):
        np.testing.assert_allclose(g.numpy(), p.grad.numpy(), rtol=2e-6, atol=0)
    total = np.sqrt(sum((g ** 2).sum() for g in grads))
    assert float(norm) == pytest.approx(total, rel=1e-12)


def test_clip_keeps_the_direction_and_caps_the_norm():
    rng = np.random.default_rng(1)
    grads = [rng.normal(0, 10, (3, 4)), rng.normal(0, 0.1, 5)]
    clipped = ref.clip_by_global_norm(grads, 2.0)
    flat = np.concatenate([g.ravel() for g in grads])
    flat_c = np.concatenate([g.ravel() for g in clipped])
    assert np.linalg.norm(flat_c) == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(flat_c / np.linalg.norm(flat_c), flat / np.linalg.norm(flat))


@pytest.mark.parametrize("name", backends.NAMES)
def test_identity_init_returns_the_active_backends_arrays(name, monkeypatch):
    if not backends.installed(name):
        pytest.skip(f"{name} is not installed")
    monkeypatch.setenv(backends.ACTIVE_ENV, name)
    W, b = ref.identity_init(4)
    be = backends.get(name)
    assert be.classify(W) == "native" and be.classify(b) == "native"
    np.testing.assert_array_equal(be.to_numpy(W), np.eye(4))
    np.testing.assert_array_equal(be.to_numpy(b), np.zeros(4))
    assert be.to_numpy(W).dtype.kind == "f"


def test_identity_init_keeps_a_zero_input_state():
    W, b = ref.identity_init(3)
    h = np.array([[0.3, -0.2, 0.1]])
    # With W_hh = I, b_h = 0 and x = 0 the pre-activation is the previous state itself.
    np.testing.assert_array_equal(h @ W + b, h)


def test_case_notes_exist_for_hard_cases():
    for name in ("rnn_step", "rnn_backward", "sequence_loss", "clip_by_global_norm"):
        cases: list[Case] = checks.CHECKS[name].cases(np.random.default_rng(0))
        assert any(c.note for c in cases), name

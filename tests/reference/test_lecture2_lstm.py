"""Lecture 2, LSTM and GRU: the references agree with torch.nn.LSTMCell / LSTM / GRUCell and
Keras's LSTMCell / LSTM / GRUCell given the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from reference.common import np_sigmoid
from reference.lecture2 import lstm as checks
from reference.solutions.lecture2 import lstm as ref

TOL = dict(rtol=1e-12, atol=1e-12)


def _cases(name, seed=0):
    return checks.CHECKS[name].cases(np.random.default_rng(seed))


def _blocks(a, order_from, order_to):
    """Reorder the gate blocks on the last axis, e.g. 'rzn' -> 'zrn'."""
    parts = dict(zip(order_from, np.split(a, len(order_from), axis=-1)))
    return np.concatenate([parts[k] for k in order_to], axis=-1)


# --- PyTorch -------------------------------------------------------------------------------------


def _torch_lstm_cell(torch, Wx, Wh, b):
    D, H = Wx.shape[0], Wh.shape[0]
    cell = torch.nn.LSTMCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(Wx.T.copy()))
        cell.weight_hh.copy_(torch.from_numpy(Wh.T.copy()))
        cell.bias_ih.copy_(torch.from_numpy(b * 0.25))  # the two biases add up to b
        cell.bias_hh.copy_(torch.from_numpy(b * 0.75))
    return cell


@pytest.mark.parametrize("case", _cases("lstm_step"), ids=lambda c: c.label)
def test_lstm_step_matches_torch_lstm_cell(case):
    torch = pytest.importorskip("torch")
    x, h, c, Wx, Wh, b = case.args
    cell = _torch_lstm_cell(torch, Wx, Wh, b)
    with torch.no_grad():
        h1, c1 = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    got_h, got_c = ref.lstm_step(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(got_h, h1.numpy(), **TOL)
    np.testing.assert_allclose(got_c, c1.numpy(), **TOL)


@pytest.mark.parametrize("case", _cases("lstm_forward"), ids=lambda c: c.label)
def test_lstm_forward_matches_torch_lstm(case):
    torch = pytest.importorskip("torch")
    x, h0, c0, Wx, Wh, b = case.args
    D, H = Wx.shape[0], Wh.shape[0]
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(Wx.T.copy()))
        lstm.weight_hh_l0.copy_(torch.from_numpy(Wh.T.copy()))
        lstm.bias_ih_l0.copy_(torch.from_numpy(b.copy()))
        lstm.bias_hh_l0.zero_()
        out, (h_n, c_n) = lstm(torch.from_numpy(x),
                               (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
    hs, c_T = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    np.testing.assert_allclose(hs, out.numpy(), **TOL)
    np.testing.assert_allclose(c_T, c_n[0].numpy(), **TOL)
    np.testing.assert_allclose(hs[:, -1], h_n[0].numpy(), **TOL)


@pytest.mark.parametrize("case", _cases("gru_step"), ids=lambda c: c.label)
def test_gru_step_matches_torch_gru_cell(case):
    torch = pytest.importorskip("torch")
    x, h, Wx, Wh, bx, bh = case.args
    D, H = Wx.shape[0], Wh.shape[0]
    cell = torch.nn.GRUCell(D, H, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(Wx.T.copy()))
        cell.weight_hh.copy_(torch.from_numpy(Wh.T.copy()))
        cell.bias_ih.copy_(torch.from_numpy(bx))
        cell.bias_hh.copy_(torch.from_numpy(bh))
        want = cell(torch.from_numpy(x), torch.from_numpy(h))
    np.testing.assert_allclose(ref.gru_step(x, h, Wx, Wh, bx, bh), want.numpy(), **TOL)


def test_references_run_on_torch_tensors():
    torch = pytest.importorskip("torch")
    x, h, c, Wx, Wh, b = _cases("lstm_step")[1].args
    t = [torch.from_numpy(a) for a in (x, h, c, Wx, Wh, b)]
    got_h, got_c = ref.lstm_step(*t)
    want_h, want_c = ref.lstm_step(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(got_h.numpy(), want_h, **TOL)
    np.testing.assert_allclose(got_c.numpy(), want_c, **TOL)


# --- Keras ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("tensorflow")
    import keras

    return keras


@pytest.mark.parametrize("case", _cases("lstm_step"), ids=lambda c: c.label)
def test_lstm_step_matches_keras_lstm_cell(case, keras):
    x, h, c, Wx, Wh, b = case.args
    H = Wh.shape[0]
    cell = keras.layers.LSTMCell(H, activation="tanh", recurrent_activation="sigmoid",
                                 dtype="float64")
    cell.build(x.shape)
    cell.set_weights([Wx, Wh, b])  # Keras stores the blocks as i, f, c (our g), o, like us
    out, (h1, c1) = cell(x, [h, c])
    got_h, got_c = ref.lstm_step(x, h, c, Wx, Wh, b)
    np.testing.assert_allclose(got_h, np.asarray(h1), **TOL)
    np.testing.assert_allclose(got_c, np.asarray(c1), **TOL)


@pytest.mark.parametrize("case", _cases("lstm_forward"), ids=lambda c: c.label)
def test_lstm_forward_matches_keras_lstm(case, keras):
    x, h0, c0, Wx, Wh, b = case.args
    layer = keras.layers.LSTM(Wh.shape[0], return_sequences=True, return_state=True,
                              dtype="float64")
    layer.build(x.shape)
    layer.set_weights([Wx, Wh, b])
    out, h_n, c_n = layer(x, initial_state=[h0, c0])
    hs, c_T = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    np.testing.assert_allclose(hs, np.asarray(out), **TOL)
    np.testing.assert_allclose(c_T, np.asarray(c_n), **TOL)


@pytest.mark.parametrize("case", _cases("gru_step"), ids=lambda c: c.label)
def test_gru_step_matches_keras_gru_cell_reset_after(case, keras):
    x, h, Wx, Wh, bx, bh = case.args
    cell = keras.layers.GRUCell(Wh.shape[0], reset_after=True, recurrent_activation="sigmoid",
                                dtype="float64")
    cell.build(x.shape)
    # Keras stores the blocks as z, r, n and the two biases as rows of one (2, 3H) array.
    cell.set_weights([_blocks(Wx, "rzn", "zrn"), _blocks(Wh, "rzn", "zrn"),
                      np.stack([_blocks(bx, "rzn", "zrn"), _blocks(bh, "rzn", "zrn")])])
    out, _ = cell(x, [h])
    np.testing.assert_allclose(ref.gru_step(x, h, Wx, Wh, bx, bh), np.asarray(out), **TOL)


@pytest.mark.parametrize("case", _cases("gru_step")[:2], ids=lambda c: c.label)
def test_reset_before_mistake_is_keras_reset_after_false(case, keras):
    """The named mistake 'reset gate applied before the product' is the other GRU form
    (Keras's reset_after=False), and it differs from the exercise's."""
    x, h, Wx, Wh, bx, bh = case.args
    cell = keras.layers.GRUCell(Wh.shape[0], reset_after=False, recurrent_activation="sigmoid",
                                dtype="float64")
    cell.build(x.shape)
    cell.set_weights([_blocks(Wx, "rzn", "zrn"), _blocks(Wh, "rzn", "zrn"),
                      _blocks(bx + bh, "rzn", "zrn")])
    out, _ = cell(x, [h])
    mistake = {m.name: m for m in checks.CHECKS["gru_step"].mistakes}[
        "reset gate applied before the product"]
    np.testing.assert_allclose(mistake.fn(x, h, Wx, Wh, bx, bh), np.asarray(out), **TOL)
    assert not np.allclose(ref.gru_step(x, h, Wx, Wh, bx, bh), np.asarray(out))


def test_references_run_on_tf_tensors():
    tf = pytest.importorskip("tensorflow")
    x, h, Wx, Wh, bx, bh = _cases("gru_step")[1].args
    got = ref.gru_step(*[tf.constant(a) for a in (x, h, Wx, Wh, bx, bh)])
    np.testing.assert_allclose(got.numpy(), ref.gru_step(x, h, Wx, Wh, bx, bh), **TOL)


# --- lecture-specific behaviour --------------------------------------------------------------------


def test_gates_are_in_range_and_in_order():
    x, h, Wx, Wh, b = _cases("lstm_gates")[1].args
    i, f, g, o = ref.lstm_gates(x, h, Wx, Wh, b)
    a = x @ Wx + h @ Wh + b
    H = Wh.shape[0]
    np.testing.assert_allclose(i, np_sigmoid(a[:, :H]))
    np.testing.assert_allclose(f, np_sigmoid(a[:, H:2 * H]))
    np.testing.assert_allclose(g, np.tanh(a[:, 2 * H:3 * H]))
    np.testing.assert_allclose(o, np_sigmoid(a[:, 3 * H:]))


def test_saturated_cases_stay_finite():
    for name in ("lstm_gates", "lstm_step", "gru_step"):
        case = [c for c in _cases(name) if c.label.startswith("saturated")][0]
        with np.errstate(all="raise"):
            out = ref.__dict__[name](*case.args)
        for leaf in (out if isinstance(out, tuple) else (out,)):
            assert np.isfinite(leaf).all(), name


def test_forget_gate_one_input_gate_zero_keeps_the_cell_state():
    """The LSTM's uninterrupted gradient flow: with f = 1 and i = 0 the cell state passes
    unchanged, whatever the candidate."""
    c = np.array([[1.5, -3.0]])
    out = ref.lstm_cell_update(c, np.zeros((1, 2)), np.ones((1, 2)), np.array([[0.9, -0.9]]))
    np.testing.assert_array_equal(out, c)


def test_worked_examples():
    x, h, Wx, Wh, b = (np.array([[1.0]]), np.array([[0.0]]), np.array([[1.0, 2.0, 3.0, -1.0]]),
                       np.zeros((1, 4)), np.zeros(4))
    gates = ref.lstm_gates(x, h, Wx, Wh, b)
    np.testing.assert_allclose([v.item() for v in gates], [0.731059, 0.880797, 0.995055, 0.268941],
                               atol=5e-7)
    np.testing.assert_allclose(ref.lstm_cell_update(np.array([[1.0, -2.0]]), np.array([[0.5, 1.0]]),
                                                    np.array([[0.9, 0.0]]),
                                                    np.array([[1.0, -0.5]])), [[1.4, -0.5]])
    np.testing.assert_allclose(ref.lstm_hidden(np.array([[0.0, 1.0, -2.0]]),
                                               np.array([[1.0, 0.5, 0.25]])),
                               [[0.0, 0.380797, -0.241007]], atol=5e-7)
    h1, c1 = ref.lstm_step(x, h, np.array([[0.5]]), Wx, Wh, b)
    np.testing.assert_allclose([h1.item(), c1.item()], [0.221495, 1.167842], atol=5e-7)
    hs, c_T = ref.lstm_forward(np.array([[[1.0], [1.0]]]), h, np.array([[0.5]]), Wx, Wh, b)
    np.testing.assert_allclose(hs.ravel(), [0.221495, 0.253360], atol=5e-7)
    assert c_T.item() == pytest.approx(1.756075, abs=5e-7)
    out = ref.gru_step(x, np.array([[0.5]]), np.array([[1.0, -1.0, 2.0]]),
                       np.array([[0.5, 0.5, 1.0]]), np.zeros(3), np.zeros(3))
    assert out.item() == pytest.approx(0.828249, abs=5e-7)

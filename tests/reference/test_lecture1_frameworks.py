"""Lecture 1's references against the frameworks' own implementations, and the property-graded
exercises (dropout, init_weights, train_pass_predictor) against right and wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from grader import fixtures
from grader.spec import Case
from reference.lecture1 import project, regularization
from reference.solutions.lecture1 import activations, losses, optimization, optimizers

RNG = np.random.default_rng(2024)


def _t(a):
    import torch

    return torch.from_numpy(np.asarray(a, dtype=np.float64).copy())


def test_activations_match_torch():
    torch = pytest.importorskip("torch")
    z = _t(np.concatenate([RNG.normal(0, 5, 200), [-1e4, -1000, 0, 1000, 1e4]]))
    torch.testing.assert_close(activations.sigmoid(z), torch.sigmoid(z))
    torch.testing.assert_close(activations.tanh(z), torch.tanh(z))
    torch.testing.assert_close(activations.relu(z), torch.relu(z))
    zg = z.clone().requires_grad_(True)
    for ours, theirs in ((activations.sigmoid_grad, torch.sigmoid), (activations.tanh_grad, torch.tanh),
                         (activations.relu_grad, torch.relu)):
        (grad,) = torch.autograd.grad(theirs(zg).sum(), [zg])
        torch.testing.assert_close(ours(z), grad)


def test_softmax_and_cross_entropy_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    logits = np.concatenate([RNG.normal(0, 3, (30, 7)), [[1e4, 0, -1e4, 1, 2, 3, 4]]])
    labels = RNG.integers(0, 7, 31)
    x = tf.constant(logits)
    np.testing.assert_allclose(losses.softmax(x).numpy(), tf.nn.softmax(x).numpy(), rtol=1e-12)
    theirs = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.one_hot(labels, 7, dtype=tf.float64), logits=x))
    ours = losses.softmax_cross_entropy(x, tf.constant(labels))
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-12)


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    p = _t(RNG.uniform(1e-6, 1 - 1e-6, 500))
    y = _t(RNG.integers(0, 2, 500))
    torch.testing.assert_close(losses.binary_cross_entropy(p, y), F.binary_cross_entropy(p, y))
    a, b = _t(RNG.normal(size=(20, 3))), _t(RNG.normal(size=(20, 3)))
    torch.testing.assert_close(losses.mse_loss(a, b), F.mse_loss(a, b))
    logits, labels = _t(RNG.normal(0, 4, (50, 9))), torch.from_numpy(RNG.integers(0, 9, 50))
    torch.testing.assert_close(losses.softmax_cross_entropy(logits, labels), F.cross_entropy(logits, labels))


def _torch_step(opt_cls, w, dw, state, **kwargs):
    import torch

    p = torch.nn.Parameter(_t(w))
    opt = opt_cls([p], **kwargs)
    p.grad = _t(dw)
    if state:
        opt.state[p].update({k: (v if isinstance(v, torch.Tensor) else _t(v)) for k, v in state.items()})
    opt.step()
    return p.detach(), opt.state[p]


def test_optimizer_steps_match_torch_optim():
    torch = pytest.importorskip("torch")
    w, dw = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    v, cache, cache2 = RNG.normal(size=(4, 3)), RNG.uniform(0.1, 1, (4, 3)), RNG.uniform(0.1, 1, (4, 3))

    theirs, state = _torch_step(torch.optim.SGD, w, dw, {"momentum_buffer": _t(v)}, lr=0.1, momentum=0.9)
    ours, v_new = optimizers.momentum_step(_t(w), _t(dw), _t(v), 0.1, 0.9)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(v_new, state["momentum_buffer"])

    theirs, state = _torch_step(torch.optim.Adagrad, w, dw, {"sum": cache, "step": torch.tensor(3.0)},
                                lr=0.1, eps=1e-8)
    ours, c_new = optimizers.adagrad_step(_t(w), _t(dw), _t(cache), 0.1, 1e-8)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(c_new, state["sum"])

    theirs, state = _torch_step(torch.optim.RMSprop, w, dw, {"square_avg": cache, "step": torch.tensor(3.0)},
                                lr=0.01, alpha=0.99, eps=1e-8)
    ours, c_new = optimizers.rmsprop_step(_t(w), _t(dw), _t(cache), 0.01, 0.99, 1e-8)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(c_new, state["square_avg"])

    theirs, state = _torch_step(torch.optim.Adadelta, w, dw,
                                {"square_avg": cache, "acc_delta": cache2, "step": torch.tensor(3.0)},
                                lr=1.0, rho=0.9, eps=1e-6)
    ours, g_new, x_new = optimizers.adadelta_step(_t(w), _t(dw), _t(cache), _t(cache2), 0.9, 1e-6, 1.0)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(g_new, state["square_avg"])
    torch.testing.assert_close(x_new, state["acc_delta"])

    t = 5
    theirs, state = _torch_step(torch.optim.Adam, w, dw,
                                {"exp_avg": v * 0.1, "exp_avg_sq": cache * 0.01, "step": torch.tensor(float(t - 1))},
                                lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    ours, m_new, v_new = optimizers.adam_step(_t(w), _t(dw), _t(v * 0.1), _t(cache * 0.01), t)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(m_new, state["exp_avg"])
    torch.testing.assert_close(v_new, state["exp_avg_sq"])


def test_two_layer_backward_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    x, y = _t(RNG.normal(size=(6, 4))), _t(RNG.normal(size=(6, 3)))
    params = {"W1": _t(RNG.normal(size=(4, 5))), "b1": _t(RNG.normal(size=5)),
              "W2": _t(RNG.normal(size=(5, 3))), "b2": _t(RNG.normal(size=3))}
    J, grads = optimization.two_layer_backward(x, y, *params.values())
    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    h = torch.sigmoid(x @ leaves["W1"] + leaves["b1"])
    J_torch = ((h @ leaves["W2"] + leaves["b2"] - y) ** 2).mean()
    J_torch.backward()
    torch.testing.assert_close(J, J_torch.detach())
    for k in params:
        torch.testing.assert_close(grads[k], leaves[k].grad)


def test_numerical_gradient_reference_matches_the_analytic_gradient():
    w = RNG.normal(size=(3, 4))
    f = fixtures.smooth(scale=1.5)
    np.testing.assert_allclose(optimization.numerical_gradient(f, w),
                               fixtures.smooth_gradient(w, scale=1.5), rtol=1e-7, atol=1e-8)


# --- property-graded exercises ------------------------------------------------------------


def _dropout_case(shape=(100, 400), p=0.3, **kwargs):
    rng = np.random.default_rng(5)
    return Case("t", (regularization._dropout_x(rng, shape), p), kwargs)


def _correct_dropout(x, p, rng):
    return np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0)


def test_correct_dropout_passes_under_many_seeds():
    case = _dropout_case()
    failures = [s for s in range(300)
                if regularization._verify_dropout(case, _correct_dropout(case.args[0], 0.3,
                                                                         np.random.default_rng(s)))]
    assert failures == []


def _blocks(shape, p):
    """Drops a contiguous block of p·D columns per row, the block moving from row to row."""
    n, d = shape
    cols = (np.arange(d)[None, :] - (np.arange(n)[:, None] * d // 2)) % d
    return cols < p * d


@pytest.mark.parametrize("wrong,mistake", [
    (lambda x, p, rng: np.where(rng.random(x.shape) >= p, x, 0.0), "dropout without rescaling"),
    (lambda x, p, rng: np.where(rng.random(x.shape) < p, x / (1 - p), 0.0), "keep and drop probabilities swapped"),
    (lambda x, p, rng: np.where(rng.random(x.shape[1:]) >= p, x / (1 - p), 0.0), "one mask for every example"),
    (lambda x, p, rng: np.where(_blocks(x.shape, p), 0.0, x / (1 - p)), "structured mask"),
])
def test_wrong_dropouts_fail_with_their_name(wrong, mistake):
    case = _dropout_case()
    found = regularization._verify_dropout(case, wrong(case.args[0], 0.3, np.random.default_rng(1)))
    assert found is not None and getattr(found, "mistake", None) == mistake


def test_dropout_when_not_training_is_the_identity():
    case = _dropout_case(training=False)
    assert regularization._verify_dropout(case, case.args[0].copy()) is None
    assert regularization._verify_dropout(case, case.args[0] * 2) is not None


def test_correct_init_passes_and_wrong_inits_fail():
    case = Case("t", (300, 400, 0.1))
    for seed in range(50):
        w = 0.1 * np.random.default_rng(seed).standard_normal((300, 400))
        assert regularization._verify_init(case, w) is None
    rng = np.random.default_rng(0)
    uniform = rng.uniform(-0.1 * np.sqrt(3), 0.1 * np.sqrt(3), (300, 400))
    assert regularization._verify_init(case, uniform).mistake == "not a normal distribution"
    assert regularization._verify_init(case, 0.01 * rng.standard_normal((300, 400))).mistake == "σ² as the scale"
    assert "shape" in regularization._verify_init(case, rng.standard_normal((400, 300)))


def test_pass_predictor_reference_clears_the_bar_on_many_draws():
    for seed in range(10):
        for case in project._cases(np.random.default_rng(seed)):
            w, w0 = project.ref.train_pass_predictor(*case.args)
            assert project._verify(case, (w, float(w0))) is None


def test_pass_predictor_failures():
    case = project._cases(np.random.default_rng(0))[0]
    assert "accuracy" in project._verify(case, (np.zeros(2), 0.0))
    X = case.args[0]
    mu, sd = X.mean(0), X.std(0)
    from reference.solutions.lecture1.project import train_pass_predictor

    w, w0 = train_pass_predictor((X - mu) / sd, case.args[1], 0.5, 300)
    found = project._verify(case, (w, float(w0)))  # acts on standardised X, not raw X
    assert found is not None and found.mistake == "weights for standardised X"
    w, w0 = train_pass_predictor(X, case.args[1], 0.5, 300)
    found = project._verify(case, (-w, -float(w0)))  # what gradient ascent converges to
    assert found is not None and found.mistake == "gradient ascent"


def test_the_vectorised_erf_matches_math_erf():
    import math

    from reference import stats

    x = np.linspace(-6, 6, 2001)
    exact = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(stats.erf(x) - exact)) < 1.5e-7

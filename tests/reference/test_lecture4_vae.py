"""Lecture 4 VAE: the Gaussian KL agrees with torch.distributions, and the gradient contract of
reparameterize (reference/lecture4/vae.py GRADIENTS) holds under real autodiff: the reference
solution gets ∂z/∂μ = 1 and ∂z/∂log σ² = ½σε, and solutions that cut the graph get gradients
that match the named gradient mistake, not the expected ones."""

from __future__ import annotations

import numpy as np
import pytest

from grader import catalog
from grader.grading import prepare
from reference.lecture4 import vae as checks
from reference.solutions.lecture4 import vae as ref


def _cases(name, dtype="float64"):
    lec = catalog.lecture("lecture4")
    ex = catalog.find_exercise(lec, name)
    return prepare(ex, catalog.check_for(ex), dtype)


def test_gaussian_kl_matches_torch_distributions():
    torch = pytest.importorskip("torch")
    from torch.distributions import Normal, kl_divergence

    for item in _cases("gaussian_kl"):
        mu, lv = (torch.from_numpy(a) for a in item.args64)
        want = kl_divergence(Normal(mu, torch.exp(0.5 * lv)),
                             Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1).numpy()
        np.testing.assert_allclose(ref.gaussian_kl(*item.args64), want, rtol=1e-10, atol=1e-12,
                                   err_msg=item.case.label)


def test_gaussian_kl_is_per_example_and_nonnegative():
    for item in _cases("gaussian_kl"):
        mu, _ = item.args64
        assert item.expected.shape == (mu.shape[0],), item.case.label
        assert (item.expected >= -1e-12).all(), item.case.label


def test_vae_loss_is_reconstruction_plus_beta_kl():
    from reference.solutions.lecture4 import autoencoder

    for item in _cases("vae_loss"):
        x, xh, mu, lv, *rest = item.args64
        beta = rest[0] if rest else item.kwargs64.get("beta", 1.0)
        want = autoencoder.reconstruction_loss(x, xh) + beta * ref.gaussian_kl(mu, lv).mean()
        np.testing.assert_allclose(item.expected, want, rtol=1e-12, err_msg=item.case.label)
    betas = [(i.args64[4:] or (i.kwargs64.get("beta", 1.0),))[0] for i in _cases("vae_loss")]
    assert {1.0, 0.5, 4.0} <= set(betas)


# --- the gradient contract of reparameterize ------------------------------------------------------

GRAD = checks.GRADIENTS["reparameterize"]


def _name(args64, grads):
    """What the engine would do with the gradients the child sends back: pass, or name."""
    expected = GRAD.expected(*args64)
    if all(np.allclose(g, e, rtol=1e-7, atol=1e-9) for g, e in zip(grads, expected)):
        return "passed"
    for mistake in GRAD.mistakes:
        wrong = mistake.fn(*args64)
        if all(np.allclose(g, w, rtol=1e-7, atol=1e-9) for g, w in zip(grads, wrong)):
            return mistake.name
    return "unnamed"


def _autodiff(backend, fn, args64):
    """backends.<b>.grad on float64 inputs; a graph cut everywhere reads as zero gradients (torch
    raises instead: its grad() cannot differentiate an output that needs no grad)."""
    import backends

    b = backends.get(backend)
    native = [b.to_native(a) for a in args64]
    try:
        grads = b.grad(fn, native, list(GRAD.wrt))
    except RuntimeError as exc:
        if "does not require grad" not in str(exc):
            raise
        return [np.zeros_like(args64[i]) for i in GRAD.wrt]
    return [b.to_numpy(g) for g in grads]


def _args():
    return [item.args64 for item in _cases("reparameterize")]


def test_expected_gradients_are_finite_differences_of_the_reference():
    h = 1e-6
    for mu, lv, eps in _args()[:3]:  # the later cases' z up to 5e6 swamp a difference of h
        num_mu = (ref.reparameterize(mu + h, lv, eps) - ref.reparameterize(mu - h, lv, eps)) / (2 * h)
        num_lv = (ref.reparameterize(mu, lv + h, eps) - ref.reparameterize(mu, lv - h, eps)) / (2 * h)
        g_mu, g_lv = GRAD.expected(mu, lv, eps)
        np.testing.assert_allclose(num_mu, g_mu, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(num_lv, g_lv, rtol=1e-6, atol=1e-6)


def _torch_variants():
    import torch

    return {
        "passed": ref.reparameterize,
        "mu detached": lambda mu, lv, eps: mu.detach() + torch.exp(0.5 * lv) * eps,
        "log_var detached": lambda mu, lv, eps: mu + torch.exp(0.5 * lv.detach()) * eps,
        "z computed outside autodiff": lambda mu, lv, eps: torch.from_numpy(
            mu.detach().numpy() + np.exp(0.5 * lv.detach().numpy()) * eps.numpy()),
    }


def _tf_variants():
    import tensorflow as tf

    return {
        "passed": ref.reparameterize,
        "mu detached": lambda mu, lv, eps: tf.stop_gradient(mu) + tf.exp(0.5 * lv) * eps,
        "log_var detached": lambda mu, lv, eps: mu + tf.exp(0.5 * tf.stop_gradient(lv)) * eps,
        "z computed outside autodiff": lambda mu, lv, eps: tf.constant(
            mu.numpy() + np.exp(0.5 * lv.numpy()) * eps.numpy()),
    }


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_gradient_contract_under_autodiff(backend):
    pytest.importorskip(backend)
    variants = _torch_variants() if backend == "torch" else _tf_variants()
    assert {m.name for m in GRAD.mistakes} == set(variants) - {"passed"}
    for want, fn in variants.items():
        # As the engine would: the first case whose gradients are wrong gives the verdict (with
        # eps = 0 a detached log_var is invisible, ½σε being 0 anyway; the other cases see it).
        verdicts = [_name(args64, _autodiff(backend, fn, args64)) for args64 in _args()]
        failed = [v for v in verdicts if v != "passed"]
        assert (failed[0] if failed else "passed") == want
        assert len(set(failed)) <= 1, verdicts


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_noise_drawn_inside_fails_on_values(backend):
    """Sampling inside keeps gradients flowing but ignores eps: the values catch it (the eps = 0
    case first, whose note says so)."""
    pytest.importorskip(backend)
    import backends

    b = backends.get(backend)
    first = _cases("reparameterize")[0]
    assert not first.args64[2].any() and "eps" in first.case.note
    mu, lv, _eps = (b.to_native(a) for a in first.args64)
    xp = b.ops
    z = b.to_numpy(mu + xp.exp(0.5 * lv) * xp.random_normal(xp.shape(mu), like=mu))
    assert not np.allclose(z, first.expected)

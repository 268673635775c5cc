"""Lecture 4 VAE: the Gaussian KL agrees with torch.distributions, and reparameterize is graded
on gradient flow: autodiff through the reference gives ∂z/∂μ = 1 and ∂z/∂log σ² = ½σε (the
check's grad_reference), and solutions that detach, go through NumPy or draw their own noise
fail, end to end, with an explanation."""

from __future__ import annotations

import numpy as np
import pytest

from grader import catalog
from grader.grading import prepare
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

CHECK = catalog.check_for(catalog.find_exercise(catalog.lecture("lecture4"), "reparameterize"))


def test_cases_ask_for_gradients_wrt_mu_and_log_var():
    items = _cases("reparameterize")
    assert CHECK.grad_reference is not None
    # eps = 0 comes first, for values only: a gradient failure must not be shown with its note.
    assert not items[0].args64[2].any() and "eps" in items[0].case.note
    assert items[0].case.grad_wrt == ()
    assert all(item.case.grad_wrt == (0, 1) for item in items[1:])


def test_grad_reference_is_the_finite_difference_of_the_reference():
    h = 1e-6
    for item in _cases("reparameterize")[:3]:  # later cases' z (up to 5e6) swamp a step of h
        mu, lv, eps = item.args64
        z = ref.reparameterize
        num_mu = (z(mu + h, lv, eps) - z(mu - h, lv, eps)) / (2 * h)
        num_lv = (z(mu, lv + h, eps) - z(mu, lv - h, eps)) / (2 * h)
        g_mu, g_lv = CHECK.grad_reference(mu, lv, eps)
        np.testing.assert_allclose(num_mu, g_mu, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(num_lv, g_lv, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_autodiff_through_the_reference_matches_grad_reference_in_float32(backend):
    """What the child computes for a right solution passes the engine's gradient comparison."""
    pytest.importorskip(backend)
    import backends
    from grader import wire
    from grader.compare import Tolerance, compare

    b = backends.get(backend)
    for item in _cases("reparameterize", "float32"):
        grads = b.grad(ref.reparameterize, [b.to_native(a) for a in item.args], [0, 1])
        for want, got in zip(CHECK.grad_reference(*item.args64), grads):
            found = compare(want, wire.Array(b.to_numpy(got), "native"), backend,
                            Tolerance("float32", widen=item.case.widen))
            assert found is None, f"{item.case.label}: {found.message}"


WRONG = {
    "torch": {
        "mu detached": (
            "import torch\n"
            "def reparameterize(mu, log_var, eps):\n"
            "    return mu.detach() + torch.exp(0.5 * log_var) * eps\n",
            "failed", "no gradient path", "for argument 1, no gradient reaches it"),
        "z through NumPy": (
            "import numpy as np\nimport torch\n"
            "def reparameterize(mu, log_var, eps):\n"
            "    z = mu.detach().numpy() + np.exp(0.5 * log_var.detach().numpy()) * eps.numpy()\n"
            "    return torch.from_numpy(z)\n",
            "failed", "no gradient path", "no gradient reaches it"),
        "noise drawn inside": (
            "import torch\n"
            "def reparameterize(mu, log_var, eps):\n"
            "    return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)\n",
            "failed", None, "eps is given so that z is deterministic"),
    },
    "tensorflow": {
        "log_var detached": (
            "import tensorflow as tf\n"
            "def reparameterize(mu, log_var, eps):\n"
            "    return mu + tf.exp(0.5 * tf.stop_gradient(log_var)) * eps\n",
            "failed", "no gradient path", "for argument 2, no gradient reaches it"),
        "right": (
            "import tensorflow as tf\n"
            "def reparameterize(mu, log_var, eps):\n"
            "    return mu + tf.exp(0.5 * log_var) * eps\n",
            "passed", None, "all 5 cases passed"),
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("backend,variant", [(b, v) for b in WRONG for v in WRONG[b]])
def test_gradient_flow_is_graded_end_to_end(submission, backend, variant):
    pytest.importorskip(backend)
    from grader.grading import grade_lecture

    source, status, diagnosis, said = WRONG[backend][variant]
    root = submission({"lecture4/vae.py": source})
    result = grade_lecture("lecture4", root, backend=backend, device="cpu",
                           only=["reparameterize"])
    (verdict,) = result.exercises
    assert verdict.status == status, verdict.feedback
    assert (verdict.diagnosis or {}).get("name") == diagnosis, verdict.feedback
    assert said in verdict.feedback

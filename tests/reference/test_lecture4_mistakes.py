"""Lecture 4's known mistakes: each fails and is named when a student computes it in float32
(tests/reference/test_checks.py does float64), and the ones the issue lists are named end to
end, through the child process, from plausible wrong submissions on each backend. Also: no case
holds an input that is subnormal in float32 (TensorFlow would flush it to zero)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from grader import catalog, grading, wire
from grader.compare import compare

LECTURE = catalog.lecture("lecture4")


def _wrap(x, dtype):
    if isinstance(x, tuple):
        return tuple(_wrap(v, dtype) for v in x)
    if isinstance(x, (np.ndarray, np.floating, float)):
        return wire.Array(np.asarray(x, dtype=dtype), "native")
    return x


def test_every_mistake_fails_and_is_named_in_float32():
    """A NumPy student computing in float32 who makes exactly that mistake."""
    dtype = "float32"
    for ex in LECTURE.exercises:
        check = catalog.check_for(ex)
        assert len(check.mistakes) >= 2, ex.name
        cases = grading.prepare(ex, check, dtype)
        for mistake in check.mistakes:
            failures = []
            for item in cases:
                with np.errstate(all="ignore"):
                    got = _wrap(grading._normalise(mistake.fn(*item.args, **item.kwargs)), dtype)
                found = compare(item.expected, got, "numpy", item.tolerance)
                if found:
                    failures.append((item, found, got))
            assert failures, f"{ex.name}: '{mistake.name}' passes every case"
            diagnosis = grading._diagnose(check, failures, "numpy")
            assert diagnosis and diagnosis["name"] == mistake.name, (ex.name, mistake.name,
                                                                     diagnosis)


def test_no_case_input_is_subnormal_in_float32():
    tiny = np.finfo(np.float32).tiny
    for ex in LECTURE.exercises:
        for item in grading.prepare(ex, catalog.check_for(ex), "float32"):
            for a in grading._arrays((item.args, item.kwargs)):
                if a.dtype.kind == "f":
                    small = (a != 0) & (np.abs(a) < tiny)
                    assert not small.any(), (ex.name, item.case.label)


# --- end to end: wrong submissions through the child process ------------------------------------

WRONG = {
    "torch": {
        "vae.py": """
            import torch

            def reparameterize(mu, log_var, eps):
                return mu + torch.exp(log_var) * eps

            def gaussian_kl(mu, log_var):
                return -(1 + log_var - mu ** 2 - torch.exp(log_var)).sum(-1)

            def vae_loss(x, x_hat, mu, log_var, beta=1.0):
                rec = ((x - x_hat) ** 2).reshape(x.shape[0], -1).sum(-1).mean()
                kl = -0.5 * (1 + log_var - mu ** 2 - torch.exp(log_var)).sum()
                return rec + beta * kl
        """,
        "divergences.py": """
            import torch

            def kl_divergence(p, q, base=2):
                return (p * torch.log2(p / q)).sum(-1)

            def js_divergence(p, q, base=2):
                m = p + q
                t = lambda a: torch.where(a > 0, a * torch.log2(torch.where(a > 0, a, 1.0) / m),
                                          torch.zeros_like(a))
                return 0.5 * t(p).sum(-1) + 0.5 * t(q).sum(-1)
        """,
        "gan.py": """
            import torch
            import torch.nn.functional as F

            def discriminator_loss(real_logits, fake_logits):
                return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()

            def generator_loss(fake_logits):
                return -F.softplus(fake_logits).mean()

            def cycle_consistency_loss(x, x_cycled):
                return ((x - x_cycled) ** 2).mean()
        """,
    },
    "tensorflow": {
        "vae.py": """
            import tensorflow as tf

            def reparameterize(mu, log_var, eps):
                return mu + tf.sqrt(log_var) * eps

            def gaussian_kl(mu, log_var):
                return -0.5 * tf.reduce_sum(1 + log_var - mu ** 2 - tf.exp(log_var))
        """,
        "divergences.py": """
            import tensorflow as tf

            def kl_divergence(p, q, base=2):
                terms = tf.where(q > 0, q * tf.math.log(tf.where(q > 0, q, 1.0)
                                                        / tf.where(p > 0, p, 1.0)), 0.0)
                terms = tf.where((q > 0) & (p == 0), float("inf"), terms)
                return tf.reduce_sum(terms, axis=-1) / tf.math.log(tf.constant(2.0, p.dtype))

            def js_divergence(p, q, base=2):
                m = (p + q) / 2
                kl = lambda a: tf.reduce_sum(a * tf.math.log(a / m), axis=-1)
                return (0.5 * kl(p) + 0.5 * kl(q)) / tf.math.log(tf.constant(2.0, p.dtype))
        """,
        "gan.py": """
            import tensorflow as tf

            def discriminator_loss(real_logits, fake_logits):
                return (-tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits)))
                        - tf.reduce_mean(tf.math.log(1 - tf.sigmoid(fake_logits))))

            def generator_loss(fake_logits):
                return -tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))

            def cycle_consistency_loss(x, x_cycled):
                return tf.reduce_mean(tf.abs(x - x_cycled))
        """,
    },
    "numpy": {
        "vae.py": """
            import numpy as np

            def gaussian_kl(mu, log_var):
                return 0.5 * (1 + log_var - mu ** 2 - np.exp(log_var)).sum(-1)
        """,
        "divergences.py": """
            import numpy as np

            def kl_divergence(p, q, base=2):
                with np.errstate(all="ignore"):
                    terms = np.where(p > 0, np.where(q > 0, p * np.log(p / q), np.inf), 0.0)
                return terms.sum(-1)

            def js_divergence(p, q, base=2):
                m = (p + q) / 2
                def kl(a):
                    with np.errstate(all="ignore"):
                        return np.where(a > 0, a * np.log2(a / m), 0.0).sum(-1)
                return np.sqrt(0.5 * kl(p) + 0.5 * kl(q))
        """,
    },
}

EXPECTED = {
    "torch": {
        "reparameterize": "σ = exp(log σ²)",
        "gaussian_kl": "the ½ left out",
        "vae_loss": "KL summed over the batch",
        "kl_divergence": "NaN where p = 0",
        "js_divergence": "m = p + q",
        "discriminator_loss": "real and fake labels swapped",
        "generator_loss": "the saturating loss log(1 − D(G(z)))",
        "cycle_consistency_loss": "squared instead of absolute error",
    },
    "tensorflow": {
        "reparameterize": "σ = √(log σ²)",
        "gaussian_kl": "summed over the batch",
        "kl_divergence": "KL(q‖p) instead of KL(p‖q)",
        "js_divergence": "NaN where p = 0",
        "discriminator_loss": "log(sigmoid(x)) that overflows",
        "generator_loss": "log(sigmoid(x)) that overflows",
    },
    "numpy": {
        "gaussian_kl": "sign flipped",
        "kl_divergence": "natural log where base 2 is asked",
        "js_divergence": "square root taken (the JS distance)",
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["numpy", "torch", "tensorflow"])
def test_wrong_submissions_are_named_end_to_end(submission, backend):
    pytest.importorskip(backend)
    root = submission({f"lecture4/{name}": textwrap.dedent(source).lstrip()
                       for name, source in WRONG[backend].items()})
    result = grading.grade_lecture("lecture4", root, backend=backend, device="cpu",
                                   only=list(EXPECTED[backend]))
    got = {e.id.split(".", 1)[1]: (e.status, e.diagnosis and e.diagnosis["name"])
           for e in result.exercises}
    # A KL summed over the batch has the wrong shape: status error, still diagnosed.
    want = {name: ("error" if mistake == "summed over the batch" else "failed", mistake)
            for name, mistake in EXPECTED[backend].items()}
    assert got == want
    for e in result.exercises:
        assert f"Likely mistake: {e.diagnosis['name']}" in e.feedback

"""Lecture 4 GAN losses: the references agree with tf.nn.sigmoid_cross_entropy_with_logits (and
torch's binary_cross_entropy_with_logits) on every graded case, logits of ±1e4 included."""

from __future__ import annotations

import numpy as np
import pytest

from grader import catalog
from grader.grading import prepare
from reference.solutions.lecture4 import gan as ref


def _cases(name, dtype="float64"):
    lec = catalog.lecture("lecture4")
    ex = catalog.find_exercise(lec, name)
    return prepare(ex, catalog.check_for(ex), dtype)


def test_cases_reach_logits_of_1e4_both_ways():
    for name in ("discriminator_loss", "generator_loss"):
        logits = np.concatenate([a.ravel() for item in _cases(name) for a in item.args64])
        assert logits.max() == 1e4 and logits.min() == -1e4, name


def test_gan_losses_match_tensorflow():
    tf = pytest.importorskip("tensorflow")

    def bce(labels_value, logits):
        logits = tf.constant(logits)
        labels = tf.fill(tf.shape(logits), tf.constant(labels_value, logits.dtype))
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))

    for item in _cases("discriminator_loss"):
        real, fake = item.args64
        want = float(bce(1.0, real) + bce(0.0, fake))
        np.testing.assert_allclose(ref.discriminator_loss(real, fake), want, rtol=1e-12,
                                   err_msg=item.case.label)
    for item in _cases("generator_loss"):
        (fake,) = item.args64
        np.testing.assert_allclose(ref.generator_loss(fake), float(bce(1.0, fake)), rtol=1e-12,
                                   err_msg=item.case.label)


def test_gan_losses_match_torch():
    torch = pytest.importorskip("torch")
    from torch.nn.functional import binary_cross_entropy_with_logits as bce, l1_loss

    for item in _cases("discriminator_loss"):
        real, fake = (torch.from_numpy(a) for a in item.args64)
        want = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
        np.testing.assert_allclose(ref.discriminator_loss(*item.args64), want.item(), rtol=1e-12)
    for item in _cases("generator_loss"):
        fake = torch.from_numpy(item.args64[0])
        np.testing.assert_allclose(ref.generator_loss(*item.args64),
                                   bce(fake, torch.ones_like(fake)).item(), rtol=1e-12)
    for item in _cases("cycle_consistency_loss"):
        x, xc = (torch.from_numpy(a) for a in item.args64)
        np.testing.assert_allclose(ref.cycle_consistency_loss(*item.args64),
                                   l1_loss(xc, x).item(), rtol=1e-12)


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_softplus_is_exact_at_1e4_in_float32(backend):
    pytest.importorskip(backend)
    import backends

    b = backends.get(backend)
    x = b.to_native(np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4], dtype=np.float32))
    got = b.to_numpy(ref._softplus(x))
    np.testing.assert_allclose(got, [0.0, 0.0, np.log(2), 1000.0, 1e4], rtol=1e-7)

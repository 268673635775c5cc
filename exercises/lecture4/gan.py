"""Lecture 4 (deep generative models): generative adversarial networks.

A GAN trains two networks against each other: a generator G turns noise z into fake samples,
and a discriminator D scores samples, real (from the data) or fake (G(z)). Both losses are
binary cross-entropies on D's LOGITS (scores before the sigmoid), D(x) = σ(logit):
    -log σ(s)     = softplus(-s)          (the loss of a logit s labelled 1, "real")
    -log(1 - σ(s)) = softplus(s)           (the loss of a logit s labelled 0, "fake")
with softplus(s) = log(1 + e^s). tf.nn.sigmoid_cross_entropy_with_logits and torch's
F.binary_cross_entropy_with_logits compute exactly these terms.

Stability (graded for logits up to ±1e4): log(1 + e^s) overflows for s = 1e4, and log σ(s)
written as log(1 / (1 + e^-s)) is log 0 = -inf for s = -1e4. The stable form exponentiates
-|s| only:
    softplus(s) = max(s, 0) + log1p(e^(-|s|))      softplus(1e4) = 1e4, softplus(-1e4) = 0

CycleGAN translates between two domains without paired examples, with generators G: X -> Y and
F: Y -> X; the cycle-consistency loss asks that F(G(x)) give x back.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Logits have any shape, e.g. (N,) or (N, 1); losses are scalars (a 0-d array or a float).
"""
import numpy as np


def discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss: real samples labelled 1, fake ones 0.

        L_D = mean(softplus(-real_logits)) + mean(softplus(fake_logits))
            = -mean log D(x) - mean log(1 - D(G(z)))

    The mean of each term over its own batch (the two batches may differ in size), then the sum.

    Args:
        real_logits: D's logits on real samples, any shape.
        fake_logits: D's logits on generated samples, any shape.
    Returns:
        scalar.

    Example:
        real_logits = [2., -1.]:  softplus(-2) = 0.12692801, softplus(1) = 1.31326169
        fake_logits = [-1., 3.]:  softplus(-1) = 0.31326169, softplus(3) = 3.04858735
        L_D = 0.72009485 + 1.68092452 = 2.40101937
    """
    raise NotImplementedError


def generator_loss(fake_logits):
    """The generator's non-saturating loss: L_G = mean(softplus(-fake_logits)) = -mean log D(G(z)).

    The minimax game has G minimise log(1 - D(G(z))), which saturates: early in training D
    rejects fakes confidently, D(G(z)) ≈ 0, and that loss is flat there, so G gets almost no
    gradient. Maximising log D(G(z)) instead - labelling the fakes 1 in G's cross-entropy - has
    the same fixed point and strong gradients exactly when G is losing.

    Args:
        fake_logits: D's logits on generated samples, any shape.
    Returns:
        scalar.

    Example:
        fake_logits = [-1., 3.]:  softplus(1) = 1.31326169, softplus(-3) = 0.04858735
        L_G = 0.68092452
        fake_logits = [-1e4, 0.]:  (1e4 + 0.69314718) / 2 = 5000.34657359
    """
    raise NotImplementedError


def cycle_consistency_loss(x, x_cycled):
    """CycleGAN's cycle-consistency loss: the mean absolute error, mean |x - F(G(x))|.

    An L1 loss (absolute, not squared: it penalises large and small errors alike and gives
    sharper images), averaged over EVERY element - batch, channels and pixels.

    Args:
        x:        real samples, e.g. images (N, C, H, W).
        x_cycled: F(G(x)), the same shape.
    Returns:
        scalar.

    Example:
        x = [[0., 0.5], [1., -1.]], x_cycled = [[0.5, 0.5], [0., -1.]]
        |x - x_cycled| = [[0.5, 0.], [1., 0.]]  ->  0.375
    """
    raise NotImplementedError

"""Lecture 1 (foundations): quantifying loss.

The loss measures the cost of wrong predictions; the empirical loss (objective, cost function) is
its mean over the dataset. Mean squared error is for regression (real outputs), binary
cross-entropy for a probability output in (0, 1), softmax cross-entropy for K classes.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
A scalar result may be a 0-d array of the backend or a Python float. Logs are natural logs.
"""
import numpy as np


def mse_loss(y_hat, y):
    """Mean squared error: J = mean over ALL elements of (y - ŷ)².

    For (N, K) arrays that is (1 / (N·K)) Σ_i Σ_k (y_ik - ŷ_ik)² - the mean over the batch and
    over the outputs, not the sum over outputs.

    Args:
        y_hat: predictions, any shape.
        y:     targets, the same shape as y_hat.
    Returns:
        scalar (0-d array or float).

    Example:
        y_hat = [1., 2., 3.], y = [1., 0., 4.]
        squared errors [0., 4., 1.]  ->  J = 5 / 3 = 1.6666667
    """
    raise NotImplementedError


def binary_cross_entropy(p, y):
    """Mean binary cross-entropy: J = mean of -[y · log p + (1 - y) · log(1 - p)].

    Args:
        p: predicted probabilities of class 1, any shape; the grader's p lie in [1e-6, 1 - 1e-6].
        y: labels in {0, 1}, the same shape as p.
    Returns:
        scalar (0-d array or float): the mean over all elements.

    The exact value is asked for: do not clip p or add an epsilon inside the log (at p = 1e-6,
    log(p + 1e-7) is off by log 1.1 = 0.0953). For accuracy when p is close to 1, compute
    log(1 - p) as log1p(-p).

    Example:
        p = [0.9, 0.2], y = [1., 0.]
        terms: -log(0.9) = 0.10536052, -log(1 - 0.2) = 0.22314355
        J = (0.10536052 + 0.22314355) / 2 = 0.16425203
    """
    raise NotImplementedError


def softmax(logits):
    """Softmax over the LAST axis: softmax(z)_k = e^(z_k) / Σ_j e^(z_j).

    Args:
        logits: array of shape (..., K), e.g. (N, K) or (K,).
    Returns:
        array of the same shape; along the last axis the values are positive and sum to 1.

    Stability (graded for logits up to 1e4): e^1000 overflows to inf, and inf/inf = nan.
    Softmax does not change when a constant is subtracted from every logit, so subtract the
    maximum along the last axis first (keep the dimension so it broadcasts):
        z' = z - max_j z_j;   softmax(z) = e^(z') / Σ_j e^(z'_j)
    Now the largest exponent is e^0 = 1 and nothing overflows.

    Example:
        softmax([1., 2., 3.])       -> [0.09003057, 0.24472847, 0.66524096]
        softmax([[1000., 1000.]])   -> [[0.5, 0.5]]
    """
    raise NotImplementedError


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy: J = (1/N) Σ_i -log softmax(logits_i)[labels_i].

    Args:
        logits: (N, K) unnormalised scores.
        labels: (N,) integer class indices in 0..K-1.
    Returns:
        scalar (0-d array or float).

    Stability: do not take log(softmax(...)) - a probability that underflows to 0 gives
    log 0 = -inf. Use the log-sum-exp form, with m_i = max_k logits_ik:
        -log softmax(z)[y] = log Σ_k e^(z_k) - z_y = m + log Σ_k e^(z_k - m) - z_y
    Pick z_y for each row with an integer gather (take_along_axis / gather) or a one-hot mask.

    Example:
        logits = [[2., 1., 0.], [0., 0., 0.]], labels = [0, 2]
        row 0: log(e² + e¹ + e⁰) - 2 = 0.40760596;   row 1: log 3 - 0 = 1.09861229
        J = (0.40760596 + 1.09861229) / 2 = 0.75310913
    """
    raise NotImplementedError

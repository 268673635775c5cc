"""Lecture 4 (deep generative models): an autoencoder.

An autoencoder learns a low-dimensional latent code z of its input without labels: an encoder
maps x to z, a decoder maps z back to a reconstruction x̂, and training minimises how far x̂ is
from x. The bottleneck (z smaller than x) forces the code to keep what matters.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Batch first, row vectors: x is (N, D), a dense layer is x @ W + b with W (D_in, D_out).
"""
import numpy as np


def autoencoder_forward(x, W_enc, b_enc, W_dec, b_dec):
    """One-layer encoder and decoder: z = relu(x @ W_enc + b_enc), x̂ = σ(z @ W_dec + b_dec).

    Args:
        x:     (N, D) inputs, e.g. pixel intensities in [0, 1].
        W_enc: (D, L) encoder weights;  b_enc: (L,) encoder bias.
        W_dec: (L, D) decoder weights;  b_dec: (D,) decoder bias.
    Returns:
        a tuple (z, x_hat): the code z, shape (N, L), and the reconstruction x_hat, shape (N, D),
        in that order.

    The output sigmoid keeps x̂ in (0, 1), like the pixels it reconstructs. Stability (graded with
    decoder pre-activations of ±1000): σ(a) = e^a / (1 + e^a) gives inf/inf = nan for a = 1000.
    With e = e^(-|a|), use σ(a) = 1/(1 + e) where a >= 0 and e/(1 + e) where a < 0.

    Example:
        x = [[1., 2.]], W_enc = [[1., -1.], [0.5, 1.]], b_enc = [0., -2.]
        x @ W_enc + b_enc = [[2., -1.]]  ->  z = relu(...) = [[2., 0.]]
        W_dec = [[1., -2.], [0., 1.]], b_dec = [0., 0.5]
        z @ W_dec + b_dec = [[2., -3.5]]  ->  x_hat = [[0.88079708, 0.02931223]]
    """
    raise NotImplementedError


def reconstruction_loss(x, x_hat):
    """Squared error per example, averaged over the batch: (1/N) Σ_i ‖x_i - x̂_i‖².

    ‖x_i - x̂_i‖² is summed over EVERY axis but the first (features, or height × width for
    images); then the mean over the N examples. This is not the mean over all elements: it is
    that mean times the number of features per example.

    Args:
        x:     (N, ...) inputs.
        x_hat: reconstructions, the same shape.
    Returns:
        scalar (0-d array or float).

    Example:
        x = [[1., 0., 1.], [0., 1., 0.]], x_hat = [[0.5, 0., 1.], [0., 0., 0.]]
        per example: 0.25 and 1.0  ->  loss = 1.25 / 2 = 0.625
    """
    raise NotImplementedError

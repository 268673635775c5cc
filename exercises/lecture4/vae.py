"""Lecture 4 (deep generative models): the variational autoencoder (VAE).

A VAE's encoder does not output a code z but a distribution over codes: a diagonal Gaussian
q(z|x) = N(μ, σ²) per example. The decoder reconstructs x from a sample z of it, and the loss
adds to the reconstruction error a regulariser, KL(q(z|x) ‖ N(0, I)), that keeps the latent
space smooth and close to the prior, so that decoding a z drawn from N(0, I) gives a plausible x.

Why the encoder outputs log σ² (log_var) and not σ: a network's output is any real number, but
a standard deviation must be positive. log σ² is unconstrained; σ² = exp(log σ²) and
σ = exp(½·log σ²) are then positive by construction, and the log scale lets the net express
variances from 1e-9 to 1e9 with outputs of moderate size. So every function here takes log_var:
    σ² = exp(log_var),   σ = exp(log_var / 2)   (not exp(log_var), not √log_var).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
mu and log_var are (N, L): one row per example, one column per latent dimension.
"""
import numpy as np


def reparameterize(mu, log_var, eps):
    """The reparameterization trick: z = μ + σ ⊙ ε, with σ = exp(½·log_var).

    Sampling z ~ N(μ, σ²) directly is a random draw that backpropagation cannot go through.
    The trick moves the randomness into ε ~ N(0, 1), drawn outside the network, and makes z a
    plain differentiable function of μ and log σ²:
        ∂z/∂μ = 1,        ∂z/∂log σ² = ½·σ·ε
    so the gradients of the loss reach the encoder. That is what this exercise is for: write z
    with your framework's differentiable ops on mu and log_var themselves (no .detach(),
    tf.stop_gradient, .numpy() round trip or in-place update), and use the eps you are given:
    do not draw noise of your own (the grader gives ε so that z is deterministic).

    Args:
        mu:      (N, L) means.
        log_var: (N, L) log-variances log σ², any real numbers (graded from -30 to 30).
        eps:     (N, L) standard normal noise.
    Returns:
        z: (N, L).

    Example:
        mu = [0., 1., -1.], log_var = [0., 2., -2.], eps = [1., -1., 0.5]
        σ = exp(log_var / 2) = [1., 2.71828183, 0.36787944]
        z = [1., -1.71828183, -0.81606028]
        and autodiff of sum(z): ∂/∂mu = [1., 1., 1.], ∂/∂log_var = [0.5, -1.35914091, 0.09196986]
    """
    raise NotImplementedError


def gaussian_kl(mu, log_var):
    """KL(N(μ, σ²) ‖ N(0, 1)) per example, summed over the latent dimensions:

        KL_i = -½ Σ_j (1 + log σ_ij² - μ_ij² - σ_ij²),      σ_ij² = exp(log_var_ij)

    This is the closed form for a diagonal Gaussian against the standard normal prior; each
    dimension contributes ½(σ² + μ² - 1 - log σ²), which is >= 0 and is 0 only at μ = 0, σ = 1.
    If your notes show it differently (without the ½, with the opposite sign, or with σ where
    σ² belongs), use this form: those variants are graded as mistakes.

    Args:
        mu:      (N, L) means.
        log_var: (N, L) log-variances (graded from -20 to 20).
    Returns:
        (N,): one KL per example - not summed or averaged over the batch.

    Example:
        mu = [[0., 0.], [1., -1.], [0.5, 0.]], log_var = [[0., 0.], [0., 0.], [1., -1.]]
        row 0: the prior itself, KL = 0
        row 1: -½ ((1 + 0 - 1 - 1) + (1 + 0 - 1 - 1)) = 1
        row 2: -½ ((1 + 1 - 0.25 - e) + (1 - 1 - 0 - e^-1)) = 0.66808063
        -> [0., 1., 0.66808063]
    """
    raise NotImplementedError


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    """The VAE loss (the negative ELBO, with a β-VAE weight), averaged over the batch:

        L = (1/N) Σ_i [ ‖x_i - x̂_i‖² + β · KL_i ]

    ‖x_i - x̂_i‖² is summed over every non-batch axis (as in reconstruction_loss) and KL_i is
    gaussian_kl's per-example value. β = 1 is the plain VAE; β > 1 (a β-VAE) trades
    reconstruction for a more disentangled latent space. β weights the KL term only.

    Args:
        x, x_hat: (N, ...) inputs and reconstructions.
        mu, log_var: (N, L) the encoder's outputs.
        beta: the weight of the KL term (a Python float).
    Returns:
        scalar (0-d array or float).

    Example:
        x = [[1., 0.], [0., 1.]], x_hat = [[0.5, 0.], [0., 0.]]
        mu = [[0., 0.], [1., -1.]], log_var = [[0., 0.], [0., 0.]]
        squared errors per example [0.25, 1.], KL per example [0., 1.]
        beta = 1:   L = ((0.25 + 0) + (1 + 1)) / 2 = 1.125
        beta = 0.5: L = ((0.25 + 0) + (1 + 0.5)) / 2 = 0.875
    """
    raise NotImplementedError

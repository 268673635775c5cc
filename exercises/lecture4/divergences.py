"""Lecture 4 (deep generative models): divergences between distributions.

Generative models are trained to make the distribution of their samples match the data's, and
a divergence measures how far apart two distributions are. The KL divergence is what a VAE's
regulariser and maximum likelihood minimise; the Jensen-Shannon divergence is what the original
GAN's minimax game minimises (at the optimal discriminator, the generator's loss is 2·JS - log 4
in nats).

Here p and q are discrete distributions: arrays whose LAST axis holds probabilities (non-negative,
summing to 1); leading axes are a batch. Both results are one number per distribution pair, of
shape p.shape[:-1] (a 0-d array, or a float, for single vectors).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
"""
import numpy as np


def kl_divergence(p, q, base=2):
    """KL(p ‖ q) = Σ_k p_k · log_base(p_k / q_k), over the last axis.

    log_base(x) = ln(x) / ln(base): base 2 (the default) measures in bits, base e in nats.
    KL is not symmetric: the weights are p's. Its value is >= 0, and 0 when p = q.

    Zeros (graded), scipy.special.rel_entr's conventions:
      - p_k = 0: the term is 0, whatever q_k (the limit of x·log x is 0). Written as is,
        0 · log(0 / q) = 0 · (-inf) = nan: select the term with where(p > 0, ..., 0), and
        replace the zeros inside the log too (log(where(p > 0, p, 1))), so that no log 0 is
        computed at all: NumPy warns about it, and under autodiff its nan leaks through where().
      - p_k > 0 and q_k = 0: the term, and the KL, are +inf (q calls impossible what p says
        happens). Return inf; no epsilon, no clipping.

    Args:
        p, q: (..., K) probability vectors, the same shape.
        base: the base of the logarithm (a Python number).
    Returns:
        (...,): one KL per pair of distributions.

    Example:
        p = [0.5, 0.5], q = [0.9, 0.1], base 2:
        0.5·log2(0.5/0.9) + 0.5·log2(0.5/0.1) = -0.42399845 + 1.16096405 = 0.73696559
        KL(q ‖ p) = 0.53100441 instead; in base e, KL(p ‖ q) = 0.51082562
        p = [0.5, 0.5, 0.], q = [0.25, 0.25, 0.5]  ->  1.0;     q = [1., 0., 0.]  ->  inf
    """
    raise NotImplementedError


def js_divergence(p, q, base=2):
    """Jensen-Shannon divergence: JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),  m = (p + q) / 2.

    Symmetric, always finite (m_k > 0 wherever p_k or q_k is, so no q = 0 problem), and in
    [0, 1] in base 2: 0 for p = q, 1 for distributions with disjoint supports. Zeros in p or q
    follow the KL rule: those terms are 0. m is the average (p + q)/2, not the sum.

    scipy.spatial.distance.jensenshannon returns √JS (the Jensen-Shannon distance, a metric):
    this exercise asks for the divergence, with no square root.

    Args:
        p, q: (..., K) probability vectors, the same shape.
        base: the base of the logarithm (a Python number).
    Returns:
        (...,): one JS divergence per pair.

    Example:
        p = [0.5, 0.5], q = [0.9, 0.1]: m = [0.7, 0.3]
        ½ KL(p ‖ m) = 0.06288469, ½ KL(q ‖ m) = 0.08390841  ->  JS = 0.14679310
        (scipy's jensenshannon gives √0.14679310 = 0.38313588)
        p = [1., 0.], q = [0., 1.]  ->  1.0
    """
    raise NotImplementedError

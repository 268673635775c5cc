"""Lecture 1 (foundations): the lecture's running example - "Will I pass this class?"

Two features per student - the number of lectures attended and the hours spent on the final
project - and a label: passed (1) or failed (0). You put the lecture together: a perceptron
(sigmoid output), the binary cross-entropy loss, its gradient, and gradient descent.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of X
(a Python float is accepted for the scalar w0).
"""
import numpy as np


def train_pass_predictor(X, y, lr, epochs):
    """Train a perceptron ŷ = σ(w0 + X @ w) by full-batch gradient descent on the mean BCE.

        p = σ(w0 + X @ w);  J = mean of -[y log p + (1 - y) log(1 - p)]
        ∂J/∂w = Xᵀ (p - y) / N,   ∂J/∂w0 = mean(p - y)
        w ← w - lr · ∂J/∂w,       w0 ← w0 - lr · ∂J/∂w0
    Start e.g. from zeros and take `epochs` such full-batch steps. For instance with
    X = [[1., 2.], [3., 4.]], y = [1., 0.], w = [0., 0.], w0 = 0:
    p = [0.5, 0.5], ∂J/∂w = [0.5, 0.5], ∂J/∂w0 = 0.

    The two features have very different scales, so standardising X inside is allowed and
    recommended: Xs = (X - μ) / s (μ, s: per-column mean and standard deviation of X). But the
    (w, w0) you return must act on RAW X. If you trained (ws, w0s) on Xs, convert back with
        w = ws / s,   w0 = w0s - Σ_j μ_j ws_j / s_j
    e.g. μ = [10, 20], s = [2, 5], ws = [1, 2], w0s = 0.5  ->  w = [0.5, 0.4], w0 = -12.5.

    Args:
        X: (N, 2) float, columns = lectures attended, project hours (raw units).
        y: (N,) labels in {0, 1}.
        lr: learning rate (Python float); epochs: number of gradient steps (Python int).
    Returns:
        (w, w0): w a (2,) array, w0 a scalar. σ(w0 + X @ w) > 0.5 predicts a pass.
    Graded by accuracy >= 0.9 on held-out data that the grader draws.
    """
    raise NotImplementedError

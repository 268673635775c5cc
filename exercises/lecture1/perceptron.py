"""Lecture 1 (foundations): the perceptron, dense layers and a one-hidden-layer network.

Forward propagation: a perceptron takes a weighted sum of its inputs plus a bias and applies a
non-linearity; a dense layer is many perceptrons side by side; stacking dense layers with a
non-linearity in between gives a multi-layer perceptron.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Batch first, row vectors: x is (N, D) - one example per row - and a dense layer is x @ W + b with
W (D_in, D_out) and b (D_out,).
"""
import numpy as np


def perceptron(x, w, w0):
    """Single-output perceptron with a sigmoid: ŷ = σ(w0 + x @ w).

    For one example (a row x_i): ŷ_i = σ(w0 + Σ_j x_ij w_j) - a weighted sum of the m inputs,
    plus the bias w0, through the sigmoid non-linearity g = σ.

    Args:
        x:  (N, m) inputs, one example per row.
        w:  (m,) weights.
        w0: scalar bias.
    Returns:
        (N,) array of probabilities in (0, 1).

    Use a numerically stable sigmoid (see activations.py): large |w0 + x @ w| must not give nan.

    Example:
        x = [[1., 2.], [3., 0.]], w = [0.5, -0.25], w0 = -1.
        z = w0 + x @ w = [-1 + 0.5 - 0.5, -1 + 1.5] = [-1., 0.5]
        ŷ = σ(z)       = [0.26894142, 0.62245933]
    """
    raise NotImplementedError


def dense(x, W, b):
    """Dense (fully connected) layer, before the activation: z = x @ W + b.

    This is the multi-output perceptron: output unit j computes z_j = b_j + Σ_i x_i W_ij.
    The bias b (n,) is broadcast over the N rows.

    Args:
        x: (N, d) inputs.
        W: (d, n) weights.
        b: (n,) biases.
    Returns:
        (N, n) pre-activations z (no non-linearity applied).

    Example:
        x = [[1., 2.]], W = [[1., 0., -1.],
                             [2., 1.,  0.]], b = [0., 1., 2.]
        x @ W = [[5., 2., -1.]];  z = x @ W + b = [[5., 3., 1.]]
    """
    raise NotImplementedError


def mlp_forward(x, W1, b1, W2, b2):
    """Forward pass of a network with one hidden layer: ŷ = relu(x @ W1 + b1) @ W2 + b2.

        hidden layer:  h = relu(x @ W1 + b1)      (N, H)
        output layer:  ŷ = h @ W2 + b2            (N, K)  - no activation on the output

    Args:
        x:  (N, D) inputs.
        W1: (D, H), b1: (H,)  hidden-layer weights and biases.
        W2: (H, K), b2: (K,)  output-layer weights and biases.
    Returns:
        (N, K) outputs ŷ.

    Example:
        x = [[1., -1.]], W1 = [[1., -1.], [1., 1.]], b1 = [1., 0.], W2 = [[2.], [3.]], b2 = [0.5]
        x @ W1 + b1 = [[0., -2.]] + [1., 0.] = [[1., -2.]];  h = relu(...) = [[1., 0.]]
        ŷ = h @ W2 + b2 = [[2. + 0.5]] = [[2.5]]
    """
    raise NotImplementedError

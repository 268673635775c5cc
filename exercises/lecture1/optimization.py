"""Lecture 1 (foundations): training - gradient descent and backpropagation.

Training looks for the weights W* = argmin_W J(W): start somewhere, compute the gradient ∂J/∂W,
take a small step against it, repeat. Backpropagation computes the gradient with the chain rule,
layer by layer from the output back to the input; mini-batches estimate it from B examples.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
A scalar result may be a 0-d array of the backend or a Python float.
"""
import numpy as np


def gradient_descent_step(w, dw, lr):
    """One step of gradient descent: w' = w - lr · dw.

    Args:
        w:  parameters, any shape.
        dw: the gradient ∂J/∂w, the same shape as w.
        lr: learning rate η, a positive Python float.
    Returns:
        the new parameters w', w's shape. Return a new array; do not modify w in place.

    Example:
        w = [1., 2.], dw = [0.5, -1.], lr = 0.1
        w' = [1 - 0.05, 2 + 0.1] = [0.95, 2.1]
    """
    raise NotImplementedError


def numerical_gradient(f, w, h=1e-5):
    """Gradient of f at w by central differences, for every element of w.

        ∂f/∂w_i ≈ (f(w + h·e_i) - f(w - h·e_i)) / (2h)

    e_i is the array with a 1 at element i and 0 elsewhere (w may have any shape; loop over its
    elements, e.g. over a flattened copy, and reshape back). This is how gradient code is checked:
    the error is O(h²) instead of O(h) for the one-sided difference.

    Args:
        f: function defined by the grader; takes an array of w's shape and backend and returns a
           scalar (0-d array or float) - convert with float(...) if convenient.
        w: float64 array, any shape. Do not leave it modified (perturb a copy).
        h: step size.
    Returns:
        float64 array of w's shape.

    Example:
        f(w) = Σ w², w = [1., -2.]  ->  [2., -4.]   (exact gradient 2w)
        element 0: ((1 + h)² - (1 - h)²) / (2h) = 4h / 2h = 2
    """
    raise NotImplementedError


def minibatch_gradient(per_example_grads):
    """Mini-batch gradient: the mean of the per-example gradients.

        ∂J/∂W = (1/B) Σ_k ∂J_k/∂W      (k = 1..B, the examples of the mini-batch)

    Args:
        per_example_grads: (B, ...) array; entry k (along axis 0) is the gradient of example k's
            loss J_k, e.g. (B, D_in, D_out) for a weight matrix.
    Returns:
        array of shape (...) - the mean over axis 0.

    Example:
        per_example_grads = [[1., 2.], [3., 4.], [5., 0.]]  (B = 3)
        -> [(1 + 3 + 5) / 3, (2 + 4 + 0) / 3] = [3., 2.]
    """
    raise NotImplementedError


def two_layer_backward(x, y, W1, b1, W2, b2):
    """BY HAND: loss and gradients of a two-layer network with a sigmoid hidden layer.

    Forward:  a = x @ W1 + b1,  h = σ(a),  ŷ = h @ W2 + b2,
              J = mean over all N·K elements of (ŷ - y)²
    Backward (chain rule, from the loss back to the input):
        dŷ  = 2 (ŷ - y) / (N·K)          (N, K)
        dW2 = hᵀ @ dŷ,   db2 = Σ_rows dŷ
        dh  = dŷ @ W2ᵀ,  da  = dh · h · (1 - h)     (σ'(a) = σ(a)(1 - σ(a)), elementwise)
        dW1 = xᵀ @ da,   db1 = Σ_rows da
    Do NOT use autodiff (torch.autograd, tf.GradientTape): under PyTorch and TensorFlow it is
    unavailable here and using it is reported. Use a stable sigmoid.

    Args: x (N, D), y (N, K), W1 (D, H), b1 (H,), W2 (H, K), b2 (K,).
    Returns:
        (J, grads): J a scalar (0-d array or float); grads a dict with keys "W1", "b1", "W2",
        "b2", each the gradient of J, with the shape of that parameter.

    Example:
        x = [[1., 2.]], y = [[0.]], W1 = [[0.], [0.]], b1 = [0.], W2 = [[2.]], b2 = [0.]
        a = [[0.]], h = [[0.5]], ŷ = [[1.]], J = 1.;  dŷ = [[2.]]
        dW2 = [[1.]], db2 = [2.], dh = [[4.]], da = [[1.]], dW1 = [[1.], [2.]], db1 = [1.]
    """
    raise NotImplementedError

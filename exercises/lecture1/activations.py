"""Lecture 1 (foundations): activation functions and their derivatives.

The perceptron computes ŷ = g(w0 + x @ w); g is a non-linear activation. Here you write the three
activations of the lecture (sigmoid, tanh, ReLU) and their derivatives, which backpropagation needs.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the input.
Every function here is elementwise: the result has the shape of z.
"""
import numpy as np


def sigmoid(z):
    """Logistic sigmoid, elementwise: σ(z) = 1 / (1 + e^(-z)), with values in (0, 1).

    Args:
        z: array of any shape (float).
    Returns:
        array of z's shape and dtype.

    Stability (graded for |z| up to 1e4): for z = -1000, e^(-z) = e^1000 overflows to inf.
    Never exponentiate a large positive number. With e = e^(-|z|), which is in (0, 1]:
        σ(z) = 1 / (1 + e)      where z >= 0
        σ(z) = e / (1 + e)      where z <  0   (the same as e^z / (1 + e^z))
    and select between them with a where() of your backend.

    Example:
        sigmoid([-1000., -1., 0., 2.]) -> [0., 0.26894142, 0.5, 0.88079708]
        (no nan, no inf, no overflow warning)
    """
    raise NotImplementedError


def tanh(z):
    """Hyperbolic tangent, elementwise: tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)), in (-1, 1).

    Args:
        z: array of any shape (float).
    Returns:
        array of z's shape and dtype.

    Stability (graded for |z| up to 1e4): the formula as written gives inf/inf = nan for
    z = 1000. Equivalent forms that avoid it:
        tanh(z) = 1 - 2 / (e^(2z) + 1)          (right values, but e^(2z) overflows to inf
                                                 for large z: NumPy warns)
        tanh(z) = sign(z) · (1 - e) / (1 + e),  e = e^(-2|z|)   (the sign trick: no overflow)
    tanh is odd (tanh(-z) = -tanh(z)), which is why the sign trick works.

    Example:
        tanh([-1000., 0., 1.]) -> [-1., 0., 0.76159416]
    """
    raise NotImplementedError


def relu(z):
    """Rectified linear unit, elementwise: relu(z) = max(0, z).

    Args:
        z: array of any shape (float).
    Returns:
        array of z's shape and dtype (not an integer or boolean array).

    Example:
        relu([-2., 0., 3.]) -> [0., 0., 3.]
    """
    raise NotImplementedError


def sigmoid_grad(z):
    """Derivative of the sigmoid, elementwise: dσ/dz = σ(z) · (1 - σ(z)).

    Args:
        z: array of any shape (float) - the PRE-activation, not σ(z).
    Returns:
        array of z's shape and dtype, values in (0, 0.25].

    Compute σ(z) with your stable sigmoid above, so that z = ±1000 gives 0, not nan.

    Example:
        sigmoid_grad([0., 2., -1000.]) -> [0.25, 0.10499359, 0.]
        (σ(2) = 0.88079708, and 0.88079708 · 0.11920292 = 0.10499359)
    """
    raise NotImplementedError


def tanh_grad(z):
    """Derivative of tanh, elementwise: d tanh/dz = 1 - tanh²(z).

    Args:
        z: array of any shape (float) - the PRE-activation, not tanh(z).
    Returns:
        array of z's shape and dtype, values in (0, 1].

    Compute tanh(z) with your stable tanh above, so that z = ±1000 gives 0, not nan.

    Example:
        tanh_grad([0., 1., 1000.]) -> [1., 0.41997434, 0.]
        (tanh(1) = 0.76159416, and 1 - 0.76159416² = 0.41997434)
    """
    raise NotImplementedError


def relu_grad(z):
    """Derivative of ReLU, elementwise: 1 where z > 0, else 0 (we take 0 at z = 0).

    Args:
        z: array of any shape (float).
    Returns:
        array of z's shape with the values 1.0 and 0.0 in z's float dtype
        (not a boolean array: convert the comparison z > 0 to z's dtype).

    Example:
        relu_grad([-2., 0., 3.]) -> [0., 0., 1.]
    """
    raise NotImplementedError

"""Lecture 1 (foundations): adaptive learning rates - gradient descent algorithms.

Plain SGD uses one fixed learning rate. The optimizers here keep running statistics of past
gradients (the state: v, cache, m, ...) and use them to adapt each step: Momentum, Adagrad,
RMSProp, Adadelta and Adam. Each function performs ONE step: it takes the parameters, their
gradient and the current state, and returns the new parameters and the new state. Every operation
is elementwise; the state arrays have w's shape (start them at zeros).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Return new arrays; do not modify the arguments in place. Hyperparameters are Python numbers.
"""
import numpy as np


def momentum_step(w, dw, v, lr, beta=0.9):
    """SGD with momentum: a velocity accumulates past gradients.

        v' = β · v + dw
        w' = w - lr · v'

    Args:
        w, dw, v: parameters, gradient and velocity, all the same shape.
        lr: learning rate; beta: momentum coefficient β.
    Returns:
        (w', v') - a tuple.

    Example:
        w = [1.], dw = [0.5], v = [0.2], lr = 0.1, beta = 0.9
        v' = 0.9 · 0.2 + 0.5 = [0.68];  w' = 1 - 0.1 · 0.68 = [0.932]
    """
    raise NotImplementedError


def adagrad_step(w, dw, cache, lr, eps=1e-8):
    """Adagrad: each parameter's step is divided by the root of its summed squared gradients.

        cache' = cache + dw²
        w'     = w - lr · dw / (√cache' + eps)

    Parameters with large past gradients get smaller steps; eps avoids division by zero.

    Args:
        w, dw, cache: parameters, gradient and sum of squared gradients, all the same shape.
        lr: learning rate; eps: small constant (added after the square root).
    Returns:
        (w', cache') - a tuple.

    Example:
        w = [1.], dw = [2.], cache = [0.], lr = 0.1
        cache' = [4.];  w' = 1 - 0.1 · 2 / (2 + 1e-8) = [0.9000000005]
    """
    raise NotImplementedError


def rmsprop_step(w, dw, cache, lr, decay=0.99, eps=1e-8):
    """RMSProp: like Adagrad, but with an exponential moving average of squared gradients.

        cache' = decay · cache + (1 - decay) · dw²
        w'     = w - lr · dw / (√cache' + eps)

    Args:
        w, dw, cache: parameters, gradient and running mean of dw², all the same shape.
        lr: learning rate; decay: averaging coefficient; eps: small constant (after the root).
    Returns:
        (w', cache') - a tuple.

    Example:
        w = [1.], dw = [2.], cache = [0.], lr = 0.01, decay = 0.99
        cache' = 0.01 · 4 = [0.04];  √cache' = 0.2
        w' = 1 - 0.01 · 2 / (0.2 + 1e-8) = [0.900000005]
    """
    raise NotImplementedError


def adadelta_step(w, dw, eg2, edx2, rho=0.9, eps=1e-6, lr=1.0):
    """Adadelta: the step size comes from running averages of squared gradients AND squared steps.

        eg2'  = ρ · eg2 + (1 - ρ) · dw²
        Δ     = -√(edx2 + eps) / √(eg2' + eps) · dw      (uses the OLD edx2)
        edx2' = ρ · edx2 + (1 - ρ) · Δ²
        w'    = w + lr · Δ

    Note eps is inside both square roots here, and lr = 1.0 by default (Adadelta needs none).

    Args:
        w, dw, eg2, edx2: parameters, gradient, running mean of dw², running mean of Δ²
            (all the same shape).
        rho: averaging coefficient ρ; eps: small constant; lr: multiplier of the step.
    Returns:
        (w', eg2', edx2') - a tuple.

    Example:
        w = [1.], dw = [2.], eg2 = [0.], edx2 = [0.], defaults
        eg2' = [0.4];  Δ = -√1e-6 / √0.400001 · 2 = -0.0031622737
        edx2' = 0.1 · Δ² = [9.999975e-07];  w' = [0.99683773]
    """
    raise NotImplementedError


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam: momentum (first moment m) + RMSProp (second moment v), with bias correction.

        m' = β1 · m + (1 - β1) · dw
        v' = β2 · v + (1 - β2) · dw²
        m̂  = m' / (1 - β1^t),   v̂ = v' / (1 - β2^t)      (bias correction: m, v start at 0)
        w' = w - lr · m̂ / (√v̂ + eps)

    t ≥ 1 is the number of THIS step (1 on the first call), a Python int. Return the
    uncorrected m', v' as the new state, not m̂, v̂.

    Args:
        w, dw, m, v: parameters, gradient, first and second moment, all the same shape.
        t: step number; lr, beta1, beta2, eps: hyperparameters.
    Returns:
        (w', m', v') - a tuple.

    Example (first step: its size is about lr whatever the gradient's scale):
        w = [1.], dw = [2.], m = v = [0.], t = 1, lr = 0.1
        m' = [0.2], v' = [0.004];  m̂ = 2, v̂ = 4
        w' = 1 - 0.1 · 2 / (2 + 1e-8) = [0.9000000005]
    """
    raise NotImplementedError

"""Reference solutions: the perceptron and dense layers."""

from backends import array_namespace


def _sigmoid(z):
    xp = array_namespace(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))


def perceptron(x, w, w0):
    xp = array_namespace(x, w)
    return _sigmoid(w0 + xp.matmul(x, w))


def dense(x, W, b):
    xp = array_namespace(x, W)
    return xp.matmul(x, W) + b


def mlp_forward(x, W1, b1, W2, b2):
    xp = array_namespace(x, W1)
    z1 = xp.matmul(x, W1) + b1
    h = xp.where(z1 > 0, z1, xp.zeros_like(z1))
    return xp.matmul(h, W2) + b2

"""Reference solutions: activations. Written against `backends.array_namespace`, so a copy of
this file is a full-marks submission under any backend."""

from backends import array_namespace


def sigmoid(z):
    xp = array_namespace(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(z):
    xp = array_namespace(z)
    e = xp.exp(-2 * xp.abs(z))
    return xp.sign(z) * ((1 - e) / (1 + e))


def relu(z):
    xp = array_namespace(z)
    return xp.where(z > 0, z, xp.zeros_like(z))


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh_grad(z):
    t = tanh(z)
    return 1 - t * t


def relu_grad(z):
    xp = array_namespace(z)
    return xp.where(z > 0, xp.ones_like(z), xp.zeros_like(z))

"""Reference solutions: the autoencoder. Written against `backends.array_namespace`, so a copy
of this file is a full-marks submission under any backend."""

from backends import array_namespace


def _sigmoid(z):
    xp = array_namespace(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))


def autoencoder_forward(x, W_enc, b_enc, W_dec, b_dec):
    xp = array_namespace(x, W_enc)
    a = xp.matmul(x, W_enc) + b_enc
    z = xp.where(a > 0, a, xp.zeros_like(a))
    x_hat = _sigmoid(xp.matmul(z, W_dec) + b_dec)
    return z, x_hat


def reconstruction_loss(x, x_hat):
    xp = array_namespace(x, x_hat)
    d = x - x_hat
    return xp.sum(d * d) / xp.shape(x)[0]

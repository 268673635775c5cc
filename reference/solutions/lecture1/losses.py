"""Reference solutions: losses and softmax."""

from backends import array_namespace


def mse_loss(y_hat, y):
    xp = array_namespace(y_hat, y)
    d = y - y_hat
    return xp.mean(d * d)


def binary_cross_entropy(p, y):
    xp = array_namespace(p, y)
    return -xp.mean(y * xp.log(p) + (1 - y) * xp.log1p(-p))


def softmax(logits):
    xp = array_namespace(logits)
    e = xp.exp(logits - xp.max(logits, axis=-1, keepdims=True))
    return e / xp.sum(e, axis=-1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    xp = array_namespace(logits)
    return xp.mean(xp.logsumexp(logits, axis=-1) - xp.take_along_last(logits, labels))

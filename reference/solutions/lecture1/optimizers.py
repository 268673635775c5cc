"""Reference solutions: optimizer steps."""

from backends import array_namespace


def momentum_step(w, dw, v, lr, beta=0.9):
    v_new = beta * v + dw
    return w - lr * v_new, v_new


def adagrad_step(w, dw, cache, lr, eps=1e-8):
    xp = array_namespace(w)
    cache_new = cache + dw * dw
    return w - lr * dw / (xp.sqrt(cache_new) + eps), cache_new


def rmsprop_step(w, dw, cache, lr, decay=0.99, eps=1e-8):
    xp = array_namespace(w)
    cache_new = decay * cache + (1 - decay) * dw * dw
    return w - lr * dw / (xp.sqrt(cache_new) + eps), cache_new


def adadelta_step(w, dw, eg2, edx2, rho=0.9, eps=1e-6, lr=1.0):
    xp = array_namespace(w)
    eg2_new = rho * eg2 + (1 - rho) * dw * dw
    delta = -xp.sqrt(edx2 + eps) / xp.sqrt(eg2_new + eps) * dw
    edx2_new = rho * edx2 + (1 - rho) * delta * delta
    return w + lr * delta, eg2_new, edx2_new


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    xp = array_namespace(w)
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    return w - lr * m_hat / (xp.sqrt(v_hat) + eps), m_new, v_new

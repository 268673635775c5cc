"""Reference solutions: recurrent neural networks, backpropagation through time, clipping."""

from backends import array_namespace


def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    xp = array_namespace(x_t, W_xh)
    return xp.tanh(xp.matmul(x_t, W_xh) + xp.matmul(h_prev, W_hh) + b_h)


def rnn_output(h_t, W_hy, b_y):
    xp = array_namespace(h_t, W_hy)
    return xp.matmul(h_t, W_hy) + b_y


def rnn_forward(x, h0, W_xh, W_hh, b_h):
    xp = array_namespace(x, W_xh)
    h = h0
    hs = []
    for t in range(xp.shape(x)[1]):
        h = rnn_step(x[:, t, :], h, W_xh, W_hh, b_h)
        hs.append(h)
    return xp.stack(hs, axis=1)


def rnn_backward(x, h0, W_xh, W_hh, b_h, dhs):
    xp = array_namespace(x, W_xh)
    hs = rnn_forward(x, h0, W_xh, W_hh, b_h)
    W_xh_T, W_hh_T = xp.transpose(W_xh), xp.transpose(W_hh)
    dW_xh, dW_hh, db_h = xp.zeros_like(W_xh), xp.zeros_like(W_hh), xp.zeros_like(b_h)
    dh_next = xp.zeros_like(h0)  # ∂L/∂h_t through h_{t+1}: the recurrent term
    dxs = []
    for t in reversed(range(xp.shape(x)[1])):
        h_t = hs[:, t, :]
        h_prev = hs[:, t - 1, :] if t > 0 else h0
        dz = (dhs[:, t, :] + dh_next) * (1 - h_t * h_t)
        dxs.append(xp.matmul(dz, W_xh_T))
        dW_xh = dW_xh + xp.matmul(xp.transpose(x[:, t, :]), dz)
        dW_hh = dW_hh + xp.matmul(xp.transpose(h_prev), dz)
        db_h = db_h + xp.sum(dz, axis=0)
        dh_next = xp.matmul(dz, W_hh_T)
    return {"x": xp.stack(dxs[::-1], axis=1), "h0": dh_next, "W_xh": dW_xh, "W_hh": dW_hh,
            "b_h": db_h}


def sequence_loss(logits, targets):
    xp = array_namespace(logits)
    per_step = xp.logsumexp(logits, axis=-1) - xp.take_along_last(logits, targets)
    return xp.sum(per_step) / xp.shape(logits)[0]


def clip_by_global_norm(grads, max_norm):
    xp = array_namespace(*grads)
    norm = 0.0
    for g in grads:
        norm += float(xp.sum(g * g))
    norm = norm ** 0.5
    if norm > max_norm:
        return [g * (max_norm / norm) for g in grads]
    return [xp.copy(g) for g in grads]


def identity_init(hidden_size):
    xp = array_namespace()
    return xp.eye(hidden_size), xp.zeros((hidden_size,))

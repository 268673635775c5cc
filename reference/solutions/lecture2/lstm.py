"""Reference solutions: the LSTM cell, step by step, and the GRU step."""

from backends import array_namespace


def _sigmoid(z):
    xp = array_namespace(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))


def lstm_gates(x_t, h_prev, Wx, Wh, b):
    xp = array_namespace(x_t, Wx)
    a = xp.matmul(x_t, Wx) + xp.matmul(h_prev, Wh) + b
    H = xp.shape(Wh)[0]
    return (_sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), xp.tanh(a[:, 2 * H:3 * H]),
            _sigmoid(a[:, 3 * H:]))


def lstm_cell_update(c_prev, i, f, g):
    return f * c_prev + i * g


def lstm_hidden(c, o):
    xp = array_namespace(c)
    return o * xp.tanh(c)


def lstm_step(x_t, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = lstm_gates(x_t, h_prev, Wx, Wh, b)
    c = lstm_cell_update(c_prev, i, f, g)
    return lstm_hidden(c, o), c


def lstm_forward(x, h0, c0, Wx, Wh, b):
    xp = array_namespace(x, Wx)
    h, c = h0, c0
    hs = []
    for t in range(xp.shape(x)[1]):
        h, c = lstm_step(x[:, t, :], h, c, Wx, Wh, b)
        hs.append(h)
    return xp.stack(hs, axis=1), c


def gru_step(x_t, h_prev, Wx, Wh, bx, bh):
    xp = array_namespace(x_t, Wx)
    H = xp.shape(Wh)[0]
    gx = xp.matmul(x_t, Wx) + bx
    gh = xp.matmul(h_prev, Wh) + bh
    r = _sigmoid(gx[:, :H] + gh[:, :H])
    z = _sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
    n = xp.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h_prev

"""Reference solution: a small CNN's forward pass (conv → ReLU → max-pool → dense).

Self-contained (a copy of this file is a complete submission): the convolution and the pooling
are repeated here rather than imported.
"""

from backends import array_namespace


def _conv2d_same(x, w, b):
    """conv2d with stride 1 and padding 1."""
    xp = array_namespace(x, w)
    n, c, h, wd = xp.shape(x)
    f, _, kh, kw = xp.shape(w)
    ho, wo = h + 2 - kh + 1, wd + 2 - kw + 1
    xpad = xp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = None
    for a in range(kh):
        for bb in range(kw):
            patch = xp.transpose(xpad[:, :, a:a + ho, bb:bb + wo], (0, 2, 3, 1))
            term = xp.matmul(patch, xp.transpose(w[:, :, a, bb]))
            out = term if out is None else out + term
    return xp.transpose(out, (0, 3, 1, 2)) + xp.reshape(b, (1, f, 1, 1))


def _max_pool_2x2(x):
    xp = array_namespace(x)
    n, c, h, w = xp.shape(x)
    ho, wo = (h - 2) // 2 + 1, (w - 2) // 2 + 1
    out = None
    for a in range(2):
        for b in range(2):
            patch = x[:, :, a:a + 2 * (ho - 1) + 1:2, b:b + 2 * (wo - 1) + 1:2]
            out = patch if out is None else xp.maximum(out, patch)
    return out


def cnn_forward(x, w1, b1, W2, b2):
    xp = array_namespace(x, w1)
    z = _conv2d_same(x, w1, b1)
    h = xp.where(z > 0, z, xp.zeros_like(z))
    pooled = _max_pool_2x2(h)
    n, f, hp, wp = xp.shape(pooled)
    flat = xp.reshape(pooled, (n, f * hp * wp))
    return xp.matmul(flat, W2) + b2

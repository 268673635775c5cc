"""Reference solutions: max pooling forward and backward, by hand."""

from backends import array_namespace


def _window(x, a, b, ho, wo, s):
    """The inputs at offset (a, b) of every pooling window: (N, C, Ho, Wo)."""
    return x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]


def _place(xp, g, a, b, s, h, w):
    """The (N, C, H, W) array holding g[..., i, j] at (a + s·i, b + s·j), zeros elsewhere."""
    n, c, ho, wo = xp.shape(g)
    if s > 1:
        zeros = xp.zeros_like(g)
        g = xp.reshape(xp.stack([g] + [zeros] * (s - 1), axis=3), (n, c, ho * s, wo))
        g = g[:, :, :s * (ho - 1) + 1, :]
        zeros = xp.zeros_like(g)
        g = xp.reshape(xp.stack([g] + [zeros] * (s - 1), axis=4), (n, c, s * (ho - 1) + 1, wo * s))
        g = g[:, :, :, :s * (wo - 1) + 1]
    hd, wd = s * (ho - 1) + 1, s * (wo - 1) + 1
    return xp.pad(g, ((0, 0), (0, 0), (a, h - a - hd), (b, w - b - wd)))


def max_pool2d(x, size=2, stride=2):
    xp = array_namespace(x)
    n, c, h, w = xp.shape(x)
    k, s = int(size), int(stride)
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    out = None
    for a in range(k):
        for b in range(k):
            patch = _window(x, a, b, ho, wo, s)
            out = patch if out is None else xp.maximum(out, patch)
    return out


def max_pool2d_backward(x, dout, size=2, stride=2):
    xp = array_namespace(x, dout)
    n, c, h, w = xp.shape(x)
    k, s = int(size), int(stride)
    out = max_pool2d(x, k, s)
    ho, wo = xp.shape(out)[2:]
    found = xp.zeros_like(out)   # 1 where a window's first maximum has been met already
    dx = xp.zeros_like(x)
    for a in range(k):           # row-major order over the window: ties go to the first
        for b in range(k):
            patch = _window(x, a, b, ho, wo, s)
            hit = xp.where(patch == out, xp.ones_like(patch), xp.zeros_like(patch)) * (1 - found)
            found = found + hit
            dx = dx + _place(xp, hit * dout, a, b, s, h, w)
    return dx

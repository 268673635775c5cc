"""Reference solutions: convolution (cross-correlation) forward and backward, by hand.

Vectorised over the kernel offsets: for each offset (a, b) of the kernel, the inputs it touches
form one strided slice of the (padded) image, so a KH×KW kernel costs KH·KW slices and matrix
products instead of a loop over every output pixel. No item assignment (TensorFlow tensors are
immutable): gradients are scattered back with zero padding and summed.
"""

from backends import array_namespace


def convolve2d(image, kernel):
    xp = array_namespace(image, kernel)
    h, w = xp.shape(image)
    kh, kw = xp.shape(kernel)
    ho, wo = h - kh + 1, w - kw + 1
    out = None
    for a in range(kh):
        for b in range(kw):
            term = kernel[a, b] * image[a:a + ho, b:b + wo]
            out = term if out is None else out + term
    return out


def conv_output_size(in_size, kernel_size, stride=1, padding=0):
    return (int(in_size) + 2 * int(padding) - int(kernel_size)) // int(stride) + 1


def _window(xp_, a, b, ho, wo, s):
    """The inputs that kernel offset (a, b) meets at every output position: (N, C, Ho, Wo)."""
    return xp_[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]


def _place(xp, g, a, b, s, hp, wp):
    """The (N, C, Hp, Wp) array holding g[..., i, j] at (a + s·i, b + s·j) and zeros elsewhere:
    the transpose of _window."""
    n, c, ho, wo = xp.shape(g)
    if s > 1:
        zeros = xp.zeros_like(g)
        g = xp.reshape(xp.stack([g] + [zeros] * (s - 1), axis=3), (n, c, ho * s, wo))
        g = g[:, :, :s * (ho - 1) + 1, :]
        zeros = xp.zeros_like(g)
        g = xp.reshape(xp.stack([g] + [zeros] * (s - 1), axis=4), (n, c, s * (ho - 1) + 1, wo * s))
        g = g[:, :, :, :s * (wo - 1) + 1]
    hd, wd = s * (ho - 1) + 1, s * (wo - 1) + 1
    return xp.pad(g, ((0, 0), (0, 0), (a, hp - a - hd), (b, wp - b - wd)))


def conv2d(x, w, b, stride=1, padding=0):
    xp = array_namespace(x, w)
    n, c, h, wd = xp.shape(x)
    f, _, kh, kw = xp.shape(w)
    s, p = int(stride), int(padding)
    ho = conv_output_size(h, kh, s, p)
    wo = conv_output_size(wd, kw, s, p)
    xpad = xp.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    out = None
    for a in range(kh):
        for bb in range(kw):
            patch = xp.transpose(_window(xpad, a, bb, ho, wo, s), (0, 2, 3, 1))   # (N, Ho, Wo, C)
            term = xp.matmul(patch, xp.transpose(w[:, :, a, bb]))                # (N, Ho, Wo, F)
            out = term if out is None else out + term
    return xp.transpose(out, (0, 3, 1, 2)) + xp.reshape(b, (1, f, 1, 1))


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    xp = array_namespace(x, w, dout)
    n, c, h, wd = xp.shape(x)
    f, _, kh, kw = xp.shape(w)
    s, p = int(stride), int(padding)
    _, _, ho, wo = xp.shape(dout)
    hp, wp = h + 2 * p, wd + 2 * p
    xpad = xp.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    d_rows = xp.reshape(xp.transpose(dout, (1, 0, 2, 3)), (f, n * ho * wo))       # (F, N·Ho·Wo)
    d_last = xp.transpose(dout, (0, 2, 3, 1))                                      # (N, Ho, Wo, F)
    dxpad = None
    dw_rows = []
    for a in range(kh):
        dw_row = []
        for bb in range(kw):
            patch = xp.reshape(xp.transpose(_window(xpad, a, bb, ho, wo, s), (0, 2, 3, 1)),
                               (n * ho * wo, c))
            dw_row.append(xp.matmul(d_rows, patch))                                 # (F, C)
            g = xp.transpose(xp.matmul(d_last, w[:, :, a, bb]), (0, 3, 1, 2))      # (N, C, Ho, Wo)
            term = _place(xp, g, a, bb, s, hp, wp)
            dxpad = term if dxpad is None else dxpad + term
        dw_rows.append(xp.stack(dw_row, axis=-1))                                  # (F, C, KW)
    dw = xp.stack(dw_rows, axis=2)                                                 # (F, C, KH, KW)
    dx = dxpad[:, :, p:p + h, p:p + wd]
    db = xp.sum(dout, axis=(0, 2, 3))
    return dx, dw, db

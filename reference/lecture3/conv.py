"""Checks for exercises/lecture3/conv.py."""

from __future__ import annotations

import math

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture3 import conv as ref

# The lecture's example: a 5×5 binary image and a 3×3 "X" filter.
LECTURE_IMAGE = np.array([[1, 1, 1, 0, 0],
                          [0, 1, 1, 1, 0],
                          [0, 0, 1, 1, 1],
                          [0, 0, 1, 1, 0],
                          [0, 1, 1, 0, 0]], dtype=np.float64)
LECTURE_FILTER = np.array([[1, 0, 1],
                           [0, 1, 0],
                           [1, 0, 1]], dtype=np.float64)


# --- plain NumPy versions, right and wrong, for the known mistakes -------------------------------

def np_conv2d(x, w, b, stride=1, padding=0, *, flip=False, pad=None, bias=True):
    """Loop over kernel offsets. pad=((top, bottom), (left, right)) overrides the padding."""
    s = int(stride)
    if pad is None:
        pad = ((padding, padding), (padding, padding))
    if flip:
        w = w[:, :, ::-1, ::-1]
    xpad = np.pad(x, ((0, 0), (0, 0)) + tuple(pad))
    f, c, kh, kw = w.shape
    ho = (xpad.shape[2] - kh) // s + 1
    wo = (xpad.shape[3] - kw) // s + 1
    out = np.zeros((x.shape[0], f, ho, wo))
    for a in range(kh):
        for bb in range(kw):
            patch = xpad[:, :, a:a + s * (ho - 1) + 1:s, bb:bb + s * (wo - 1) + 1:s]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, a, bb])
    return out + (b.reshape(1, f, 1, 1) if bias else 0)


def np_conv2d_backward(x, w, b, dout, stride=1, padding=0, *, flip=False, step=None, crop=True):
    """Gradients of np_conv2d; step is where output i's window starts (i·step), stride by
    default: a backward pass that forgets the stride uses step = 1."""
    s = int(stride) if step is None else step
    p = int(padding)
    wf = w[:, :, ::-1, ::-1] if flip else w
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    f, c, kh, kw = w.shape
    _, _, ho, wo = dout.shape
    dxpad = np.zeros_like(xpad)
    dw = np.zeros(w.shape)
    for i in range(ho):
        for j in range(wo):
            r, q = i * s, j * s
            window = xpad[:, :, r:r + kh, q:q + kw]
            dxpad[:, :, r:r + kh, q:q + kw] += np.einsum("nf,fcab->ncab", dout[:, :, i, j], wf)
            dw += np.einsum("nf,ncab->fcab", dout[:, :, i, j], window)
    if flip:
        dw = dw[:, :, ::-1, ::-1]
    dx = dxpad[:, :, p:p + x.shape[2], p:p + x.shape[3]] if crop else dxpad
    return dx, dw, dout.sum(axis=(0, 2, 3))


def _flipped_convolve(image, kernel):
    return ref.convolve2d(image, kernel[::-1, ::-1])


def _transposed_kernel(image, kernel):
    return ref.convolve2d(image, kernel.T)


def _one_short(image, kernel):
    return ref.convolve2d(image, kernel)[:-1, :-1]


# --- convolve2d ----------------------------------------------------------------------------------

def _convolve2d_cases(rng):
    return [
        Case("the lecture's example: a 5×5 binary image, the 3×3 'X' filter",
             (LECTURE_IMAGE, LECTURE_FILTER)),
        Case("an asymmetric 3×3 kernel on a 4×4 image",
             (np.arange(16, dtype=np.float64).reshape(4, 4),
              np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 3.0]])),
             note="kernel[a, b] multiplies image[i+a, j+b]: no flipping, no transposing."),
        Case("a non-square 6×9 image, a 2×2 kernel",
             (rng.integers(-3, 4, (6, 9)).astype(np.float64), rng.normal(size=(2, 2)))),
        Case("a kernel as tall as the image: 5×8 image, 5×5 kernel → (1, 4)",
             (rng.normal(size=(5, 8)), rng.normal(size=(5, 5))),
             note="the output has H-k+1 rows: here exactly one."),
        Case("a 1×1 kernel scales the image", (rng.normal(size=(3, 7)), np.array([[2.5]]))),
        Case("large: a 64×48 image, a 5×5 kernel",
             (rng.normal(size=(64, 48)), rng.normal(size=(5, 5)))),
    ]


# --- conv_output_size ----------------------------------------------------------------------------

def _size_cases(rng):
    return [
        Case("the lecture's example: 5, kernel 3", (5, 3)),
        Case("32, kernel 3, stride 1, padding 1 ('same')", (32, 3, 1, 1)),
        Case("7, kernel 3, stride 2 (fits exactly)", (7, 3), {"stride": 2}),
        Case("8, kernel 3, stride 2, padding 1", (8, 3), {"stride": 2, "padding": 1},
             note="(8 + 2 - 3)/2 = 3.5: the last window does not fit, floor it."),
        Case("224, kernel 7, stride 2, padding 3 (ResNet's first layer)", (224, 7, 2, 3),
             note="(224 + 6 - 7)/2 = 111.5 → 111, plus one: 112."),
        Case("10, kernel 4, stride 3, padding 2", (10, 4), {"stride": 3, "padding": 2}),
        Case("28, kernel 5, padding 2", (28, 5), {"padding": 2}),
        Case("6, kernel 6: one position", (6, 6)),
    ]


def _ceil(in_size, kernel_size, stride=1, padding=0):
    return math.ceil((in_size + 2 * padding - kernel_size) / stride) + 1


# --- conv2d and conv2d_backward ------------------------------------------------------------------

def _layer(rng, n, c, h, w, f, kh, kw, scale=1.0):
    return (rng.normal(size=(n, c, h, w)), rng.normal(0, scale, (f, c, kh, kw)),
            rng.normal(size=f))


def _conv2d_configs(rng):
    """(label, (x, w, b), kwargs, note), small and readable first."""
    lecture = (LECTURE_IMAGE.reshape(1, 1, 5, 5), LECTURE_FILTER.reshape(1, 1, 3, 3),
               np.array([0.0]))
    pad_x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    pad_w = np.array([[[[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 2.0, 0.0]]]])
    stride_x = np.arange(49.0).reshape(1, 1, 7, 7) / 10
    stride_w = np.array([[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, 0.5]]]])
    return [
        ("the lecture's example: N=1, C=1, F=1, 5×5 image, 3×3 filter", lecture, {}, ""),
        ("padding=1: a 4×4 image keeps its size", (pad_x, pad_w, np.array([0.5])),
         {"padding": 1}, "zero padding on all four sides: H' = 4 + 2 - 3 + 1 = 4."),
        ("stride=2: 7×7 image, 3×3 filter → 3×3", (stride_x, stride_w, np.array([-1.0])),
         {"stride": 2}, "output (i, j) reads the window starting at (2i, 2j)."),
        ("C=3, F=4, N=2: a non-square 6×9 image and a 2×3 kernel",
         _layer(rng, 2, 3, 6, 9, 4, 2, 3), {}, ""),
        ("stride=2, padding=1, 8×7 image, 3×2 kernel: the last windows do not fit",
         _layer(rng, 2, 2, 8, 7, 3, 3, 2), {"stride": 2, "padding": 1},
         "H' = ⌊(8 + 2 - 3)/2⌋ + 1 = 4: the last padded row is never read."),
        ("stride=3, padding=2, 10×11 image, 4×3 kernel, N=1",
         _layer(rng, 1, 2, 10, 11, 3, 4, 3), {"stride": 3, "padding": 2}, ""),
        ("a 5×5 kernel over a padded 3×4 image → (1, 2)",
         _layer(rng, 2, 2, 3, 4, 2, 5, 5), {"padding": 1},
         "the kernel is larger than the image: only the padding lets it fit."),
        ("a batch: N=4, C=3, 10×10, F=4, 3×3 kernel, padding 1",
         _layer(rng, 4, 3, 10, 10, 4, 3, 3), {"padding": 1}, ""),
        ("large: N=4, C=8, 16×16, F=8, 3×3 kernel, padding 1",
         _layer(rng, 4, 8, 16, 16, 8, 3, 3, scale=0.3), {"padding": 1},
         "sums of C·KH·KW = 72 products (and N·H'·W' = 1024 for dw): float32 rounding grows "
         "with the size of a sum, and the tolerance allows for it."),
    ]


def _conv2d_cases(rng):
    return [Case(label, args, kwargs, note=note)
            for label, args, kwargs, note in _conv2d_configs(rng)]


def _conv2d_backward_cases(rng):
    cases = []
    for label, (x, w, b), kwargs, note in _conv2d_configs(rng):
        out = ref.conv2d(x, w, b, **kwargs)
        dout = rng.normal(size=out.shape)
        n, _, ho, wo = out.shape
        # db and dw sum N·H'·W' terms (400 and 1024 in the two largest cases). The automatic
        # widening measures the reference's own float32 error, and NumPy sums pairwise, far more
        # accurately than a loop's running sum or TensorFlow's reduce_sum. Over 120 random draws
        # of these shapes (CPU), correct float32 answers landed up to 2.4× float32's tolerance
        # off (TF autodiff and reduce_sum in db), 2.3× (a loop's running sum), 1.6× (torch
        # autograd); widened 8×, the worst is 0.3× of what is allowed. Every known mistake is
        # off by O(1).
        widen = 8.0 if n * ho * wo >= 256 else 1.0
        cases.append(Case(label, (x, w, b, dout), kwargs, note=note, widen=widen))
    return cases


def _one_side(x, w, b, stride=1, padding=0):
    return np_conv2d(x, w, b, stride, pad=((padding, 0), (padding, 0)))


CHECKS = {
    "convolve2d": Check(ref.convolve2d, _convolve2d_cases, [
        Mistake("flipped kernel (true convolution)",
                "deep-learning 'convolution' is cross-correlation: kernel[a, b] multiplies "
                "image[i+a, j+b]; do not flip the kernel", _flipped_convolve),
        Mistake("kernel transposed", "kernel[a, b] pairs with image[i+a, j+b]: a moves down the "
                "rows, b along the columns", _transposed_kernel),
        Mistake("output one row and column short",
                "there are H-k+1 positions: range(H - k + 1), not range(H - k)", _one_short),
    ]),
    "conv_output_size": Check(ref.conv_output_size, _size_cases, [
        Mistake("ceil instead of floor",
                "a window that does not fit is dropped: ⌊(in + 2p - k)/s⌋ + 1, with //", _ceil),
        Mistake("padding on one side only",
                "the padding is added on both sides: in + 2p",
                lambda i, k, stride=1, padding=0: (i + padding - k) // stride + 1),
        Mistake("stride ignored", "divide by the stride: ⌊(in + 2p - k)/s⌋ + 1",
                lambda i, k, stride=1, padding=0: i + 2 * padding - k + 1),
    ]),
    "conv2d": Check(ref.conv2d, _conv2d_cases, [
        Mistake("flipped kernel (true convolution)",
                "a convolutional layer computes cross-correlation: w[f, c, a, b] multiplies "
                "x[n, c, i·s+a, j·s+b]; do not flip the kernel",
                lambda x, w, b, stride=1, padding=0: np_conv2d(x, w, b, stride, padding, flip=True)),
        Mistake("stride ignored", "output (i, j) reads the window starting at (i·s, j·s), and "
                "H' = ⌊(H + 2p - KH)/s⌋ + 1",
                lambda x, w, b, stride=1, padding=0: np_conv2d(x, w, b, 1, padding)),
        Mistake("padding on one side only",
                "zero padding goes on all four sides: p rows above AND below, p columns left "
                "AND right", _one_side),
        Mistake("bias forgotten", "add b[f] to every output of filter f",
                lambda x, w, b, stride=1, padding=0: np_conv2d(x, w, b, stride, padding,
                                                               bias=False)),
    ]),
    "conv2d_backward": Check(ref.conv2d_backward, _conv2d_backward_cases, [
        Mistake("flipped kernel (true convolution)",
                "these are the gradients of a true convolution: the forward pass is "
                "cross-correlation, so dx gets dout·w[f, c, a, b] at (i·s+a, j·s+b), unflipped",
                lambda x, w, b, dout, stride=1, padding=0:
                np_conv2d_backward(x, w, b, dout, stride, padding, flip=True)),
        Mistake("stride ignored", "output (i, j) came from the window starting at (i·s, j·s): "
                "send its gradient back there (and read x there for dw), not to (i, j)",
                lambda x, w, b, dout, stride=1, padding=0:
                np_conv2d_backward(x, w, b, dout, stride, padding, step=1)),
        Mistake("padding not removed from dx",
                "x had no padding: crop p rows and columns off each side of the padded gradient",
                lambda x, w, b, dout, stride=1, padding=0:
                np_conv2d_backward(x, w, b, dout, stride, padding, crop=False)),
    ]),
}

"""Checks for exercises/lecture3/pooling.py."""

from __future__ import annotations

import math

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture3 import pooling as ref

LECTURE_X = np.array([[1, 1, 2, 4],
                      [5, 6, 7, 8],
                      [3, 2, 1, 0],
                      [1, 2, 3, 4]], dtype=np.float64).reshape(1, 1, 4, 4)


# --- plain NumPy versions, right and wrong, for the known mistakes -------------------------------

def np_pool(x, size=2, stride=2, *, how="max", ceil=False, step=None):
    """One window at a time. step: where window i starts (i·step), stride by default;
    ceil: keep the partial windows at the edge."""
    k, s = int(size), int(stride)
    step = s if step is None else step
    n, c, h, w = x.shape
    rounding = math.ceil if ceil else math.floor
    ho, wo = rounding((h - k) / step) + 1, rounding((w - k) / step) + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = x[:, :, i * step:i * step + k, j * step:j * step + k]
            if how == "max":
                out[:, :, i, j] = window.max(axis=(2, 3))
            elif how == "max from 0":
                out[:, :, i, j] = np.maximum(window.max(axis=(2, 3)), 0)
            else:
                out[:, :, i, j] = window.mean(axis=(2, 3))
    return out


def np_pool_backward(x, dout, size=2, stride=2, *, tie="first", how="max", overwrite=False):
    k, s = int(size), int(stride)
    n, c, h, w = x.shape
    _, _, ho, wo = dout.shape
    dx = np.zeros_like(x, dtype=np.float64)
    for i in range(ho):
        for j in range(wo):
            r, q = i * s, j * s
            window = x[:, :, r:r + k, q:q + k].reshape(n, c, k * k)
            g = dout[:, :, i, j][:, :, None]
            if how == "avg":
                share = np.full(window.shape, 1.0 / (k * k))
            else:
                is_max = window == window.max(axis=2, keepdims=True)
                if tie == "all":
                    share = is_max.astype(np.float64)
                else:
                    order = np.arange(k * k) if tie == "first" else np.arange(k * k)[::-1]
                    first = order[np.argmax(is_max[:, :, order], axis=2)]
                    share = (np.arange(k * k) == first[:, :, None]).astype(np.float64)
            block = (share * g).reshape(n, c, k, k)
            if overwrite:
                hit = share.reshape(n, c, k, k) > 0
                dx[:, :, r:r + k, q:q + k] = np.where(hit, block, dx[:, :, r:r + k, q:q + k])
            else:
                dx[:, :, r:r + k, q:q + k] += block
    return dx


# --- cases ---------------------------------------------------------------------------------------

def _pool_configs(rng):
    """(label, x, kwargs, note), small and readable first."""
    ties = rng.integers(0, 3, (2, 2, 6, 6)).astype(np.float64)
    return [
        ("the lecture's example: 4×4 → [[6, 8], [3, 4]]", LECTURE_X, {}, ""),
        ("5×5, size 2, stride 2: the last row and column are dropped",
         rng.normal(size=(1, 2, 5, 5)), {"size": 2, "stride": 2},
         "H' = ⌊(5 - 2)/2⌋ + 1 = 2: a partial window at the edge is dropped."),
        ("size 3, stride 1: overlapping windows, a non-square 6×8 input",
         rng.normal(size=(2, 3, 6, 8)), {"size": 3, "stride": 1},
         "windows overlap: one input can be the maximum of several windows."),
        ("size 3, stride 2: 7×9", rng.normal(size=(2, 1, 7, 9)), {"size": 3, "stride": 2}, ""),
        ("size 2, stride 3: gaps between the windows, 8×8",
         rng.normal(size=(1, 2, 8, 8)), {"size": 2, "stride": 3},
         "window (i, j) starts at (3i, 3j): some inputs belong to no window."),
        ("all values negative", -np.abs(rng.normal(size=(1, 2, 6, 6))) - 0.5, {},
         "every input is negative: start a running maximum at the first element (or -inf), "
         "not at 0."),
        ("ties: small integers, size 2, stride 2", ties, {},
         "equal values in a window: the gradient goes to the FIRST maximum in row-major order."),
        ("ties with overlapping windows: size 3, stride 1",
         rng.integers(0, 2, (1, 2, 5, 7)).astype(np.float64), {"size": 3, "stride": 1},
         "ties and overlaps together: each window picks its first maximum, and the gradients "
         "of windows that pick the same input add up."),
        ("a constant input: every window is one big tie", np.full((1, 1, 4, 6), 0.5), {}, ""),
        ("large: N=8, C=16, 32×32", rng.normal(size=(8, 16, 32, 32)), {}, ""),
    ]


def _pool_cases(rng):
    return [Case(label, (x,), kwargs, note=note) for label, x, kwargs, note in _pool_configs(rng)]


def _pool_backward_cases(rng):
    cases = []
    for label, x, kwargs, note in _pool_configs(rng):
        out = ref.max_pool2d(x, **kwargs)
        dout = rng.normal(size=out.shape)
        cases.append(Case(label, (x, dout), kwargs, note=note))
    return cases


CHECKS = {
    "max_pool2d": Check(ref.max_pool2d, _pool_cases, [
        Mistake("average instead of max pooling",
                "max pooling keeps each window's largest value, not its mean",
                lambda x, size=2, stride=2: np_pool(x, size, stride, how="avg")),
        Mistake("partial windows kept (ceil instead of floor)",
                "H' = ⌊(H - size)/stride⌋ + 1: a window that does not fit is dropped",
                lambda x, size=2, stride=2: np_pool(x, size, stride, ceil=True)),
        Mistake("stride ignored", "window (i, j) starts at (i·stride, j·stride): step by the "
                "stride, not by the window size",
                lambda x, size=2, stride=2: np_pool(x, size, stride, step=size)),
        Mistake("maximum started at 0", "start each window's maximum at its first element (or "
                "-inf): with 0, negative windows give 0",
                lambda x, size=2, stride=2: np_pool(x, size, stride, how="max from 0")),
    ]),
    "max_pool2d_backward": Check(ref.max_pool2d_backward, _pool_backward_cases, [
        Mistake("gradient to every tied maximum",
                "on ties, only the FIRST maximum in row-major order gets the window's gradient "
                "(the gradient would otherwise be counted several times)",
                lambda x, dout, size=2, stride=2: np_pool_backward(x, dout, size, stride,
                                                                   tie="all")),
        Mistake("gradient to the last tied maximum",
                "on ties, the FIRST maximum in row-major order gets the gradient: compare with "
                "> (strictly) when scanning, or take the first argmax",
                lambda x, dout, size=2, stride=2: np_pool_backward(x, dout, size, stride,
                                                                   tie="last")),
        Mistake("average pooling backward",
                "max pooling sends the whole gradient to the maximum, not dout/size² to every "
                "input of the window",
                lambda x, dout, size=2, stride=2: np_pool_backward(x, dout, size, stride,
                                                                   how="avg")),
        Mistake("overlapping windows overwrite",
                "when windows overlap, an input that is the maximum of several windows gets the "
                "SUM of their gradients: add (+=), do not assign",
                lambda x, dout, size=2, stride=2: np_pool_backward(x, dout, size, stride,
                                                                   overwrite=True)),
    ]),
}

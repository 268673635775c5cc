"""Checks for exercises/lecture3/cnn.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.lecture3.conv import np_conv2d
from reference.lecture3.pooling import np_pool
from reference.solutions.lecture3 import cnn as ref


def np_cnn(x, w1, b1, W2, b2, *, order="chw", relu=True, how="max"):
    z = np_conv2d(x, w1, b1, 1, 1)
    h = np.maximum(z, 0) if relu else z
    pooled = np_pool(h, 2, 2, how=how)
    if order == "hwc":
        pooled = pooled.transpose(0, 2, 3, 1)
    return pooled.reshape(x.shape[0], -1) @ W2 + b2


def _net(rng, n, c, h, w, f, k, kernel=3):
    hc, wc = h + 3 - kernel, w + 3 - kernel   # conv2d with padding 1
    features = f * (hc // 2) * (wc // 2)
    return (rng.normal(size=(n, c, h, w)), rng.normal(0, 0.5, (f, c, kernel, kernel)),
            rng.normal(0, 0.1, f), rng.normal(0, 1 / np.sqrt(features), (features, k)),
            rng.normal(size=k))


def _cnn_cases(rng):
    return [
        Case("small: N=1, C=1, a 4×4 image, F=2 filters, K=3 classes", _net(rng, 1, 1, 4, 4, 2, 3),
             note="conv (padding 1) keeps 4×4, pooling gives 2×2: 2·2·2 = 8 features."),
        Case("N=2, C=3, 6×6, F=4, K=5", _net(rng, 2, 3, 6, 6, 4, 5)),
        Case("odd sizes: N=3, C=2, 7×5, F=3, K=4", _net(rng, 3, 2, 7, 5, 3, 4),
             note="7×5 pools to 3×2: the last row and column are dropped."),
        Case("N=1, C=3, 8×6, F=8, K=10, a 1×1 first-layer kernel",
             _net(rng, 1, 3, 8, 6, 8, 10, kernel=1),
             note="a 1×1 kernel with padding 1 grows the image to 10×8: pooled 5×4."),
        Case("large: N=4, C=3, 12×12, F=8, K=10", _net(rng, 4, 3, 12, 12, 8, 10)),
    ]


CHECKS = {
    "cnn_forward": Check(ref.cnn_forward, _cnn_cases, [
        Mistake("flattened in (H, W, C) order",
                "flatten each example in (C, H, W) order: reshape (N, C, H, W) to (N, C·H·W) "
                "directly, without moving the channels last",
                lambda *a: np_cnn(*a, order="hwc")),
        Mistake("ReLU forgotten", "apply ReLU to the convolution's output before pooling",
                lambda *a: np_cnn(*a, relu=False)),
        Mistake("average instead of max pooling", "pool with the maximum of each 2×2 window",
                lambda *a: np_cnn(*a, how="avg")),
    ]),
}

"""Lecture 3 (convolutional neural networks): a small CNN for image classification.

A CNN for classification has two parts: feature learning - convolution, a non-linearity (ReLU),
pooling, repeated - and classification - the feature maps flattened into one vector per image and
a dense layer that gives one score per class (a softmax on top turns the scores into
probabilities; it is not part of this exercise).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

You may reuse your own conv2d and max_pool2d: `from conv import conv2d` and
`from pooling import max_pool2d` work here (the grader puts this folder on the import path), or
write the steps in this file. Arrays are of the backend being graded; return one of that backend,
in the dtype of the inputs.
"""
import numpy as np


def cnn_forward(x, w1, b1, W2, b2):
    """Class scores of a one-convolution CNN:

        z      = conv2d(x, w1, b1, stride=1, padding=1)    (N, F, H1, W1), H1 = H + 3 - KH
        h      = ReLU(z) = max(z, 0)                       (N, F, H1, W1)
        p      = max_pool2d(h, size=2, stride=2)           (N, F, H1//2, W1//2)
        flat   = p reshaped to (N, F·(H1//2)·(W1//2)), each example's values in (C, H, W)
                 order: channel by channel, row by row
        scores = flat @ W2 + b2                            (N, K)

    (With the usual 3×3 kernel, padding 1 keeps H1 = H and W1 = W.) The (C, H, W) order is what
    reshaping an (N, C, H, W) array to (N, -1) gives directly; it must match the rows of W2.
    Moving the channels last first (TensorFlow's NHWC layout) gives another order: with
    p = [[[[1, 2]], [[3, 4]]]] (N = 1, C = 2, H = 1, W = 2), (C, H, W) order is [1, 2, 3, 4] and
    (H, W, C) order would be [1, 3, 2, 4].

    Args:
        x:  (N, C, H, W) images.
        w1: (F, C, KH, KW) filters, b1: (F,).
        W2: (F·(H1//2)·(W1//2), K) dense weights, b2: (K,).
    Returns:
        (N, K) class scores.

    Example: x = [[1, 2], [3, 4]] (N = C = 1), w1 a 3×3 filter with 1 in the centre and 0
    elsewhere, b1 = [-2], W2 = [[1, -1]], b2 = [0, 0.5]:
        z = x - 2 = [[-1, 0], [1, 2]]   (the centre-only filter copies x)
        h = [[0, 0], [1, 2]],  p = [[2]],  flat = [[2]]
        scores = [[2·1 + 0, 2·(-1) + 0.5]] = [[2, -1.5]]
    """
    raise NotImplementedError

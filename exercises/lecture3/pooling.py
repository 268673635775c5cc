"""Lecture 3 (convolutional neural networks): max pooling, forward and backward.

Pooling shrinks a feature map: it slides a size×size window over each channel separately, with
a stride, and keeps one number per window - for max pooling, the largest. It has no weights.
It makes the next layer's receptive field larger (each pooled value summarises a whole window)
and the features a little insensitive to small shifts. The usual choice is size 2, stride 2:
non-overlapping 2×2 windows that halve the height and the width.

    H' = ⌊(H - size) / stride⌋ + 1          (no padding; a partial window at the edge is dropped)

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Loops over windows are fine. TensorFlow tensors cannot be assigned to: collect values in a list
and tf.stack them, or accumulate in a tf.Variable (v[...].assign(...)). Do not call the
framework's own pooling (torch.nn.functional.max_pool2d, tf.nn.max_pool2d).
"""
import numpy as np


def max_pool2d(x, size=2, stride=2):
    """Max pooling over each channel of each image:

        out[n, c, i, j] = max over a, b in 0..size-1 of x[n, c, i·stride + a, j·stride + b]

    Window (i, j) has its top-left corner at (i·stride, j·stride). Every value can be negative:
    start a running maximum at the window's first element (or -inf), not at 0.

    Args:
        x: (N, C, H, W).
        size: the window's height and width (a Python int).
        stride: the step between windows (a Python int): stride < size makes windows overlap,
            stride > size skips inputs.
    Returns:
        (N, C, H', W'), H' = ⌊(H - size)/stride⌋ + 1, W' = ⌊(W - size)/stride⌋ + 1.

    Example (the lecture's, N = C = 1, size 2, stride 2):
        x = [[1, 1, 2, 4],
             [5, 6, 7, 8],       windows: [[1, 1], [5, 6]] -> 6    [[2, 4], [7, 8]] -> 8
             [3, 2, 1, 0],                [[3, 2], [1, 2]] -> 3    [[1, 0], [3, 4]] -> 4
             [1, 2, 3, 4]]
        out = [[6, 8],
               [3, 4]]
    A 5×5 input gives 2×2 too (⌊(5 - 2)/2⌋ + 1 = 2): its last row and column are dropped.
    """
    raise NotImplementedError


def max_pool2d_backward(x, dout, size=2, stride=2):
    """BY HAND: the gradient of max pooling, given dout = ∂L/∂out.

    Each output is one of its window's inputs, so its gradient goes to that input only:

        for each window (n, c, i, j): find the position of its maximum in x,
                                      dx[that position] += dout[n, c, i, j]

    Every other input of the window gets nothing from it. Ties: when several inputs share the
    maximum, the gradient goes to the FIRST of them in row-major order (scan the window row by
    row, left to right; keep a new maximum only if it is strictly larger) - the convention of
    argmax, and of PyTorch's max pooling. Overlapping windows (stride < size) can pick the same
    input: add their gradients (+=), do not overwrite. Inputs in no window, or never a maximum,
    get 0.

    Do NOT use autodiff: under PyTorch and TensorFlow it is unavailable here.

    Args:
        x: (N, C, H, W), the input of the forward pass.
        dout: (N, C, H', W'), the gradient with respect to max_pool2d(x, size, stride).
        size, stride: as in max_pool2d.
    Returns:
        dx, shape (N, C, H, W).

    Examples (N = C = 1):
        the lecture's x above, dout = [[1, 2], [3, 4]]  ->  dx = [[0, 0, 0, 0],
                                                                 [0, 1, 0, 2],
                                                                 [3, 0, 0, 0],
                                                                 [0, 0, 0, 4]]
        a tie: x = [[1, 3], [3, 2]], dout = [[5]]       ->  dx = [[0, 5], [0, 0]]
            (both 3s are maximal; (0, 1) comes first in row-major order)
        overlap: x = [[0, 4, 0], [0, 0, 0]], size 2, stride 1, dout = [[1, 2]]
            both windows pick the 4                     ->  dx = [[0, 3, 0], [0, 0, 0]]
    """
    raise NotImplementedError

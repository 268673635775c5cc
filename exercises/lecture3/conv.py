"""Lecture 3 (convolutional neural networks): convolution, padding and stride, by hand.

An image is a grid of numbers: (H, W) for grey levels, (C, H, W) with C colour channels. A
convolutional layer slides a small filter (kernel) over it: at every position it multiplies the
filter with the patch of the image underneath, elementwise, and sums - one number per position,
a "feature map" that is large where the patch looks like the filter. The same few weights are
used at every position (weight sharing), and each output sees only a small window of the input,
its receptive field: a k×k kernel sees k×k pixels; a second 3×3 layer on top of a first one sees
5×5 of the original image.

Deep-learning libraries call this "convolution", but the kernel is NOT flipped: it is
cross-correlation, out[i, j] = Σ_a Σ_b image[i+a, j+b] · kernel[a, b]. (The mathematicians'
convolution uses kernel[-a, -b]; for learned kernels the difference is only a relabelling, but
your numbers must match the framework convention.)

Two knobs:
- padding p: p rows/columns of zeros added on EVERY side (top, bottom, left, right) before
  sliding, so the filter can also sit over the border; with stride 1 and an odd k,
  p = (k-1)/2 keeps the size ("same" padding).
- stride s: the filter jumps s pixels between positions; output (i, j) reads the window whose
  top-left corner is at (i·s, j·s) of the padded input. Positions where the window would stick
  out past the (padded) border are dropped, hence the floor in

      H' = ⌊(H + 2p - k) / s⌋ + 1.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
Loops over output positions are fine (the cases are small enough). TensorFlow tensors cannot be
assigned to (t[i, j] = v fails): collect values in a Python list and tf.stack / tf.reshape them,
or accumulate in a tf.Variable (v[...].assign(...)). Do not call the framework's own convolution
(torch.nn.functional.conv2d, tf.nn.conv2d): the point is to write it.
"""
import numpy as np


def convolve2d(image, kernel):
    """The lecture's convolution: one channel, stride 1, no padding.

        out[i, j] = Σ_a Σ_b image[i + a, j + b] · kernel[a, b]      a, b = 0 .. k-1

    The k×k kernel sits with its top-left corner at (i, j); it fits at H-k+1 row positions and
    W-k+1 column positions. Do not flip the kernel (see the module docstring).

    Args:
        image:  (H, W) array.
        kernel: (k, k) array, k ≤ H and k ≤ W.
    Returns:
        (H-k+1, W-k+1) array, the feature map.

    Example (the lecture's 5×5 image and 3×3 "X" filter):
        image = [[1, 1, 1, 0, 0],       kernel = [[1, 0, 1],
                 [0, 1, 1, 1, 0],                 [0, 1, 0],
                 [0, 0, 1, 1, 1],                 [1, 0, 1]]
                 [0, 0, 1, 1, 0],
                 [0, 1, 1, 0, 0]]
        out[0, 0] = 1·1 + 1·0 + 1·1  +  0·0 + 1·1 + 1·0  +  0·1 + 0·0 + 1·1 = 4
        out = [[4, 3, 4],
               [2, 4, 3],
               [2, 3, 4]]
    Which way the kernel points matters (that X filter is symmetric, this one is not):
        image = [[1, 2, 3], [4, 5, 6], [7, 8, 9]],  kernel = [[1, 2], [0, 0]]
        out[i, j] = image[i, j] + 2·image[i, j+1]  ->  [[5, 8], [14, 17]]
        (flipping the kernel would give [[13, 16], [22, 25]]: wrong)
    """
    raise NotImplementedError


def conv_output_size(in_size, kernel_size, stride=1, padding=0):
    """Output length along one axis of a convolution (or pooling) layer:

        out = ⌊(in + 2·padding - kernel_size) / stride⌋ + 1

    in + 2p is the padded length; the window's first position is 0 and its last possible start
    is in + 2p - k; starts are stride apart. A last window that would stick out is dropped
    (floor, not ceil): use integer division //.

    Args: in_size, kernel_size, stride, padding: Python ints.
    Returns:
        a Python int (not an array, not a float).

    Examples:
        conv_output_size(5, 3)          -> 3       (the lecture's 5×5 image and 3×3 filter)
        conv_output_size(32, 3, 1, 1)   -> 32      ("same" padding: p = (k-1)/2, stride 1)
        conv_output_size(8, 3, 2, 1)    -> 4       ((8 + 2 - 3)/2 = 3.5 → 3, plus 1)
        conv_output_size(224, 7, 2, 3)  -> 112     (ResNet's first layer)
    """
    raise NotImplementedError


def conv2d(x, w, b, stride=1, padding=0):
    """A convolutional layer (forward): many filters over a batch of many-channel images.

        out[n, f, i, j] = b[f] + Σ_c Σ_a Σ_b' xpad[n, c, i·s + a, j·s + b'] · w[f, c, a, b']

    xpad is x with `padding` zeros on all four sides of every image (not on N or C). Each filter
    w[f] spans ALL C input channels and produces one output channel; output (i, j) reads the
    KH×KW window whose top-left corner is at (i·s, j·s) of xpad - its receptive field.

    Args:
        x: (N, C, H, W) inputs (batch, channels, height, width).
        w: (F, C, KH, KW) filters; KH and KW may differ.
        b: (F,) biases, one per filter.
        stride, padding: Python ints (s ≥ 1, p ≥ 0).
    Returns:
        (N, F, H', W') with H' = ⌊(H + 2p - KH)/s⌋ + 1 and W' = ⌊(W + 2p - KW)/s⌋ + 1
        (your conv_output_size).

    Example: N = C = F = 1, x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], w = [[1, 0], [0, 1]],
    b = [0.5], stride = 2, padding = 1:
        xpad = [[0, 0, 0, 0, 0],
                [0, 1, 2, 3, 0],
                [0, 4, 5, 6, 0],      H' = W' = ⌊(3 + 2 - 2)/2⌋ + 1 = 2
                [0, 7, 8, 9, 0],
                [0, 0, 0, 0, 0]]
        out[0, 0] = xpad[0, 0] + xpad[1, 1] + 0.5 = 0 + 1 + 0.5 = 1.5
        out[1, 1] = xpad[2, 2] + xpad[3, 3] + 0.5 = 5 + 9 + 0.5 = 14.5
        out = [[1.5, 3.5], [7.5, 14.5]]   (shape (1, 1, 2, 2); the last padded row and column
                                            are never read: that window did not fit)
    """
    raise NotImplementedError


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    """BY HAND: the gradients of a convolutional layer, given dout = ∂L/∂out.

    out[n, f, i, j] = b[f] + Σ_{c,a,b'} xpad[n, c, i·s+a, j·s+b'] · w[f, c, a, b'] is a sum of
    products, so each term sends gradient to both of its factors. Loop over the outputs
    (n, f, i, j), with g = dout[n, f, i, j] and window = xpad[n, :, i·s : i·s+KH, j·s : j·s+KW]:

        db[f]                  += g
        dw[f]                  += g · window                   (C, KH, KW)
        dxpad[n, :, window]    += g · w[f]                     (the same positions as window)

    then dx = dxpad without its padding (crop p from each side). Windows overlap when the
    stride is smaller than the kernel: add (+=), do not overwrite. Inputs that no window reads
    (dropped by the floor) get gradient 0.

    Do NOT use autodiff (torch.autograd, tf.GradientTape): under PyTorch and TensorFlow it is
    unavailable here and using it is reported. To test yourself, compare with central
    differences of your conv2d in float64: ∂L/∂x[k] ≈ (L(x + h e_k) - L(x - h e_k)) / 2h with
    L = Σ out · dout.

    Args:
        x, w, b, stride, padding: as in conv2d.
        dout: (N, F, H', W'), the gradient of the loss with respect to conv2d's output.
    Returns:
        (dx, dw, db): the shapes of x (N, C, H, W), w (F, C, KH, KW) and b (F,).

    Example: x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], w = [[1, 0], [0, 1]], b = [0], stride 1,
    padding 0 (out = [[6, 8], [12, 14]]), dout = [[1, 0], [0, 2]] (all with N = C = F = 1):
        db = 1 + 0 + 0 + 2 = 3
        dw[a, b'] = 1·x[a, b'] + 2·x[1+a, 1+b']  ->  dw = [[11, 14], [20, 23]]
        dx: output (0, 0) adds 1·w at rows 0-1, cols 0-1; output (1, 1) adds 2·w at rows 1-2,
            cols 1-2  ->  dx = [[1, 0, 0], [0, 3, 0], [0, 0, 2]]
    """
    raise NotImplementedError

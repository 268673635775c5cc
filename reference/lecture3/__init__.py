"""Lecture 3, convolutional neural networks: the catalog (plain data; the checks live in the
topic modules)."""

from functools import partial

from grader.spec import Exercise

TITLE = "Convolutional neural networks: convolution, padding and stride, pooling, a small CNN"

E = partial(Exercise, "lecture3")

EXERCISES = [
    E("convolve2d", "conv.py", 1, "2D convolution (one channel)",
      "Slide the k×k filter over every position where it fits: out[i, j] = Σ_a Σ_b "
      "image[i+a, j+b]·kernel[a, b]. Do not flip the kernel.", timeout=30.0),
    E("conv_output_size", "conv.py", 1, "Convolution output size",
      "⌊(in + 2p - k)/s⌋ + 1 with integer division (//): a window that does not fit is dropped."),
    E("conv2d", "conv.py", 2, "Convolutional layer (forward)",
      "Pad all four sides with p zeros; output (i, j) reads the window starting at (i·s, j·s); "
      "sum over channels and kernel positions, then add b[f].", timeout=60.0, parts=('conv_output_size',)),
    E("conv2d_backward", "conv.py", 4, "Convolutional layer (backward, by hand)",
      "Each output (n, f, i, j) used the window at (i·s, j·s): send dout·w back to that window of "
      "the padded dx, add dout·window to dw[f], sum dout for db; crop the padding off dx at the "
      "end.", by_hand=True, timeout=60.0),
    E("max_pool2d", "pooling.py", 1, "Max pooling",
      "H' = ⌊(H - size)/stride⌋ + 1; window (i, j) starts at (i·stride, j·stride); keep its "
      "maximum.", timeout=30.0),
    E("max_pool2d_backward", "pooling.py", 2, "Max pooling (backward, by hand)",
      "Each window sends its dout to ONE position, its first maximum in row-major order; where "
      "windows overlap, add (+=), do not overwrite.", by_hand=True, timeout=30.0),
    E("cnn_forward", "cnn.py", 2, "A small CNN (forward)",
      "conv2d(padding=1) → ReLU → 2×2 max-pool → reshape each example to one row in (C, H, W) "
      "order → @ W2 + b2.", timeout=60.0, parts=('conv2d', 'max_pool2d')),
]

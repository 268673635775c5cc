"""Lecture 1 (foundations): regularization - dropout, early stopping, weight initialisation.

Regularization discourages a model from fitting its training data too closely, so that it
generalises to unseen data: dropout randomly switches neurons off during training; early stopping
ends training when the validation loss stops improving. Weights are initialised at random, from a
distribution whose scale you choose.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend. Functions marked STOCHASTIC are
graded by statistical tests (false-failure probability below 1e-6) under seeds the grader fixes, so
a submission always gets the same score: draw the randomness from your backend's own random
functions (e.g. np.random.*, torch.rand / torch.randn, tf.random.uniform / tf.random.normal).
"""
import numpy as np


def dropout(x, p, training=True):
    """STOCHASTIC. Inverted dropout: zero each element with probability p, scale the rest.

        keep_ij ~ Bernoulli(1 - p), independently for every element
        out = x · keep / (1 - p)          when training
        out = x                           when not training (at test time nothing is dropped)

    Scaling by 1/(1-p) during training keeps the expected value: E[out] = x, so no rescaling is
    needed at test time. A uniform draw u in [0, 1) gives keep = (u >= p).

    Args:
        x: array of any shape (float).
        p: drop probability, 0 <= p < 1 (p = 0 keeps everything).
        training: whether to apply dropout.
    Returns:
        array of x's shape and dtype (and, for torch, on x's device).

    Example (one possible draw):
        dropout([[1., 1., 1., 1.], [1., 1., 1., 1.]], p=0.5)
            -> [[2., 0., 2., 2.], [0., 2., 0., 0.]]   (every element is 0 or 1 / (1 - 0.5) = 2)
        dropout(x, 0.5, training=False) -> x
    """
    raise NotImplementedError


def early_stopping(val_losses, patience):
    """When does early stopping stop, and which epoch's model does it keep?

    Epochs are 0-based: val_losses[e] is the validation loss after epoch e. Walk through the
    epochs keeping the best loss so far. An epoch counts as an improvement only if its loss is
    STRICTLY smaller than the best so far (an equal loss is not). Training stops at the epoch that
    completes `patience` consecutive epochs without improvement; if that never happens, stop_epoch
    is the last epoch, len(val_losses) - 1. best_epoch is the epoch of the best loss seen up to and
    including stop_epoch (the first one, on ties).

    Args:
        val_losses: non-empty list of Python floats.
        patience: int >= 1.
    Returns:
        (stop_epoch, best_epoch) - a tuple of Python ints.

    Examples:
        [1.0, 0.8, 0.9, 0.85, 0.95], patience 2 -> (3, 1)
            best 0.8 at epoch 1; epochs 2 and 3 do not beat it -> 2 in a row -> stop at 3.
        [3.0, 2.0, 1.0], patience 1 -> (2, 2)      (never stops)
        [1.0, 1.0, 0.5], patience 1 -> (1, 0)      (1.0 is not < 1.0; epoch 2 is never reached)
    """
    raise NotImplementedError


def init_weights(fan_in, fan_out, sigma):
    """STOCHASTIC. Random weight matrix with entries drawn independently from N(0, σ²).

    Args:
        fan_in, fan_out: Python ints, the layer's number of inputs and outputs.
        sigma: the standard deviation σ (not the variance), a Python float >= 0.
    Returns:
        (fan_in, fan_out) array of your backend (any device), a float dtype.

    Draw standard normals z ~ N(0, 1) and scale them: σ · z ~ N(0, σ²). There is no array
    argument to take the backend from, so create the array with your backend's own function.
    Common choices of σ: Xavier/Glorot σ = √(2 / (fan_in + fan_out)) (or √(1/fan_in)) for
    sigmoid/tanh layers, He σ = √(2 / fan_in) for ReLU layers.

    Example:
        init_weights(784, 128, (2 / 784) ** 0.5)  ->  a (784, 128) array whose entries have
        mean ≈ 0 and standard deviation ≈ 0.0505 (σ = √(2/784) = 0.05050763)
    """
    raise NotImplementedError

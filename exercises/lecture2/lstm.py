"""Lecture 2 (deep sequence modelling): long short-term memory (LSTM) and gated recurrent units.

An LSTM cell keeps a cell state c_t beside the hidden state h_t and controls the flow of
information with gates, numbers in (0, 1) from a sigmoid:

    1. forget:  f decides how much of the old cell state to keep
    2. store:   i decides how much of the new candidate g to write
    3. update:  c_t = f⊙c_{t-1} + i⊙g
    4. output:  o decides what to output: h_t = o⊙tanh(c_t)

The cell state is updated by addition, not by a product with a weight matrix, so gradients
flow back through c without vanishing (uninterrupted gradient flow). A GRU merges the gates
into two, reset r and update z, with no separate cell state.

Shapes: batch first, row vectors. x_t is (N, D), h and c are (N, H). All gates are computed with
one product: Wx is (D, 4H), Wh (H, 4H), b (4H,), the four H-wide blocks in the order i, f, g, o
(PyTorch's and Keras's order).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
TensorFlow tensors cannot be assigned into: slice (a[:, :H]) and stack instead.
"""
import numpy as np


def lstm_gates(x_t, h_prev, Wx, Wh, b):
    """The four gate activations of an LSTM cell.

        a = x_t @ Wx + h_prev @ Wh + b                      (N, 4H)
        a_i, a_f, a_g, a_o = a[:, :H], a[:, H:2H], a[:, 2H:3H], a[:, 3H:]
        i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)

    i, f and o are gates, in (0, 1): sigmoid. g is the candidate value, in (-1, 1): tanh.
    Use a stable sigmoid (your framework's, or Lecture 1's: only ever exponentiate -|a|) and
    your framework's tanh: the grader's cases include pre-activations of ±100s.

    Args:
        x_t: (N, D); h_prev: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (i, f, g, o), a tuple of four (N, H) arrays, in that order.

    Example (N=D=H=1):
        x_t = [[1.]], h_prev = [[0.]], Wx = [[1., 2., 3., -1.]], Wh = [[0., 0., 0., 0.]], b = 0
        a = [[1., 2., 3., -1.]]
        -> (σ(1), σ(2), tanh(3), σ(-1)) = ([[0.731059]], [[0.880797]], [[0.995055]], [[0.268941]])
    """
    raise NotImplementedError


def lstm_cell_update(c_prev, i, f, g):
    """Forget, store and update: the new cell state.

        c = f⊙c_prev + i⊙g          (⊙ is the elementwise product)

    Args:
        c_prev, i, f, g: (N, H) arrays.
    Returns:
        c, (N, H).

    Example:
        c_prev = [[1., -2.]], i = [[0.5, 1.]], f = [[0.9, 0.]], g = [[1., -0.5]]
        -> [[0.9·1 + 0.5·1, 0·(-2) + 1·(-0.5)]] = [[1.4, -0.5]]
    """
    raise NotImplementedError


def lstm_hidden(c, o):
    """The output step: the new hidden state.

        h = o⊙tanh(c)

    Use your framework's tanh: the cell state is not bounded, and tanh built from exp(c)
    overflows for large |c|.

    Args:
        c, o: (N, H) arrays.
    Returns:
        h, (N, H).

    Example:
        c = [[0., 1., -2.]], o = [[1., 0.5, 0.25]]
        -> [[1·tanh(0), 0.5·tanh(1), 0.25·tanh(-2)]] = [[0., 0.380797, -0.241007]]
    """
    raise NotImplementedError


def lstm_step(x_t, h_prev, c_prev, Wx, Wh, b):
    """One step of an LSTM: gates, then the cell update, then the output.

        i, f, g, o = lstm_gates(x_t, h_prev, Wx, Wh, b)
        c = f⊙c_prev + i⊙g
        h = o⊙tanh(c)

    Args:
        x_t: (N, D); h_prev, c_prev: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (h, c), a tuple of two (N, H) arrays: the hidden state first.

    Example (the one of lstm_gates, with c_prev = [[0.5]]):
        c = 0.880797·0.5 + 0.731059·0.995055 = 1.167842
        h = 0.268941·tanh(1.167842) = 0.221495
        -> ([[0.221495]], [[1.167842]])
    """
    raise NotImplementedError


def lstm_forward(x, h0, c0, Wx, Wh, b):
    """An LSTM unrolled over a whole sequence.

    Starting from (h0, c0), apply lstm_step to x[:, 0], x[:, 1], ..., x[:, T-1], carrying both
    h and c from each step to the next, with the same weights at every step.

    Args:
        x: (N, T, D); h0, c0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns:
        (hs, c_T): hs (N, T, H) stacks h_1 .. h_T on axis 1 (h0 not included; (N, 1, H) when
        T = 1); c_T (N, H) is the cell state after the last step.

    Example (the weights of lstm_gates, x = [[[1.], [1.]]], h0 = [[0.]], c0 = [[0.5]]):
        step 1 gives h_1 = 0.221495, c_1 = 1.167842 (lstm_step's example); step 2 starts from
        them: -> ([[[0.221495], [0.253360]]], [[1.756075]])
    """
    raise NotImplementedError


def gru_step(x_t, h_prev, Wx, Wh, bx, bh):
    """One step of a gated recurrent unit, in PyTorch's form (torch.nn.GRUCell).

    Wx is (D, 3H), Wh (H, 3H), bx and bh (3H,), each in three H-wide blocks in the order
    r, z, n (reset, update, new):

        r  = σ(x_t @ Wx_r + bx_r + h_prev @ Wh_r + bh_r)
        z  = σ(x_t @ Wx_z + bx_z + h_prev @ Wh_z + bh_z)
        n  = tanh(x_t @ Wx_n + bx_n + r⊙(h_prev @ Wh_n + bh_n))      r multiplies AFTER @ Wh_n
        h' = (1 - z)⊙n + z⊙h_prev                                      z keeps the old state

    (Wx_r = Wx[:, :H], Wx_z = Wx[:, H:2H], Wx_n = Wx[:, 2H:], and likewise for Wh, bx, bh.
    Keras's GRU with reset_after=True computes the same, with its blocks stored as z, r, n.)

    Args:
        x_t: (N, D); h_prev: (N, H); Wx: (D, 3H); Wh: (H, 3H); bx, bh: (3H,).
    Returns:
        h', (N, H).

    Example (N=D=H=1):
        x_t = [[1.]], h_prev = [[0.5]], Wx = [[1., -1., 2.]], Wh = [[0.5, 0.5, 1.]], bx = bh = 0
        r = σ(1 + 0.25) = 0.777300,  z = σ(-1 + 0.25) = 0.320821,
        n = tanh(2 + 0.777300·0.5) = 0.983303
        -> (1 - 0.320821)·0.983303 + 0.320821·0.5 = [[0.828249]]
    """
    raise NotImplementedError

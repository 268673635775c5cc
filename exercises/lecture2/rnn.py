"""Lecture 2 (deep sequence modelling): recurrent neural networks.

An RNN reads a sequence one step at a time and keeps a hidden state h_t, updated by the same
function, with the same weights, at every step:

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)        (the lecture's W_hhᵀh_{t-1} + W_xhᵀx_t)
    ŷ_t = h_t @ W_hy + b_y

Training unrolls it over time and backpropagates through every step (BPTT). Repeated products
with W_hh make gradients vanish or explode over long sequences; clipping the gradients' global
norm tames the explosions, and initialising W_hh to the identity helps against vanishing.

Shapes: batch first, row vectors. x is (N, T, D): N sequences of T steps of D features; x_t is
(N, D); hidden states are (N, H); W_xh is (D, H), W_hh (H, H), b_h (H,), W_hy (H, V), b_y (V,).

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

Arrays are of the backend being graded (numpy.ndarray, torch.Tensor or tf.Tensor): you receive
arrays of that backend and must return arrays of that backend, float, in the dtype of the inputs.
A scalar result may be a 0-d array of the backend or a Python float. TensorFlow tensors cannot be
assigned into (no a[i] = ...): collect the steps in a Python list and stack them.
"""
import numpy as np


def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    """One step of a vanilla RNN: the new hidden state.

        h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)

    Args:
        x_t:    (N, D) inputs at step t.
        h_prev: (N, H) hidden state of the previous step.
        W_xh:   (D, H) input-to-hidden weights.
        W_hh:   (H, H) hidden-to-hidden weights.
        b_h:    (H,) bias.
    Returns:
        h_t, (N, H). Use your framework's tanh: (e^z - e^-z)/(e^z + e^-z) overflows for large z.

    Example (N=1, D=2, H=3):
        x_t = [[1., 2.]], h_prev = [[0.5, -0.5, 0.]],
        W_xh = [[0.1, 0.2, -0.1], [0.3, -0.4, 0.2]], W_hh = 0.5·I, b_h = [0., 0.1, 0.]
        pre-activation = [[0.7, -0.6, 0.3]] + [[0.25, -0.25, 0.]] + b_h = [[0.95, -0.75, 0.3]]
        h_t = tanh(...) = [[0.739783, -0.635149, 0.291313]]
    """
    raise NotImplementedError


def rnn_output(h_t, W_hy, b_y):
    """The RNN's output at one step: a linear layer on the hidden state.

        ŷ_t = h_t @ W_hy + b_y

    No activation: these are scores (logits); a softmax, if any, belongs to the loss.

    Args:
        h_t:  (N, H) hidden state.
        W_hy: (H, V) hidden-to-output weights.
        b_y:  (V,) bias.
    Returns:
        (N, V).

    Example:
        h_t = [[1., -1.]], W_hy = [[2., 0., 1.], [1., 1., 1.]], b_y = [0., 0.5, 0.]
        -> [[2 - 1 + 0, 0 - 1 + 0.5, 1 - 1 + 0]] = [[1., -0.5, 0.]]
    """
    raise NotImplementedError


def rnn_forward(x, h0, W_xh, W_hh, b_h):
    """The RNN unrolled over a whole sequence: every hidden state.

        h_t = tanh(x[:, t] @ W_xh + h_{t-1} @ W_hh + b_h),   t = 1 .. T, starting from h0

    The same W_xh, W_hh, b_h at every step; each step starts from the previous step's h.

    Args:
        x:  (N, T, D) inputs.
        h0: (N, H) initial hidden state.
        W_xh (D, H), W_hh (H, H), b_h (H,) as in rnn_step.
    Returns:
        hs, (N, T, H): hs[:, t] is the state after reading x[:, t] (h_1 .. h_T; h0 is not
        included). With T = 1 the result is still (N, 1, H).

    Example (N=1, T=2, D=H=1):
        x = [[[1.], [2.]]], h0 = [[0.]], W_xh = [[0.5]], W_hh = [[1.]], b_h = [0.]
        h_1 = tanh(0.5) = 0.462117,  h_2 = tanh(1 + 0.462117) = 0.898063
        -> [[[0.462117], [0.898063]]]
    """
    raise NotImplementedError


def rnn_backward(x, h0, W_xh, W_hh, b_h, dhs):
    """BY HAND: backpropagation through time for rnn_forward.

    The loss L depends on the hidden states; dhs[:, t] = ∂L/∂h_t from OUTSIDE the recurrence
    (e.g. through the output layer at step t). Each h_t also feeds h_{t+1}, so walk backwards
    from the last step, carrying the gradient that comes back through the recurrence:

        recompute the forward pass hs (rnn_forward);  dh_next = 0 (N, H)
        for t = T-1 down to 0:             (h_prev is hs[:, t-1], or h0 when t = 0)
            dh = dhs[:, t] + dh_next                 # outside + through h_{t+1}
            dz = dh · (1 - h_t²)                     # through tanh: tanh' = 1 - tanh²
            dx[:, t] = dz @ W_xhᵀ
            dW_xh += x[:, t]ᵀ @ dz;  dW_hh += h_prevᵀ @ dz;  db_h += Σ_n dz
            dh_next = dz @ W_hhᵀ
        dh0 = dh_next  (after the loop)

    Every step back multiplies the gradient by W_hhᵀ and by tanh' ≤ 1: over long sequences it
    vanishes (small W_hh, saturated tanh) or explodes (large W_hh).
    Autodiff (torch.autograd, tf.GradientTape) is not available in this exercise.

    Args:
        x (N, T, D), h0 (N, H), W_xh (D, H), W_hh (H, H), b_h (H,): as in rnn_forward.
        dhs: (N, T, H), ∂L/∂h_t from outside the recurrence.
    Returns:
        dict {"x": (N, T, D), "h0": (N, H), "W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)},
        each the gradient of L with the shape of what it is the gradient of.

    Example (the one of rnn_forward, dhs = [[[0.], [1.]]]: L = h_2):
        t = 1: dz = 1·(1 - 0.898063²) = 0.193483;  dx[1] = 0.5·dz = 0.096741;
               dW_xh += 2·dz;  dW_hh += h_1·dz = 0.089412;  dh_next = 1·dz = 0.193483
        t = 0: dz = 0.193483·(1 - 0.462117²) = 0.152164;  dx[0] = 0.076082;
               dW_xh += 1·dz;  dW_hh += h0·dz = 0
        -> {"x": [[[0.076082], [0.096741]]], "h0": [[0.152164]], "W_xh": [[0.539130]],
            "W_hh": [[0.089412]], "b_h": [0.345647]}
    """
    raise NotImplementedError


def sequence_loss(logits, targets):
    """The total loss of a sequence: softmax cross-entropy at every step, summed over time.

        L_t = -log softmax(logits[:, t])[target_t] = logsumexp(logits[:, t]) - logits[:, t, target_t]
        L = (1/N) Σ_n Σ_t L_t        summed over the T steps, averaged over the N sequences

    Compute logsumexp stably: logsumexp(z) = m + log Σ_k exp(z_k - m) with m = max_k z_k.

    Args:
        logits:  (N, T, V) scores.
        targets: (N, T) integer class indices in [0, V) (int64).
    Returns:
        L, a scalar (0-d array or float).

    Example (N=1, T=2, V=2):
        logits = [[[0., 0.], [2., 0.]]], targets = [[0, 1]]
        L_1 = log(e⁰ + e⁰) - 0 = 0.693147,  L_2 = log(e² + e⁰) - 0 = 2.126928
        -> 2.820075
    """
    raise NotImplementedError


def clip_by_global_norm(grads, max_norm):
    """Gradient clipping by the global norm, the lecture's fix for exploding gradients.

        n = √( Σ over every array g in grads of Σ g² )       one norm for the whole list
        if n > max_norm: every g becomes g · max_norm / n    (the same factor for all)
        else:            the gradients are unchanged

    One factor for every array keeps the direction of the whole update; only its length is
    capped at max_norm.

    Args:
        grads: list of arrays (any shapes).
        max_norm: positive Python float.
    Returns:
        list of arrays, the same shapes, in the same order.

    Example:
        grads = [[3., 0.], [[0., 4.]]], max_norm = 1:  n = √(9 + 16) = 5 > 1
        -> [[0.6, 0.], [[0., 0.8]]]
        with max_norm = 10 the gradients come back unchanged.
    """
    raise NotImplementedError


def identity_init(hidden_size):
    """The lecture's trick 2 against vanishing gradients: initialise W_hh to the identity.

        W_hh = I (H, H),   b_h = 0 (H,)

    With W_hh = I and b_h = 0, the pre-activation carries the previous state unchanged when
    the input is 0, instead of shrinking it at every step.

    Args:
        hidden_size: int H >= 1.
    Returns:
        (W_hh, b_h): float arrays of your backend (on any device). There is no input array, so
        create them with your backend's own functions (np.eye, torch.eye, tf.eye, ...).

    Example:
        identity_init(2) -> ([[1., 0.], [0., 1.]], [0., 0.])
    """
    raise NotImplementedError

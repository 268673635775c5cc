"""Lecture 2, deep sequence modelling: the catalog (plain data; the checks live in the topic modules)."""

from functools import partial

from grader.spec import Exercise

TITLE = "Deep sequence modelling: encodings, RNNs, backpropagation through time, LSTMs and GRUs"

E = partial(Exercise, "lecture2")

EXERCISES = [
    E("bag_of_words", "encodings.py", 1, "Bag of words",
      "Count how often each vocabulary word occurs in tokens (exact, case-sensitive matches); "
      "return a float array of your backend, one count per vocabulary word."),
    E("fixed_window", "encodings.py", 2, "Fixed window",
      "Take the last `window` tokens, one one-hot block each, oldest first; a short sentence "
      "gets all-zero blocks at the front (the oldest side)."),
    E("rnn_step", "rnn.py", 1, "RNN step",
      "tanh(x_t @ W_xh + h_prev @ W_hh + b_h): row vectors, so the weights are on the right, "
      "untransposed."),
    E("rnn_output", "rnn.py", 1, "RNN output", "h_t @ W_hy + b_y: a linear layer, no activation."),
    E("rnn_forward", "rnn.py", 2, "RNN forward pass",
      "Loop over t, feeding each step's h into the next; collect h_1..h_T (not h0) and stack "
      "them on axis 1.", parts=('rnn_step',), timeout=30.0),
    E("rnn_backward", "rnn.py", 4, "Backpropagation through time",
      "Walk t from T-1 down to 0 carrying dh_next: dh = dhs[:, t] + dh_next, "
      "dz = dh·(1-h_t²), dh_next = dz @ W_hhᵀ; sum the weight gradients over t.", by_hand=True, parts=('rnn_forward',), timeout=30.0),
    E("sequence_loss", "rnn.py", 2, "Sequence loss",
      "Cross-entropy at every step (logsumexp - the target's logit), summed over time, then the "
      "mean over the batch: divide by N, not by N·T.", timeout=30.0),
    E("clip_by_global_norm", "rnn.py", 2, "Gradient clipping",
      "One norm for the whole list: n = √(Σ over every array of Σ g²); scale every array by "
      "max_norm/n only when n > max_norm."),
    E("identity_init", "rnn.py", 1, "Identity initialisation",
      "W_hh = the (H, H) identity, b_h = zeros (H,), created with your backend's own functions."),
    E("lstm_gates", "lstm.py", 2, "LSTM gates",
      "Split a = x@Wx + h@Wh + b into four H-wide blocks in the order i, f, g, o; sigmoid on "
      "i, f, o, tanh on the candidate g."),
    E("lstm_cell_update", "lstm.py", 1, "LSTM cell update",
      "c = f⊙c_prev + i⊙g: forget part of the old state, add the gated candidate."),
    E("lstm_hidden", "lstm.py", 1, "LSTM output", "h = o⊙tanh(c): squash the cell state, then gate it."),
    E("lstm_step", "lstm.py", 1, "LSTM step", "gates, then c, then h; return (h, c) in that order.", parts=('lstm_gates', 'lstm_cell_update', 'lstm_hidden')),
    E("lstm_forward", "lstm.py", 2, "LSTM forward pass",
      "Carry both h and c from step to step; return all hidden states (N, T, H) and the last c.", parts=('lstm_step',), timeout=30.0),
    E("gru_step", "lstm.py", 2, "GRU step",
      "Blocks r, z, n (PyTorch's order); the reset gate multiplies h@Wh_n + bh_n after the "
      "product; h' = (1-z)⊙n + z⊙h_prev."),
]

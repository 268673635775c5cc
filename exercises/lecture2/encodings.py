"""Lecture 2 (deep sequence modelling): turning a sentence into a vector.

To predict the next word, a model needs the words seen so far as numbers. The lecture tries two
simple encodings before it reaches recurrent networks, and shows what each one loses:

- a bag of words counts the words and forgets their order: "the food was good, not bad at all"
  and "the food was bad, not good at all" get the SAME vector, although they mean the opposite;
- a fixed window keeps the order of the last few words, one one-hot vector each, but it sees
  only those few words (no long-term dependencies) and every position has its own weights.

Write this file with NumPy, PyTorch or TensorFlow: import what you use at the top (replace the
default `import numpy as np` if you use another library). The grader picks the backend from your
imports with `--backend auto`; `--backend` forces one.

The inputs here are Python lists of str, not arrays: there is no input array to take the type
from, so create the result with your backend's own function (np.array / np.zeros,
torch.tensor / torch.zeros, tf.constant / tf.zeros). Return a float array of that backend (on
any device).
"""
import numpy as np


def bag_of_words(tokens, vocab):
    """Bag of words: how many times each vocabulary word occurs in the sentence.

        counts[j] = number of k with tokens[k] == vocab[j]

    Matching is exact and case-sensitive ('The' is not 'the'); tokens that are not in vocab are
    ignored. The order of the tokens does not matter: that is the point of this encoding, and
    its weakness.

    Args:
        tokens: list of str, the sentence split into words (may be empty).
        vocab:  list of str, distinct words; fixes the order of the result.
    Returns:
        float array of shape (len(vocab),), of your backend.

    Examples:
        bag_of_words(["the", "cat", "sat", "on", "the", "mat"], ["the", "cat", "dog", "mat"])
            -> [2., 1., 0., 1.]      ("sat" and "on" are not in vocab)

        The lecture's sentences, with punctuation dropped and
        vocab = ["the", "food", "was", "good", "bad", "not", "at", "all"]:
        "the food was good not bad at all" -> [1., 1., 1., 1., 1., 1., 1., 1.]
        "the food was bad not good at all" -> [1., 1., 1., 1., 1., 1., 1., 1.]   the same vector
    """
    raise NotImplementedError


def fixed_window(tokens, vocab, window):
    """Fixed window: one-hot vectors of the last `window` tokens, concatenated.

    Take the last `window` tokens, oldest first and newest (the last token) last. Each becomes a
    one-hot block of length len(vocab): a 1 at its index in vocab, 0 elsewhere. The result is
    the blocks concatenated, of length window·len(vocab):

        result[k·V : (k+1)·V] = one_hot(k-th token of the window),  V = len(vocab)

    - a sentence shorter than the window: the missing OLDEST blocks, at the front, are all
      zeros, and the tokens fill the blocks at the end;
    - a token not in vocab keeps its place in the window with an all-zero block.

    Args:
        tokens: list of str (may be shorter than the window, or empty).
        vocab:  list of str, distinct words.
        window: int >= 1, how many of the last tokens to encode.
    Returns:
        float array of shape (window·len(vocab),), of your backend.

    Examples (vocab = ["good", "bad", "not"]):
        fixed_window(["good", "not", "bad"], vocab, 2) -> [0., 0., 1.,  0., 1., 0.]
                                                            "not"        "bad"
        fixed_window(["bad"], vocab, 2)                 -> [0., 0., 0.,  0., 1., 0.]
        fixed_window(["good", "pizza"], vocab, 2)       -> [1., 0., 0.,  0., 0., 0.]

        The lecture's sentences, vocab = ["the", "food", "was", "good", "bad", "not", "at",
        "all"]: with window 3 (or more) "the food was good not bad at all" and "the food was bad
        not good at all" get DIFFERENT vectors ("bad at all" / "good at all"), although their
        bags of words are equal; with window 2 both are "at all" and the vectors are equal: a
        fixed window cannot see further back than its size.
    """
    raise NotImplementedError

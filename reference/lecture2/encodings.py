"""Checks for exercises/lecture2/encodings.py."""

from __future__ import annotations

import numpy as np

from grader.spec import Case, Check, Mistake
from reference.solutions.lecture2 import encodings as ref

# The lecture's two sentences (punctuation dropped): the same words in a different order.
GOOD_NOT_BAD = "the food was good not bad at all".split()
BAD_NOT_GOOD = "the food was bad not good at all".split()
LECTURE_VOCAB = ["the", "food", "was", "good", "bad", "not", "at", "all"]

SAME_BAG_NOTE = ("'the food was good, not bad at all' and 'the food was bad, not good at all' get "
                 "this same vector: a bag of words counts the words and forgets their order, so "
                 "it cannot tell the two opposite sentences apart.")
WINDOW_DIFFERS_NOTE = ("the lecture's two sentences, 'the food was good, not bad at all' and 'the "
                       "food was bad, not good at all', get different vectors here (their bags of "
                       "words are equal): a fixed window keeps the order of the words it sees.")


def _words(rng, n, vocab_size, unknown=0.1):
    """n tokens drawn from w0..w{vocab_size-1}, a fraction of them unknown words."""
    ids = rng.integers(0, vocab_size, n)
    out = [f"w{i}" for i in ids]
    for k in np.flatnonzero(rng.random(n) < unknown):
        out[k] = f"oov{k}"
    return out


def _bow_cases(rng):
    return [
        Case("the lecture's sentence 'the food was good, not bad at all'",
             (GOOD_NOT_BAD, LECTURE_VOCAB), note=SAME_BAG_NOTE),
        Case("the lecture's other sentence 'the food was bad, not good at all'",
             (BAD_NOT_GOOD, LECTURE_VOCAB), note=SAME_BAG_NOTE),
        Case("repeated and unknown words", ("the cat sat on the mat the end".split(),
                                            ["the", "cat", "mat", "dog"]),
             note="count every occurrence ('the' 3 times); words outside vocab are ignored"),
        Case("matching is case-sensitive", (["The", "the", "THE", "the"], ["the", "The"]),
             note="'The' and 'the' are different words here: compare the strings exactly"),
        Case("no tokens at all", ([], ["a", "b", "c"]), note="an empty sentence counts nothing"),
        Case("large: 3000 tokens, a vocabulary of 400 words", (_words(rng, 3000, 400),
                                                               [f"w{i}" for i in range(400)])),
    ]


def _np_counts(tokens, vocab, fold=False):
    key = (lambda s: s.lower()) if fold else (lambda s: s)
    return np.array([float(sum(key(t) == key(w) for t in tokens)) for w in vocab])


def _bow_presence(tokens, vocab):
    return np.minimum(_np_counts(tokens, vocab), 1.0)


def _bow_frequencies(tokens, vocab):
    return _np_counts(tokens, vocab) / max(len(tokens), 1)


def _window_cases(rng):
    return [
        Case("the lecture's sentence 'the food was good, not bad at all', window 8",
             (GOOD_NOT_BAD, LECTURE_VOCAB, 8), note=WINDOW_DIFFERS_NOTE),
        Case("the lecture's other sentence 'the food was bad, not good at all', window 8",
             (BAD_NOT_GOOD, LECTURE_VOCAB, 8), note=WINDOW_DIFFERS_NOTE),
        Case("the lecture's sentence, window 2: only 'at all'", (GOOD_NOT_BAD, LECTURE_VOCAB, 2),
             note="a window of 2 sees only the last two words, 'at all', oldest first; both "
                  "lecture sentences give this vector: a short window cannot see far back"),
        Case("sentence shorter than the window", (["good", "food"], LECTURE_VOCAB, 4),
             note="2 tokens, window 4: the two OLDEST blocks (the front) are all zeros, then "
                  "'good', then 'food'"),
        Case("an unknown word keeps its block", (["the", "pizza", "was", "good"], LECTURE_VOCAB, 3),
             note="'pizza' is not in vocab: its block is all zeros, it still takes one of the "
                  "3 places"),
        Case("window 1: the last word only", ("not bad at all".split(), LECTURE_VOCAB, 1)),
        Case("large: 500 tokens, a vocabulary of 300 words, window 10",
             (_words(rng, 500, 300), [f"w{i}" for i in range(300)], 10)),
    ]


def _np_window(blocks, vocab):
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(blocks), len(vocab)))
    for k, token in enumerate(blocks):
        if token in index:
            out[k, index[token]] = 1.0
    return out.reshape(-1)


def _np_last_window(tokens, vocab, window):
    last = list(tokens)[max(len(tokens) - window, 0):]
    return _np_window([None] * (window - len(last)) + last, vocab)


def _window_newest_first(tokens, vocab, window):
    last = list(tokens)[max(len(tokens) - window, 0):]
    return _np_window(([None] * (window - len(last)) + last)[::-1], vocab)


def _window_padded_at_end(tokens, vocab, window):
    last = list(tokens)[max(len(tokens) - window, 0):]
    return _np_window(last + [None] * (window - len(last)), vocab)


def _window_first_tokens(tokens, vocab, window):
    first = list(tokens)[:window]
    return _np_window([None] * (window - len(first)) + first, vocab)


def _window_unknown_skipped(tokens, vocab, window):
    return _np_last_window([t for t in tokens if t in vocab], vocab, window)


CHECKS = {
    "bag_of_words": Check(ref.bag_of_words, _bow_cases, [
        Mistake("presence instead of counts", "a bag of words COUNTS each word: 'the' twice is 2, "
                "not 1", _bow_presence),
        Mistake("case-insensitive matching", "match words exactly: 'The' is not 'the'",
                lambda tokens, vocab: _np_counts(tokens, vocab, fold=True)),
        Mistake("frequencies instead of counts", "return the raw counts, not counts divided by "
                "the number of tokens", _bow_frequencies),
    ]),
    "fixed_window": Check(ref.fixed_window, _window_cases, [
        Mistake("newest word first", "concatenate the blocks oldest first: the last token's "
                "one-hot block goes at the end", _window_newest_first),
        Mistake("zeros padded after the words", "a sentence shorter than the window gets its "
                "all-zero blocks at the front (the oldest places), the words at the end",
                _window_padded_at_end),
        Mistake("first words instead of the last", "the window holds the LAST `window` tokens, "
                "the ones just before the word to predict", _window_first_tokens),
        Mistake("unknown words skipped", "an unknown token still takes its place in the window, "
                "with an all-zero block", _window_unknown_skipped),
    ]),
}

"""Reference solutions: encoding a sentence as a vector (bag of words, fixed window).

The inputs are lists of str, so there is no array to take the backend from: array_namespace()
with no arguments gives the backend being graded."""

from backends import array_namespace


def bag_of_words(tokens, vocab):
    xp = array_namespace()
    counts = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    return xp.asarray([float(counts.get(word, 0)) for word in vocab])


def fixed_window(tokens, vocab, window):
    xp = array_namespace()
    index = {word: i for i, word in enumerate(vocab)}
    last = list(tokens)[max(len(tokens) - window, 0):]
    blocks = [None] * (window - len(last)) + last
    values = []
    for token in blocks:
        block = [0.0] * len(vocab)
        if token in index:
            block[index[token]] = 1.0
        values.extend(block)
    return xp.asarray(values)

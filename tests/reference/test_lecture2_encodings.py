"""Lecture 2, encodings: the lecture's point (same bag of words, different fixed windows) holds
and is visible in the feedback; the results are arrays of the active backend."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import backends
from reference.lecture2 import encodings as checks
from reference.solutions.lecture2 import encodings as ref

ROOT = Path(__file__).resolve().parents[2]
S1, S2, VOCAB = checks.GOOD_NOT_BAD, checks.BAD_NOT_GOOD, checks.LECTURE_VOCAB


def test_the_lecture_sentences_share_a_bag_of_words():
    assert S1 != S2 and sorted(S1) == sorted(S2)
    np.testing.assert_array_equal(ref.bag_of_words(S1, VOCAB), ref.bag_of_words(S2, VOCAB))


@pytest.mark.parametrize("window", [3, 5, 8, 10])
def test_the_lecture_sentences_differ_in_a_fixed_window(window):
    assert not np.array_equal(ref.fixed_window(S1, VOCAB, window),
                              ref.fixed_window(S2, VOCAB, window))


def test_a_window_of_two_cannot_tell_them_apart():
    np.testing.assert_array_equal(ref.fixed_window(S1, VOCAB, 2), ref.fixed_window(S2, VOCAB, 2))


def test_the_point_is_in_the_feedback():
    """The notes of the lecture-sentence cases (shown when a case fails) and the stubs'
    docstrings tell the student what the two encodings do with the two sentences."""
    rng = np.random.default_rng(0)
    bow = checks.CHECKS["bag_of_words"].cases(rng)
    win = checks.CHECKS["fixed_window"].cases(rng)
    for cases, word in ((bow, "same vector"), (win, "different vectors")):
        lecture = [c for c in cases if c.label.startswith("the lecture's") and "window 2" not in c.label]
        assert len(lecture) == 2
        for c in lecture:
            assert "good, not bad at all" in c.note and "bad, not good at all" in c.note
            assert word in c.note
            assert {tuple(c.args[0])} <= {tuple(S1), tuple(S2)}
    tree = ast.parse((ROOT / "exercises/lecture2/encodings.py").read_text())
    docs = {f.name: ast.get_docstring(f) for f in tree.body if isinstance(f, ast.FunctionDef)}
    assert "the same vector" in docs["bag_of_words"]
    assert "DIFFERENT vectors" in docs["fixed_window"]


def test_worked_examples():
    np.testing.assert_array_equal(
        ref.bag_of_words(["the", "cat", "sat", "on", "the", "mat"], ["the", "cat", "dog", "mat"]),
        [2.0, 1.0, 0.0, 1.0])
    vocab = ["good", "bad", "not"]
    np.testing.assert_array_equal(ref.fixed_window(["good", "not", "bad"], vocab, 2),
                                  [0, 0, 1, 0, 1, 0])
    np.testing.assert_array_equal(ref.fixed_window(["bad"], vocab, 2), [0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(ref.fixed_window(["good", "pizza"], vocab, 2),
                                  [1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(ref.fixed_window([], vocab, 2), np.zeros(6))


def test_fixed_window_blocks_are_one_hot_and_oldest_first():
    rng = np.random.default_rng(4)
    vocab = [f"w{i}" for i in range(20)]
    tokens = [vocab[i] for i in rng.integers(0, 20, 30)]
    out = ref.fixed_window(tokens, vocab, 6).reshape(6, 20)
    assert (out.sum(axis=1) == 1).all()
    assert [vocab[i] for i in out.argmax(axis=1)] == tokens[-6:]


@pytest.mark.parametrize("name", backends.NAMES)
def test_results_are_arrays_of_the_active_backend(name, monkeypatch):
    if not backends.installed(name):
        pytest.skip(f"{name} is not installed")
    want_bow, want_window = ref.bag_of_words(S1, VOCAB), ref.fixed_window(S1, VOCAB, 3)
    assert isinstance(want_bow, np.ndarray) and want_window.shape == (3 * len(VOCAB),)
    monkeypatch.setenv(backends.ACTIVE_ENV, name)
    be = backends.get(name)
    for out, want in ((ref.bag_of_words(S1, VOCAB), want_bow),
                      (ref.fixed_window(S1, VOCAB, 3), want_window)):
        assert be.classify(out) == "native"
        assert be.to_numpy(out).dtype.kind == "f"
        np.testing.assert_array_equal(be.to_numpy(out), want)

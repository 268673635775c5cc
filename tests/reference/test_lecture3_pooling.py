"""Lecture 3's max pooling against PyTorch and TensorFlow (forward and autodiff, ties included),
against float64 central differences where no ties make the gradient ambiguous, and the tie rule
(the FIRST maximum in row-major order) on hand-made windows."""

from __future__ import annotations

import numpy as np
import pytest

from grader import catalog, grading
from reference.lecture3 import pooling as checks
from reference.solutions.lecture3 import pooling as ref

LECTURE = catalog.lecture("lecture3")


def _prepared(name):
    ex = catalog.find_exercise(LECTURE, name)
    return grading.prepare(ex, catalog.check_for(ex), "float64")


def _size_stride(item):
    return int(item.kwargs.get("size", 2)), int(item.kwargs.get("stride", 2))


def _torch_pool(x, size, stride, dout=None):
    torch = pytest.importorskip("torch")
    t = torch.from_numpy(np.array(x)).requires_grad_(dout is not None)
    out = torch.nn.functional.max_pool2d(t, size, stride)
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.from_numpy(np.array(dout)))
    return t.grad.numpy()


def _tf_pool(x, size, stride, dout=None):
    """tf.nn.max_pool2d is NHWC on the CPU: transpose in and out."""
    tf = pytest.importorskip("tensorflow")
    v = tf.Variable(np.transpose(x, (0, 2, 3, 1)))
    with tf.GradientTape() as tape:
        out = tf.transpose(tf.nn.max_pool2d(v, size, stride, "VALID"), (0, 3, 1, 2))
        loss = tf.reduce_sum(out * (dout if dout is not None else 0.0))
    if dout is None:
        return out.numpy()
    return np.transpose(tape.gradient(loss, v).numpy(), (0, 3, 1, 2))


FRAMEWORK_POOL = {"torch": _torch_pool, "tensorflow": _tf_pool}


def test_the_lecture_example():
    x = checks.LECTURE_X
    np.testing.assert_array_equal(ref.max_pool2d(x)[0, 0], [[6, 8], [3, 4]])
    dx = ref.max_pool2d_backward(x, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 0, 0], [0, 1, 0, 2], [3, 0, 0, 0], [0, 0, 0, 4]])


def test_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    np.testing.assert_array_equal(ref.max_pool2d_backward(x, np.array([[[[5.0]]]])),
                                  [[[[0, 5], [0, 0]]]])
    constant = np.full((1, 1, 2, 2), 7.0)
    np.testing.assert_array_equal(ref.max_pool2d_backward(constant, np.array([[[[1.0]]]])),
                                  [[[[1, 0], [0, 0]]]])
    # the mistakes split the same tie differently
    tie = dict(x=x, dout=np.array([[[[5.0]]]]), size=2, stride=2)
    np.testing.assert_array_equal(checks.np_pool_backward(**tie, tie="all"), [[[[0, 5], [5, 0]]]])
    np.testing.assert_array_equal(checks.np_pool_backward(**tie, tie="last"), [[[[0, 0], [5, 0]]]])


def test_overlapping_windows_add_up():
    x = np.array([[[[0.0, 4.0, 0.0], [0.0, 0.0, 0.0]]]])
    dx = ref.max_pool2d_backward(x, np.array([[[[1.0, 2.0]]]]), 2, 1)
    np.testing.assert_array_equal(dx, [[[[0, 3, 0], [0, 0, 0]]]])
    overwritten = checks.np_pool_backward(x, np.array([[[[1.0, 2.0]]]]), 2, 1, overwrite=True)
    np.testing.assert_array_equal(overwritten, [[[[0, 2, 0], [0, 0, 0]]]])


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_max_pool2d_matches_the_frameworks(framework):
    for item in _prepared("max_pool2d"):
        theirs = FRAMEWORK_POOL[framework](item.args[0], *_size_stride(item))
        assert theirs.shape == item.expected.shape, item.case.label
        np.testing.assert_array_equal(item.expected, theirs, err_msg=item.case.label)


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_max_pool2d_backward_matches_autodiff_ties_included(framework):
    """Both frameworks' CPU kernels route a tied window's gradient to its first maximum."""
    for item in _prepared("max_pool2d_backward"):
        x, dout = item.args
        theirs = FRAMEWORK_POOL[framework](x, *_size_stride(item), dout=dout)
        np.testing.assert_allclose(item.expected, theirs, rtol=1e-12, atol=1e-12,
                                   err_msg=item.case.label)


def test_max_pool2d_backward_matches_central_differences_without_ties():
    checked = 0
    for item in _prepared("max_pool2d_backward"):
        x, dout = item.args
        size, stride = _size_stride(item)
        if x.size > 600 or len(np.unique(x)) != x.size:
            continue  # a tie has no derivative; central differences need distinct values
        h = 1e-6
        numeric = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            plus, minus = x.copy(), x.copy()
            plus[i] += h
            minus[i] -= h
            numeric[i] = (np.sum(ref.max_pool2d(plus, size, stride) * dout)
                          - np.sum(ref.max_pool2d(minus, size, stride) * dout)) / (2 * h)
        np.testing.assert_allclose(item.expected, numeric, rtol=1e-6, atol=1e-8,
                                   err_msg=item.case.label)
        checked += 1
    assert checked >= 4


def test_backward_cases_have_ties_that_tell_the_tie_rules_apart():
    tied = 0
    for item in _prepared("max_pool2d_backward"):
        x, dout = item.args
        size, stride = _size_stride(item)
        every = checks.np_pool_backward(x, dout, size, stride, tie="all")
        last = checks.np_pool_backward(x, dout, size, stride, tie="last")
        if not np.allclose(every, item.expected) and not np.allclose(last, item.expected):
            tied += 1
    assert tied >= 3


def test_the_float32_cases_are_exact_or_nearly():
    """Max pooling only copies values: the forward pass in float32 equals the float64 truth
    exactly, and so does the backward pass where windows do not overlap. Where they overlap, an
    input adds up to size² gradients: a little rounding, far inside the tolerance."""
    for name in ("max_pool2d", "max_pool2d_backward"):
        ex = catalog.find_exercise(LECTURE, name)
        for item in grading.prepare(ex, catalog.check_for(ex), "float32"):
            size, stride = _size_stride(item)
            conditioning = max(item.tolerance.conditioning.values())
            if name == "max_pool2d" or stride >= size:
                assert conditioning == 0.0, item.case.label
            else:
                assert conditioning < 0.25, item.case.label

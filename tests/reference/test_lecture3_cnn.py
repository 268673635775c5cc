"""Lecture 3's small CNN against the same network built from PyTorch's and TensorFlow's own
layers, in float64 and (no flaky case) in float32."""

from __future__ import annotations

import numpy as np
import pytest

import backends
from grader import catalog, grading, wire
from grader.compare import Tolerance, compare
from reference.lecture3 import cnn as checks
from reference.solutions.lecture3 import cnn as ref

LECTURE = catalog.lecture("lecture3")
SALTS = [grading.PUBLIC_SALT] + [f"another draw {i}" for i in range(4)]


def _prepared(dtype="float64", salt=grading.PUBLIC_SALT):
    ex = catalog.find_exercise(LECTURE, "cnn_forward")
    return grading.prepare(ex, catalog.check_for(ex), dtype, salt)


def _torch_cnn(x, w1, b1, W2, b2):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, w1, b1, W2, b2 = (torch.from_numpy(np.array(a)) for a in (x, w1, b1, W2, b2))
    p = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2, 2)
    return (torch.flatten(p, 1) @ W2 + b2).numpy()


def _tf_cnn(x, w1, b1, W2, b2):
    """NHWC on the CPU: the channels go last for the layers and come back first before
    flattening, so that the features are in (C, H, W) order like W2's rows."""
    tf = pytest.importorskip("tensorflow")
    h = tf.nn.conv2d(tf.transpose(x, (0, 2, 3, 1)), tf.transpose(w1, (2, 3, 1, 0)), 1,
                     [[0, 0], [1, 1], [1, 1], [0, 0]]) + b1
    p = tf.transpose(tf.nn.max_pool2d(tf.nn.relu(h), 2, 2, "VALID"), (0, 3, 1, 2))
    return (tf.reshape(p, (p.shape[0], -1)) @ W2 + b2).numpy()


FRAMEWORKS = {"torch": _torch_cnn, "tensorflow": _tf_cnn}


def test_the_docstring_example():
    w1 = np.zeros((1, 1, 3, 3))
    w1[0, 0, 1, 1] = 1.0
    got = ref.cnn_forward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), w1, np.array([-2.0]),
                          np.array([[1.0, -1.0]]), np.array([0.0, 0.5]))
    np.testing.assert_array_equal(got, [[2.0, -1.5]])


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_cnn_forward_matches_the_frameworks(framework):
    for item in _prepared():
        theirs = FRAMEWORKS[framework](*item.args)
        np.testing.assert_allclose(item.expected, theirs, rtol=1e-10, atol=1e-10,
                                   err_msg=item.case.label)


def test_flattening_order_matters_in_every_case():
    for item in _prepared():
        hwc = checks.np_cnn(*item.args, order="hwc")
        assert not np.allclose(hwc, item.expected), item.case.label


@pytest.mark.parametrize("salt", SALTS)
def test_correct_float32_answers_pass_with_a_factor_two_to_spare(salt):
    for item in _prepared("float32", salt):
        tight = Tolerance(item.tolerance.case_dtype, widen=item.tolerance.widen / 2,
                          conditioning=item.tolerance.conditioning)
        for framework, fn in FRAMEWORKS.items():
            if not backends.installed(framework):
                continue
            got = wire.Array(np.asarray(fn(*item.args)), "native")
            found = compare(item.expected, got, framework, tight)
            assert found is None, f"{framework}, {item.case.label!r} ({salt}): {found.message}"

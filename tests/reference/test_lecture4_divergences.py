"""Lecture 4 divergences: the references agree with SciPy on every graded case, zeros and
infinities included, and the cases hold what the exercise promises to grade."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr

from grader import catalog
from grader.grading import prepare
from reference.solutions.lecture4 import divergences as ref


def _cases(name, dtype="float64"):
    lec = catalog.lecture("lecture4")
    ex = catalog.find_exercise(lec, name)
    return prepare(ex, catalog.check_for(ex), dtype)


def _base(item):
    return item.kwargs64.get("base", 2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_kl_matches_scipy_rel_entr(dtype):
    for item in _cases("kl_divergence", dtype):
        p, q = item.args64
        want = rel_entr(p, q).sum(-1) / math.log(_base(item))
        got = np.asarray(ref.kl_divergence(p, q, _base(item)))
        assert got.shape == np.shape(want), item.case.label
        assert np.array_equal(np.isinf(got), np.isinf(want)), item.case.label
        finite = np.isfinite(want)
        np.testing.assert_allclose(got[finite], np.asarray(want)[finite], rtol=1e-12, atol=1e-15,
                                   err_msg=item.case.label)


def test_kl_cases_cover_zeros_and_infinities():
    items = _cases("kl_divergence")
    ps = [item.args64[0] for item in items]
    qs = [item.args64[1] for item in items]
    assert any((p == 0).any() for p in ps)
    assert any(((q == 0) & (p > 0)).any() for p, q in zip(ps, qs))     # +inf expected
    assert any(((q == 0) & (p == 0)).any() for p, q in zip(ps, qs))    # 0·log(0/0) = 0
    assert any(np.isinf(item.expected).any() for item in items)
    assert any(np.ndim(item.expected) == 0 for item in items)          # a single pair
    assert any(item.expected.ndim == 1 and item.expected.size >= 8 for item in items)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_js_is_the_square_of_scipy_jensenshannon(dtype):
    for item in _cases("js_divergence", dtype):
        p, q = item.args64
        # jensenshannon normalises its inputs; after a float32 cast they sum to 1 only roughly.
        p, q = p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
        distance = jensenshannon(p, q, base=_base(item), axis=-1)
        got = np.asarray(ref.js_divergence(p, q, _base(item)))
        np.testing.assert_allclose(got, np.square(distance), rtol=1e-9, atol=1e-12,
                                   err_msg=item.case.label)
        # and the square root would NOT pass: that is the named mistake
        if np.any(np.abs(distance - np.square(distance)) > 1e-3):
            assert not np.allclose(got, distance), item.case.label


def test_js_is_finite_symmetric_and_within_bits():
    for item in _cases("js_divergence"):
        p, q = item.args64
        base = _base(item)
        got = np.asarray(ref.js_divergence(p, q, base))
        assert np.isfinite(got).all(), item.case.label
        np.testing.assert_allclose(got, ref.js_divergence(q, p, base), rtol=1e-12, atol=1e-15)
        assert (got >= -1e-12).all() and (got <= math.log(2, base) + 1e-12).all()


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_references_on_frameworks_agree_with_scipy(backend):
    pytest.importorskip(backend)
    import backends

    b = backends.get(backend)
    scipy_fns = {
        "kl_divergence": lambda p, q, base: rel_entr(p, q).sum(-1) / math.log(base),
        "js_divergence": lambda p, q, base: jensenshannon(p, q, base=base, axis=-1) ** 2,
    }
    for name, scipy_fn in scipy_fns.items():
        for item in _cases(name):
            p, q = item.args64
            if name == "js_divergence":
                p, q = p / p.sum(-1, keepdims=True), q / q.sum(-1, keepdims=True)
            got = b.to_numpy(getattr(ref, name)(b.to_native(p), b.to_native(q), _base(item)))
            want = np.asarray(scipy_fn(p, q, _base(item)))
            assert np.array_equal(np.isinf(got), np.isinf(want)), (name, item.case.label)
            finite = np.isfinite(want)
            np.testing.assert_allclose(got[finite], want[finite], rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name}: {item.case.label}")

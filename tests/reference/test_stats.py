"""The statistical tests behind dropout and init_weights: right on good samples, and sharp."""

from __future__ import annotations

import math

import numpy as np

from reference import stats


def test_erf_matches_the_standard_library():
    xs = np.linspace(-6, 6, 241)
    assert np.abs(stats.erf(xs) - np.array([math.erf(x) for x in xs])).max() < 2e-7


def test_the_tabulated_cdf_inside_ks_matches_the_exact_one():
    """ks_normal interpolates a table of Φ: its D must equal the one from Φ itself."""
    rng = np.random.default_rng(0)
    for sample, sigma in ((rng.normal(0, 0.1, 5000), 0.1), (rng.uniform(-3, 3, 5000), 1.0),
                          (rng.normal(0, 1, 7) * 30, 1.0)):
        x = np.sort(sample)
        n = x.size
        cdf = np.array([0.5 * (1 + math.erf(v / sigma / math.sqrt(2))) for v in x])
        exact = max((np.arange(1, n + 1) / n - cdf).max(), (cdf - np.arange(n) / n).max())
        d, _critical = stats.ks_normal(sample, sigma)
        assert abs(d - exact) < 1e-6


def test_ks_accepts_a_normal_sample_and_refuses_the_wrong_shape_or_scale():
    rng = np.random.default_rng(1)
    d, critical = stats.ks_normal(rng.normal(0, 2.0, 100_000), 2.0)
    assert d < critical
    same_variance_uniform = rng.uniform(-math.sqrt(3) * 2, math.sqrt(3) * 2, 100_000)
    d, critical = stats.ks_normal(same_variance_uniform, 2.0)
    assert d > critical
    d, critical = stats.ks_normal(rng.normal(0, 2.2, 100_000), 2.0)
    assert d > critical

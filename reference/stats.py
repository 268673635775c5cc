"""Statistical tests for stochastic exercises: each fails a correct answer with probability
below 1e-7 (a 5.5-sigma bound, or Kolmogorov-Smirnov at α = 1e-8), so a whole lecture's
false-failure probability stays under 1e-6."""

from __future__ import annotations

import math

import numpy as np

Z = 5.5  # two-sided P(|N(0,1)| > 5.5) ≈ 3.8e-8


def binomial_ok(count: int, n: int, p: float) -> bool:
    if n == 0:
        return True
    sd = math.sqrt(n * p * (1 - p))
    return abs(count - n * p) <= Z * sd + 1e-9


def normal_cdf(x: np.ndarray) -> np.ndarray:
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * (1 + erf(np.asarray(x, dtype=np.float64) / math.sqrt(2)).astype(np.float64))


def ks_normal(sample: np.ndarray, sigma: float) -> tuple[float, float]:
    """(D, the critical D at α = 1e-8) for `sample` against N(0, σ²)."""
    x = np.sort(np.asarray(sample, dtype=np.float64).ravel())
    n = x.size
    cdf = normal_cdf(x / sigma)
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(0, n) / n
    d = float(max(upper.max(), lower.max()))
    return d, math.sqrt(math.log(2 / 1e-8) / 2) / math.sqrt(n)

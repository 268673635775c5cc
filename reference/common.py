"""Helpers the lectures' checks share: case builders and mistake helpers."""

from __future__ import annotations

import numpy as np

from grader.spec import Case


def elementwise_cases(rng: np.random.Generator, hard: list[float] | None = None,
                      hard_note: str = "") -> list[Case]:
    """Small and readable, a batch, numerically hard values, then a large array."""
    cases = [
        Case("small: z = [-2, -1, 0, 1, 2]", (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),)),
        Case("a batch of shape (8, 5)", (rng.normal(0, 3, (8, 5)),)),
    ]
    if hard:
        cases.append(Case(f"hard values: z = {hard}", (np.array(hard, dtype=np.float64),),
                          note=hard_note))
    cases.append(Case("large: shape (256, 128)", (rng.normal(0, 4, (256, 128)),)))
    return cases


def np_sigmoid(z):
    with np.errstate(over="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                        np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))

"""Functions the grader hands to a student's code, built in the child from a name and parameters.

They are written against `backends.array_namespace`, so they take and return the backend's
arrays; the parent builds the same function over NumPy to compute what is expected. Nothing
here is secret: knowing f does not give the answer away.
"""

from __future__ import annotations

from typing import Any, Callable

from backends import array_namespace


def smooth(scale: float = 1.0, as_float: bool = False) -> Callable[[Any], Any]:
    """f(w) = Σ tanh(w)·w + ½(Σ w)² + scale·Σ exp(0.3 w): curved in every direction, so a
    forward difference or a wrong step size shows."""

    def f(w: Any) -> Any:
        xp = array_namespace(w)
        total = xp.sum(w)
        value = (xp.sum(xp.tanh(w) * w) + 0.5 * total * total
                 + scale * xp.sum(xp.exp(0.3 * w)))
        return xp.item(value) if as_float else value

    return f


def smooth_gradient(w: Any, scale: float = 1.0, as_float: bool = False) -> Any:
    """The analytic gradient of `smooth`, for tests."""
    xp = array_namespace(w)
    t = xp.tanh(w)
    return t + w * (1 - t * t) + xp.sum(w) + scale * 0.3 * xp.exp(0.3 * w)


REGISTRY: dict[str, Callable[..., Callable[[Any], Any]]] = {"smooth": smooth}


def build(name: str, params: dict[str, Any]) -> Callable[[Any], Any]:
    return REGISTRY[name](**params)

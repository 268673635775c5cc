"""The NumPy backend: the reference's own framework, CPU only, no autodiff."""

from __future__ import annotations

import contextlib
from importlib import metadata
from typing import Any, Iterator

import numpy as np

NAME = "numpy"
FRAMEWORK = "numpy"
HAS_AUTODIFF = False
HAS_CUDA = False
DEFAULT_FLOAT = "float64"
# Exercise time limits are multiplied by this (TensorFlow's eager ops are slower).
TIME_FACTOR = 1.0
TENSOR_TYPE_NAME = "numpy.ndarray"


def version() -> str:
    return metadata.version("numpy")


def load() -> None:
    import numpy  # noqa: F401


def resolve_device(requested: str = "auto") -> str:
    if requested == "cuda":
        raise ValueError("the numpy backend runs on the CPU only; use --backend torch for cuda")
    return "cpu"


def devices() -> list[str]:
    return ["cpu"]


def configure_precision() -> None:
    """NumPy has no reduced-precision modes to turn off."""


def seed(n: int) -> None:
    import random

    random.seed(n)
    np.random.seed(n % 2**32)


def to_native(a: Any, device: str = "cpu") -> Any:
    return np.array(a, copy=True)


def classify(x: Any) -> str:
    """'native', 'scalar', 'subclass' or 'other': how a returned value relates to this backend."""
    if type(x) is np.ndarray:
        return "native"
    if isinstance(x, np.ndarray):
        return "subclass"
    return "other"


def to_numpy(x: Any) -> Any:
    return np.array(x, copy=True)


@contextlib.contextmanager
def forbid_autodiff() -> Iterator[None]:
    """NumPy has no autodiff to forbid."""
    yield


def grad(f: Any, args: list[Any], wrt: list[int]) -> list[Any]:
    raise NotImplementedError("numpy has no autodiff")


class ops:
    """The ops references use, with NumPy semantics."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    expm1 = staticmethod(np.expm1)
    tanh = staticmethod(np.tanh)
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)
    square = staticmethod(np.square)
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)
    where = staticmethod(np.where)
    matmul = staticmethod(np.matmul)
    isfinite = staticmethod(np.isfinite)
    clip = staticmethod(np.clip)
    reshape = staticmethod(np.reshape)
    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)

    @staticmethod
    def transpose(x, axes=None):
        return np.transpose(x, axes)

    @staticmethod
    def concat(xs, axis=0):
        return np.concatenate(list(xs), axis=axis)

    @staticmethod
    def stack(xs, axis=0):
        return np.stack(list(xs), axis=axis)

    @staticmethod
    def split(x, n, axis=-1):
        return np.split(x, n, axis=axis)

    @staticmethod
    def argmax(x, axis=-1):
        return np.argmax(x, axis=axis)

    @staticmethod
    def copy(x):
        return np.array(x, copy=True)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def max(x, axis=None, keepdims=False):
        return np.max(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def min(x, axis=None, keepdims=False):
        return np.min(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def shape(x) -> tuple[int, ...]:
        return tuple(int(d) for d in np.shape(x))

    @staticmethod
    def logsumexp(x, axis=-1, keepdims=False):
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=axis)

    @staticmethod
    def pad(x, pad_width):
        """Zero padding; pad_width is one (before, after) pair per axis."""
        return np.pad(x, pad_width)

    @staticmethod
    def take_along_last(x, index):
        """x[..., index[...]]: picks one entry of the last axis per row."""
        index = np.asarray(index).astype(np.int64)[..., None]
        return np.take_along_axis(x, index, axis=-1)[..., 0]

    @staticmethod
    def one_hot(index, depth, like=None):
        dtype = like.dtype if like is not None else np.dtype(DEFAULT_FLOAT)
        return (np.asarray(index)[..., None] == np.arange(depth)).astype(dtype)

    @staticmethod
    def asarray(values, like=None, dtype=None):
        if dtype is None:
            dtype = like.dtype if like is not None else DEFAULT_FLOAT
        return np.asarray(values, dtype=dtype)

    @staticmethod
    def zeros(shape, like=None, dtype=None):
        return np.zeros(shape, dtype=dtype or _dtype(like))

    @staticmethod
    def ones(shape, like=None, dtype=None):
        return np.ones(shape, dtype=dtype or _dtype(like))

    @staticmethod
    def eye(n, like=None, dtype=None):
        return np.eye(n, dtype=dtype or _dtype(like))

    @staticmethod
    def random_uniform(shape, like=None):
        return np.random.random_sample(shape).astype(_dtype(like))

    @staticmethod
    def random_normal(shape, like=None):
        return np.random.standard_normal(shape).astype(_dtype(like))

    @staticmethod
    def item(x) -> float:
        return float(x)


def _dtype(like):
    return like.dtype if like is not None else np.dtype(DEFAULT_FLOAT)

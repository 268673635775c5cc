"""The TensorFlow backend: eager tensors on the CPU or a GPU TensorFlow sees, tf.GradientTape.

TensorFlow is imported inside the functions. Its CPU kernels flush subnormal numbers to zero,
and `tf.cast(0.1, tf.float64)` goes through float32: hard cases avoid subnormals, and Python
scalars become tensors with an explicit dtype here.
"""

from __future__ import annotations

import contextlib
import os
from importlib import metadata
from typing import Any, Iterator

NAME = "tensorflow"
FRAMEWORK = "tensorflow"
HAS_AUTODIFF = True
HAS_CUDA = True
DEFAULT_FLOAT = "float32"
# Exercise time limits are multiplied by this: eager ops cost about ten times PyTorch's (an
# element-by-element loop over 32k values took 3.6 s here, against 0.33 s in PyTorch).
TIME_FACTOR = 3.0
TENSOR_TYPE_NAME = "tf.Tensor"


def _tf():
    import tensorflow as tf

    return tf


def version() -> str:
    for dist in ("tensorflow", "tensorflow-cpu", "tf-nightly"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def load() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _tf()


def devices() -> list[str]:
    load()
    tf = _tf()
    return ["cpu"] + [f"gpu:{i}" for i, _ in enumerate(tf.config.list_physical_devices("GPU"))]


def resolve_device(requested: str = "auto") -> str:
    load()
    tf = _tf()
    if requested == "cpu":
        return "cpu"
    if tf.config.list_physical_devices("GPU"):
        return "cuda"
    if requested == "cuda":
        raise ValueError("--device cuda asked for, but TensorFlow sees no GPU")
    return "cpu"


def place(device: str) -> None:
    """Run every op on `device`: on the CPU, hide the GPUs (TF places ops on a GPU otherwise)."""
    tf = _tf()
    if device == "cpu":
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError:
            pass


def configure_precision() -> None:
    _tf().config.experimental.enable_tensor_float_32_execution(False)


def seed(n: int) -> None:
    import random

    import numpy as np

    random.seed(n)
    np.random.seed(n % 2**32)
    _tf().random.set_seed(n)


def to_native(a: Any, device: str = "cpu") -> Any:
    tf = _tf()
    return tf.constant(a)


def classify(x: Any) -> str:
    tf = _tf()
    if type(x).__name__ == "EagerTensor" and type(x).__module__.startswith("tensorflow"):
        return "native"
    if isinstance(x, tf.Variable):
        return "native"
    if isinstance(x, (tf.Tensor,)):
        return "subclass"
    return "other"


def to_numpy(x: Any) -> Any:
    tf = _tf()
    if x.dtype == tf.bfloat16:
        x = tf.cast(x, tf.float32)
    return x.numpy().copy()


class AutodiffForbidden(RuntimeError):
    pass


@contextlib.contextmanager
def forbid_autodiff() -> Iterator[None]:
    """Gradients by hand: tf.GradientTape and tf.gradients raise for the duration."""
    tf = _tf()
    import tensorflow.python.eager.backprop as backprop

    class RefusedTape:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise AutodiffForbidden(
                "autodiff is not available in this exercise: compute the gradients by hand")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        RefusedTape()

    patches = [(tf, "GradientTape", RefusedTape), (tf.autodiff, "GradientTape", RefusedTape),
               (backprop, "GradientTape", RefusedTape), (tf, "gradients", refuse)]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def grad(f: Any, args: list[Any], wrt: list[int]) -> list[Any]:
    """Gradients of sum(f(*args)) with respect to args[i] for i in wrt, by tf.GradientTape."""
    tf = _tf()
    args = list(args)
    with tf.GradientTape() as tape:
        for i in wrt:
            tape.watch(args[i])
        out = tf.reduce_sum(f(*args))
    grads = tape.gradient(out, [args[i] for i in wrt])
    return [tf.zeros_like(args[i]) if g is None else g for i, g in zip(wrt, grads)]


def _like(v: Any, ref: Any) -> Any:
    """A Python scalar or array as a tensor of ref's dtype (TF does not promote)."""
    tf = _tf()
    if isinstance(v, tf.Tensor) or isinstance(v, tf.Variable):
        return v
    return tf.constant(v, dtype=ref.dtype)


class ops:
    """The ops references use, with TensorFlow semantics."""

    @staticmethod
    def exp(x):
        return _tf().exp(x)

    @staticmethod
    def log(x):
        return _tf().math.log(x)

    @staticmethod
    def log1p(x):
        return _tf().math.log1p(x)

    @staticmethod
    def expm1(x):
        return _tf().math.expm1(x)

    @staticmethod
    def tanh(x):
        return _tf().tanh(x)

    @staticmethod
    def sqrt(x):
        return _tf().sqrt(x)

    @staticmethod
    def abs(x):
        return _tf().abs(x)

    @staticmethod
    def sign(x):
        return _tf().sign(x)

    @staticmethod
    def square(x):
        return _tf().square(x)

    @staticmethod
    def maximum(a, b):
        tf = _tf()
        if not isinstance(a, tf.Tensor):
            a, b = b, a
        return tf.maximum(a, _like(b, a))

    @staticmethod
    def minimum(a, b):
        tf = _tf()
        if not isinstance(a, tf.Tensor):
            a, b = b, a
        return tf.minimum(a, _like(b, a))

    @staticmethod
    def where(c, a, b):
        tf = _tf()
        if isinstance(a, tf.Tensor):
            b = _like(b, a)
        elif isinstance(b, tf.Tensor):
            a = _like(a, b)
        return tf.where(c, a, b)

    @staticmethod
    def matmul(a, b):
        tf = _tf()
        if len(b.shape) == 1 and len(a.shape) == 1:
            return tf.reduce_sum(a * b)
        if len(b.shape) == 1:
            return tf.linalg.matvec(a, b)
        if len(a.shape) == 1:
            return tf.linalg.matvec(b, a, transpose_a=True)
        return tf.matmul(a, b)

    @staticmethod
    def isfinite(x):
        return _tf().math.is_finite(x)

    @staticmethod
    def clip(x, lo, hi):
        return _tf().clip_by_value(x, _like(lo, x), _like(hi, x))

    @staticmethod
    def reshape(x, shape):
        return _tf().reshape(x, tuple(shape))

    @staticmethod
    def transpose(x, axes=None):
        return _tf().transpose(x, perm=axes)

    @staticmethod
    def concat(xs, axis=0):
        return _tf().concat(list(xs), axis=axis)

    @staticmethod
    def stack(xs, axis=0):
        return _tf().stack(list(xs), axis=axis)

    @staticmethod
    def split(x, n, axis=-1):
        return _tf().split(x, n, axis=axis)

    @staticmethod
    def zeros_like(x):
        return _tf().zeros_like(x)

    @staticmethod
    def ones_like(x):
        return _tf().ones_like(x)

    @staticmethod
    def argmax(x, axis=-1):
        return _tf().argmax(x, axis=axis)

    @staticmethod
    def copy(x):
        return _tf().identity(x)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return _tf().reduce_sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        return _tf().reduce_mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def max(x, axis=None, keepdims=False):
        return _tf().reduce_max(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def min(x, axis=None, keepdims=False):
        return _tf().reduce_min(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def shape(x) -> tuple[int, ...]:
        return tuple(int(d) for d in x.shape)

    @staticmethod
    def logsumexp(x, axis=-1, keepdims=False):
        return _tf().reduce_logsumexp(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def pad(x, pad_width):
        return _tf().pad(x, [[int(a), int(b)] for a, b in pad_width])

    @staticmethod
    def take_along_last(x, index):
        tf = _tf()
        index = tf.cast(index, tf.int64)
        return tf.gather(x, index, axis=len(index.shape), batch_dims=len(index.shape))

    @staticmethod
    def one_hot(index, depth, like=None):
        tf = _tf()
        dtype = like.dtype if like is not None else tf.float32
        return tf.one_hot(tf.cast(index, tf.int64), depth, dtype=dtype)

    @staticmethod
    def asarray(values, like=None, dtype=None):
        tf = _tf()
        return tf.constant(values, dtype=_dtype(like, dtype))

    @staticmethod
    def zeros(shape, like=None, dtype=None):
        return _tf().zeros(tuple(shape), dtype=_dtype(like, dtype))

    @staticmethod
    def ones(shape, like=None, dtype=None):
        return _tf().ones(tuple(shape), dtype=_dtype(like, dtype))

    @staticmethod
    def eye(n, like=None, dtype=None):
        return _tf().eye(n, dtype=_dtype(like, dtype))

    @staticmethod
    def random_uniform(shape, like=None):
        return _tf().random.uniform(tuple(shape), dtype=_dtype(like, None))

    @staticmethod
    def random_normal(shape, like=None):
        return _tf().random.normal(tuple(shape), dtype=_dtype(like, None))

    @staticmethod
    def item(x) -> float:
        return float(x)


def _dtype(like: Any, dtype: Any) -> Any:
    tf = _tf()
    if isinstance(dtype, str):
        return getattr(tf, dtype)
    if dtype is not None:
        return dtype
    return like.dtype if like is not None else tf.float32

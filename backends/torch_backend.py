"""The PyTorch backend: CPU or CUDA, autodiff through torch.autograd, TF32 off.

torch is imported inside the functions: importing this module costs nothing, and a fork
server may import it before forking as long as CUDA is not initialised (the NVML-based
availability check below leaves it untouched).
"""

from __future__ import annotations

import contextlib
import os
from importlib import metadata
from typing import Any, Iterator

NAME = "torch"
FRAMEWORK = "torch"
HAS_AUTODIFF = True
HAS_CUDA = True
DEFAULT_FLOAT = "float32"
# Exercise time limits are multiplied by this (TensorFlow's eager ops are slower).
TIME_FACTOR = 1.0
TENSOR_TYPE_NAME = "torch.Tensor"


def _t():
    import torch

    return torch


def version() -> str:
    return metadata.version("torch")


def load() -> None:
    # torch.cuda.is_available() then asks NVML and does not initialise CUDA, so children
    # forked afterwards can still use the GPU.
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
    _t()


def devices() -> list[str]:
    load()
    torch = _t()
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return found


def resolve_device(requested: str = "auto") -> str:
    load()
    torch = _t()
    if requested == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        raise ValueError("--device cuda asked for, but PyTorch finds no CUDA device")
    return "cpu"


def configure_precision() -> None:
    """Full float32 everywhere: TF32 in matmul and cuDNN convolutions is off."""
    torch = _t()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")


def seed(n: int) -> None:
    import random

    import numpy as np

    random.seed(n)
    np.random.seed(n % 2**32)
    torch = _t()
    # Not torch.manual_seed: before CUDA starts, it queues a CUDA seeding with a captured stack
    # trace (a stat of every file in linecache), about a millisecond per case, and the queue grows.
    torch.default_generator.manual_seed(n)
    if torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(n)


def to_native(a: Any, device: str = "cpu") -> Any:
    torch = _t()
    return torch.from_numpy(a.copy()).to(device)


def classify(x: Any) -> str:
    torch = _t()
    if type(x) is torch.Tensor:
        return "native"
    if isinstance(x, torch.Tensor):
        return "subclass"
    return "other"


def to_numpy(x: Any) -> Any:
    torch = _t()
    x = x.detach()
    if x.dtype in (torch.bfloat16,):
        x = x.to(torch.float32)
    return x.cpu().resolve_conj().resolve_neg().numpy().copy()


class AutodiffForbidden(RuntimeError):
    pass


@contextlib.contextmanager
def forbid_autodiff() -> Iterator[None]:
    """Gradients by hand: every entry into torch.autograd raises for the duration."""
    torch = _t()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AutodiffForbidden(
            "autodiff is not available in this exercise: compute the gradients by hand")

    import torch.autograd.functional as functional
    import torch.func

    patches = [
        (torch.autograd, "grad"), (torch.autograd, "backward"), (torch.Tensor, "backward"),
        (functional, "jacobian"), (functional, "vjp"), (functional, "hessian"),
        (torch.func, "grad"), (torch.func, "vjp"), (torch.func, "jacrev"), (torch.func, "jacfwd"),
    ]
    guard = torch.no_grad()
    guard.__enter__()
    saved = [(owner, name, getattr(owner, name)) for owner, name in patches]
    for owner, name in patches:
        setattr(owner, name, refuse)
    try:
        yield
    finally:
        guard.__exit__(None, None, None)
        for owner, name, value in saved:
            setattr(owner, name, value)


def grad(f: Any, args: list[Any], wrt: list[int]) -> list[Any]:
    """Gradients of sum(f(*args)) with respect to args[i] for i in wrt, by torch.autograd."""
    torch = _t()
    args = list(args)
    for i in wrt:
        args[i] = args[i].detach().clone().requires_grad_(True)
    out = f(*args)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return [torch.zeros_like(args[i]) for i in wrt]  # nothing connects the output to them
    grads = torch.autograd.grad(out.sum(), [args[i] for i in wrt], allow_unused=True)
    return [torch.zeros_like(args[i]) if g is None else g for i, g in zip(wrt, grads)]


def _default_device() -> str:
    return os.environ.get("GRADER_DEVICE", "cpu")


class ops:
    """The ops references use, with torch semantics."""

    @staticmethod
    def exp(x):
        return _t().exp(x)

    @staticmethod
    def log(x):
        return _t().log(x)

    @staticmethod
    def log1p(x):
        return _t().log1p(x)

    @staticmethod
    def expm1(x):
        return _t().expm1(x)

    @staticmethod
    def tanh(x):
        return _t().tanh(x)

    @staticmethod
    def sqrt(x):
        return _t().sqrt(x)

    @staticmethod
    def abs(x):
        return _t().abs(x)

    @staticmethod
    def sign(x):
        return _t().sign(x)

    @staticmethod
    def square(x):
        return _t().square(x)

    @staticmethod
    def maximum(a, b):
        torch = _t()
        if not isinstance(b, torch.Tensor):
            return torch.clamp(a, min=b)
        if not isinstance(a, torch.Tensor):
            return torch.clamp(b, min=a)
        return torch.maximum(a, b)

    @staticmethod
    def minimum(a, b):
        torch = _t()
        if not isinstance(b, torch.Tensor):
            return torch.clamp(a, max=b)
        if not isinstance(a, torch.Tensor):
            return torch.clamp(b, max=a)
        return torch.minimum(a, b)

    @staticmethod
    def where(c, a, b):
        return _t().where(c, a, b)

    @staticmethod
    def matmul(a, b):
        return _t().matmul(a, b)

    @staticmethod
    def isfinite(x):
        return _t().isfinite(x)

    @staticmethod
    def clip(x, lo, hi):
        return _t().clamp(x, lo, hi)

    @staticmethod
    def reshape(x, shape):
        return _t().reshape(x, tuple(shape))

    @staticmethod
    def transpose(x, axes=None):
        if axes is None:
            axes = tuple(reversed(range(x.dim())))
        return x.permute(*axes)

    @staticmethod
    def concat(xs, axis=0):
        return _t().cat(list(xs), dim=axis)

    @staticmethod
    def stack(xs, axis=0):
        return _t().stack(list(xs), dim=axis)

    @staticmethod
    def split(x, n, axis=-1):
        return list(_t().tensor_split(x, n, dim=axis))

    @staticmethod
    def zeros_like(x):
        return _t().zeros_like(x)

    @staticmethod
    def ones_like(x):
        return _t().ones_like(x)

    @staticmethod
    def argmax(x, axis=-1):
        return _t().argmax(x, dim=axis)

    @staticmethod
    def copy(x):
        return x.clone()

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        torch = _t()
        return torch.sum(x) if axis is None else torch.sum(x, dim=axis, keepdim=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        torch = _t()
        return torch.mean(x) if axis is None else torch.mean(x, dim=axis, keepdim=keepdims)

    @staticmethod
    def max(x, axis=None, keepdims=False):
        torch = _t()
        return torch.max(x) if axis is None else torch.amax(x, dim=axis, keepdim=keepdims)

    @staticmethod
    def min(x, axis=None, keepdims=False):
        torch = _t()
        return torch.min(x) if axis is None else torch.amin(x, dim=axis, keepdim=keepdims)

    @staticmethod
    def shape(x) -> tuple[int, ...]:
        return tuple(int(d) for d in x.shape)

    @staticmethod
    def logsumexp(x, axis=-1, keepdims=False):
        return _t().logsumexp(x, dim=axis, keepdim=keepdims)

    @staticmethod
    def pad(x, pad_width):
        """Zero padding; pad_width is one (before, after) pair per axis."""
        flat: list[int] = []
        for before, after in reversed(list(pad_width)):
            flat += [int(before), int(after)]
        return _t().nn.functional.pad(x, flat)

    @staticmethod
    def take_along_last(x, index):
        torch = _t()
        index = torch.as_tensor(index, device=x.device).long()
        return torch.gather(x, -1, index.unsqueeze(-1)).squeeze(-1)

    @staticmethod
    def one_hot(index, depth, like=None):
        torch = _t()
        dtype, device = _dtype_device(like, None)
        index = torch.as_tensor(index, device=device).long()
        return torch.nn.functional.one_hot(index, depth).to(dtype)

    @staticmethod
    def asarray(values, like=None, dtype=None):
        torch = _t()
        dtype, device = _dtype_device(like, dtype)
        return torch.as_tensor(values, dtype=dtype, device=device)

    @staticmethod
    def zeros(shape, like=None, dtype=None):
        dtype, device = _dtype_device(like, dtype)
        return _t().zeros(tuple(shape), dtype=dtype, device=device)

    @staticmethod
    def ones(shape, like=None, dtype=None):
        dtype, device = _dtype_device(like, dtype)
        return _t().ones(tuple(shape), dtype=dtype, device=device)

    @staticmethod
    def eye(n, like=None, dtype=None):
        dtype, device = _dtype_device(like, dtype)
        return _t().eye(n, dtype=dtype, device=device)

    @staticmethod
    def random_uniform(shape, like=None):
        dtype, device = _dtype_device(like, None)
        return _t().rand(tuple(shape), dtype=dtype, device=device)

    @staticmethod
    def random_normal(shape, like=None):
        dtype, device = _dtype_device(like, None)
        return _t().randn(tuple(shape), dtype=dtype, device=device)

    @staticmethod
    def item(x) -> float:
        return float(x)


def _dtype_device(like: Any, dtype: Any) -> tuple[Any, Any]:
    torch = _t()
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    if like is not None and isinstance(like, torch.Tensor):
        return dtype or like.dtype, like.device
    return dtype or torch.get_default_dtype(), _default_device()

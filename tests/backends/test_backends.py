"""The backend protocol: same names on every backend, conversion both ways, precision, the
autodiff guard, and framework detection without importing."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import backends
from tests.conftest import INSTALLED

PROTOCOL = ["NAME", "FRAMEWORK", "HAS_AUTODIFF", "HAS_CUDA", "DEFAULT_FLOAT", "version", "load",
            "devices", "resolve_device", "configure_precision", "seed", "to_native", "classify",
            "to_numpy", "forbid_autodiff", "grad", "ops"]


@pytest.mark.parametrize("name", backends.NAMES)
def test_every_backend_has_the_same_names(name):
    module = backends.get(name)
    missing = [attr for attr in PROTOCOL if not hasattr(module, attr)]
    assert not missing
    numpy_ops = {n for n in vars(backends.get("numpy").ops) if not n.startswith("_")}
    ops = {n for n in vars(module.ops) if not n.startswith("_")}
    assert numpy_ops == ops, f"{name} ops differ: {sorted(numpy_ops ^ ops)}"


def test_importing_backend_modules_imports_no_framework():
    code = ("import sys, backends\n"
            "[backends.get(n) for n in ('torch', 'tensorflow')]\n"
            "[backends.installed(n) for n in backends.NAMES]\n"
            "print(','.join(m for m in ('torch', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", INSTALLED)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_round_trip_keeps_dtype_and_values(name, dtype):
    module = backends.get(name)
    a = (np.arange(12).reshape(3, 4) - 5).astype(dtype)
    native = module.to_native(a, "cpu")
    assert module.classify(native) == "native"
    assert backends.backend_of(native) == name
    back = module.to_numpy(native)
    assert back.dtype == a.dtype
    np.testing.assert_array_equal(back, a)


@pytest.mark.parametrize("name", INSTALLED)
def test_array_namespace_follows_the_arrays_and_the_active_backend(name, monkeypatch):
    module = backends.get(name)
    x = module.to_native(np.ones(2), "cpu")
    assert backends.array_namespace(x) is module.ops
    monkeypatch.setenv(backends.ACTIVE_ENV, name)
    assert backends.array_namespace() is module.ops
    made = backends.array_namespace().zeros((2, 3))
    assert backends.backend_of(made) == name


def test_torch_precision_is_full_float32():
    pytest.importorskip("torch")
    import torch

    backends.get("torch").configure_precision()
    assert torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.get_float32_matmul_precision() == "highest"


def test_tensorflow_precision_is_full_float32():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    backends.get("tensorflow").configure_precision()
    assert tf.config.experimental.tensor_float_32_execution_enabled() is False


def test_torch_autodiff_is_refused_inside_the_guard_and_restored_after():
    pytest.importorskip("torch")
    import torch

    module = backends.get("torch")
    x = torch.ones(3, requires_grad=True)
    with module.forbid_autodiff():
        with pytest.raises(RuntimeError, match="by hand"):
            torch.autograd.grad((x * x).sum(), [x])
        with pytest.raises(RuntimeError, match="by hand"):
            with torch.enable_grad():
                (x * x).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_tensorflow_autodiff_is_refused_inside_the_guard_and_restored_after():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    module = backends.get("tensorflow")
    with module.forbid_autodiff():
        with pytest.raises(RuntimeError, match="by hand"):
            with tf.GradientTape():
                pass
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 4.0]


@pytest.mark.parametrize("name", [n for n in INSTALLED if n != "numpy"])
def test_grad_matches_the_analytic_gradient(name):
    module = backends.get(name)
    x = module.to_native(np.array([0.5, -1.0, 2.0]), "cpu")
    (g,) = module.grad(lambda v: v * v * v, [x], [0])
    np.testing.assert_allclose(module.to_numpy(g), 3 * np.array([0.5, -1.0, 2.0]) ** 2)


@pytest.mark.parametrize("name", INSTALLED)
def test_seeding_makes_draws_repeatable(name, monkeypatch):
    module = backends.get(name)
    monkeypatch.setenv(backends.ACTIVE_ENV, name)
    ops = module.ops
    module.seed(7)
    a = module.to_numpy(ops.random_normal((5,)))
    module.seed(7)
    b = module.to_numpy(ops.random_normal((5,)))
    np.testing.assert_array_equal(a, b)


def test_numpy_refuses_cuda():
    with pytest.raises(ValueError, match="CPU only"):
        backends.get("numpy").resolve_device("cuda")


def test_torch_ops_that_make_arrays_put_them_on_the_like_arrays_device():
    """On --device cuda a reference or a student's call of xp.one_hot(..., like=w) must land on
    w's device; the meta device stands in for CUDA on machines without one."""
    import inspect

    torch = pytest.importorskip("torch")
    from backends import torch_backend

    like = torch.zeros(3, device="meta")
    makers = {"one_hot": (1, 4), "asarray": ([1.0, 2.0],), "zeros": ((2,),), "ones": ((2,),),
              "eye": (2,), "random_uniform": ((2,),), "random_normal": ((2,),)}
    with_like = {name for name, fn in vars(torch_backend.ops).items()
                 if isinstance(fn, staticmethod) and "like" in inspect.signature(fn).parameters}
    assert with_like == set(makers), "a new op with like=: add it here"
    for name, args in makers.items():
        assert getattr(torch_backend.ops, name)(*args, like=like).device == like.device, name

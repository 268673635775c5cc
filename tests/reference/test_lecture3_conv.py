"""Lecture 3's convolution references against PyTorch and TensorFlow (forward and autodiff),
against float64 central differences, and the float32 tolerances: correct float32 answers computed
in other summation orders pass every case with room to spare, and what a TF32-sized error does."""

from __future__ import annotations

import numpy as np
import pytest

import backends
from grader import catalog, grading, wire
from grader.compare import TOLERANCES, Tolerance, compare
from reference.lecture3 import conv as checks
from reference.solutions.lecture3 import conv as ref

LECTURE = catalog.lecture("lecture3")
SALTS = [grading.PUBLIC_SALT] + [f"another draw {i}" for i in range(4)]


def _prepared(name, dtype="float64", salt=grading.PUBLIC_SALT):
    ex = catalog.find_exercise(LECTURE, name)
    return grading.prepare(ex, catalog.check_for(ex), dtype, salt)


def _got(x):
    """A value as the child sends it back, for compare()."""
    if isinstance(x, (tuple, list)):
        return tuple(_got(v) for v in x)
    return wire.Array(np.asarray(x), "native")


def _conv_kwargs(item):
    return int(item.kwargs.get("stride", 1)), int(item.kwargs.get("padding", 0))


# --- frameworks ----------------------------------------------------------------------------------

def _torch_conv(x, w, b, stride, padding, dout=None):
    torch = pytest.importorskip("torch")
    t = [torch.from_numpy(np.array(a)).requires_grad_(dout is not None) for a in (x, w, b)]
    out = torch.nn.functional.conv2d(*t, stride=stride, padding=padding)
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.from_numpy(np.array(dout)))
    return tuple(v.grad.numpy() for v in t)


def _tf_conv(x, w, b, stride, padding, dout=None):
    """tf.nn.conv2d is NHWC with HWIO filters on the CPU: transpose in and out; explicit zero
    padding, then VALID."""
    tf = pytest.importorskip("tensorflow")
    xs = [tf.Variable(a) for a in (x, w, b)]

    def forward(x, w, b):
        nhwc = tf.pad(tf.transpose(x, (0, 2, 3, 1)),
                      [[0, 0], [padding, padding], [padding, padding], [0, 0]])
        out = tf.nn.conv2d(nhwc, tf.transpose(w, (2, 3, 1, 0)), strides=stride, padding="VALID")
        return tf.transpose(out, (0, 3, 1, 2)) + tf.reshape(b, (1, -1, 1, 1))

    if dout is None:
        return forward(*xs).numpy()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(forward(*xs) * dout)
    return tuple(g.numpy() for g in tape.gradient(loss, xs))


FRAMEWORK_CONV = {"torch": _torch_conv, "tensorflow": _tf_conv}


def test_convolve2d_lecture_example_and_no_flip():
    np.testing.assert_array_equal(ref.convolve2d(checks.LECTURE_IMAGE, checks.LECTURE_FILTER),
                                  [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    image = np.arange(1.0, 10.0).reshape(3, 3)
    kernel = np.array([[1.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(ref.convolve2d(image, kernel), [[5, 8], [14, 17]])
    np.testing.assert_array_equal(ref.convolve2d(image, kernel[::-1, ::-1]), [[13, 16], [22, 25]])


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_convolve2d_matches_the_frameworks(framework):
    for item in _prepared("convolve2d"):
        image, kernel = item.args
        theirs = FRAMEWORK_CONV[framework](image[None, None], kernel[None, None], np.zeros(1), 1, 0)
        np.testing.assert_allclose(item.expected, theirs[0, 0], rtol=1e-12, atol=1e-12)


def test_conv_output_size_is_a_python_int_and_matches_torch():
    torch = pytest.importorskip("torch")
    for item in _prepared("conv_output_size"):
        got = ref.conv_output_size(*item.args, **item.kwargs)
        assert type(got) is int and got == item.expected
        size, k = item.args[0], item.args[1]
        stride = item.kwargs.get("stride", item.args[2] if len(item.args) > 2 else 1)
        padding = item.kwargs.get("padding", item.args[3] if len(item.args) > 3 else 0)
        out = torch.nn.functional.conv2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, k, 1),
                                         stride=(stride, 1), padding=(padding, 0))
        assert out.shape[2] == got


def test_conv_output_size_cases_tell_floor_from_ceil():
    labels = [item.case.label for item in _prepared("conv_output_size")
              if item.expected != checks._ceil(*item.args, **item.kwargs)]
    assert len(labels) >= 2


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_conv2d_matches_the_frameworks(framework):
    for item in _prepared("conv2d"):
        theirs = FRAMEWORK_CONV[framework](*item.args, *_conv_kwargs(item))
        assert theirs.shape == item.expected.shape, item.case.label
        np.testing.assert_allclose(item.expected, theirs, rtol=1e-10, atol=1e-10,
                                   err_msg=item.case.label)


@pytest.mark.parametrize("framework", ["torch", "tensorflow"])
def test_conv2d_backward_matches_autodiff(framework):
    for item in _prepared("conv2d_backward"):
        x, w, b, dout = item.args
        theirs = FRAMEWORK_CONV[framework](x, w, b, *_conv_kwargs(item), dout=dout)
        for ours, other in zip(item.expected, theirs):
            np.testing.assert_allclose(ours, other, rtol=1e-10, atol=1e-10,
                                       err_msg=item.case.label)


def _central_difference(f, a, h=1e-6):
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def test_conv2d_backward_matches_central_differences():
    """Every case up to a few hundred inputs, in float64: L = Σ conv2d(x, w, b) · dout."""
    checked = 0
    for item in _prepared("conv2d_backward"):
        x, w, b, dout = item.args
        if x.size > 400:
            continue
        s, p = _conv_kwargs(item)

        def loss(x=x, w=w, b=b):
            return float(np.sum(ref.conv2d(x, w, b, s, p) * dout))

        numeric = (_central_difference(lambda v: loss(x=v), x),
                   _central_difference(lambda v: loss(w=v), w),
                   _central_difference(lambda v: loss(b=v), b))
        for ours, theirs in zip(item.expected, numeric):
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7, err_msg=item.case.label)
        checked += 1
    assert checked >= 5


def test_cases_cover_stride_padding_shapes_channels_and_batch_one():
    items = _prepared("conv2d")
    seen = {"stride>1": False, "padding>0": False, "non-square image": False,
            "non-square kernel": False, "C>1 and F>1": False, "N=1": False, "floor drops": False}
    for item in items:
        x, w, _ = item.args
        s, p = _conv_kwargs(item)
        seen["stride>1"] |= s > 1
        seen["padding>0"] |= p > 0
        seen["non-square image"] |= x.shape[2] != x.shape[3]
        seen["non-square kernel"] |= w.shape[2] != w.shape[3]
        seen["C>1 and F>1"] |= x.shape[1] > 1 and w.shape[0] > 1
        seen["N=1"] |= x.shape[0] == 1
        seen["floor drops"] |= (x.shape[2] + 2 * p - w.shape[2]) % s != 0
    assert all(seen.values()), seen


# --- float32: correct answers in other summation orders pass, with room to spare -----------------

def _running_sum_backward(x, w, b, dout, stride=1, padding=0):
    """The loop a student writes, in float32: one running sum per (n, i, j), in that order."""
    s, p = stride, padding
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    _, _, kh, kw = w.shape
    _, _, ho, wo = dout.shape
    dxpad, dw, db = np.zeros_like(xpad), np.zeros_like(w), np.zeros_like(b)
    for n in range(x.shape[0]):
        for i in range(ho):
            for j in range(wo):
                g = dout[n, :, i, j]
                window = xpad[n, :, i * s:i * s + kh, j * s:j * s + kw]
                dw += g[:, None, None, None] * window[None]
                db += g
                dxpad[n, :, i * s:i * s + kh, j * s:j * s + kw] += np.tensordot(g, w, axes=1)
    return dxpad[:, :, p:p + x.shape[2], p:p + x.shape[3]], dw, db


def _running_sum_forward(x, w, b, stride=1, padding=0):
    s, p = stride, padding
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    f, c, kh, kw = w.shape
    ho = (xpad.shape[2] - kh) // s + 1
    wo = (xpad.shape[3] - kw) // s + 1
    out = np.zeros((x.shape[0], f, ho, wo), dtype=x.dtype)
    for ch in range(c):
        for a in range(kh):
            for bb in range(kw):
                window = xpad[:, ch, a:a + s * (ho - 1) + 1:s, bb:bb + s * (wo - 1) + 1:s]
                out += window[:, None] * w[None, :, ch, a, bb, None, None]
    return out + b.reshape(1, f, 1, 1)


def _float32_answers(name, item):
    s, p = _conv_kwargs(item)
    answers = {}
    if name == "conv2d":
        answers["running sum"] = _running_sum_forward(*item.args, s, p)
    else:
        answers["running sum"] = _running_sum_backward(*item.args, s, p)
    for framework in ("torch", "tensorflow"):
        if backends.installed(framework):
            answers[framework] = FRAMEWORK_CONV[framework](*item.args[:3], s, p,
                                                           dout=item.args[3] if len(item.args) > 3
                                                           else None)
            # the reference itself, run on the framework's float32 tensors
            module = backends.get(framework)
            if framework == "torch":
                module.configure_precision()
            native = [module.to_native(a) for a in item.args]
            out = ref.conv2d(*native, s, p) if name == "conv2d" else ref.conv2d_backward(*native, s, p)
            answers[f"reference on {framework}"] = (
                module.to_numpy(out) if name == "conv2d" else tuple(module.to_numpy(g) for g in out))
    return answers


@pytest.mark.parametrize("salt", SALTS)
@pytest.mark.parametrize("name", ["conv2d", "conv2d_backward"])
def test_correct_float32_answers_pass_with_a_factor_two_to_spare(name, salt):
    """Run in float32, the way torch and TensorFlow students compute. Each answer must pass the
    case's tolerance halved: a correct answer is never near the edge, on these draws or others."""
    for item in _prepared(name, "float32", salt):
        tight = Tolerance(item.tolerance.case_dtype, widen=item.tolerance.widen / 2,
                          conditioning=item.tolerance.conditioning)
        for who, answer in _float32_answers(name, item).items():
            found = compare(item.expected, _got(answer), "torch", tight)
            assert found is None, f"{who}, case {item.case.label!r} ({salt}): {found.message}"


def test_the_large_backward_cases_need_their_widening():
    """Without the by-hand widening, a correct float32 db lands near or past the default
    tolerance: NumPy's pairwise sum makes the reference's own float32 error (which the automatic
    widening measures) smaller than other summation orders'. The widening is not decoration."""
    worst = 0.0
    for salt in SALTS:
        for item in _prepared("conv2d_backward", "float32", salt):
            if item.case.widen == 1.0:
                continue
            plain = Tolerance("float32", conditioning=item.tolerance.conditioning)
            for answer in _float32_answers("conv2d_backward", item).values():
                rtol, atol, _ = plain.for_leaf("[2]", "float32")
                e = item.expected[2]
                ratio = np.max(np.abs(answer[2].astype(np.float64) - e) / (atol + rtol * np.abs(e)))
                worst = max(worst, float(ratio))
    assert worst > 0.5, worst


# --- TF32 ----------------------------------------------------------------------------------------

def test_a_tf32_sized_error_fails_conv2d_and_full_precision_passes():
    """TF32 (cuDNN's default for float32 convolutions on Ampere and later GPUs) keeps 10 mantissa
    bits: DESIGN.md measured a float32 conv2d 2.9e-4 off in relative terms with it, 2.6e-7
    without. The float32 tolerance here is rtol 1.3e-6 · max(1, 4·conditioning) + atol 1e-5, and
    the conditioning of a well-scaled conv2d is below 1, so a 3e-4 relative error is some 200×
    over: a TF32 answer FAILS. That is deliberate: grading must not depend on a GPU's
    precision default, so the torch backend turns TF32 off in the child (configure_precision)
    and a student's correct code computes in full float32 on any device, which passes."""
    items = [it for it in _prepared("conv2d", "float32") if it.case.label.startswith("large")]
    assert len(items) == 1
    item = items[0]
    rtol, atol, _ = item.tolerance.for_leaf("", "float32")
    assert rtol == pytest.approx(TOLERANCES["float32"][0]) and atol == TOLERANCES["float32"][1]

    full = _float32_answers("conv2d", item)
    assert full, "no float32 answer computed"
    for who, answer in full.items():
        assert compare(item.expected, _got(answer), "torch", item.tolerance) is None, who

    rng = np.random.default_rng(0)
    answer = full["running sum"].astype(np.float64)
    tf32_like = (answer * (1 + 3e-4 * rng.choice([-1.0, 1.0], answer.shape))).astype(np.float32)
    found = compare(item.expected, _got(tf32_like), "torch", item.tolerance)
    assert found is not None and found.stage == "value"
    assert "Allowed: atol=1e-05 + rtol=1.3e-06" in found.message
    # The same error on a tenth of the magnitude (1 part in 30,000 → 3e-5) still fails: the
    # tolerance is not a matter of a few ulps.
    small = (answer * (1 + 3e-5 * rng.choice([-1.0, 1.0], answer.shape))).astype(np.float32)
    assert compare(item.expected, _got(small), "torch", item.tolerance) is not None


def test_emulated_tf32_inputs_fail_conv2d():
    """Round x and w to TF32's 10-bit mantissa (what the tensor cores read), then convolve
    exactly: the answer fails the float32 tolerance, as above."""
    (item,) = [it for it in _prepared("conv2d", "float32") if it.case.label.startswith("large")]

    def tf32(a):
        bits = np.asarray(a, dtype=np.float32).view(np.uint32)
        return ((bits + np.uint32(0x1000)) & np.uint32(0xFFFFE000)).view(np.float32)

    x, w, b = item.args
    s, p = _conv_kwargs(item)
    got = ref.conv2d(tf32(x).astype(np.float64), tf32(w).astype(np.float64), b.astype(np.float64), s, p)
    relative = np.abs(got - item.expected) / np.abs(item.expected)
    assert 1e-5 < np.median(relative) < 1e-2
    assert compare(item.expected, _got(got.astype(np.float32)), "torch", item.tolerance) is not None


def test_torch_backend_turns_tf32_off():
    torch = pytest.importorskip("torch")
    backends.get("torch").configure_precision()
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.backends.cuda.matmul.allow_tf32 is False

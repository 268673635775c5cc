"""Lecture 3 end to end, through the child process: the reference solutions score full marks on
every backend, the stubs are not implemented, a loop-based student solution passes in time, and
wrong student code, written the way students write it, is diagnosed by name on each backend."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import backends
from grader import catalog
from grader.grading import grade_lecture

ROOT = Path(__file__).resolve().parents[2]
LECTURE = catalog.lecture("lecture3")
pytestmark = pytest.mark.slow


def _submission(root: Path, files: dict[str, str]) -> Path:
    folder = root / "lecture3"
    folder.mkdir(parents=True)
    for name, source in files.items():
        (folder / name).write_text(textwrap.dedent(source).lstrip())
    return root


@pytest.mark.parametrize("backend", backends.NAMES)
def test_solutions_score_full_marks(backend, tmp_path):
    pytest.importorskip(backends.FRAMEWORK[backend])
    shutil.copytree(ROOT / "reference/solutions/lecture3", tmp_path / "lecture3",
                    ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    result = grade_lecture("lecture3", tmp_path, backend=backend, device="cpu")
    failed = {e.id: (e.status, e.feedback) for e in result.exercises if e.status != "passed"}
    assert not failed
    assert result.score == result.max_score == LECTURE.max_score == 13


def test_stubs_are_not_implemented():
    result = grade_lecture("lecture3", ROOT / "exercises", backend="numpy", device="cpu")
    assert len(result.exercises) == 7
    assert {e.status for e in result.exercises} == {"not_implemented"}


# --- a correct loop-based solution, the slowest a student would reasonably write -----------------

LOOPS_NUMPY = {
    "conv.py": '''
        import numpy as np


        def convolve2d(image, kernel):
            H, W = image.shape
            k = kernel.shape[0]
            out = np.zeros((H - k + 1, W - k + 1))
            for i in range(H - k + 1):
                for j in range(W - k + 1):
                    s = 0.0
                    for a in range(k):
                        for b in range(k):
                            s += image[i + a, j + b] * kernel[a, b]
                    out[i, j] = s
            return out


        def conv_output_size(in_size, kernel_size, stride=1, padding=0):
            return (in_size + 2 * padding - kernel_size) // stride + 1


        def conv2d(x, w, b, stride=1, padding=0):
            N, C, H, W = x.shape
            F, _, KH, KW = w.shape
            Ho = conv_output_size(H, KH, stride, padding)
            Wo = conv_output_size(W, KW, stride, padding)
            xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
            out = np.zeros((N, F, Ho, Wo))
            for n in range(N):
                for f in range(F):
                    for i in range(Ho):
                        for j in range(Wo):
                            s = b[f]
                            for c in range(C):
                                for a in range(KH):
                                    for bb in range(KW):
                                        s += xp[n, c, i * stride + a, j * stride + bb] * w[f, c, a, bb]
                            out[n, f, i, j] = s
            return out


        def conv2d_backward(x, w, b, dout, stride=1, padding=0):
            N, C, H, W = x.shape
            F, _, KH, KW = w.shape
            _, _, Ho, Wo = dout.shape
            p = padding
            xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
            for n in range(N):
                for f in range(F):
                    for i in range(Ho):
                        for j in range(Wo):
                            g = dout[n, f, i, j]
                            db[f] += g
                            for c in range(C):
                                for a in range(KH):
                                    for bb in range(KW):
                                        r, q = i * stride + a, j * stride + bb
                                        dw[f, c, a, bb] += g * xp[n, c, r, q]
                                        dxp[n, c, r, q] += g * w[f, c, a, bb]
            return dxp[:, :, p:p + H, p:p + W], dw, db
    ''',
    "pooling.py": '''
        import numpy as np


        def max_pool2d(x, size=2, stride=2):
            N, C, H, W = x.shape
            Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
            out = np.zeros((N, C, Ho, Wo))
            for n in range(N):
                for c in range(C):
                    for i in range(Ho):
                        for j in range(Wo):
                            best = x[n, c, i * stride, j * stride]
                            for a in range(size):
                                for b in range(size):
                                    best = max(best, x[n, c, i * stride + a, j * stride + b])
                            out[n, c, i, j] = best
            return out


        def max_pool2d_backward(x, dout, size=2, stride=2):
            N, C, H, W = x.shape
            _, _, Ho, Wo = dout.shape
            dx = np.zeros_like(x)
            for n in range(N):
                for c in range(C):
                    for i in range(Ho):
                        for j in range(Wo):
                            r, q = i * stride, j * stride
                            best, at = x[n, c, r, q], (0, 0)
                            for a in range(size):
                                for b in range(size):
                                    if x[n, c, r + a, q + b] > best:     # strictly: first max wins
                                        best, at = x[n, c, r + a, q + b], (a, b)
                            dx[n, c, r + at[0], q + at[1]] += dout[n, c, i, j]
            return dx
    ''',
    "cnn.py": '''
        import numpy as np
        from conv import conv2d
        from pooling import max_pool2d


        def cnn_forward(x, w1, b1, W2, b2):
            h = np.maximum(conv2d(x, w1, b1, 1, 1), 0)
            p = max_pool2d(h, 2, 2)
            return p.reshape(p.shape[0], -1) @ W2 + b2
    ''',
}


def test_a_scalar_loop_solution_passes_well_within_the_timeout(tmp_path):
    result = grade_lecture("lecture3", _submission(tmp_path, LOOPS_NUMPY), backend="numpy",
                           device="cpu")
    assert {e.id: e.status for e in result.exercises if e.status != "passed"} == {}
    for e in result.exercises:
        limit = catalog.find_exercise(LECTURE, e.id).timeout
        assert e.seconds < limit / 5, (e.id, e.seconds)


# --- wrong submissions -----------------------------------------------------------------------------

WRONG = {
    "numpy": {
        "conv.py": '''
            import math
            import numpy as np


            def convolve2d(image, kernel):
                k = kernel.shape[0]
                kernel = kernel[::-1, ::-1]                      # flips: true convolution
                H, W = image.shape
                out = np.zeros((H - k + 1, W - k + 1))
                for i in range(H - k + 1):
                    for j in range(W - k + 1):
                        out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)
                return out


            def conv_output_size(in_size, kernel_size, stride=1, padding=0):
                return math.ceil((in_size + 2 * padding - kernel_size) / stride) + 1


            def conv2d(x, w, b, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))   # top and left only
                Ho = (xp.shape[2] - KH) // stride + 1
                Wo = (xp.shape[3] - KW) // stride + 1
                out = np.zeros((N, F, max(Ho, 0), max(Wo, 0)))
                for n in range(N):
                    for f in range(F):
                        for i in range(Ho):
                            for j in range(Wo):
                                win = xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                                out[n, f, i, j] = np.sum(win * w[f]) + b[f]
                return out


            def conv2d_backward(x, w, b, dout, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                _, _, Ho, Wo = dout.shape
                p = padding
                xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
                dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
                for n in range(N):
                    for f in range(F):
                        for i in range(Ho):
                            for j in range(Wo):
                                g = dout[n, f, i, j]
                                dw[f] += g * xp[n, :, i:i + KH, j:j + KW]     # i, not i*stride
                                dxp[n, :, i:i + KH, j:j + KW] += g * w[f]
                                db[f] += g
                return dxp[:, :, p:p + H, p:p + W], dw, db
        ''',
        "pooling.py": '''
            import numpy as np


            def max_pool2d(x, size=2, stride=2):
                N, C, H, W = x.shape
                Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
                out = np.zeros((N, C, Ho, Wo))
                for i in range(Ho):
                    for j in range(Wo):
                        win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
                        out[:, :, i, j] = win.mean(axis=(2, 3))
                return out


            def max_pool2d_backward(x, dout, size=2, stride=2):
                N, C, H, W = x.shape
                _, _, Ho, Wo = dout.shape
                dx = np.zeros_like(x)
                for i in range(Ho):
                    for j in range(Wo):
                        r, q = i * stride, j * stride
                        win = x[:, :, r:r + size, q:q + size]
                        mask = win == win.max(axis=(2, 3), keepdims=True)
                        dx[:, :, r:r + size, q:q + size] += mask * dout[:, :, i, j][:, :, None, None]
                return dx
        ''',
        "cnn.py": '''
            import numpy as np
            from conv import conv_output_size


            def cnn_forward(x, w1, b1, W2, b2):
                N, C, H, W = x.shape
                F, _, KH, KW = w1.shape
                xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
                Ho, Wo = H + 3 - KH, W + 3 - KW
                z = np.zeros((N, F, Ho, Wo))
                for i in range(Ho):
                    for j in range(Wo):
                        z[:, :, i, j] = np.einsum("ncab,fcab->nf", xp[:, :, i:i + KH, j:j + KW], w1) + b1
                h = np.maximum(z, 0)
                p = h[:, :, :Ho // 2 * 2, :Wo // 2 * 2].reshape(N, F, Ho // 2, 2, Wo // 2, 2).max(axis=(3, 5))
                flat = p.transpose(0, 2, 3, 1).reshape(N, -1)            # channels last
                return flat @ W2 + b2
        ''',
    },
    "torch": {
        "conv.py": '''
            import torch


            def convolve2d(image, kernel):
                k = kernel.shape[0]
                H, W = image.shape
                out = torch.zeros(H - k + 1, W - k + 1, dtype=image.dtype)
                for i in range(H - k + 1):
                    for j in range(W - k + 1):
                        out[i, j] = torch.sum(image[i:i + k, j:j + k] * kernel.T)
                return out


            def conv_output_size(in_size, kernel_size, stride=1, padding=0):
                return (in_size + padding - kernel_size) // stride + 1


            def conv2d(x, w, b, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                xp = torch.nn.functional.pad(x, (padding,) * 4)
                Ho, Wo = H + 2 * padding - KH + 1, W + 2 * padding - KW + 1   # stride forgotten
                out = torch.zeros(N, F, Ho, Wo, dtype=x.dtype)
                for i in range(Ho):
                    for j in range(Wo):
                        win = xp[:, :, i:i + KH, j:j + KW]
                        out[:, :, i, j] = torch.einsum("ncab,fcab->nf", win, w) + b
                return out


            def conv2d_backward(x, w, b, dout, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                _, _, Ho, Wo = dout.shape
                p, s = padding, stride
                wf = torch.flip(w, dims=(2, 3))                              # true convolution
                xp = torch.nn.functional.pad(x, (p,) * 4)
                dxp, dwf = torch.zeros_like(xp), torch.zeros_like(w)
                for i in range(Ho):
                    for j in range(Wo):
                        g = dout[:, :, i, j]
                        dwf += torch.einsum("nf,ncab->fcab", g, xp[:, :, i * s:i * s + KH, j * s:j * s + KW])
                        dxp[:, :, i * s:i * s + KH, j * s:j * s + KW] += torch.einsum("nf,fcab->ncab", g, wf)
                return dxp[:, :, p:p + H, p:p + W], torch.flip(dwf, dims=(2, 3)), dout.sum(dim=(0, 2, 3))
        ''',
        "pooling.py": '''
            import math
            import torch


            def max_pool2d(x, size=2, stride=2):
                N, C, H, W = x.shape
                Ho = math.ceil((H - size) / stride) + 1
                Wo = math.ceil((W - size) / stride) + 1
                out = torch.zeros(N, C, Ho, Wo, dtype=x.dtype)
                for i in range(Ho):
                    for j in range(Wo):
                        win = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
                        out[:, :, i, j] = torch.amax(win, dim=(2, 3))
                return out


            def max_pool2d_backward(x, dout, size=2, stride=2):
                N, C, H, W = x.shape
                _, _, Ho, Wo = dout.shape
                dx = torch.zeros_like(x)
                for n in range(N):
                    for c in range(C):
                        for i in range(Ho):
                            for j in range(Wo):
                                r, q = i * stride, j * stride
                                k = int(torch.argmax(x[n, c, r:r + size, q:q + size]))
                                dx[n, c, r + k // size, q + k % size] = dout[n, c, i, j]   # = not +=
                return dx
        ''',
        "cnn.py": '''
            import torch
            import torch.nn.functional as F


            def cnn_forward(x, w1, b1, W2, b2):
                z = F.conv2d(x, w1, b1, padding=1)                   # no ReLU
                p = F.max_pool2d(z, 2, 2)
                return p.reshape(p.shape[0], -1) @ W2 + b2
        ''',
    },
    "tensorflow": {
        "conv.py": '''
            import tensorflow as tf


            def convolve2d(image, kernel):
                k = kernel.shape[0]
                H, W = image.shape
                rows = []
                for i in range(H - k):                               # one short
                    rows.append(tf.stack([tf.reduce_sum(image[i:i + k, j:j + k] * kernel)
                                          for j in range(W - k)]))
                return tf.stack(rows)


            def conv_output_size(in_size, kernel_size, stride=1, padding=0):
                return in_size + 2 * padding - kernel_size + 1


            def conv2d(x, w, b, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                xp = tf.pad(x, [[0, 0], [0, 0], [padding, padding], [padding, padding]])
                Ho = (H + 2 * padding - KH) // stride + 1
                Wo = (W + 2 * padding - KW) // stride + 1
                rows = []
                for i in range(Ho):
                    cols = []
                    for j in range(Wo):
                        win = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                        cols.append(tf.einsum("ncab,fcab->nf", win, w))           # no + b
                    rows.append(tf.stack(cols, axis=-1))
                return tf.stack(rows, axis=2)


            def conv2d_backward(x, w, b, dout, stride=1, padding=0):
                N, C, H, W = x.shape
                F, _, KH, KW = w.shape
                _, _, Ho, Wo = dout.shape
                p, s = padding, stride
                xp = tf.pad(x, [[0, 0], [0, 0], [p, p], [p, p]])
                dxp = tf.Variable(tf.zeros_like(xp))
                dw = tf.Variable(tf.zeros_like(w))
                for i in range(Ho):
                    for j in range(Wo):
                        g = dout[:, :, i, j]
                        win = xp[:, :, i * s:i * s + KH, j * s:j * s + KW]
                        dw.assign_add(tf.einsum("nf,ncab->fcab", g, win))
                        dxp[:, :, i * s:i * s + KH, j * s:j * s + KW].assign(
                            dxp[:, :, i * s:i * s + KH, j * s:j * s + KW] + tf.einsum("nf,fcab->ncab", g, w))
                return tf.convert_to_tensor(dxp), tf.convert_to_tensor(dw), tf.reduce_sum(dout, axis=(0, 2, 3))
        ''',
        "pooling.py": '''
            import tensorflow as tf


            def max_pool2d(x, size=2, stride=2):
                N, C, H, W = x.shape
                Ho, Wo = (H - size) // size + 1, (W - size) // size + 1     # steps by size
                cols = []
                for i in range(Ho):
                    for j in range(Wo):
                        cols.append(tf.reduce_max(x[:, :, i * size:i * size + size,
                                                    j * size:j * size + size], axis=(2, 3)))
                return tf.reshape(tf.stack(cols, axis=-1), (N, C, Ho, Wo))


            def max_pool2d_backward(x, dout, size=2, stride=2):
                N, C, H, W = x.shape
                _, _, Ho, Wo = dout.shape
                dx = tf.Variable(tf.zeros_like(x))
                for i in range(Ho):
                    for j in range(Wo):
                        r, q = i * stride, j * stride
                        win = tf.reshape(x[:, :, r:r + size, q:q + size], (N, C, size * size))
                        last = size * size - 1 - tf.argmax(tf.reverse(win, axis=[2]), axis=2)
                        mask = tf.reshape(tf.one_hot(last, size * size, dtype=x.dtype), (N, C, size, size))
                        dx[:, :, r:r + size, q:q + size].assign(
                            dx[:, :, r:r + size, q:q + size] + mask * dout[:, :, i, j][:, :, None, None])
                return tf.convert_to_tensor(dx)
        ''',
        "cnn.py": '''
            import tensorflow as tf


            def cnn_forward(x, w1, b1, W2, b2):
                h = tf.nn.conv2d(tf.transpose(x, (0, 2, 3, 1)), tf.transpose(w1, (2, 3, 1, 0)), 1,
                                 [[0, 0], [1, 1], [1, 1], [0, 0]]) + b1
                p = tf.nn.avg_pool2d(tf.nn.relu(h), 2, 2, "VALID")
                p = tf.transpose(p, (0, 3, 1, 2))
                return tf.reshape(p, (p.shape[0], -1)) @ W2 + b2
        ''',
    },
}

WRONG["numpy, more"] = {
    "conv.py": '''
        import numpy as np


        def conv2d(x, w, b, stride=1, padding=0):
            N, C, H, W = x.shape
            F, _, KH, KW = w.shape
            Ho = (H + 2 * padding - KH) // stride + 1
            Wo = (W + 2 * padding - KW) // stride + 1
            xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
            out = np.zeros((N, F, Ho, Wo))
            for n in range(N):
                for f in range(F):
                    for i in range(Ho):
                        for j in range(Wo):
                            win = xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                            out[n, f, i, j] = np.sum(win * w[f, :, ::-1, ::-1]) + b[f]   # flipped
            return out
    ''',
    "pooling.py": '''
        import numpy as np


        def max_pool2d(x, size=2, stride=2):
            N, C, H, W = x.shape
            Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
            out = np.zeros((N, C, Ho, Wo))
            for n in range(N):
                for c in range(C):
                    for i in range(Ho):
                        for j in range(Wo):
                            best = 0.0                                      # not the first element
                            for a in range(size):
                                for b in range(size):
                                    best = max(best, x[n, c, i * stride + a, j * stride + b])
                            out[n, c, i, j] = best
            return out


        def max_pool2d_backward(x, dout, size=2, stride=2):
            dx = np.zeros_like(x)
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    r, q = i * stride, j * stride
                    dx[:, :, r:r + size, q:q + size] += dout[:, :, i, j][:, :, None, None] / size**2
            return dx
    ''',
}

EXPECTED = {
    "numpy": {
        "convolve2d": "flipped kernel (true convolution)",
        "conv_output_size": "ceil instead of floor",
        "conv2d": "padding on one side only",
        "conv2d_backward": "stride ignored",
        "max_pool2d": "average instead of max pooling",
        "max_pool2d_backward": "gradient to every tied maximum",
        "cnn_forward": "flattened in (H, W, C) order",
    },
    "torch": {
        "convolve2d": "kernel transposed",
        "conv_output_size": "padding on one side only",
        "conv2d": "stride ignored",
        "conv2d_backward": "flipped kernel (true convolution)",
        "max_pool2d": "partial windows kept (ceil instead of floor)",
        "max_pool2d_backward": "overlapping windows overwrite",
        "cnn_forward": "ReLU forgotten",
    },
    "tensorflow": {
        "convolve2d": "output one row and column short",
        "conv_output_size": "stride ignored",
        "conv2d": "bias forgotten",
        "conv2d_backward": "padding not removed from dx",
        "max_pool2d": "stride ignored",
        "max_pool2d_backward": "gradient to the last tied maximum",
        "cnn_forward": "average instead of max pooling",
    },
    "numpy, more": {
        "conv2d": "flipped kernel (true convolution)",
        "max_pool2d": "maximum started at 0",
        "max_pool2d_backward": "average pooling backward",
    },
}


def test_every_known_mistake_is_written_once():
    written = sorted((name, m) for table in EXPECTED.values() for name, m in table.items())
    known = sorted((ex.name, m.name) for ex in LECTURE.exercises
                   for m in catalog.check_for(ex).mistakes)
    assert sorted(set(written)) == known


@pytest.mark.parametrize("which", list(WRONG))
def test_wrong_submissions_are_named(which, tmp_path):
    backend = which.split(",")[0]
    pytest.importorskip(backends.FRAMEWORK[backend])
    root = _submission(tmp_path, WRONG[which])
    result = grade_lecture("lecture3", root, backend=backend, device="cpu",
                           only=list(EXPECTED[which]))
    got = {e.id.split(".", 1)[1]: (e.diagnosis or {}).get("name") for e in result.exercises}
    assert got == EXPECTED[which]
    for e in result.exercises:
        assert e.status in ("failed", "error") and e.score == 0
        assert f"Likely mistake: {e.diagnosis['name']}" in e.feedback

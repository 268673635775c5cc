"""The GPU path, checked: full marks on cuda and on cpu, known mistakes still caught on cuda,
and timings, including larger inputs where the GPU should win.

    python bench/gpu_check.py            # on a machine with CUDA (and on one without: CPU only)

Needs numpy, torch, typer and rich (no TensorFlow: its part is skipped with a message when it
is not installed). Exits non-zero when an assertion fails.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Known mistakes written for PyTorch: each must still fail on the GPU, with its name.
MISTAKES = {
    ("lecture1", "activations.py", "tanh", "the lecture's formula, unstabilised"):
        "import torch\n\ndef tanh(z):\n    return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))\n",
    ("lecture1", "optimizers.py", "adam_step", "no bias correction"):
        "import torch\n\ndef adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    m = beta1 * m + (1 - beta1) * dw\n    v = beta2 * v + (1 - beta2) * dw * dw\n"
        "    return w - lr * m / (torch.sqrt(v) + eps), m, v\n",
    ("lecture1", "losses.py", "softmax", "no max shift"):
        "import torch\n\ndef softmax(logits):\n    e = torch.exp(logits)\n    return e / e.sum(-1, keepdim=True)\n",
    ("lecture3", "conv.py", "conv2d", "flipped kernel (true convolution)"):
        "import torch\nimport torch.nn.functional as F\n\n"
        "def conv2d(x, w, b, stride=1, padding=0):\n"
        "    return F.conv2d(x, torch.flip(w, dims=(2, 3)), b, stride=stride, padding=padding)\n",
}


def _solutions(tmp: Path) -> Path:
    root = tmp / "solutions"
    for lecture in sorted((ROOT / "reference" / "solutions").glob("lecture*")):
        shutil.copytree(lecture, root / lecture.name, ignore=shutil.ignore_patterns("__*"))
    return root


def _grade_all(root: Path, backend: str, device: str) -> tuple[float, list]:
    from grader import catalog
    from grader.grading import Session, grade_lecture

    start = time.perf_counter()
    results = []
    with Session(backend, device) as session:
        for lec in catalog.lectures():
            results.append(grade_lecture(lec.name, root, backend, device, session=session))
    return time.perf_counter() - start, results


def _check_full_marks(results: list, label: str) -> bool:
    ok = True
    for r in results:
        wrong = [(e.id, e.status, e.feedback.splitlines()[0] if e.feedback else "")
                 for e in r.exercises if e.status != "passed"]
        print(f"  {label:14} {r.lecture}: {r.score:g}/{r.max_score:g} on {r.device}"
              + ("" if not wrong else f"  FAILED: {wrong}"))
        ok = ok and not wrong and r.score == r.max_score
    return ok


def _check_mistakes(tmp: Path, device: str) -> bool:
    from grader.grading import grade_lecture

    ok = True
    for (lecture, file, name, mistake), source in MISTAKES.items():
        root = tmp / f"mistake-{name}"
        (root / lecture).mkdir(parents=True)
        (root / lecture / file).write_text(source)
        verdict = grade_lecture(lecture, root, "torch", device, only=[name]).exercises[0]
        named = (verdict.diagnosis or {}).get("name")
        good = verdict.status in ("failed", "error") and verdict.score == 0 and named == mistake
        ok = ok and good
        print(f"  {'ok ' if good else 'BAD'} {lecture}.{name}: {verdict.status}, diagnosis {named!r}")
    return ok


def _check_batch(tmp: Path, devices: list[str]) -> bool:
    """`grade batch` of a small generated class on each device: the same grades everywhere."""
    import csv
    import subprocess

    sys.path.insert(0, str(ROOT / "bench"))
    from batch import make_class

    folder = tmp / "class"
    roster = make_class(folder, 8)
    for student in roster:  # lecture 3's convolutions too: where the GPU path differs most
        shutil.copytree(ROOT / "reference" / "solutions" / "lecture3", folder / student / "lecture3",
                        ignore=shutil.ignore_patterns("__*"))
    grades = {}
    for device in devices:
        out = tmp / f"batch-{device}"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(folder), "--lecture", "1",
                               "--lecture", "3", "--backend", "torch", "--device", device, "--workers", "2",
                               "--out", str(out), "--no-report", "--public-only"],
                              cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if (out / "grades.csv").is_file():
            with open(out / "grades.csv") as f:
                grades[device] = {row["student"]: row["total"] for row in csv.DictReader(f)}
        if proc.returncode not in (0, 1) or len(grades.get(device, ())) != len(roster):
            print(f"  BAD grade batch --device {device} exited {proc.returncode}:\n"
                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            return False
        print(f"  grade batch --device {device:5}: {len(grades[device])} students in {seconds:.1f} s")
    first = grades[devices[0]]
    ok = len(first) == len(roster) and all(g == first for g in grades.values())
    print(f"  {'ok ' if ok else 'BAD'} the same totals on {', '.join(devices)}: {sorted(first.items())}")
    return ok


def _large_timings(device: str) -> None:
    """The reference solutions on inputs larger than the grading cases: where a GPU pays off."""
    import torch

    from backends import torch_backend
    from reference.solutions.lecture2 import lstm
    from reference.solutions.lecture3 import conv

    torch_backend.configure_precision()
    os.environ["GRADER_BACKEND"] = "torch"
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 16, 64, 64, generator=g).to(device)
    w = torch.randn(32, 16, 3, 3, generator=g).to(device)
    b = torch.randn(32, generator=g).to(device)
    seq = torch.randn(64, 100, 128, generator=g).to(device)
    H = 256
    h0, c0 = torch.zeros(64, H).to(device), torch.zeros(64, H).to(device)
    Wx, Wh = torch.randn(128, 4 * H, generator=g).to(device) / 10, torch.randn(H, 4 * H, generator=g).to(device) / 10
    bb = torch.zeros(4 * H).to(device)
    for label, fn in (("conv2d (32,16,64,64) * (32,16,3,3)", lambda: conv.conv2d(x, w, b, 1, 1)),
                      ("lstm_forward N=64 T=100 D=128 H=256", lambda: lstm.lstm_forward(seq, h0, c0, Wx, Wh, bb))):
        fn()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(3):
            fn()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        print(f"  {label:40} {device:5} {(time.perf_counter() - start) / 3 * 1000:9.1f} ms")


def main() -> int:
    import torch

    cuda = torch.cuda.is_available()
    print(f"torch {torch.__version__}, CUDA {'available: ' + torch.cuda.get_device_name(0) if cuda else 'not available'}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = _solutions(tmp)
        devices = ["cpu"] + (["cuda"] if cuda else [])
        timings = {}
        for device in devices:
            seconds, results = _grade_all(root, "torch", device)
            timings[device] = seconds
            ok = _check_full_marks(results, f"torch {device}") and ok
        if not cuda:
            print("  no CUDA device: the cuda part is skipped (this run proves the CPU path only)")
        print("known mistakes, torch on " + ("cuda" if cuda else "cpu") + ":")
        ok = _check_mistakes(tmp, "cuda" if cuda else "cpu") and ok
        print("grade batch, torch:")
        ok = _check_batch(tmp, devices) and ok
        if importlib.util.find_spec("tensorflow") is None:
            print("tensorflow is not installed: its part is skipped")
        else:
            seconds, results = _grade_all(root, "tensorflow", "auto")
            timings["tensorflow"] = seconds
            ok = _check_full_marks(results, "tensorflow") and ok
        print("grading all four lectures (full marks), wall seconds:")
        for device, seconds in timings.items():
            print(f"  {device:12} {seconds:8.2f} s")
        print("larger inputs, reference solutions in-process:")
        for device in devices:
            _large_timings(device)
    print("GPU CHECK " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

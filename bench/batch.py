"""Benchmark of `grade batch` against the naive way of grading a class.

    python bench/batch.py [--students 200] [--backends numpy,torch] [--sample 20]

A generated class of `--students` submissions of lecture1: full marks (copies of
reference/solutions/lecture1, each with its own header comment, as students' files differ),
buggy ones (one known mistake each), untouched stubs, and a few hostile ones (an endless loop, an
exit at import, a huge allocation, 50 MB of output, a read of /etc/shadow).

For each backend:
- batch: `grade batch CLASS --lecture 1 --backend B --workers 2` (and `--workers 1`), timed from
  the command's start to its end (its start-up and the framework's import included);
- naive: a fresh `grade lecture1 --submission DIR --backend B` process per student, one after
  another. Running all of them takes long, so a stratified sample is timed (about `--sample`
  students, in the class's proportions, and every hostile kind once), and the class's total is
  extrapolated from each kind's mean time times its count. The table says so.

It prints submissions per second for each and the ratio, against the targets (5x for numpy,
20x for torch), and checks that the naive runs and the batch gave the sampled students the same
scores. The endless loop waits out early_stopping's 5-second limit in both ways alike, which bounds
the ratio; the rows "without the endless loop" grade the same class less that one student.
Compare ratios, not seconds: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "reference" / "solutions" / "lecture1"
STUBS = ROOT / "exercises" / "lecture1"
TARGETS = {"numpy": 5.0, "torch": 20.0, "tensorflow": 20.0}

# (file, code appended: a later def replaces the solution's), all written with array_namespace
# so that they run under every backend.
BUGS = [
    ("activations.py", "def sigmoid(z):\n    xp = array_namespace(z)\n    return xp.tanh(z)\n"),
    ("activations.py", "def relu(z):\n    xp = array_namespace(z)\n    return xp.abs(z)\n"),
    ("losses.py", "def mse_loss(y_hat, y):\n    xp = array_namespace(y_hat, y)\n"
                  "    d = y - y_hat\n    return xp.sum(d * d)\n"),
    ("losses.py", "def softmax(logits):\n    xp = array_namespace(logits)\n"
                  "    e = xp.exp(logits)\n    return e / xp.sum(e, axis=-1, keepdims=True)\n"),
]
# One of them (the endless loop) costs a full time limit (5 s) either way, naive or batch.
HOSTILE = {
    "loop": ("regularization.py", "def early_stopping(val_losses, patience):\n"
                                  "    while True:\n        pass\n"),
    "exit": ("activations.py", "import os\nos._exit(3)\n"),
    "memory": ("losses.py", "def softmax(logits):\n    block = bytearray(64 << 30)\n"
                            "    return block\n"),
    "flood": ("losses.py", "def mse_loss(y_hat, y):\n    print('x' * 50_000_000)\n"
                           "    xp = array_namespace(y_hat, y)\n    return xp.mean((y - y_hat) ** 2)\n"),
    "snoop": ("perceptron.py", "def dense(x, W, b):\n    return open('/etc/shadow').read()\n"),
}


def make_class(folder: Path, students: int, seed: int = 0) -> dict[str, str]:
    """The class: {student id: kind}. Kinds: full, bug0..bug3, stub, hostile-<what>."""
    rng = random.Random(seed)
    n_hostile = min(len(HOSTILE), max(1, round(0.02 * students))) if students >= 10 else 0
    n_stub = round(0.15 * students)
    n_bug = round(0.20 * students)
    n_full = students - n_hostile - n_stub - n_bug
    kinds = (["full"] * n_full + [f"bug{i % len(BUGS)}" for i in range(n_bug)]
             + ["stub"] * n_stub + [f"hostile-{k}" for k in list(HOSTILE)[:n_hostile]])
    rng.shuffle(kinds)
    roster = {}
    for i, kind in enumerate(kinds):
        student = f"s{i:04d}"
        target = folder / student / "lecture1"
        shutil.copytree(STUBS if kind == "stub" else SOLUTIONS, target,
                        ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
        for path in target.glob("*.py"):
            path.write_text(f"# {student}'s solution\n" + path.read_text())
        if kind.startswith("bug"):
            file, code = BUGS[int(kind[3:])]
            _append(target / file, code)
        elif kind.startswith("hostile-"):
            file, code = HOSTILE[kind.split("-", 1)[1]]
            if kind == "hostile-exit":
                (target / file).write_text(code + (target / file).read_text())
            else:
                _append(target / file, code)
        roster[student] = kind
    return roster


def _append(path: Path, code: str) -> None:
    path.write_text(path.read_text() + "\n\n" + code)


def run(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, proc


def batch(folder: Path, backend: str, workers: int, out: Path) -> tuple[float, dict[str, float]]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(folder), "--lecture", "1",
           "--backend", backend, "--workers", str(workers), "--out", str(out), "--no-report",
           "--public-only"]
    seconds, proc = run(cmd)
    if proc.returncode not in (0, 1) or not (out / "grades.csv").is_file():
        raise SystemExit(f"grade batch failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    with open(out / "grades.csv") as f:
        scores = {row["student"]: float(row["total"]) for row in csv.DictReader(f)}
    return seconds, scores


def naive(folder: Path, roster: dict[str, str], backend: str, sample: int,
          seed: int = 1) -> tuple[dict[str, float], int, dict[str, float]]:
    """({kind: extrapolated seconds for the kind's students}, students timed, their scores)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {}
    for student, kind in roster.items():
        by_kind.setdefault(kind, []).append(student)
    total = len(roster)
    estimate: dict[str, float] = {}
    timed = 0
    scores = {}
    for kind, students in sorted(by_kind.items()):
        n = 1 if kind.startswith("hostile") else max(1, round(sample * len(students) / total))
        times = []
        for student in rng.sample(students, min(n, len(students))):
            cmd = [sys.executable, "-m", "grader.cli", "lecture1", "--submission",
                   str(folder / student), "--backend", backend, "--json"]
            seconds, proc = run(cmd, env={**os.environ, "GRADER_COURSE_SECRET": ""})
            times.append(seconds)
            timed += 1
            try:
                scores[student] = float(json.loads(proc.stdout)["score"])
            except (ValueError, KeyError):
                scores[student] = float("nan")
        estimate[kind] = statistics.fmean(times) * len(students)
    return estimate, timed, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--backends", default="numpy,torch")
    parser.add_argument("--sample", type=int, default=20,
                        help="students timed the naive way (stratified; hostile kinds once each)")
    parser.add_argument("--workers", default="2,1", help="worker counts to time grade batch with")
    parser.add_argument("--keep", action="store_true", help="keep the generated class")
    opts = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-class-"))
    rows = []
    try:
        roster = make_class(folder, opts.students)
        counts: dict[str, int] = {}
        for kind in roster.values():
            key = kind if kind in ("full", "stub") else kind.split("-")[0].rstrip("0123456789")
            counts[key] = counts.get(key, 0) + 1
        print(f"class of {opts.students} in {folder}: "
              + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())), flush=True)
        # The same class without the endless loop: what the grading costs, apart from the one
        # 5-second time limit that both ways wait out alike.
        calm = folder.parent / f"{folder.name}-noloop"
        calm.mkdir()
        for student, kind in roster.items():
            if kind != "hostile-loop":
                (calm / student).symlink_to(folder / student)
        looping = "hostile-loop" in roster.values()
        for backend in opts.backends.split(","):
            kinds, timed, naive_scores = naive(folder, roster, backend, opts.sample)
            est = sum(kinds.values())
            n = len(roster)
            rows.append((backend, f"naive: one `grade lecture1` per student (timed {timed}, "
                                  f"extrapolated)", est, n / est, 1.0, ""))
            print(f"{backend}: naive {est:.0f} s extrapolated from {timed} students", flush=True)
            for workers in [int(w) for w in opts.workers.split(",")]:
                seconds, scores = batch(folder, backend, workers,
                                        folder.parent / f"{folder.name}-out")
                agree = sum(1 for s, v in naive_scores.items() if scores.get(s) == v)
                ratio = est / seconds
                target = ""
                if workers == 2:
                    goal = TARGETS[backend]
                    target = f"{'meets' if ratio >= goal else 'MISSES'} >= {goal:g}x"
                rows.append((backend, f"grade batch --workers {workers}", seconds, n / seconds,
                             ratio, target + f"  (scores agree with naive: {agree}/"
                                             f"{len(naive_scores)})"))
                print(f"{backend}: batch --workers {workers}: {seconds:.1f} s", flush=True)
            if looping:
                rest = est - kinds["hostile-loop"]
                rows.append((backend, "  without the endless loop: naive (extrapolated)", rest,
                             (n - 1) / rest, 1.0, ""))
                workers = max(int(w) for w in opts.workers.split(","))
                seconds, _ = batch(calm, backend, workers, folder.parent / f"{folder.name}-out")
                rows.append((backend, f"  without the endless loop: grade batch --workers "
                                      f"{workers}", seconds, (n - 1) / seconds, rest / seconds, ""))
                print(f"{backend}: batch without the loop: {seconds:.1f} s", flush=True)
    finally:
        shutil.rmtree(folder.parent / f"{folder.name}-noloop", ignore_errors=True)
        if not opts.keep:
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(folder.parent / f"{folder.name}-out", ignore_errors=True)
    print()
    print(f"{'backend':10} {'how':58} {'seconds':>9} {'subs/s':>8} {'vs naive':>9}  target")
    for backend, how, seconds, rate, ratio, target in rows:
        print(f"{backend:10} {how:58} {seconds:9.1f} {rate:8.3f} {ratio:8.2f}x  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

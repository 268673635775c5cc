"""bench/batch.py runs, small: it prints its table (speed figures are the benchmark's business,
not asserted here), and its generated class holds every kind it claims."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

from tests.conftest import ROOT


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_class_has_full_buggy_stub_and_hostile_students(tmp_path):
    bench = _bench_module()
    roster = bench.make_class(tmp_path, 40)
    kinds = set(roster.values())
    assert {"full", "stub", "bug0", "bug1", "bug2", "bug3"} <= kinds
    assert sum(k.startswith("hostile-") for k in roster.values()) == 1  # 2% of 40, at least one
    assert len(roster) == 40 and all((tmp_path / s / "lecture1").is_dir() for s in roster)
    assert len(bench.make_class(tmp_path / "big", 200)) == 200


def test_small_benchmark_prints_its_table():
    proc = subprocess.run([sys.executable, "bench/batch.py", "--students", "4", "--backends",
                           "numpy", "--sample", "2", "--workers", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "naive: one `grade lecture1` per student" in proc.stdout
    assert "extrapolated" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if "grade batch --workers 1" in line)
    # The batch gave the students timed the naive way the very scores the naive runs gave.
    agree = re.search(r"scores agree with naive: (\d+)/(\d+)", row)
    assert agree and agree[1] == agree[2] and int(agree[2]) >= 2, row

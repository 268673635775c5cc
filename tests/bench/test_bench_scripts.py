"""The benchmark scripts run here, without a GPU: they print their tables and say what they skip.
(Their figures are not asserted: speed targets live in the benchmarks, not in unit tests.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_run_prints_the_table():
    proc = subprocess.run([sys.executable, "bench/run.py", "--repeat", "1", "--backends", "numpy",
                           "--lectures", "lecture1", "--batch-students", "0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for row in ("python -c pass", "grade --help", "grade list", "in-process floor lecture1 numpy",
                "grade lecture1 --backend numpy"):
        assert row in proc.stdout
    help_row = next(l for l in proc.stdout.splitlines() if l.startswith("grade --help"))
    assert "none" in help_row  # no heavy module imported


@pytest.mark.slow
def test_gpu_check_proves_the_cpu_path_without_a_gpu():
    pytest.importorskip("torch")
    import torch

    proc = subprocess.run([sys.executable, "bench/gpu_check.py"], cwd=ROOT, capture_output=True,
                          text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GPU CHECK PASSED" in proc.stdout
    if not torch.cuda.is_available():
        assert "the cuda part is skipped" in proc.stdout

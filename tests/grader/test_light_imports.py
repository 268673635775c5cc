"""`grade --help` and `grade list` import no NumPy, PyTorch or TensorFlow: checked in a fresh
interpreter, the way a student's shell runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
sys.argv = ["grade"] + {args!r}
from grader.cli import main
try:
    main()
except SystemExit:
    pass
heavy = [m for m in ("numpy", "torch", "tensorflow") if m in sys.modules]
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "lecture1"], ["lecture1", "--help"]])
def test_light_commands_import_no_framework(args):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, timeout=60)
    line = [l for l in proc.stderr.splitlines() if l.startswith("HEAVY=")]
    assert line, proc.stderr
    assert line[-1] == "HEAVY=", f"grade {' '.join(args)} imported {line[-1][6:]}"
    assert proc.stdout.strip()

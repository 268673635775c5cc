"""A batch worker keeps what malloc frees: the next student's arrays fault no pages in."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def _faults(tune: bool) -> int:
    code = textwrap.dedent(f"""
        import resource
        import numpy as np
        from grader.malloc import keep_freed_memory
        if {tune}:
            assert keep_freed_memory()
        def student():  # what a parent does per student: a few MB of arrays, made and freed
            arrays = [np.ones((300, 400)) * i for i in range(8)]
            return sum(float(a.sum()) for a in arrays)
        student()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(20):
            student()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1])


def test_freed_memory_is_kept_for_the_next_student():
    default, tuned = _faults(False), _faults(True)
    assert tuned < 100 < default

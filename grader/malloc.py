"""glibc's malloc, told to keep what it frees.

A grading process allocates and frees the same few megabytes of arrays for every student. By
default glibc gives a freed block at the top of its heap back to the kernel (and serves big blocks
from fresh mappings), so the next student faults the same pages in again: about 3,500 page faults,
and 5 ms of kernel time, per student in a batch worker. Keeping freed memory (up to a bound)
removes them. A no-op where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory(mmap_threshold: int = 64 << 20, trim_threshold: int = 256 << 20) -> bool:
    """Serve blocks up to `mmap_threshold` from the heap, and keep up to `trim_threshold` of
    free heap: True when glibc took both settings."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(M_TRIM_THRESHOLD, trim_threshold))

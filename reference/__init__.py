"""Reference implementations, cases, points, hints and known mistakes, one package per lecture.

`reference/lectureN/__init__.py` is the catalog of the lecture (plain data, no NumPy);
`reference/lectureN/<topic>.py` holds the checks of the exercises in `exercises/lectureN/<topic>.py`;
`reference/solutions/lectureN/<topic>.py` are the reference implementations, written as a student's
file would be, so that a copy of them is a full-marks submission on every backend.
"""

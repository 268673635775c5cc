"""The grading engine: catalog, cases, the child process that runs student code, comparison,
diagnosis, reports and the command line."""

__version__ = "0.1.0"


def check(fn, *args, **kwargs):
    """Grade a function defined in a notebook: `from grader import check; check(sigmoid)`.

    Imported lazily so that `import grader` (and `grade --help`) stays free of NumPy."""
    from grader.notebook import check as _check

    return _check(fn, *args, **kwargs)

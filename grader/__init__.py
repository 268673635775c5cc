"""The grading engine: catalog, cases, the child process that runs student code, comparison,
diagnosis, reports and the command line."""

__version__ = "0.1.0"

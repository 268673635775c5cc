"""`grade batch` on the command line: plain progress lines off a terminal, a rich bar on one,
exit statuses, usage errors, and a --help that imports no framework."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from grader.batch.progress import BatchProgress
from tests.conftest import ROOT
from tests.grader.batch.conftest import full, stub


def _batch(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "grader.cli", "batch", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_batch_off_a_terminal_prints_one_line_per_student(tmp_path, course_file):
    root = tmp_path / "class"
    full(root / "alice")
    stub(root / "bob")
    out = tmp_path / "out"
    proc = _batch(root, "--course", course_file, "--out", out, "--workers", "1", "--public-only")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert any(line.startswith("[1/2] alice: 7/7 (") and "/s, " in line and "left)" in line
               for line in lines), proc.stderr
    assert any(line.startswith("[2/2] bob: 0/7") for line in lines), proc.stderr
    assert "2 students: 2 graded" in proc.stderr
    assert "\x1b[" not in proc.stderr  # no terminal codes in a log
    for name in ("grades.csv", "gradebook.sqlite", "report.html", "feedback", "gradescope"):
        assert (out / name).exists(), name


def test_an_entry_that_cannot_be_graded_makes_the_exit_status_1(tmp_path, course_file):
    root = tmp_path / "class"
    full(root / "alice")
    (root / "eve.zip").write_bytes(b"garbage")
    proc = _batch(root, "--course", course_file, "--out", tmp_path / "out", "--workers", "1",
                  "--no-report", "--public-only")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "not gradable: eve: not a readable zip file" in proc.stderr


def test_usage_errors_exit_2(tmp_path, course_file):
    proc = _batch(tmp_path / "nowhere", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "no such folder" in proc.stderr
    proc = _batch(tmp_path, "--lecture", "9", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "no lecture 'lecture9'" in proc.stderr
    proc = _batch(tmp_path, "--course", course_file, "--backend", "torch", "--out", tmp_path / "o")
    assert proc.returncode == 2 and "allows only numpy" in proc.stderr


def test_batch_help_imports_no_framework():
    probe = ("import sys\nsys.argv = ['grade', 'batch', '--help']\nfrom grader.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('HEAVY=' + ','.join(m for m in ('numpy', 'torch', 'tensorflow', 'distributed',"
             " 'matplotlib') if m in sys.modules), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert "--workers" in proc.stdout and "--gradebook" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "HEAVY="


def test_the_rich_bar_shows_count_rate_and_time_left():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=150, color_system=None)
    progress = BatchProgress(console=console)
    assert progress.interactive
    progress.start(4)
    for student in ("a", "b", "c"):
        progress.advance(student, "7/7")
    progress._bar.refresh()
    progress.stop()
    text = buffer.getvalue()
    assert "3/4" in text and "/s" in text and "left" in text and "c: 7/7" in text


def test_plain_progress_lines():
    stream = io.StringIO()
    progress = BatchProgress(console=Console(file=io.StringIO(), force_terminal=False),
                             stream=stream)
    assert not progress.interactive
    progress.start(2)
    progress.advance("alice", "7/7")
    progress.advance("bob", "already graded")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "grading 2 submissions"
    assert lines[1].startswith("[1/2] alice: 7/7 (") and lines[2].startswith("[2/2] bob: already")

"""The class report: its numbers, a self-contained file, and a real browser that renders it."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess

import pytest

from grader.batch.course import Course, build_plan
from grader.batch.gradebook import ResultRecord, SubmissionRecord
from grader.batch.report_html import class_stats, render_report, write_report

GATE = {"name": "tanh on the forget gate", "explanation": "gates are sigmoids"}


def _class():
    """16 students: 5 with the forget-gate mistake (31%), 3 with another, one not graded."""
    plan = build_plan(Course(exercises={"lecture2": ("lstm_gates", "lstm_step")}), ["lecture2"],
                      hidden=False)
    records = []
    for i in range(16):
        gates = ResultRecord("lecture2.lstm_gates", "passed", 2.0, 2.0)
        if i < 5:
            gates = ResultRecord("lecture2.lstm_gates", "failed", 0.0, 2.0, diagnosis=GATE)
        step = ResultRecord("lecture2.lstm_step", "passed" if i % 2 else "error", float(i % 2),
                            1.0, diagnosis={"name": "h from the old cell", "explanation": ""}
                            if i in (6, 8, 10) else None)
        records.append(SubmissionRecord(f"s{i:02d}", "h", "", None, "t", "v", "s",
                                        gates.score + step.score, 3.0, results=[gates, step]))
    records.append(SubmissionRecord("<script>alert(1)</script>", "raw", "", None, "t", "v", "s",
                                    0.0, 3.0, error="the zip is empty <b>"))
    return plan, records


def test_class_numbers():
    plan, records = _class()
    st = class_stats(plan, records)
    assert st["students"] == 17 and st["graded"] == 16 and st["not_graded"] == 1
    assert st["pass_rate"] == {"lecture2.lstm_gates": 11 / 16, "lecture2.lstm_step": 8 / 16}
    first = st["mistakes"][0]
    assert first[:3] == ("lecture2.lstm_gates", "tanh on the forget gate", 5)
    assert round(first[3] * 100) == 31
    assert st["mistakes"][1][1:3] == ("h from the old cell", 3)
    assert st["full_marks"] == 6  # i = 5, 7, …, 15: both exercises passed
    assert st["mean"] == sum(r.score for r in records[:16]) / 16


def test_report_is_self_contained_and_escaped(tmp_path):
    plan, records = _class()
    html = render_report(plan, records)
    assert "31%</b> of the class (5 of 16): <b>tanh on the forget gate</b>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "the zip is empty &lt;b&gt;" in html
    # Nothing is fetched: no http(s) address, no external stylesheet or script.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (Debian: apt-get "
                                                "install chromium; .ci/run installs it)")
def test_report_renders_in_headless_chromium(tmp_path):
    from matplotlib.image import imread

    plan, records = _class()
    path = write_report(tmp_path / "report.html", plan, records)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    env = {**os.environ, "HOME": str(tmp_path)}
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", path.as_uri()], capture_output=True,
                         text=True, timeout=120, env=env)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h2 id=\"mistakes\">Commonest mistakes</h2>" in dom.stdout
    assert "tanh on the forget gate" in dom.stdout
    shot = tmp_path / "shot.png"
    run = subprocess.run([_chromium(), *flags, "--window-size=1000,1400",
                          f"--screenshot={shot}", path.as_uri()], capture_output=True, text=True,
                         timeout=120, env=env)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    # The plots' bars (matplotlib's #1f77b4) are on the page: the inline PNGs were decoded
    # and drawn, not shown as broken images.
    bar = (abs(pixels[..., 0] - 0x1f / 255) < 0.03) & (abs(pixels[..., 1] - 0x77 / 255) < 0.03) \
        & (abs(pixels[..., 2] - 0xb4 / 255) < 0.03)
    assert bar.sum() > 2000, bar.sum()

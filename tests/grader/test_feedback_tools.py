"""The self-learner's tools: progressive hints, watch mode, grading from a notebook, and the
overview that `grade` with no argument prints."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import hints
from grader.cli import app
from tests.conftest import ROOT

runner = CliRunner()


def test_hints_come_one_at_a_time_and_are_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_STATE_DIR", str(tmp_path))
    seen = []
    for _ in range(6):
        result = runner.invoke(app, ["hint", "lecture1.adam_step"])
        assert result.exit_code == 0
        seen.append(result.output)
    assert "hint 1 of 5" in seen[0] and "Bias-correct" in seen[0]
    assert "hint 2 of 5" in seen[1] and "no bias correction" in seen[1]
    assert "hint 5 of 5" in seen[4] and "docstring" in seen[4]
    assert "hint 5 of 5" in seen[5]  # stays on the last one
    assert (tmp_path / "hints.json").is_file()
    assert runner.invoke(app, ["hint", "adam_step", "--reset"]).exit_code == 0
    assert "hint 1 of 5" in runner.invoke(app, ["hint", "adam_step"]).output


def test_hint_for_an_unknown_exercise_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_STATE_DIR", str(tmp_path))
    result = runner.invoke(app, ["hint", "lecture1.nothing"])
    assert result.exit_code == 2


def test_hints_include_every_named_mistake():
    ex = hints.find("lecture1.tanh")
    text = "\n".join(hints.hints_for(ex))
    assert "the lecture's formula, unstabilised" in text and "sigmoid instead of tanh" in text


def test_watch_regrades_when_a_file_is_saved(tmp_path):
    from grader.watch import watch_loop

    folder = tmp_path / "lecture1"
    folder.mkdir()
    target = folder / "activations.py"
    target.write_text("x = 1\n")
    calls = []
    stop = threading.Event()

    def on_change(paths):
        calls.append(paths)
        stop.set()

    thread = threading.Thread(target=watch_loop, args=(folder, on_change, stop, 50), daemon=True)
    thread.start()
    time.sleep(0.5)
    (folder / "notes.txt").write_text("not python")
    target.write_text("x = 2\n")
    thread.join(timeout=15)
    assert calls and calls[0] == [str(target)]


def test_grade_with_no_argument_prints_one_line_per_lecture(monkeypatch, tmp_path):
    import shutil

    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.startswith("lecture")]
    from grader import catalog

    assert len(lines) == len(catalog.lectures())
    assert "░" in lines[0] and "0/38" in lines[0]


def test_check_grades_a_function_and_its_helpers(capsys):
    import numpy as np

    from grader import check

    SCALE = 1.0

    def _stable(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e)) * SCALE

    def sigmoid(z):
        return _stable(z)

    # Defined here, not in __main__: check() copies what a notebook's functions use.
    sigmoid.__module__ = _stable.__module__ = "__main__"
    verdict = check(sigmoid, show=False)
    assert verdict.status == "passed", verdict.feedback

    def tanh(z):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))

    tanh.__module__ = "__main__"
    verdict = check(tanh)
    assert verdict.status == "failed"
    assert verdict.diagnosis["name"] == "the lecture's formula, unstabilised"
    assert "tanh" in capsys.readouterr().out


def test_check_refuses_a_function_that_is_no_exercise():
    from grader import check

    def my_function(x):
        return x

    with pytest.raises(ValueError, match="not an exercise"):
        check(my_function)


def test_a_real_notebook_runs_check(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell("def relu(z):\n    return np.maximum(z, 0.0)"),
        nbformat.v4.new_code_cell("from grader import check\nverdict = check(relu)\n"
                                  "print('STATUS', verdict.status)"),
    ]
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))
    assert "STATUS passed" in outputs
    rich_output = [o for o in nb.cells[2].outputs if o.get("output_type") in ("display_data", "stream")]
    assert rich_output, "the report is shown in the notebook"

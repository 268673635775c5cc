"""Every command and exit status of `grade`, through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import backends
from grader.cli import app
from tests.conftest import STUBS

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("lecture1", "all", "list", "doctor"):
        assert command in result.output


def test_list_shows_points():
    result = runner.invoke(app, ["list", "lecture1"])
    assert result.exit_code == 0
    assert "two_layer_backward" in result.output and "by hand" in result.output
    assert "time limit" in result.output and "30 s" in result.output and "5 s" in result.output


def test_list_of_an_unknown_lecture_is_a_usage_error():
    result = runner.invoke(app, ["list", "lecture9"])
    assert result.exit_code == 2
    assert "no lecture 'lecture9'" in result.output


def test_doctor_reports_every_backend():
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0
    for name in backends.NAMES:
        assert name in result.output


def test_stubs_exit_1_with_not_implemented_rows():
    result = runner.invoke(app, ["lecture1", "--submission", str(STUBS), "--backend", "numpy"])
    assert result.exit_code == 1
    assert "not implemented" in result.output
    assert "Score: 0/" in result.output


def test_json_output_is_the_contract_and_nothing_else():
    result = runner.invoke(app, ["lecture1", "--submission", str(STUBS), "--backend", "numpy",
                                 "--json", "-e", "sigmoid", "-e", "lecture1.relu"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"lecture", "backend", "device", "score", "max_score", "exercises"}
    assert data["lecture"] == "lecture1" and data["backend"] == "numpy" and data["device"] == "cpu"
    assert [e["id"] for e in data["exercises"]] == ["lecture1.sigmoid", "lecture1.relu"]
    for e in data["exercises"]:
        assert set(e) == {"id", "status", "score", "max_score", "feedback", "diagnosis"}
        assert e["status"] == "not_implemented"


def test_full_marks_exit_0(solutions_dir):
    result = runner.invoke(app, ["lecture1", "--submission", str(solutions_dir), "-b", "numpy",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == data["max_score"] > 0


def test_all_prints_a_list_of_lectures():
    result = runner.invoke(app, ["all", "--submission", str(STUBS), "--backend", "numpy", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data[0]["lecture"] == "lecture1"


@pytest.mark.parametrize("args,message", [
    (["lecture1", "--backend", "jax"], "unknown backend 'jax'"),
    (["lecture1", "--device", "tpu"], "unknown device 'tpu'"),
    (["lecture1", "-e", "sigmoidd"], "has no exercise 'sigmoidd'"),
    (["lecture1", "--submission", "/nonexistent/folder"], "no such folder"),
    (["lecture1", "--backend", "numpy", "--device", "cuda"], "CPU only"),
])
def test_usage_errors_exit_2_with_one_line(args, message):
    if "--submission" not in args:
        args = args + ["--submission", str(STUBS)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_backend_that_is_not_installed_is_refused_in_one_line(monkeypatch):
    real = backends.installed
    monkeypatch.setattr(backends, "installed", lambda name: False if name == "torch" else real(name))
    result = runner.invoke(app, ["lecture1", "--submission", str(STUBS), "--backend", "torch"])
    assert result.exit_code == 2
    assert "needs torch, which is not installed" in result.output
    assert "Traceback" not in result.output
    doctor = runner.invoke(app, ["doctor"])
    assert "refused" in doctor.output


def test_an_unknown_command_is_a_usage_error():
    result = runner.invoke(app, ["lecture7"])
    assert result.exit_code == 2


def test_no_exercises_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["lecture1"])
    assert result.exit_code == 2
    assert "no exercises/ folder" in result.output


def test_cuda_without_a_gpu_is_a_usage_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = runner.invoke(app, ["lecture1", "--submission", str(STUBS), "--backend", "torch",
                                 "--device", "cuda", "-e", "sigmoid"])
    assert result.exit_code == 2
    assert "no CUDA device" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_isolation_is_a_usage_error():
    result = runner.invoke(app, ["lecture1", "--submission", str(STUBS), "--isolation", "docker"])
    assert result.exit_code == 2
    assert "unknown isolation 'docker'" in result.output


def test_the_isolation_can_be_chosen_from_the_environment(monkeypatch):
    from grader import sandbox

    monkeypatch.setenv("GRADER_ISOLATION", "process")
    assert sandbox.resolve("auto") == "process"
    assert "isolation: process" in runner.invoke(app, ["doctor"]).output
    monkeypatch.setenv("GRADER_ISOLATION", "chroot")
    with pytest.raises(ValueError, match="unknown isolation 'chroot'"):
        sandbox.resolve("auto")


def test_the_report_names_the_likely_mistake_and_the_inputs(tmp_path):
    folder = tmp_path / "lecture1"
    folder.mkdir()
    (folder / "activations.py").write_text(
        "import numpy as np\n\ndef tanh(z):\n    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))\n")
    result = runner.invoke(app, ["lecture1", "--submission", str(tmp_path), "-b", "numpy",
                                 "-e", "tanh"], env={"COLUMNS": "160"})
    assert result.exit_code == 1
    assert "likely mistake: the lecture's formula, unstabilised" in result.output
    assert "inputs:   z = [" in result.output


def test_job_folders_leave_a_small_dev_shm_alone(monkeypatch):
    import os
    from types import SimpleNamespace

    from grader import session

    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=16384, f_frsize=4096))
    assert session._scratch_root() is None  # 64 MiB free: the system's temporary folder instead
    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=1 << 20, f_frsize=4096))
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        assert session._scratch_root() == "/dev/shm"

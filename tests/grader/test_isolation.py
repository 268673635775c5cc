"""Student code runs in a child process: whatever it does ends in a verdict for that exercise,
and the other exercises are still graded."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading import grade_lecture
from tests.conftest import SOLUTIONS, require_backend

GOOD_RELU = "import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n"


def _grade(root: Path, only=None, backend="numpy", timeout=None):
    result = grade_lecture("lecture1", root, backend=backend, device="cpu", only=only,
                           timeout=timeout)
    return {e.id.split(".")[1]: e for e in result.exercises}


def test_a_syntax_error_is_an_error_verdict_with_the_line(submission):
    root = submission({"lecture1/activations.py": "def sigmoid(z)\n    return z\n"})
    verdicts = _grade(root, only=["sigmoid", "relu"])
    assert verdicts["sigmoid"].status == "error"
    assert "syntax error at line 1" in verdicts["sigmoid"].feedback
    assert verdicts["relu"].status == "error"


def test_a_missing_file_and_a_missing_function_are_missing(submission):
    root = submission({"lecture1/activations.py": GOOD_RELU})
    verdicts = _grade(root, only=["sigmoid", "relu", "dense"])
    assert verdicts["relu"].status == "passed"
    assert verdicts["sigmoid"].status == "missing"
    assert "defines no sigmoid()" in verdicts["sigmoid"].feedback
    assert verdicts["dense"].status == "missing"
    assert "perceptron.py" in verdicts["dense"].feedback


def test_an_infinite_loop_times_out_and_the_next_exercise_is_graded(submission):
    root = submission({"lecture1/activations.py":
                       GOOD_RELU + "\ndef sigmoid(z):\n    while True:\n        pass\n"})
    verdicts = _grade(root, only=["sigmoid", "relu"], timeout=2)
    assert verdicts["sigmoid"].status == "timeout"
    assert verdicts["sigmoid"].score == 0
    assert verdicts["relu"].status == "passed"


def test_exiting_the_process_is_an_error_not_a_pass(submission):
    root = submission({"lecture1/activations.py": GOOD_RELU +
                       "\nimport os, sys\ndef sigmoid(z):\n    os._exit(0)\n"
                       "\ndef tanh(z):\n    sys.exit(0)\n"})
    verdicts = _grade(root, only=["sigmoid", "tanh", "relu"])
    assert verdicts["sigmoid"].status == "error"
    assert "os._exit" in verdicts["sigmoid"].feedback
    assert verdicts["tanh"].status == "error"
    assert "sys.exit" in verdicts["tanh"].feedback
    assert verdicts["relu"].status == "passed"


def test_killing_the_fork_server_does_not_stop_the_grading(submission):
    root = submission({"lecture1/activations.py": GOOD_RELU +
                       "\nimport os, signal\ndef sigmoid(z):\n"
                       "    os.kill(os.getppid(), signal.SIGKILL)\n    return z\n"})
    verdicts = _grade(root, only=["sigmoid", "relu"])
    assert verdicts["sigmoid"].status == "error"
    assert verdicts["relu"].status == "passed"


def test_printing_is_captured_and_truncated_not_mixed_into_the_result(submission):
    root = submission({"lecture1/activations.py": GOOD_RELU.replace(
        "    return", "    print('PASSED ' * 100000)\n    return")})
    verdicts = _grade(root, only=["relu"])
    assert verdicts["relu"].status == "passed"
    assert len(verdicts["relu"].output) < 5000
    assert "truncated" in verdicts["relu"].output


def test_a_numpy_result_under_torch_is_a_type_error(submission):
    require_backend("torch")
    root = submission({"lecture1/activations.py":
                       "import numpy as np\n\ndef relu(z):\n    return np.maximum(z.numpy(), 0)\n"})
    verdicts = _grade(root, only=["relu"], backend="torch")
    assert verdicts["relu"].status == "error"
    assert "numpy.ndarray" in verdicts["relu"].feedback
    assert "torch.Tensor" in verdicts["relu"].feedback


def test_an_ndarray_subclass_and_an_object_array_are_rejected(submission):
    root = submission({"lecture1/activations.py":
                       "import numpy as np\n"
                       "class Sneaky(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
                       "def relu(z):\n    return np.maximum(z, 0).view(Sneaky)\n"
                       "def tanh(z):\n    return np.array([object()] * z.size, dtype=object)\n"})
    verdicts = _grade(root, only=["relu", "tanh"])
    assert verdicts["relu"].status == "error"
    assert "subclass" in verdicts["relu"].feedback
    assert verdicts["tanh"].status == "error"
    assert "object" in verdicts["tanh"].feedback


def test_autodiff_is_refused_in_a_by_hand_exercise(submission):
    require_backend("torch")
    source = (SOLUTIONS / "lecture1" / "optimization.py").read_text() + '''

def two_layer_backward(x, y, W1, b1, W2, b2):
    import torch
    params = [p.clone().requires_grad_(True) for p in (W1, b1, W2, b2)]
    with torch.enable_grad():
        h = torch.sigmoid(x @ params[0] + params[1])
        J = ((h @ params[2] + params[3] - y) ** 2).mean()
        J.backward()
    return J.detach(), {k: p.grad for k, p in zip(("W1", "b1", "W2", "b2"), params)}
'''
    root = submission({"lecture1/optimization.py": source})
    verdicts = _grade(root, only=["two_layer_backward"], backend="torch")
    assert verdicts["two_layer_backward"].status == "error"
    assert "autodiff" in verdicts["two_layer_backward"].feedback


def test_mutating_the_inputs_changes_nothing_for_the_grader(submission):
    root = submission({"lecture1/activations.py":
                       "import numpy as np\n\ndef relu(z):\n    z[z < 0] = 0\n    return z\n"})
    verdicts = _grade(root, only=["relu"])
    assert verdicts["relu"].status == "passed"


@pytest.mark.parametrize("backend", ["numpy", "torch", "tensorflow"])
def test_a_named_mistake_reaches_the_feedback_end_to_end(submission, backend):
    require_backend(backend)
    lib = {"numpy": "import numpy as np\nexp = np.exp\n",
           "torch": "import torch\nexp = torch.exp\n",
           "tensorflow": "import tensorflow as tf\nexp = tf.exp\n"}[backend]
    source = lib + "\ndef tanh(z):\n    return (exp(z) - exp(-z)) / (exp(z) + exp(-z))\n"
    root = submission({"lecture1/activations.py": source})
    verdicts = _grade(root, only=["tanh"], backend=backend)
    tanh = verdicts["tanh"]
    assert tanh.status == "failed"
    assert tanh.diagnosis == {"name": "the lecture's formula, unstabilised",
                              "explanation": tanh.diagnosis["explanation"]}
    assert "nan" in tanh.feedback
    assert "Likely mistake" in tanh.feedback
    assert tanh.case is not None and "hard values" in tanh.case.label

"""`--backend auto` reads the student's imports without running their code."""

from __future__ import annotations

from grader.detect import choose_backend


def _files(tmp_path, **sources):
    paths = []
    for name, text in sources.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        paths.append(path)
    return paths


def test_numpy_only_is_numpy(tmp_path):
    assert choose_backend(_files(tmp_path, a="import numpy as np\n"))[0] == "numpy"


def test_torch_anywhere_is_torch(tmp_path):
    files = _files(tmp_path, a="import numpy as np\n", b="import torch.nn.functional as F\n")
    assert choose_backend(files)[0] == "torch"


def test_tensorflow_and_keras(tmp_path):
    assert choose_backend(_files(tmp_path, a="from tensorflow import math\n"))[0] == "tensorflow"
    assert choose_backend(_files(tmp_path, a="import keras\n"))[0] == "tensorflow"


def test_a_syntax_error_or_no_files_falls_back_to_numpy(tmp_path):
    assert choose_backend(_files(tmp_path, a="import torch\ndef (:\n"))[0] == "numpy"
    assert choose_backend([])[0] == "numpy"

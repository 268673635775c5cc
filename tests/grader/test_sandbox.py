"""Student code cannot hurt the grader, other students, or the grade: one submission per attack,
each graded under bubblewrap and under the fallback (process limits and an audit hook).

Every test asserts the verdict, that no credit was gained, and that the grader went on to grade
the other exercise of the file (a correct `relu`)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from grader import sandbox
from grader.grading import grade_lecture
from tests.conftest import ROOT

GOOD_RELU = "\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n"
HEADER = "import numpy as np\nimport os, sys, time\n"

MODES = [pytest.param("bwrap", marks=pytest.mark.skipif(not sandbox.bwrap_works(),
                                                        reason="bubblewrap cannot run here")),
         "process"]


@pytest.fixture(params=MODES)
def isolation(request):
    return request.param


def attack(submission, isolation, body: str, exercise: str = "sigmoid", timeout: float = 10,
           limits=None):
    """Grade `exercise` (whose code is `body`) and relu (correct) from one activations.py."""
    root = submission({"lecture1/activations.py": HEADER + body + GOOD_RELU})
    from grader.grading import Session

    with Session("numpy", "cpu", isolation, limits) as session:
        result = grade_lecture("lecture1", root, backend="numpy", device="cpu",
                               only=[exercise, "relu"], timeout=timeout, session=session)
    verdicts = {e.id.split(".")[1]: e for e in result.exercises}
    assert verdicts["relu"].status == "passed", verdicts["relu"].feedback
    attacked = verdicts[exercise]
    assert attacked.score == 0, attacked.feedback
    return attacked


def test_infinite_loop(submission, isolation):
    v = attack(submission, isolation, "def sigmoid(z):\n    while True:\n        pass\n", timeout=2)
    assert v.status == "timeout"


def test_sleep(submission, isolation):
    v = attack(submission, isolation, "def sigmoid(z):\n    time.sleep(3600)\n", timeout=2)
    assert v.status == "timeout"


def test_memory_bomb(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    x = np.ones(6 * 2**30, dtype=np.uint8)\n    return x\n")
    # 6 GiB fits this machine's memory but not the 3 GiB limit per exercise.
    assert v.status == "memory"


def test_memory_bomb_grown_slowly(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    keep = []\n    while True:\n"
               "        keep.append(np.ones(64 * 1024 * 1024 // 8))\n", timeout=30)
    assert v.status in ("memory", "timeout")


def test_bounded_fork_bomb(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    for _ in range(2000):\n        if os.fork() == 0:\n"
               "            time.sleep(30)\n            os._exit(0)\n    return 1 / (1 + np.exp(-z))\n")
    assert v.status == "error"


@pytest.mark.parametrize("call", ["os._exit(0)", "sys.exit(0)", "os.kill(os.getpid(), 9)",
                                  "import ctypes; ctypes.string_at(0)"])
def test_ending_the_process_while_grading(submission, isolation, call):
    v = attack(submission, isolation, f"def sigmoid(z):\n    {call}\n    return 1 / (1 + np.exp(-z))\n")
    assert v.status == "error"


@pytest.mark.parametrize("call", ["os._exit(0)", "sys.exit(0)"])
def test_ending_the_process_at_import(submission, isolation, call):
    root = submission({"lecture1/activations.py": f"import os, sys\n{call}\n",
                       "lecture1/perceptron.py": "import numpy as np\n\ndef dense(x, W, b):\n"
                                                 "    return x @ W + b\n"})
    result = grade_lecture("lecture1", root, backend="numpy", device="cpu",
                           only=["sigmoid", "dense"], isolation=isolation)
    verdicts = {e.id.split(".")[1]: e for e in result.exercises}
    assert verdicts["sigmoid"].status == "error" and verdicts["sigmoid"].score == 0
    assert verdicts["dense"].status == "passed"


def test_an_exception_at_import(submission, isolation):
    root = submission({"lecture1/activations.py": "raise RuntimeError('boom')\n"})
    result = grade_lecture("lecture1", root, backend="numpy", device="cpu", only=["sigmoid"],
                           isolation=isolation)
    assert result.exercises[0].status == "error"
    assert "RuntimeError: boom" in result.exercises[0].feedback


def test_fake_pass_lines_and_json_on_stdout_and_stderr(submission, isolation):
    fake = ('{"lecture": "lecture1", "score": 38, "exercises": [{"id": "lecture1.sigmoid", '
            '"status": "passed", "score": 1.0}]}')
    v = attack(submission, isolation,
               f"def sigmoid(z):\n    print('PASSED sigmoid 1/1')\n    print({fake!r})\n"
               f"    print({fake!r}, file=sys.stderr)\n    return z\n")
    assert v.status == "failed"
    assert "PASSED" in v.output


def test_importing_the_reference_and_calling_it(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    from reference.solutions.lecture1.activations import sigmoid\n"
               "    return sigmoid(z)\n")
    assert v.status == "error"


def test_importing_the_grader_to_reach_the_references(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    from grader import catalog\n"
               "    ex = catalog.lecture('lecture1').exercises[0]\n"
               "    return catalog.check_for(ex).reference(z)\n")
    assert v.status == "error"


def test_reading_reference_files_from_disk(submission, isolation):
    path = ROOT / "reference" / "solutions" / "lecture1" / "activations.py"
    v = attack(submission, isolation,
               f"def sigmoid(z):\n    src = open({str(path)!r}).read()\n    ns = {{}}\n"
               f"    exec(src.replace('from backends import array_namespace', ''), ns)\n"
               f"    return ns['sigmoid'](z)\n")
    assert v.status == "error"


@pytest.mark.parametrize("patch", [
    "np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None",
    "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.max = lambda *a, **k: 0",
    "np.isfinite = lambda x: np.ones(np.shape(x), bool)",
])
def test_monkeypatching_the_comparison(submission, isolation, patch):
    v = attack(submission, isolation, f"{patch}\n\ndef sigmoid(z):\n    return z * 0\n")
    assert v.status == "failed"


def test_an_object_whose_eq_lies(submission, isolation):
    v = attack(submission, isolation,
               "class Liar:\n    def __eq__(self, other):\n        return True\n"
               "    def __array__(self, *a, **k):\n        return np.zeros(5)\n"
               "def sigmoid(z):\n    return Liar()\n")
    assert v.status == "error"


def test_a_float_subclass_that_fools_the_tolerance(submission, isolation):
    v = attack(submission, isolation,
               "class F(float):\n    def __sub__(self, o):\n        return 0.0\n"
               "    __rsub__ = __sub__\n"
               "def sigmoid(z):\n    return [F(0.0)] * 5\n")
    assert v.status == "error"


def test_a_value_that_raises_on_conversion(submission, isolation):
    v = attack(submission, isolation,
               "class Bad(np.ndarray):\n    def __array__(self, *a, **k):\n        raise RuntimeError('no')\n"
               "def sigmoid(z):\n    return np.zeros(z.shape).view(Bad)\n")
    assert v.status == "error"


def test_mutating_the_inputs(submission, isolation):
    v = attack(submission, isolation, "def sigmoid(z):\n    z[...] = 0\n    return z + 0.5\n")
    assert v.status == "failed"


def test_connecting_to_loopback_and_elsewhere(submission, isolation):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.1)
    port = server.getsockname()[1]
    accepted = []

    def accept():
        try:
            accepted.append(server.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        v = attack(submission, isolation,
                   f"import socket\ndef sigmoid(z):\n"
                   f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
                   f"    s.sendall(b'steal')\n    return 1 / (1 + np.exp(-z))\n")
    finally:
        thread.join()
        server.close()
    assert v.status == "error"
    assert not accepted
    v = attack(submission, isolation,
               "import socket\ndef sigmoid(z):\n"
               "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
               "    return 1 / (1 + np.exp(-z))\n")
    assert v.status == "error"


def test_writing_outside_the_temporary_folder(submission, isolation, tmp_path):
    targets = [ROOT / "pwned.txt", ROOT / "reference" / "pwned.py", tmp_path / "outside.txt"]
    body = "def sigmoid(z):\n"
    for target in targets:
        body += f"    try:\n        open({str(target)!r}, 'w').write('x')\n    except OSError:\n        pass\n"
    body += f"    open({str(targets[0])!r}, 'w').write('x')\n    return 1 / (1 + np.exp(-z))\n"
    v = attack(submission, isolation, body)
    assert v.status == "error"
    assert not any(t.exists() for t in targets)


def test_starting_a_subprocess(submission, isolation):
    v = attack(submission, isolation,
               "import subprocess\ndef sigmoid(z):\n    subprocess.run(['true'])\n"
               "    return 1 / (1 + np.exp(-z))\n")
    assert v.status == "error"
    v = attack(submission, isolation,
               "def sigmoid(z):\n    os.system('true')\n    return 1 / (1 + np.exp(-z))\n")
    assert v.status == "error"


def test_a_one_gigabyte_return_value(submission, isolation):
    v = attack(submission, isolation, "def sigmoid(z):\n    return np.ones(2**27)\n")
    assert v.status in ("error", "memory")


def test_a_thread_still_running_after_return(submission, isolation, tmp_path):
    marker = tmp_path / "thread-was-here"
    v = attack(submission, isolation,
               f"import threading\ndef _late():\n    time.sleep(1.5)\n"
               f"    open({str(marker)!r}, 'w').write('x')\n"
               f"def sigmoid(z):\n    threading.Thread(target=_late, daemon=False).start()\n"
               f"    return z\n")
    assert v.status == "failed"
    import time

    time.sleep(2)
    assert not marker.exists()


def test_a_syntax_error_and_a_wrong_signature(submission, isolation):
    v = attack(submission, isolation, "def sigmoid(z, extra):\n    return z\n")
    assert v.status == "error" and "missing 1 required positional argument" in v.feedback
    root = submission({"lecture1/activations.py": "def sigmoid(z):\nreturn z\n"})
    result = grade_lecture("lecture1", root, backend="numpy", device="cpu", only=["sigmoid"],
                           isolation=isolation)
    assert result.exercises[0].status == "error"
    assert "syntax error" in result.exercises[0].feedback


def test_a_printing_flood_floods_nothing(submission, isolation):
    v = attack(submission, isolation,
               "def sigmoid(z):\n    chunk = 'x' * 1024 * 1024\n    for _ in range(100):\n"
               "        print(chunk)\n    return z\n", timeout=30)
    assert v.status == "failed"
    assert len(v.output) < 10_000


def test_secrets_in_the_environment_do_not_reach_student_code(submission, isolation, monkeypatch):
    monkeypatch.setenv("GRADER_COURSE_SECRET", "hidden-seed")
    monkeypatch.setenv("SOME_API_TOKEN", "t0ken")
    v = attack(submission, isolation,
               "def sigmoid(z):\n    leaked = [k for k in os.environ if 'SECRET' in k or 'TOKEN' in k]\n"
               "    if leaked:\n        raise RuntimeError('leaked ' + ','.join(leaked))\n    return z\n")
    assert v.status == "failed", v.feedback


def test_listing_and_renaming_outside_the_submission(submission, isolation, tmp_path):
    (tmp_path / "other-student").mkdir()
    (tmp_path / "other-student" / "answers.py").write_text("x = 1\n")
    v = attack(submission, isolation,
               f"def sigmoid(z):\n    names = os.listdir({str(tmp_path / 'other-student')!r})\n"
               f"    return z * 0 + len(names)\n")
    assert v.status == "error"
    v = attack(submission, isolation,
               f"def sigmoid(z):\n    os.rename({str(tmp_path / 'other-student' / 'answers.py')!r}, "
               f"{str(tmp_path / 'stolen.py')!r})\n    return z\n")
    assert v.status == "error"
    assert (tmp_path / "other-student" / "answers.py").exists()


def test_forging_progress_messages_cannot_push_back_the_deadline(submission, isolation):
    # Writes "start" lines into every pipe it holds, in an endless loop: the deadline stands.
    v = attack(submission, isolation,
               "def sigmoid(z):\n"
               "    fds = [int(f) for f in os.listdir('/proc/self/fd')]\n"
               "    while True:\n"
               "        for fd in fds:\n"
               "            try:\n"
               "                os.write(fd, b'start 0\\nstart 1\\n')\n"
               "            except OSError:\n"
               "                pass\n"
               "        time.sleep(0.05)\n", timeout=3)
    assert v.status == "timeout"


def test_forging_a_done_message_gains_nothing(submission, isolation):
    # Claims its job is done and the next one started, then loops: no credit, and grading ends
    # (the forger's own next exercise may pay for it; nobody else's can).
    root = submission({"lecture1/activations.py": HEADER +
               "def sigmoid(z):\n"
               "    fds = [int(f) for f in os.listdir('/proc/self/fd')]\n"
               "    while True:\n"
               "        for fd in fds:\n"
               "            try:\n"
               "                os.write(fd, b'done 0\\nstart 1\\n')\n"
               "            except OSError:\n"
               "                pass\n"
               "        time.sleep(0.05)\n" + GOOD_RELU})
    import time

    start = time.monotonic()
    result = grade_lecture("lecture1", root, backend="numpy", device="cpu",
                           only=["sigmoid", "relu"], timeout=3, isolation=isolation)
    assert time.monotonic() - start < 60
    verdicts = {e.id.split(".")[1]: e for e in result.exercises}
    assert verdicts["sigmoid"].score == 0 and verdicts["sigmoid"].status in ("error", "timeout")

"""One grading run: cases and expected outputs in the parent, student code in the child,
comparison and diagnosis back in the parent.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

import backends
from grader import catalog, wire
from grader.compare import TOLERANCES, Mismatch, Tolerance, array_type_problem, compare
from grader.results import ExerciseResult, FailingCase, LectureResult
from grader.runner import WorkerError
from grader.sandbox import Limits
from grader.session import Session, UsageError, resolve_backend  # noqa: F401  (re-exported)
from grader.spec import Case, Check, Exercise, Fn, Problem
from grader.trees import tree_leaves, tree_map

PUBLIC_SALT = "6.S191-public"
MAX_OUTPUT_CHARS = 4000


@dataclass
class PreparedCase:
    case: Case
    index: int
    seed: int
    args: tuple
    kwargs: dict
    dtype: str
    expected: Any = None
    tolerance: Tolerance | None = None
    args64: tuple = ()
    kwargs64: dict = field(default_factory=dict)
    hidden: bool = False

    @property
    def size(self) -> int:
        return sum(a.size for a in _arrays((self.args, self.kwargs)))


def seed_for(*parts: Any) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") % (2**31 - 1)


def prepare(ex: Exercise, check: Check, float_dtype: str, salt: str = PUBLIC_SALT,
            hidden_salt: str | None = None) -> list[PreparedCase]:
    """The exercise's cases in the run's dtype, with what the reference expects of each.

    With `hidden_salt` (an instructor's course secret) the same builders run again from a seed
    students do not have: hidden cases, whose feedback never shows inputs or expected values."""
    # The parent's references run on NumPy, whatever backend this process has active.
    with backends.activated("numpy"):
        return _prepare(ex, check, float_dtype, salt, hidden_salt)


def _prepare(ex: Exercise, check: Check, float_dtype: str, salt: str,
             hidden_salt: str | None) -> list[PreparedCase]:
    prepared: list[PreparedCase] = []
    salts = [(salt, False)] + ([(hidden_salt, True)] if hidden_salt else [])
    for run_salt, hidden in salts:
        rng = np.random.default_rng(seed_for(ex.id, run_salt))
        for case in check.cases(rng):
            index = len(prepared)
            dtype = case.float_dtype or float_dtype
            args = _cast(case.args, dtype)
            kwargs = _cast(case.kwargs, dtype)
            item = PreparedCase(case, index, seed_for(ex.id, index, run_salt), args, kwargs, dtype,
                                hidden=hidden)
            item.args64, item.kwargs64 = _cast(args, "float64"), _cast(kwargs, "float64")
            if check.verify is None:
                item.expected = _normalise(check.reference(*_with_fns(item.args64),
                                                            **_with_fns(item.kwargs64)))
                item.tolerance = Tolerance(dtype, widen=case.widen)
                if dtype != "float64":
                    low = _normalise(check.reference(*_with_fns(args), **_with_fns(kwargs)))
                    item.tolerance.conditioning = _conditioning(item.expected, low)
            prepared.append(item)
    return prepared


def _cast(x: Any, dtype: str) -> Any:
    """Float arrays in `dtype`; everything else copied or as it is."""
    def leaf(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return v.astype(dtype) if v.dtype.kind == "f" else v.copy()
        return v

    return tree_map(leaf, x)


def prepared(session: Session, ex: Exercise, check: Check, float_dtype: str,
             hidden_salt: str | None = None) -> list[PreparedCase]:
    """`prepare`, once per session: a batch worker grades every student on the same cases, so
    the references run once. The arrays kept are read-only (checkers get copies, see `_with_fns`
    and `_as_sent`), and each call gets its own case objects: no grading can reach the next."""
    key = (ex.id, float_dtype, hidden_salt)
    cases = session.prepared.get(key)
    if cases is None:
        cases = prepare(ex, check, float_dtype, hidden_salt=hidden_salt)
        for item in cases:
            for a in _arrays((item.args, item.kwargs, item.args64, item.kwargs64, item.expected,
                              item.case.private)):
                a.flags.writeable = False
        session.prepared[key] = cases
    return [copy.copy(item) for item in cases]


def _copied(x: Any) -> Any:
    return tree_map(lambda v: v.copy() if isinstance(v, np.ndarray) else v, x)


def _with_fns(x: Any) -> Any:
    """Fn markers become the real functions, over NumPy, for the parent's own reference run;
    arrays are copies (a mistake or reference may write into its inputs)."""
    from grader import fixtures

    return tree_map(lambda v: fixtures.build(v.name, v.params) if isinstance(v, Fn)
                    else v.copy() if isinstance(v, np.ndarray) else v, x)


def _normalise(x: Any) -> Any:
    """Reference output as plain NumPy: numpy scalars become 0-d arrays, ints stay ints."""
    def leaf(v: Any) -> Any:
        if isinstance(v, (bool, int)):
            return v
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, (float, np.floating)):
            return np.asarray(v, dtype=np.float64)
        if isinstance(v, np.ndarray):
            return v
        raise TypeError(f"the reference returned a {type(v).__name__}")

    return tree_map(leaf, x)


def _leaves(x: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(x, (tuple, list)):
        for i, v in enumerate(x):
            yield from _leaves(v, f"{path}[{i}]")
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _leaves(v, f"{path}[{k!r}]")
    else:
        yield path, x


def _conditioning(truth: Any, low: Any) -> dict[str, float]:
    """How far the reference run in float32 lands from the float64 truth, per output leaf, in
    units of float32's default tolerance: ill-conditioned outputs earn proportionally more room."""
    rtol, atol = TOLERANCES["float32"]
    out = {}
    for (path, t), (_, lo) in zip(_leaves(truth), _leaves(low)):
        if isinstance(t, np.ndarray) and t.dtype.kind == "f":
            t64, lo64 = t.astype(np.float64), np.asarray(lo, dtype=np.float64)
            finite = np.isfinite(t64) & np.isfinite(lo64)
            if finite.any():
                err = np.abs(lo64[finite] - t64[finite]) / (atol + rtol * np.abs(t64[finite]))
                out[path] = float(err.max())
    return out


def _arrays(x: Any) -> Iterator[np.ndarray]:
    return (v for v in tree_leaves(x) if isinstance(v, np.ndarray))


# --- running ---------------------------------------------------------------------------------

def grade_lecture(lecture: str, submission: Path, backend: str = "auto", device: str = "auto",
                  only: list[str] | None = None,
                  progress: Callable[[Exercise, ExerciseResult | None], None] | None = None,
                  session: Session | None = None, timeout: float | None = None,
                  isolation: str = "auto", hidden_salt: str | None = None) -> LectureResult:
    try:
        lec = catalog.lecture(lecture)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    try:
        exercises = [catalog.find_exercise(lec, name) for name in only] if only else list(lec.exercises)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    folder = submission / lec.name
    files = [folder / f for f in lec.files]
    name, _why = resolve_backend(backend, [f for f in files if f.is_file()])
    if device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"unknown device {device!r}: choose auto, cpu or cuda")
    if name == "numpy" and device == "cuda":
        raise UsageError("the numpy backend runs on the CPU only; use --backend torch for cuda")
    float_dtype = backends.get(name).DEFAULT_FLOAT

    own = session is None
    session = session or Session(name, device, isolation)
    try:
        session.start()
        staged = session.stage(folder, lec.name)
        result = LectureResult(lec.name, lec.title, name, session.device)
        verdicts: dict[str, ExerciseResult] = {}
        jobs = []
        for ex in exercises:
            job = prepare_job(ex, staged, session, float_dtype, timeout, hidden_salt)
            if isinstance(job, ExerciseResult):
                verdicts[ex.id] = job
                if progress:
                    progress(ex, job)
            else:
                jobs.append(job)
        if jobs and progress:
            progress(jobs[0].ex, None)
        for position, (job, verdict) in enumerate(run_jobs(jobs, session)):
            verdicts[job.ex.id] = verdict
            if progress:
                progress(job.ex, verdict)
                if position + 1 < len(jobs):
                    progress(jobs[position + 1].ex, None)
        result.device = session.device
        result.exercises = [verdicts[ex.id] for ex in exercises]
        _point_to_failing_parts(exercises, result)
        return result
    finally:
        if own:
            session.close()


def _point_to_failing_parts(exercises: list[Exercise], result: LectureResult) -> None:
    """A composite exercise that fails while one of its parts fails too: fix the part first."""
    by_name = {v.id.split(".", 1)[1]: v for v in result.exercises}
    for ex in exercises:
        verdict = by_name.get(ex.name)
        if verdict is None or verdict.status not in ("failed", "error", "timeout") or not ex.parts:
            continue
        failing = [p for p in ex.parts if p in by_name and by_name[p].status != "passed"]
        if failing:
            names = ", ".join(f"{p} ({by_name[p].status.replace('_', ' ')})" for p in failing)
            verdict.feedback = (f"{ex.name} is built from {', '.join(ex.parts)}; {names} does not "
                                f"pass yet: fix it first.\n{verdict.feedback}")
        elif all(p in by_name for p in ex.parts) and verdict.status in ("failed", "error"):
            verdict.feedback += (f"\nIts parts ({', '.join(ex.parts)}) pass: the problem is in how "
                                 f"{ex.name} puts them together.")


@dataclass
class Job:
    """One exercise, prepared: its cases written out for the child, what is expected kept here."""

    ex: Exercise
    check: Check
    cases: list[PreparedCase]
    folder: Path
    timeout: float
    base: ExerciseResult
    inputs: str = ""  # the key of its case inputs in the session (and the fork server)


def prepare_job(ex: Exercise, folder: Path, session: Session, float_dtype: str,
                timeout: float | None = None, hidden_salt: str | None = None) -> Job | ExerciseResult:
    """The job for one exercise, or its verdict already when there is nothing to run."""
    # A course's timeout is the instructor's number; the catalog's scales with the backend.
    limit = float(timeout if timeout is not None
                  else ex.timeout * backends.get(session.backend).TIME_FACTOR)
    path = folder / ex.file
    base = ExerciseResult(ex.id, "missing", 0.0, float(ex.points), hint=ex.hint)
    if not path.is_file():
        base.feedback = f"there is no {ex.lecture}/{ex.file} in the submission"
        return base
    check = catalog.check_for(ex)
    cases = prepared(session, ex, check, float_dtype, hidden_salt)
    inputs, job_cases = session.case_inputs((ex.id, float_dtype, hidden_salt), cases)
    job_dir = session.scratch / "jobs" / ex.name
    shutil.rmtree(job_dir, ignore_errors=True)
    job_dir.mkdir(parents=True)
    os.chmod(job_dir.parent, 0o711)
    wire.write_json(job_dir / "job.json", {"file": str(path.resolve()), "function": ex.name,
                                           "by_hand": ex.by_hand, "inputs": inputs,
                                           "cases": job_cases})
    return Job(ex, check, cases, job_dir, limit, base, inputs)


def run_jobs(jobs: list[Job], session: Session) -> Iterator[tuple[Job, ExerciseResult]]:
    """Run the jobs in the session's fork server; yields each job's verdict as it finishes. If the
    server itself dies (a student's code killed it), the job it was on gets an error and a new
    server takes the rest."""
    pending = list(jobs)
    while pending:
        finished: set[int] = set()
        try:
            for index, reply in session.worker().run_many(
                    [(j.folder, j.timeout, j.inputs) for j in pending], session.inputs):
                finished.add(index)
                yield pending[index], finish_job(pending[index], reply, session)
            return
        except WorkerError as exc:
            rest = [job for i, job in enumerate(pending) if i not in finished]
            if not rest:
                return
            yield rest[0], _verdict(rest[0].base, "error",
                                    f"the grading process died while running your code ({exc})")
            pending = rest[1:]


def finish_job(job: Job, reply: dict, session: Session) -> ExerciseResult:
    base, ex = job.base, job.ex
    base.seconds = float(reply.get("seconds", 0.0))
    base.output = _read_output(job.folder)
    if reply.get("status") == "signaled" and reply.get("signal") == signal.SIGXCPU:
        return _verdict(base, "timeout", f"used more than {session.limits.cpu_seconds} s of CPU time")
    if reply.get("status") == "timeout":
        return _verdict(base, "timeout", f"did not finish within {job.timeout:g} s (an infinite "
                                         f"loop, or far too slow for the larger cases?)")
    try:
        result = wire.read_json(job.folder / "result.json")
    except (OSError, ValueError):
        return _verdict(base, "error", _ended_early(reply))
    try:
        return _judge(ex, job.check, job.cases, result, job.folder, session.backend, base)
    except (wire.WireError, KeyError, TypeError) as exc:
        return _verdict(base, "error", f"what your code returned could not be read back: {exc}")


def grade_exercise(ex: Exercise, folder: Path, session: Session, float_dtype: str,
                   timeout: float | None = None, hidden_salt: str | None = None) -> ExerciseResult:
    """Grade one exercise; `timeout` overrides the exercise's own limit (seconds)."""
    job = prepare_job(ex, folder, session, float_dtype, timeout, hidden_salt)
    if isinstance(job, ExerciseResult):
        return job
    for _job, verdict in run_jobs([job], session):
        return verdict
    return _verdict(job.base, "error", "the grading process gave no answer")


def _memory_limit() -> int:
    return Limits().memory_mb


def _verdict(base: ExerciseResult, status: str, feedback: str) -> ExerciseResult:
    base.status, base.feedback = status, feedback
    base.score = base.max_score if status == "passed" else 0.0
    return base


def _ended_early(reply: dict) -> str:
    if reply.get("status") == "signaled":
        sig = int(reply.get("signal", 0))
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        extra = " (a crash in native code, e.g. through ctypes)" if name == "SIGSEGV" else ""
        return f"the process running your code was killed by {name}{extra}"
    code = reply.get("code")
    return (f"the process running your code ended (exit status {code}) before returning a result:"
            f" does your code call os._exit() or end the interpreter?")


def _read_output(job_dir: Path) -> str:
    try:
        with open(job_dir / "output.txt", "rb") as f:
            data = f.read(MAX_OUTPUT_CHARS + 1)
    except OSError:
        return ""
    text = data[:MAX_OUTPUT_CHARS].decode(errors="replace")
    return text + ("\n… (output truncated)" if len(data) > MAX_OUTPUT_CHARS else "")


def _judge(ex: Exercise, check: Check, cases: list[PreparedCase], result: dict, job_dir: Path,
           backend: str, base: ExerciseResult) -> ExerciseResult:
    names = _parameter_names(check)
    load = result.get("load", {})
    if load.get("status") in ("missing", "error", "memory"):
        feedback = str(load.get("message", ""))
        if load.get("traceback"):
            feedback += "\n" + str(load["traceback"])
        return _verdict(base, str(load["status"]), feedback)
    replies = result.get("cases", [])
    if not isinstance(replies, list):
        raise wire.WireError("malformed reply")
    arrays = wire.ArrayFile(job_dir / wire.ARRAYS)
    failures: list[tuple[PreparedCase, Mismatch, Any]] = []
    for item, reply in zip(cases, replies):
        status = reply.get("status")
        if status == "not_implemented":
            return _verdict(base, "not_implemented", "not implemented yet (the stub raises "
                                                     "NotImplementedError)")
        if status == "memory":
            feedback = (f"ran out of memory on the case '{item.case.label}' ({reply.get('message', '')}): "
                        f"the limit is {_memory_limit()} MiB on top of the framework")
            base.case = _failing_case(item, None, None, feedback, names)
            return _verdict(base, "memory", feedback)
        if status == "raised":
            message = str(reply.get("message", ""))
            if reply.get("autodiff"):
                feedback = (f"this exercise is by hand: autodiff is unavailable, and your code "
                            f"used it ({message})")
            elif item.hidden:
                feedback = f"raised {message} on a hidden case"
            else:
                feedback = f"raised {message} on the case '{item.case.label}'"
            if reply.get("traceback"):
                feedback += "\n" + str(reply["traceback"])
            if failures:
                # Earlier cases already ran and failed: what they show is still worth naming.
                base.diagnosis = _diagnose(check, failures, backend)
                if base.diagnosis:
                    feedback += (f"\nOn earlier cases, likely mistake: {base.diagnosis['name']}: "
                                 f"{base.diagnosis['explanation']}")
            base.case = _failing_case(item, None, None, feedback, names)
            return _verdict(base, "error", feedback)
        if status != "ok":
            raise wire.WireError("malformed case reply")
        got = wire.decode_reply(reply.get("value"), arrays)
        if check.verify is not None:
            if _has_foreign_arrays(got, backend):
                mismatch = compare_types_only(got, backend)
            else:
                mismatch = _problem(check.verify(_as_sent(item), _plain(got)))
        else:
            mismatch = compare(item.expected, got, backend, item.tolerance)
        if mismatch is None and check.grad_reference is not None and "grads" in reply:
            mismatch = _check_gradients(check, item, reply["grads"], arrays, backend)
        if mismatch:
            failures.append((item, mismatch, got))
    if len(replies) < len(cases):
        return _verdict(base, "error", "your code stopped before every case had run")
    if not failures:
        return _verdict(base, "passed", f"all {len(cases)} cases passed")
    item, mismatch, got = min(failures, key=lambda f: (f[1].is_error is False, f[0].size, f[0].index))
    status = "error" if mismatch.is_error else "failed"
    if item.hidden:
        feedback = f"a hidden case failed: {_redacted(mismatch)}"
    else:
        feedback = f"case '{item.case.label}': {mismatch.message}"
        if mismatch.stage == "nonfinite":
            feedback += _input_at(item, mismatch, check)
        if item.case.note:
            feedback += f"\n{item.case.note}"
    base.diagnosis = mismatch.extra.get("mistake") or _diagnose(check, failures, backend)
    if base.diagnosis:
        feedback += f"\nLikely mistake: {base.diagnosis['name']}: {base.diagnosis['explanation']}"
    if len(failures) > 1:
        feedback += f"\n({len(failures)} of {len(cases)} cases failed)"
    base.case = (FailingCase(label="a hidden case", message=_redacted(mismatch)) if item.hidden
                 else _failing_case(item, mismatch, got, mismatch.message, names))
    return _verdict(base, status, feedback)


def _redacted(mismatch: Mismatch) -> str:
    """What went wrong on a hidden case, without its inputs or expected values."""
    if mismatch.stage in ("type", "dtype"):
        return mismatch.message
    if mismatch.stage == "shape":
        return "the result has the wrong shape"
    if mismatch.stage == "nonfinite":
        return "your result holds nan or inf where a finite value is expected"
    count, total = mismatch.extra.get("count"), mismatch.extra.get("total")
    if count is not None:
        return f"{count} of {total} values differ from the expected ones by more than the tolerance"
    return "the values differ from the expected ones"


def _as_sent(item: PreparedCase) -> Case:
    """The case with its inputs as the child received them (the run's dtype)."""
    case = item.case
    return Case(case.label, _copied(item.args), _copied(item.kwargs), item.dtype, case.note,
                _copied(case.private), case.widen)


def _check_gradients(check: Check, item: PreparedCase, reply: Any, arrays: wire.ArrayFile,
                     backend: str) -> Mismatch | None:
    wrt = list(item.case.grad_wrt)
    if not isinstance(reply, dict) or reply.get("status") != "ok":
        message = reply.get("message", "") if isinstance(reply, dict) else ""
        return Mismatch("value", f"{check.grad_message}: differentiating your function raised "
                                 f"{message}", extra={"gradient": True})
    got = wire.decode_reply(reply.get("value"), arrays)
    with backends.activated("numpy"):
        expected = [np.asarray(g, dtype=np.float64) for g in
                    check.grad_reference(*_with_fns(item.args64), **_with_fns(item.kwargs64))]
    tol = Tolerance(item.dtype, widen=item.case.widen)
    if not isinstance(got, (list, tuple)) or len(got) != len(expected):
        return Mismatch("value", check.grad_message, extra={"gradient": True})
    for index, e, g in zip(wrt, expected, got):
        found = compare(e, g, backend, tol)
        if found is not None:
            zero = isinstance(g, wire.Array) and not np.any(g.value)
            what = ("no gradient reaches it (is it detached, or is the sample drawn inside?)"
                    if zero else found.message)
            extra: dict[str, Any] = {"gradient": True}
            if zero:
                extra["mistake"] = {"name": "no gradient path",
                                    "explanation": "the output does not depend differentiably on "
                                                   "this input: no detach(), no stop_gradient, no "
                                                   "sampling inside the function"}
            return Mismatch("value", f"{check.grad_message}: for argument {index + 1}, {what}",
                            extra=extra)
    return None


def _parameter_names(check: Check) -> list[str]:
    return list(_reference_parameters(check.reference))


@functools.lru_cache(maxsize=None)
def _reference_parameters(reference: Callable) -> tuple[str, ...]:
    try:
        return tuple(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        return ()


def _input_at(item: PreparedCase, mismatch: Mismatch, check: Check) -> str:
    """For elementwise results: the inputs' values where the result went non-finite."""
    if mismatch.index is None or not isinstance(item.expected, np.ndarray):
        return ""
    names = _parameter_names(check)
    found = []
    for i, arg in enumerate(item.args):
        if isinstance(arg, np.ndarray) and arg.shape == item.expected.shape:
            name = names[i] if i < len(names) else f"argument {i + 1}"
            found.append(f"{name} = {arg[mismatch.index]:.6g}")
    return f" (where {', '.join(found)})" if found else ""


def _problem(found: str | Problem | None) -> Mismatch | None:
    if not found:
        return None
    if isinstance(found, str):
        return Mismatch("value", found)
    extra = {"mistake": {"name": found.mistake, "explanation": found.explanation}} if found.mistake else {}
    return Mismatch("value", found.message, extra=extra)


def _plain(x: Any) -> Any:
    """Decoded reply as plain NumPy values, for custom verifiers."""
    return tree_map(lambda v: v.value if isinstance(v, (wire.Array, wire.Scalar)) else v, x)


def _has_foreign_arrays(x: Any, backend: str) -> bool:
    return any((isinstance(v, wire.Array) and v.kind != "native") or isinstance(v, wire.Other)
               for v in tree_leaves(x))


def compare_types_only(got: Any, backend: str) -> Mismatch:
    for leaf in tree_leaves(got):
        if isinstance(leaf, wire.Array):
            problem = array_type_problem(leaf, backend, "")
            if problem:
                return problem
        if isinstance(leaf, wire.Other):
            return Mismatch("type", f"returned a {leaf.type}, which is not an array of the "
                                    f"{backend} backend")
    return Mismatch("type", "returned something of the wrong type")


def _as_reply(x: Any) -> Any:
    """A NumPy value shaped like what the child sends back, for comparing two references."""
    return tree_map(lambda v: wire.Array(v, "native") if isinstance(v, np.ndarray)
                    else wire.Scalar(v, None), x)


def _diagnose(check: Check, failures: list[tuple[PreparedCase, Mismatch, Any]],
              backend: str) -> dict[str, str] | None:
    """The known mistake whose output the student's matches, on the failing cases."""
    if not check.mistakes:
        return None
    candidates = failures[:3]
    for item, _mismatch, got in candidates:
        for mistake in check.mistakes:
            try:
                with np.errstate(all="ignore"), backends.activated("numpy"):
                    wrong = _normalise(mistake.fn(*_with_fns(item.args64), **_with_fns(item.kwargs64)))
            except Exception:
                continue
            tol = Tolerance(item.dtype, widen=max(item.case.widen, 1.0) * 10)
            if item.tolerance is not None:
                tol.conditioning = item.tolerance.conditioning
                # On this case the mistake gives the right answer: it explains nothing here.
                if compare(item.expected, _as_reply(wrong), backend, item.tolerance) is None:
                    continue
            if compare(wrong, got, backend, tol) is None:
                return {"name": mistake.name, "explanation": mistake.explanation}
    return None


# --- previews for the report -----------------------------------------------------------------

SMALL = 16


def _preview(x: Any) -> str:
    if isinstance(x, np.ndarray):
        if x.size <= SMALL:
            return np.array2string(x, precision=6, separator=", ", threshold=SMALL)
        return f"array of shape {x.shape}, dtype {x.dtype}"
    if isinstance(x, (wire.Array,)):
        return _preview(x.value)
    if isinstance(x, wire.Scalar):
        return repr(x.value)
    if isinstance(x, wire.Other):
        return f"<{x.type}>"
    if isinstance(x, Fn):
        return f"a function f (the grader's '{x.name}')"
    if isinstance(x, tuple):
        return "(" + ", ".join(_preview(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, list):
        if len(x) > SMALL:
            return f"a list of {len(x)} items"
        return "[" + ", ".join(_preview(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_preview(v)}" for k, v in x.items()) + "}"
    if isinstance(x, float):
        return f"{x:.8g}"
    return repr(x)


def _failing_case(item: PreparedCase, mismatch: Mismatch | None, got: Any, message: str,
                  names: list[str] | None = None) -> FailingCase:
    if item.hidden:
        return FailingCase(label="a hidden case", message=message)
    names = names or []
    inputs = ", ".join(f"{names[i]} = {_preview(a)}" if i < len(names) else _preview(a)
                       for i, a in enumerate(item.args))
    if item.kwargs:
        inputs += (", " if inputs else "") + ", ".join(f"{k}={_preview(v)}" for k, v in item.kwargs.items())
    return FailingCase(label=item.case.label, note=item.case.note, inputs=inputs,
                       expected=_preview(item.expected) if item.expected is not None else "",
                       got=_preview(got) if got is not None else "", message=message)

"""What a batch hands back, read from the gradebook: grades.csv (one row per student, one column
per exercise, the total), one Markdown feedback file per student, and one Gradescope results.json
per student (the format of Gradescope's autograder specification)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from grader import catalog
from grader.batch.course import Plan
from grader.batch.gradebook import ResultRecord, SubmissionRecord
from grader.batch.intake import slug

STATUS_LABEL = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timeout",
                "memory": "over the memory limit", "not_implemented": "not implemented",
                "missing": "missing"}
MAX_OUTPUT = 1500


def write_all(out: Path, plan: Plan, records: list[SubmissionRecord]) -> dict[str, Path]:
    paths = {"grades": write_grades_csv(out / "grades.csv", plan, records),
             "feedback": write_feedback(out / "feedback", plan, records),
             "gradescope": write_gradescope(out / "gradescope", plan, records)}
    return paths


# --- grades.csv -----------------------------------------------------------------------------

def csv_header(plan: Plan) -> list[str]:
    return ["student", *plan.exercise_ids(), "total", "max_score", "error"]


def csv_row(plan: Plan, sub: SubmissionRecord) -> list[str]:
    scores = {r.exercise: r.score for r in sub.results}
    cells = [_number(scores[i]) if i in scores else "" for i in plan.exercise_ids()]
    error = (sub.error or "").splitlines()[0] if sub.error else ""
    return [sub.student, *cells, _number(sub.score), _number(sub.max_score), error]


def write_grades_csv(path: Path, plan: Plan, records: list[SubmissionRecord]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(csv_header(plan))
        for sub in sorted(records, key=lambda s: s.student):
            writer.writerow(csv_row(plan, sub))
    tmp.replace(path)
    return path


def _number(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


# --- feedback files -------------------------------------------------------------------------

def write_feedback(folder: Path, plan: Plan, records: list[SubmissionRecord]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sub in records:
        (folder / f"{slug(sub.student)}.md").write_text(feedback_markdown(plan, sub))
    return folder


def feedback_markdown(plan: Plan, sub: SubmissionRecord) -> str:
    lines = [f"# Feedback for {_inline(sub.student)}", ""]
    if sub.error:
        lines += ["Your submission could not be graded:", "", _fenced(sub.error), "",
                  f"Score: 0 / {_number(sub.max_score)}", ""]
        return "\n".join(lines)
    lectures = ", ".join(dict.fromkeys(r.lecture for r in sub.results))
    lines += [f"**Score: {_number(sub.score)} / {_number(sub.max_score)}** ({lectures})", "",
              f"Graded {sub.graded_at} with the {', '.join(sub.backends) or 'default'} backend "
              f"(grader {sub.grader_version})."
              + (" Some cases are hidden: their inputs and expected values are not shown."
                 if plan.hidden else ""), ""]
    if sub.note:
        lines += [f"Note: {sub.note}.", ""]
    lines += ["| exercise | status | points |", "|---|---|---|"]
    for r in sub.results:
        lines.append(f"| {_cell(r.exercise)} | {STATUS_LABEL.get(r.status, r.status)} | "
                     f"{_number(r.score)} / {_number(r.max_score)} |")
    lines.append("")
    for r in sub.results:
        if r.status == "passed":
            continue
        lines += [f"## {r.exercise}: {STATUS_LABEL.get(r.status, r.status)}", ""]
        lines += _details(r)
    return "\n".join(lines).rstrip() + "\n"


def _details(r: ResultRecord) -> list[str]:
    out: list[str] = []
    if r.feedback:
        out += [_fenced(r.feedback), ""]
    case = r.case or {}
    if r.status == "failed" and case.get("inputs"):
        out += [f"Smallest failing case ({_inline(case.get('label', ''))}):", "",
                _fenced(f"inputs:   {case['inputs']}\nexpected: {case.get('expected', '')}\n"
                        f"got:      {case.get('got', '')}"), ""]
    if r.diagnosis:
        out += [f"Likely mistake: **{_inline(r.diagnosis.get('name', ''))}**: "
                f"{_inline(r.diagnosis.get('explanation', ''))}", ""]
    if r.output.strip():
        out += ["Your code printed:", "", _fenced(r.output.strip()[:MAX_OUTPUT]), ""]
    if r.hint:
        out += [f"Hint: {_inline(r.hint)}", ""]
    return out


def _fenced(text: str) -> str:
    """A code block that what it holds cannot close (a student's output may hold ```)."""
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _inline(text: str) -> str:
    return " ".join(str(text).split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


# --- Gradescope -----------------------------------------------------------------------------

def write_gradescope(folder: Path, plan: Plan, records: list[SubmissionRecord]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sub in records:
        target = folder / slug(sub.student)
        target.mkdir(exist_ok=True)
        payload = gradescope_results(plan, sub.results, error=sub.error,
                                     execution_time=sub.seconds)
        (target / "results.json").write_text(json.dumps(payload, indent=1))
    return folder


def gradescope_results(plan: Plan, results: list[ResultRecord], *,
                       public: dict[str, ResultRecord] | None = None, error: str | None = None,
                       execution_time: float | None = None, output: str = "") -> dict[str, Any]:
    """Gradescope's results.json: one test per exercise (name, score, max_score, status, output,
    visibility). With hidden cases a verdict depends on cases the students must not learn about
    before grades are out, so its test is `after_published`; when the public cases were also
    graded on their own (`public`), a visible test with no points shows that verdict at once."""
    tests: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}
    for r in results:
        lecture = r.lecture
        numbers[lecture] = numbers.get(lecture, 0) + 1
        number = f"{lecture.removeprefix('lecture')}.{numbers[lecture]}"
        title = _title(r.exercise)
        if public is not None and r.exercise in public:
            p = public[r.exercise]
            tests.append({"name": f"{title} (public cases)", "number": number + ".1",
                          "score": 0.0, "max_score": 0.0, "status": _gs_status(p),
                          "output": verdict_text(p), "visibility": "visible"})
        hidden = plan.hidden
        tests.append({"name": f"{title} (with hidden cases)" if hidden else title,
                      "number": number + (".2" if public is not None else ""),
                      "score": r.score, "max_score": r.max_score, "status": _gs_status(r),
                      "output": verdict_text(r),
                      "visibility": "after_published" if hidden else "visible"})
    total = float(sum(r.score for r in results))
    payload: dict[str, Any] = {"score": total if not error else 0.0,
                               "output": error or output, "visibility": "visible",
                               "stdout_visibility": "hidden", "tests": tests}
    if execution_time:
        payload["execution_time"] = round(float(execution_time), 2)
    return payload


def _gs_status(r: ResultRecord) -> str:
    return "passed" if r.status == "passed" else "failed"


def _title(exercise_id: str) -> str:
    lecture, name = exercise_id.split(".", 1)
    try:
        ex = catalog.find_exercise(catalog.lecture(lecture), name)
        return f"{exercise_id}: {ex.title}"
    except KeyError:
        return exercise_id


def verdict_text(r: ResultRecord) -> str:
    parts = [STATUS_LABEL.get(r.status, r.status) + (f": {r.feedback}" if r.feedback else "")]
    case = r.case or {}
    if r.status == "failed" and case.get("inputs"):
        parts.append(f"inputs:   {case['inputs']}\nexpected: {case.get('expected', '')}\n"
                     f"got:      {case.get('got', '')}")
    if r.output.strip():
        parts.append("your code printed:\n" + r.output.strip()[:MAX_OUTPUT])
    if r.hint and r.status != "passed":
        parts.append(f"hint: {r.hint}")
    return "\n\n".join(parts)

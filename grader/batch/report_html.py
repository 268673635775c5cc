"""The class report: one self-contained HTML file (inline CSS, plots as inline base64 PNG from
matplotlib, no script, nothing fetched): score distribution, pass rate per exercise, the commonest
named mistakes across the class (from the diagnosis of each failed exercise), and who could not be
graded. Everything a student wrote (ids, printed output) is escaped."""

from __future__ import annotations

import base64
import io
import statistics
from collections import Counter
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from grader.batch.course import Plan
from grader.batch.gradebook import SubmissionRecord

STATUS_ORDER = ("passed", "failed", "error", "timeout", "memory", "not_implemented", "missing")
COLORS = {"passed": "#2a9d5c", "failed": "#d64545", "error": "#b03a2e", "timeout": "#8e44ad",
          "memory": "#6c3483", "not_implemented": "#e0a800", "missing": "#b0b0b0"}
BAR = "#1f77b4"


def class_stats(plan: Plan, records: list[SubmissionRecord]) -> dict:
    """The numbers the report shows, kept apart from the HTML (and tested on their own)."""
    graded = [s for s in records if not s.error]
    ids = plan.exercise_ids()
    per_exercise = {i: Counter() for i in ids}
    mistakes: Counter = Counter()
    explanations: dict[tuple[str, str], str] = {}
    for sub in graded:
        for r in sub.results:
            if r.exercise in per_exercise:
                per_exercise[r.exercise][r.status] += 1
            if r.diagnosis and r.diagnosis.get("name"):
                key = (r.exercise, r.diagnosis["name"])
                mistakes[key] += 1
                explanations[key] = r.diagnosis.get("explanation", "")
    n = len(graded)
    totals = [s.score for s in graded]
    return {
        "students": len(records), "graded": n, "not_graded": len(records) - n,
        "max_score": plan.max_score, "totals": totals,
        "mean": statistics.fmean(totals) if totals else 0.0,
        "median": statistics.median(totals) if totals else 0.0,
        "full_marks": sum(1 for t in totals if plan.max_score and t >= plan.max_score - 1e-9),
        "pass_rate": {i: (per_exercise[i]["passed"] / n if n else 0.0) for i in ids},
        "statuses": per_exercise,
        "mistakes": [(ex, name, count, count / n if n else 0.0, explanations[(ex, name)])
                     for (ex, name), count in mistakes.most_common()],
    }


def write_report(path: Path, plan: Plan, records: list[SubmissionRecord], title: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(plan, records, title))
    return path


def render_report(plan: Plan, records: list[SubmissionRecord], title: str = "") -> str:
    st = class_stats(plan, records)
    lectures = ", ".join(lp.lecture for lp in plan.lectures)
    title = title or f"Class report: {lectures}"
    versions = sorted({s.grader_version for s in records}) or [plan.grader_version]
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    parts = [f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{escape(title)}</h1>",
             f"<p class=\"meta\">{st['students']} students, {st['graded']} graded, "
             f"{st['not_graded']} not graded &middot; generated {escape(when)} &middot; grader "
             f"{escape(', '.join(versions))}"
             + (" &middot; with hidden cases" if plan.hidden else "") + "</p>"]

    parts.append("<h2 id=\"scores\">Score distribution</h2>")
    parts.append(f"<p>Mean {st['mean']:.1f}, median {st['median']:.1f} of "
                 f"{st['max_score']:g} points; {st['full_marks']} of {st['graded']} with full "
                 f"marks.</p>")
    plots = _plots(plan, st)
    if plots:
        parts.append(_img(plots[0], "Histogram of the students' total scores"))
    else:
        parts.append("<p class=\"meta\">(plots need matplotlib: pip install "
                     "'dl-grader[batch]')</p>")

    parts.append("<h2 id=\"exercises\">Pass rate per exercise</h2>")
    if plots:
        parts.append(_img(plots[1], "Bar chart of the share of students passing each exercise"))
    parts.append("<table><thead><tr><th>exercise</th><th>pass rate</th>"
                 + "".join(f"<th>{s.replace('_', ' ')}</th>" for s in STATUS_ORDER)
                 + "</tr></thead><tbody>")
    for ex_id in plan.exercise_ids():
        counts = st["statuses"][ex_id]
        parts.append(f"<tr><td>{escape(ex_id)}</td><td>{st['pass_rate'][ex_id]:.0%}</td>"
                     + "".join(f"<td>{counts[s] or ''}</td>" for s in STATUS_ORDER) + "</tr>")
    parts.append("</tbody></table>")

    parts.append("<h2 id=\"mistakes\">Commonest mistakes</h2>")
    if st["mistakes"]:
        parts.append("<ol class=\"mistakes\">")
        for ex_id, name, count, share, why in st["mistakes"][:20]:
            parts.append(f"<li><b>{share:.0%}</b> of the class ({count} of {st['graded']}): "
                         f"<b>{escape(name)}</b> in {escape(ex_id)}"
                         + (f"<br><span class=\"meta\">{escape(why)}</span>" if why else "")
                         + "</li>")
        parts.append("</ol>")
    else:
        parts.append("<p>No named mistake was recognised.</p>")

    rejected = [s for s in records if s.error]
    if rejected:
        parts.append("<h2 id=\"not-graded\">Not graded</h2><table><thead><tr><th>student</th>"
                     "<th>why</th></tr></thead><tbody>")
        for s in rejected:
            parts.append(f"<tr><td>{escape(s.student)}</td><td>{escape(s.error or '')}</td></tr>")
        parts.append("</tbody></table>")

    parts.append("<h2 id=\"students\">Students</h2><table><thead><tr><th>student</th>"
                 "<th>score</th><th>passed</th></tr></thead><tbody>")
    for s in sorted(records, key=lambda s: s.student):
        passed = sum(r.status == "passed" for r in s.results)
        score = "not graded" if s.error else f"{s.score:g} / {s.max_score:g}"
        parts.append(f"<tr><td>{escape(s.student)}</td><td>{score}</td>"
                     f"<td>{passed} of {len(plan.exercise_ids())}</td></tr>")
    parts.append("</tbody></table></body></html>\n")
    return "\n".join(parts)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return f"<p><img alt=\"{escape(alt)}\" src=\"data:image/png;base64,{data}\"></p>"


def _plots(plan: Plan, st: dict) -> list[bytes]:
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return []
    out = []
    fig = Figure(figsize=(7, 3.2), dpi=100)
    ax = fig.subplots()
    top = st["max_score"] or 1.0
    bins = min(20, max(5, int(top)))
    ax.hist(st["totals"], bins=bins, range=(0, top), color=BAR, edgecolor="white")
    ax.set_xlabel("total score")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, top)
    fig.tight_layout()
    out.append(_png(fig))

    ids = plan.exercise_ids()
    fig = Figure(figsize=(7, max(2.5, 0.22 * len(ids) + 1)), dpi=100)
    ax = fig.subplots()
    rates = [st["pass_rate"][i] * 100 for i in ids]
    ax.barh(range(len(ids)), rates, color=BAR)
    ax.set_yticks(range(len(ids)), [i.split(".", 1)[1] for i in ids], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded students passing")
    fig.tight_layout()
    out.append(_png(fig))
    return out


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.meta { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }
th { background: #f4f4f4; }
img { max-width: 100%; }
ol.mistakes li { margin-bottom: 0.4em; }
"""

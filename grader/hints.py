"""Progressive hints: `grade hint lecture2.lstm_step` shows the next one, remembered locally.

The hints of an exercise are, in order: the catalog's hint, then each known mistake with its
explanation (the bugs the grader has seen most), then a pointer back to the stub's docstring.
Which one a learner has reached is kept in a small JSON file beside their exercises (or in
$GRADER_STATE_DIR), never sent anywhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from grader import catalog
from grader.spec import Exercise

STATE_FILE = "hints.json"


def state_dir(start: Path | None = None) -> Path:
    """$GRADER_STATE_DIR, else .grade/ beside the nearest exercises/ folder, else ~/.grade."""
    if os.environ.get("GRADER_STATE_DIR"):
        return Path(os.environ["GRADER_STATE_DIR"])
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir():
            return folder / ".grade"
    return Path.home() / ".grade"


def find(exercise_id: str) -> Exercise:
    """An exercise by `lecture2.lstm_step`, or by its bare name when that is unambiguous."""
    if "." in exercise_id:
        lecture, _ = exercise_id.split(".", 1)
        return catalog.find_exercise(catalog.lecture(lecture), exercise_id)
    found = [ex for lec in catalog.lectures() for ex in lec.exercises if ex.name == exercise_id]
    if len(found) == 1:
        return found[0]
    if not found:
        raise KeyError(f"no exercise {exercise_id!r}: see `grade list`")
    raise KeyError(f"{exercise_id!r} is in several lectures: say which, e.g. {found[0].id}")


def hints_for(ex: Exercise) -> list[str]:
    hints = [ex.hint]
    try:
        check = catalog.check_for(ex)
    except (ImportError, KeyError):
        check = None
    if check is not None:
        for mistake in check.mistakes:
            hints.append(f"A common mistake here: {mistake.name}: {mistake.explanation}.")
    hints.append(f"Read the docstring of {ex.name}() in exercises/{ex.lecture}/{ex.file} again: "
                 f"it has the formula, the shapes and a worked example to check against.")
    return hints


def _load(folder: Path) -> dict[str, int]:
    try:
        data = json.loads((folder / STATE_FILE).read_text())
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def next_hint(ex: Exercise, folder: Path) -> tuple[int, int, str]:
    """(number, how many there are, text) of the next hint, and remember that it was shown."""
    hints = hints_for(ex)
    seen = _load(folder)
    index = min(seen.get(ex.id, 0), len(hints) - 1)
    seen[ex.id] = index + 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).write_text(json.dumps(seen, indent=1, sort_keys=True))
    return index + 1, len(hints), hints[index]


def reset(ex: Exercise, folder: Path) -> None:
    seen = _load(folder)
    seen.pop(ex.id, None)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).write_text(json.dumps(seen, indent=1, sort_keys=True))

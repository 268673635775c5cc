"""Verdicts and their JSON form (the contract of DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error", "timeout", "memory", "not_implemented", "missing")


@dataclass
class FailingCase:
    """The smallest failing case, as the report shows it."""

    label: str
    note: str = ""
    inputs: str = ""
    expected: str = ""
    got: str = ""
    message: str = ""


@dataclass
class ExerciseResult:
    id: str
    status: str
    score: float
    max_score: float
    feedback: str = ""
    diagnosis: dict[str, str] | None = None
    case: FailingCase | None = None
    output: str = ""
    seconds: float = 0.0
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "score": self.score,
                "max_score": self.max_score, "feedback": self.feedback,
                "diagnosis": self.diagnosis}


@dataclass
class LectureResult:
    lecture: str
    title: str
    backend: str
    device: str
    exercises: list[ExerciseResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return float(sum(e.score for e in self.exercises))

    @property
    def max_score(self) -> float:
        return float(sum(e.max_score for e in self.exercises))

    @property
    def all_passed(self) -> bool:
        return all(e.status == "passed" for e in self.exercises)

    def to_json(self) -> dict[str, Any]:
        return {"lecture": self.lecture, "backend": self.backend, "device": self.device,
                "score": self.score, "max_score": self.max_score,
                "exercises": [e.to_json() for e in self.exercises]}

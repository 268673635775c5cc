"""The course file: defaults with none, every key read and checked, the plan it gives."""

from __future__ import annotations

import pytest

from grader import catalog
from grader.batch.course import (SECRET_ENV, Course, CourseError, build_plan, find_course,
                                 grader_version, load_course, parse_course)


def test_no_course_file_grades_every_exercise_at_catalog_points(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    course = find_course(None)
    plan = build_plan(course)
    every = [ex.id for lec in catalog.lectures() for ex in lec.exercises]
    assert plan.exercise_ids() == every
    assert plan.max_score == sum(lec.max_score for lec in catalog.lectures())
    assert plan.backend == "auto" and plan.allowed_backends == ("numpy", "torch", "tensorflow")
    assert plan.timeout is None and not plan.hidden


def test_course_file_in_the_current_folder_is_found(tmp_path, monkeypatch):
    (tmp_path / "course.toml").write_text('[course]\nlectures = ["lecture2"]\n')
    monkeypatch.chdir(tmp_path)
    assert find_course(None).lectures == ("lecture2",)
    assert build_plan(find_course(None)).exercise_ids()[0].startswith("lecture2.")


def test_every_key_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    (tmp_path / "secret.txt").write_text("  s3cret\n")
    path = tmp_path / "course.toml"
    path.write_text("""
[course]
name = "spring"
lectures = ["lecture1", "2"]
backends = ["numpy", "torch"]
backend = "torch"
secret_file = "secret.txt"

[limits]
timeout = 7.5
memory_mb = 1024
cpu_seconds = 9

[lectures.lecture1]
exercises = ["sigmoid", "lecture1.tanh"]
points = { sigmoid = 3, tanh = 0.5 }

[lectures.lecture2]
exclude = ["gru_step"]
""")
    course = load_course(path)
    assert course.name == "spring" and course.lectures == ("lecture1", "lecture2")
    assert course.secret() == "s3cret"
    plan = build_plan(course, device="cpu")
    assert plan.backend == "torch" and plan.allowed_backends == ("numpy", "torch")
    assert plan.timeout == 7.5
    assert plan.limits.memory_mb == 1024 and plan.limits.cpu_seconds == 9
    lec2 = [e.name for e in catalog.lecture("lecture2").exercises if e.name != "gru_step"]
    assert plan.exercise_ids() == (["lecture1.sigmoid", "lecture1.tanh"]
                                   + [f"lecture2.{n}" for n in lec2])
    assert plan.points_of("lecture1.sigmoid") == 3.0 and plan.points_of("lecture1.tanh") == 0.5
    gru = catalog.find_exercise(catalog.lecture("lecture2"), "gru_step").points
    assert plan.max_score == 3.5 + catalog.lecture("lecture2").max_score - gru
    assert plan.hidden_salt == "s3cret"
    # --lecture narrows to one of the course's lectures.
    assert build_plan(course, ["1"]).exercise_ids() == ["lecture1.sigmoid", "lecture1.tanh"]


def test_the_environment_variable_wins_over_the_secret_file(tmp_path, monkeypatch):
    (tmp_path / "secret.txt").write_text("from-file")
    course = parse_course({"course": {"secret_file": "secret.txt"}}, tmp_path / "course.toml")
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert course.secret() == "from-env"
    assert build_plan(course, ["lecture1"]).hidden_salt == "from-env"
    assert build_plan(course, ["lecture1"], hidden=False).hidden_salt is None
    monkeypatch.delenv(SECRET_ENV)
    assert course.secret() == "from-file"


@pytest.mark.parametrize("data, message", [
    ({"course": {"lecturez": []}}, "unknown keys ['lecturez']"),
    ({"grading": {}}, "unknown sections ['grading']"),
    ({"course": {"lectures": ["lecture9"]}}, "no lecture 'lecture9'"),
    ({"course": {"backends": ["jax"]}}, "unknown backend 'jax'"),
    ({"course": {"backends": ["numpy"], "backend": "torch"}}, "not among the allowed"),
    ({"lectures": {"lecture1": {"exercises": ["sigmod"]}}}, "has no exercise 'sigmod'"),
    ({"lectures": {"lecture1": {"exercises": ["sigmoid"], "exclude": ["tanh"]}}}, "both"),
    ({"lectures": {"lecture1": {"points": {"sigmoid": -1}}}}, "must be a number >= 0"),
    ({"limits": {"timeout": 0}}, "must be a positive number"),
    ({"course": {"lectures": ["lecture1"]}, "lectures": {"lecture2": {}}},
     "[lectures.lecture2] is not among [course] lectures"),
])
def test_mistakes_in_the_course_file_are_told(data, message):
    with pytest.raises(CourseError) as err:
        parse_course(data)
    assert message in str(err.value)


def test_a_missing_secret_file_is_an_error_not_a_silent_public_run(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    course = parse_course({"course": {"secret_file": "nowhere.txt"}}, tmp_path / "course.toml")
    with pytest.raises(CourseError, match="nowhere.txt"):
        build_plan(course)


def test_bad_toml_and_options_are_told(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text("[course\n")
    with pytest.raises(CourseError, match="not valid TOML"):
        load_course(path)
    course = parse_course({"course": {"lectures": ["lecture1"], "backends": ["numpy"]}})
    with pytest.raises(CourseError, match="not among the course's lectures"):
        build_plan(course, ["lecture2"])
    with pytest.raises(CourseError, match="allows only numpy"):
        build_plan(course, backend="torch")
    with pytest.raises(CourseError, match="unknown device"):
        build_plan(course, device="tpu")


def test_setup_key_follows_what_changes_a_grade_and_hides_the_secret(monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    base = build_plan(Course(), ["lecture1"])
    assert build_plan(Course(), ["lecture1"]).setup_key() == base.setup_key()
    assert build_plan(Course(points={"lecture1.sigmoid": 5.0}), ["lecture1"]).setup_key() \
        != base.setup_key()
    assert build_plan(Course(), ["lecture1", "lecture2"]).setup_key() != base.setup_key()
    monkeypatch.setenv(SECRET_ENV, "first-secret")
    one = build_plan(Course(), ["lecture1"])
    monkeypatch.setenv(SECRET_ENV, "second-secret")
    two = build_plan(Course(), ["lecture1"])
    assert len({base.setup_key(), one.setup_key(), two.setup_key()}) == 3
    assert one.hidden_salt == "first-secret" and "first-secret" not in repr(one)


def test_grader_version_names_the_package_and_the_sources():
    version = grader_version()
    from grader import __version__

    assert version.startswith(__version__ + "+") and len(version.split("+")[1]) == 12

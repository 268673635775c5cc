"""Intake: one entry per student, zips opened with care, the layouts students hand in, and the
content hash that decides what is already graded."""

from __future__ import annotations

import stat
import zipfile

import pytest

from grader import catalog
from grader.batch import intake
from grader.batch.intake import Entry, discover, open_entry
from tests.grader.batch.conftest import full, stub, zipped

LEC1 = [catalog.lecture("lecture1")]


def _open(path, tmp_path, lectures=LEC1, student=None):
    return open_entry(Entry(student or path.name.removesuffix(".zip"), path), lectures,
                      tmp_path / "work")


def test_discover_one_entry_per_student_sorted_and_duplicates_refused(tmp_path):
    (tmp_path / "zoe").mkdir()
    (tmp_path / "adam.zip").write_bytes(b"")
    (tmp_path / ".DS_Store").write_bytes(b"")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "kim").mkdir()
    (tmp_path / "kim.zip").write_bytes(b"")
    entries = discover(tmp_path)
    assert [e.student for e in entries] == ["adam", "kim", "zoe"]
    assert entries[0].error is None and entries[2].error is None
    assert "two entries" in entries[1].error and "kim.zip" in entries[1].error
    with pytest.raises(intake.IntakeError):
        discover(tmp_path / "nowhere")


def test_a_folder_in_the_exercises_layout_is_graded_in_place(tmp_path):
    sub = full(tmp_path / "alice")
    item = _open(sub, tmp_path)
    assert item.error is None and item.root == sub and item.scratch is None
    assert len(item.content_hash) == 64


def test_the_same_files_zipped_or_not_have_the_same_hash(tmp_path):
    sub = full(tmp_path / "alice")
    as_zip = zipped(tmp_path / "alice", tmp_path / "alice.zip")
    wrapped = zipped(tmp_path / "alice", tmp_path / "wrapped.zip", prefix="alice/exercises/")
    a, b, c = (_open(p, tmp_path, student="alice") for p in (sub, as_zip, wrapped))
    assert a.error is None and b.error is None and c.error is None, (b.error, c.error)
    assert a.content_hash == b.content_hash == c.content_hash
    assert (b.root / "lecture1" / "activations.py").is_file()
    b.cleanup()
    assert not b.root.exists()


def test_hash_follows_content_of_graded_lectures_only(tmp_path):
    sub = full(tmp_path / "alice")
    before = intake.content_hash(sub, LEC1)
    (sub / "lecture1" / "__pycache__").mkdir()
    (sub / "lecture1" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    (sub / "lecture1" / ".hidden").write_text("x")
    (sub / "lecture2").mkdir()
    (sub / "lecture2" / "rnn.py").write_text("x = 1\n")
    assert intake.content_hash(sub, LEC1) == before
    (sub / "lecture1" / "losses.py").write_text("changed\n")
    assert intake.content_hash(sub, LEC1) != before


def test_loose_files_at_the_top_are_placed_into_their_lecture(tmp_path):
    sub = tmp_path / "gs"
    full(tmp_path / "src")
    sub.mkdir()
    for path in (tmp_path / "src" / "lecture1").iterdir():
        (sub / path.name).write_bytes(path.read_bytes())
    (sub / "helpers.py").write_text("K = 1\n")
    item = _open(sub, tmp_path, lectures=list(catalog.lectures()))
    assert item.error is None, item.error
    assert item.root != sub and "placed into their lecture folders" in item.note
    assert (item.root / "lecture1" / "activations.py").is_file()
    assert (item.root / "lecture1" / "helpers.py").is_file()
    assert not (item.root / "lecture2").exists()


@pytest.mark.parametrize("name", ["../../evil.py", "/etc/evil.py", "lecture1/../../evil.py",
                                  "C:/evil.py", "..\\evil.py"])
def test_a_zip_with_a_path_that_escapes_is_refused(tmp_path, name):
    path = tmp_path / "eve.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("lecture1/activations.py", "x = 1\n")
        zf.writestr(name, "x = 1\n")
    item = _open(path, tmp_path)
    assert item.root is None and "escapes its folder" in item.error
    assert not (tmp_path / "evil.py").exists() and not (tmp_path.parent / "evil.py").exists()
    assert item.content_hash.startswith("raw:")


def test_a_zip_with_a_link_is_refused(tmp_path):
    path = tmp_path / "eve.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("lecture1/activations.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    item = _open(path, tmp_path)
    assert "symbolic link" in item.error


def test_zip_bombs_are_refused(tmp_path, monkeypatch):
    # Declared sizes over the cap (100 MiB of zeros compress to about 100 KiB).
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("lecture1/activations.py", b"\0" * (100 << 20))
    assert bomb.stat().st_size < 1 << 20
    item = _open(bomb, tmp_path)
    assert "zip bomb" in item.error and item.root is None
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").rglob("*.py"))
    # Counted while unpacking too, whatever the headers declare: a cap of 1000 bytes, and two
    # members of 600 whose declared sizes are checked against it one by one.
    monkeypatch.setattr(intake, "MAX_BYTES", 1000)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        zf.writestr("lecture1/a.py", b"a" * 600)
        zf.writestr("lecture1/b.py", b"b" * 600)
    assert "zip bomb" in _open(many, tmp_path).error


def test_empty_unreadable_and_odd_entries_get_a_clear_error(tmp_path):
    empty_zip = tmp_path / "a.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    garbage = tmp_path / "b.zip"
    garbage.write_bytes(b"this is not a zip")
    empty_dir = tmp_path / "c"
    empty_dir.mkdir()
    text = tmp_path / "d.txt"
    text.write_text("hello")
    unrelated = tmp_path / "e"
    (unrelated / "notes").mkdir(parents=True)
    (unrelated / "notes" / "todo.md").write_text("x")
    (unrelated / "more").mkdir()
    link = tmp_path / "f"
    link.symlink_to(tmp_path / "nowhere")
    errors = {p.name: _open(p, tmp_path).error for p in (empty_zip, garbage, empty_dir, text,
                                                          unrelated, link)}
    assert errors == {
        "a.zip": "the zip is empty",
        "b.zip": "not a readable zip file (File is not a zip file)",
        "c": "the submission is empty",
        "d.txt": "d.txt is neither a folder nor a .zip",
        "e": "found no lecture folder (lecture1/) nor any of its files in the submission",
        "f": "f cannot be read (a broken link?)",
    }


def test_encrypted_zip_is_refused(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("lecture1/activations.py", "x = 1\n")
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag in the local header and the central directory.
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(sig)
        flag_at = at + (6 if sig == b"PK\x03\x04" else 8)
        data[flag_at] |= 1
    path.write_bytes(bytes(data))
    assert "encrypted" in _open(path, tmp_path).error


def test_pack_and_unpack_round_trip_the_graded_lectures(tmp_path):
    sub = stub(tmp_path / "bob")
    (sub / "lecture2").mkdir()
    (sub / "lecture2" / "rnn.py").write_text("x = 1\n")
    data = intake.pack(sub, LEC1)
    out = tmp_path / "out"
    intake.extract_zip(data, out)
    assert intake.content_hash(out, LEC1) == intake.content_hash(sub, LEC1)
    assert not (out / "lecture2").exists()


def test_student_ids_become_safe_distinct_file_names():
    assert intake.slug("alice") == "alice"
    odd = intake.slug("../Jane Doe")
    assert "/" not in odd and odd.startswith("Jane_Doe-")
    assert intake.slug("a b") != intake.slug("a_b")

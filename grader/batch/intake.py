"""From a folder of submissions to one graded-ready folder per student.

The folder holds one entry per student, named by student id: a folder laid out like exercises/
(`alice/lecture1/activations.py`) or a .zip of one (`bob.zip`). A zip is unpacked with care: a path
that would land outside its folder, a link, an encrypted member, or more than `MAX_BYTES` of
content (a zip bomb) refuses the whole entry with a clear error, and the batch goes on.

Layouts that students hand in are accepted where they are unambiguous: the lecture folders at the
top, or under one wrapping folder (`alice/exercises/lecture1/...`, `bob.zip:bob/lecture1/...`), or
the lecture's files themselves at the top (`activations.py`, `losses.py`, as Gradescope receives
them), which are placed into the lecture folder their names belong to.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.catalog import Lecture

# The engine stages at most this much of a submission (grading.MAX_STAGED_BYTES).
MAX_BYTES = 64 * 1024 * 1024
MAX_FILES = 5000
# A member this much smaller compressed than unpacked (and over 1 MiB unpacked) is a bomb.
MAX_RATIO = 200
_SKIP_TOP = ("__MACOSX",)
_WRAPPERS = ("exercises", "submission")


class IntakeError(Exception):
    """This student's entry cannot be graded; the message says why, for the student."""


@dataclass
class Entry:
    student: str
    path: Path
    error: str | None = None


@dataclass
class Intake:
    """One student's submission, ready for the engine (root laid out like exercises/), or why not."""

    student: str
    source: str
    submitted_at: float
    content_hash: str
    root: Path | None = None
    error: str | None = None
    note: str = ""
    scratch: Path | None = None  # what to remove once graded

    def cleanup(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def discover(folder: Path) -> list[Entry]:
    """One entry per student, sorted by id; two entries with the same id are an error for both."""
    if not folder.is_dir():
        raise IntakeError(f"{folder}: no such folder")
    by_id: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in _SKIP_TOP:
            continue
        student = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
        by_id.setdefault(student, []).append(path)
    entries = []
    for student, paths in sorted(by_id.items()):
        if len(paths) > 1:
            entries.append(Entry(student, paths[0], error="two entries for this student ("
                                 + ", ".join(p.name for p in paths) + "): keep one"))
        else:
            entries.append(Entry(student, paths[0]))
    return entries


def open_entry(entry: Entry, lectures: list[Lecture], workdir: Path) -> Intake:
    """Unpack and lay out one entry; never raises for anything the student handed in."""
    path = entry.path
    try:
        submitted = max([path.stat().st_mtime] + ([p.stat().st_mtime for p in _walk(path)]
                                                   if path.is_dir() else []))
    except OSError:
        submitted = 0.0
    intake = Intake(entry.student, path.name, submitted, "")
    scratch = workdir / f"{_slug(entry.student)}-{os.getpid()}-{id(intake):x}"
    try:
        if entry.error:
            raise IntakeError(entry.error)
        if path.is_dir():
            top, note = path, ""
        elif path.is_file() and path.name.lower().endswith(".zip"):
            top = scratch / "unpacked"
            intake.scratch = scratch
            extract_zip(path, top)
            note = ""
        elif path.exists():
            raise IntakeError(f"{path.name} is neither a folder nor a .zip")
        else:
            raise IntakeError(f"{path.name} cannot be read (a broken link?)")
        root, note = find_root(top, lectures, scratch / "laid-out")
        if root != top and intake.scratch is None and root.is_relative_to(scratch):
            intake.scratch = scratch
        intake.root, intake.note = root, note
        intake.content_hash = content_hash(root, lectures)
    except IntakeError as exc:
        intake.error = str(exc)
        intake.content_hash = _raw_hash(path)
        intake.root = None
    except OSError as exc:
        intake.error = f"{path.name} cannot be read: {exc.strerror or exc}"
        intake.content_hash = _raw_hash(path)
        intake.root = None
    if intake.error:
        shutil.rmtree(scratch, ignore_errors=True)
        intake.scratch = None
    return intake


def extract_zip(source: Path | bytes, dest: Path) -> None:
    """Unpack regular files only, refusing escapes, links, encryption and bombs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise IntakeError(f"not a readable zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if not infos:
            raise IntakeError("the zip is empty")
        if len(infos) > MAX_FILES:
            raise IntakeError(f"the zip holds {len(infos)} entries, more than {MAX_FILES}")
        seen: set[str] = set()
        members = []
        declared = 0
        for info in infos:
            raw = info.filename
            name = raw.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if (name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts
                    or "\0" in name):
                raise IntakeError(f"the zip holds a path that escapes its folder ({raw!r}); "
                                  f"nothing was graded")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise IntakeError(f"the zip holds a symbolic link ({raw!r}); nothing was graded")
            if info.flag_bits & 0x1:
                raise IntakeError(f"the zip is encrypted ({raw!r}); hand in an unencrypted zip")
            clean = "/".join(p for p in parts if p not in ("", "."))
            if info.is_dir() or not clean or clean.split("/")[0] in _SKIP_TOP \
                    or clean.split("/")[-1].startswith("._"):
                continue
            if clean in seen:
                raise IntakeError(f"the zip holds {clean!r} twice")
            seen.add(clean)
            declared += info.file_size
            if declared > MAX_BYTES or (info.file_size > (1 << 20) and info.compress_size
                                        and info.file_size / info.compress_size > MAX_RATIO):
                raise IntakeError(f"the zip unpacks to more than {MAX_BYTES >> 20} MiB or "
                                  f"compresses suspiciously well (a zip bomb?); nothing was graded")
            members.append((info, clean))
        if not members:
            raise IntakeError("the zip holds no files")
        dest.mkdir(parents=True, exist_ok=True)
        base = dest.resolve()
        written = 0
        for info, clean in members:
            target = dest / clean
            if not target.resolve().is_relative_to(base):
                raise IntakeError(f"the zip holds a path that escapes its folder ({clean!r})")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 16):
                        written += len(chunk)
                        if written > MAX_BYTES:
                            raise IntakeError(f"the zip unpacks to more than {MAX_BYTES >> 20} MiB "
                                              f"(a zip bomb?); nothing was graded")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError,
                    ValueError, OSError) as exc:
                raise IntakeError(f"the zip is damaged: {clean!r} cannot be read ({exc})") from None


def find_root(top: Path, lectures: list[Lecture], laid_out: Path) -> tuple[Path, str]:
    """The folder that holds the lecture folders; for loose files, a laid-out copy."""
    names = {lec.name for lec in lectures}
    from grader import catalog

    every = {lec.name for lec in catalog.lectures()}
    folder = top
    for _ in range(4):
        children = _children(folder)
        dirs = [p for p in children if p.is_dir() and not p.is_symlink()]
        if any(p.name in every for p in dirs):
            return folder, ""
        files = [p for p in children if p.is_file() and not p.is_symlink()]
        if any(f.name in lec.files for f in files for lec in lectures):
            return _lay_out(folder, files, lectures, laid_out), "your files were at the top: " \
                "they were placed into their lecture folders"
        wrapper = [p for p in dirs if p.name in _WRAPPERS]
        if wrapper or len(dirs) == 1:
            folder = (wrapper or dirs)[0]
            continue
        break
    if not _walk(top):
        raise IntakeError("the submission is empty")
    wanted = ", ".join(f"{n}/" for n in sorted(names, key=_lecture_key))
    raise IntakeError(f"found no lecture folder ({wanted}) nor any of its files in the submission")


def _lay_out(folder: Path, files: list[Path], lectures: list[Lecture], laid_out: Path) -> Path:
    shutil.rmtree(laid_out, ignore_errors=True)
    homes: set[str] = set()
    for f in files:
        for lec in lectures:
            if f.name in lec.files:
                homes.add(lec.name)
    for lec_name in homes:
        # Every loose file goes along: a helper module the student's files import, say.
        target = laid_out / lec_name
        target.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(f, target / f.name)
    return laid_out


def content_hash(root: Path, lectures: list[Lecture]) -> str:
    """sha256 of what the engine would stage from the graded lecture folders: paths and bytes."""
    digest = hashlib.sha256()
    total = 0
    any_file = False
    for lec in sorted(lectures, key=lambda lec: lec.number):
        folder = root / lec.name
        if not folder.is_dir():
            continue
        for path in _walk(folder):
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes()
            total += len(data)
            if total > MAX_BYTES:
                raise IntakeError(f"the submission holds more than {MAX_BYTES >> 20} MiB")
            digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
            any_file = True
    if not any_file and not _walk(root):
        raise IntakeError("the submission is empty")
    return digest.hexdigest()


def pack(root: Path, lectures: list[Lecture]) -> bytes:
    """The graded lecture folders as zip bytes, to send to another machine."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for lec in lectures:
            folder = root / lec.name
            if folder.is_dir():
                for path in _walk(folder):
                    zf.write(path, path.relative_to(root).as_posix())
        if not zf.namelist():
            zf.writestr(".empty", b"")
    return buffer.getvalue()


def _walk(folder: Path) -> list[Path]:
    """Regular files as the engine stages them: no links, no dot files, no __pycache__."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__"
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            found.append(path)
    return found


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and p.name not in _SKIP_TOP
                  and p.name != "__pycache__")


def _raw_hash(path: Path) -> str:
    """For an entry that could not be opened: its bytes if it is a file, else its name."""
    digest = hashlib.sha256()
    try:
        if path.is_file():
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            return "raw:" + digest.hexdigest()
    except OSError:
        pass
    return "raw:" + hashlib.sha256(("unreadable:" + path.name).encode()).hexdigest()


def _lecture_key(name: str) -> int:
    return int(name.removeprefix("lecture") or 0)


def _slug(student: str) -> str:
    """A file name for a student id: letters, digits and . _ - kept; a hash keeps it unique."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"
    if clean != student:
        clean += "-" + hashlib.sha256(student.encode()).hexdigest()[:8]
    return clean[:120]


slug = _slug

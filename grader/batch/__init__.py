"""Grading a whole class: `grade batch` and `grade gradescope`.

The modules, from the student's folder to the instructor's report:

- `course`: the course file (course.toml) and the plan it gives: which exercises count, their
  points, the allowed backends, the limits, the course secret for hidden cases.
- `intake`: one entry per student (a folder or a .zip), opened safely and laid out like
  exercises/, with the content hash that decides what is already graded.
- `worker`: grading one submission with the engine, one fork server (Session) per backend kept
  for many students; shared by the local pool and the Dask workers.
- `runner`: the coordinator: intake, skip what is graded, a local pool of worker processes,
  one gradebook transaction per submission, the exports.
- `cluster`: the same on a Dask `distributed` cluster (`--scheduler tcp://HOST:PORT`).
- `gradebook`: the SQLite gradebook (WAL, one transaction per submission).
- `exports`: grades.csv, one Markdown feedback file per student, Gradescope results.json.
- `report_html`: the class report, one self-contained HTML file.
- `progress`: the progress bar (plain lines when not on a terminal).
- `gradescope`: `grade gradescope`, one submission on Gradescope's autograder.
- `commands`: what the two commands of grader.cli call.

Nothing here is imported by `grade --help` or `grade list`.
"""

"""`--scheduler`: the same batch on a real Dask cluster (a scheduler and two worker processes on
loopback), each worker grading with its own fork server and sandbox."""

from __future__ import annotations

import os

import pytest

from grader.batch.runner import BatchOptions, run_batch
from tests.grader.batch.conftest import FAST_MAX, buggy, full, stub

distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed "
                                                        "(pip install 'dl-grader[batch]')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as lc:
        yield lc


def test_a_batch_on_a_local_cluster_grades_like_the_local_pool(tmp_path, fast_plan, cluster):
    root = tmp_path / "class"
    for i in range(3):
        full(root / f"full{i}", header=str(i))
    stub(root / "stub")
    buggy(root / "bug")
    (root / "empty").mkdir()
    out = tmp_path / "cluster"
    summary = run_batch(BatchOptions(root, fast_plan, out, out / "gradebook.sqlite",
                                     scheduler=cluster.scheduler_address, report=False))
    assert summary.graded == 5 and not summary.failed
    assert [s for s, _ in summary.rejected] == ["empty"]
    # Graded in the cluster's worker processes, not here.
    assert summary.workers and all(not w.endswith(f":{os.getpid()}") for w in summary.workers)
    assert {w.split(":")[1] for w in summary.workers} <= _worker_pids(cluster)
    scores = {s.student: s.score for s in summary.records}
    assert scores == {"full0": FAST_MAX, "full1": FAST_MAX, "full2": FAST_MAX, "stub": 0.0,
                      "bug": FAST_MAX - 2, "empty": 0.0}
    local = run_batch(BatchOptions(root, fast_plan, tmp_path / "local",
                                   tmp_path / "local" / "gradebook.sqlite", workers=1,
                                   report=False))
    as_local = {s.student: [(r.exercise, r.status, r.score, r.feedback) for r in s.results]
                for s in local.records}
    assert {s.student: [(r.exercise, r.status, r.score, r.feedback) for r in s.results]
            for s in summary.records} == as_local
    # Resumable the same way: nothing to do the second time.
    again = run_batch(BatchOptions(root, fast_plan, out, out / "gradebook.sqlite",
                                   scheduler=cluster.scheduler_address, report=False))
    assert again.graded == 0 and again.skipped == 6


def _worker_pids(cluster) -> set[str]:
    client = distributed.Client(cluster)
    try:
        return {str(pid) for pid in client.run(os.getpid).values()}
    finally:
        client.close()

"""The yearly assessment job on a real Celery worker on Redis (PostgreSQL), killed with SIGKILL in the
middle of its run: nothing of the run is in the cycle, the beat sweep notices the silent run and queues it
again, and the finished cycle is what an uninterrupted run gives (a further run in-process changes nothing).
Reuses the import kill test's worker fixture and helpers (tests/org/test_tasks.py)."""

import os
import random
import signal
import time

import pytest

from tests.org.test_tasks import (
    REDIS_URL,
    _in_a_write_transaction,
    _require_redis_and_postgresql,
    _start_worker,
    _stop,
    _wait,
)

SCHOOLS, PEOPLE = 120, 24000  # 96,480 score rows: the run's transaction stays open for seconds


def _state(cycle_id):
    from evaluation.models import RatingChange, Subject

    subjects = list(Subject.objects.filter(cycle_id=cycle_id).order_by("pk").values_list(
        "pk", "total", "result", "original_rating", "final_rating"))
    changes = list(RatingChange.objects.filter(subject__cycle_id=cycle_id).order_by("subject_id").values_list(
        "subject_id", "kind", "from_rating", "to_rating", "details", "reason"))
    return subjects, changes


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_the_cycle_whole_and_the_rerun_completes_it(tmp_path, settings):
    from celery import Celery

    from evaluation.management.commands.bench_assessment import Command
    from evaluation.models import AssessmentRun
    from evaluation.services_job import assessment_run_execute, assessment_run_start

    _require_redis_and_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    built = Command().build(random.Random(13), SCHOOLS, PEOPLE)
    cycle = next(c for label, c, _n in built if label == "people cycle")
    before = _state(cycle.pk)
    run = assessment_run_start(actor=None, cycle=cycle, queue=False)
    queue = f"kill-assess-{os.getpid()}-{time.monotonic_ns()}"

    worker = _start_worker(queue, settings.MEDIA_ROOT, tmp_path, IMPORT_HEARTBEAT_SECONDS="0.5")
    try:
        client = Celery("client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
        client.send_task("evaluation.assessment_run", args=[run.pk], queue=queue)
        _wait(lambda: AssessmentRun.objects.filter(pk=run.pk, status=AssessmentRun.Status.RUNNING).exists(), timeout=180)
        _wait(lambda: _in_a_write_transaction(None), timeout=180, step=0.05)
        time.sleep(1)  # well inside the run (it writes for several seconds more)
        _stop(worker, signal.SIGKILL)
        killed_at = time.monotonic()
    finally:
        _stop(worker, signal.SIGKILL)
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.RUNNING and run.restarts == 0
    assert _state(cycle.pk) == before  # the open transaction died with the worker: nothing half-written

    # A new worker with beat: the sweep (every 1 s) notices the silent run (3 s) and queues it again.
    worker = _start_worker(queue, settings.MEDIA_ROOT, tmp_path, IMPORT_HEARTBEAT_SECONDS="0.5",
                           IMPORT_STALE_AFTER_SECONDS="3", IMPORT_SWEEP_SECONDS="1")
    try:
        _wait(lambda: AssessmentRun.objects.filter(pk=run.pk, restarts=1).exists(), timeout=120)
        noticed = time.monotonic() - killed_at
        _wait(lambda: AssessmentRun.objects.filter(pk=run.pk, status=AssessmentRun.Status.DONE).exists(), timeout=300)
        done = time.monotonic() - killed_at
    finally:
        _stop(worker)
    print(f"dead run noticed {noticed:.1f} s after SIGKILL, completed {done:.1f} s after it")
    run.refresh_from_db()
    assert run.summary["subjects"] == PEOPLE and run.summary["scores_written"] == PEOPLE and run.done == PEOPLE
    assert run.summary["bound_changed"] > 0
    resumed = _state(cycle.pk)
    assert resumed != before

    # an uninterrupted run of the same code gives the same cycle: it finds nothing to change
    again = assessment_run_execute(run_id=assessment_run_start(actor=None, cycle=cycle, queue=False).pk)
    assert again.status == AssessmentRun.Status.DONE
    assert (again.summary["scores_written"], again.summary["bound_changed"], again.summary["bound_undone"]) == (0, 0, 0)
    assert again.summary["bound_kept"] == run.summary["bound_changed"]
    assert _state(cycle.pk) == resumed

"""The two task paths: eager in-process (no broker) and a real Celery worker on Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from org.tasks import health_check
from tests.factories import RegionFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


@pytest.mark.django_db
def test_task_runs_eagerly_without_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery_app import app

    app.conf.task_always_eager = True
    RegionFactory()
    assert health_check.delay().get(timeout=5) == {"regions": 1}


def _redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_against_the_test_database():
    if not _redis_answers():
        message = f"Redis does not answer at {REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must prove the real path; never skip there
        pytest.skip(message)
    RegionFactory()
    RegionFactory()
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL,
           "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        client = Celery("client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
        result = client.send_task("org.health_check", queue=queue)
        assert result.get(timeout=60) == {"regions": 2}
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        if worker.returncode not in (0, -15):
            print(output)
    assert settings.CELERY_TASK_ALWAYS_EAGER in (True, False)


# --- a worker killed with SIGKILL in the middle of a commit -------------------------------------

KILL_ROWS = 40000  # enough staff rows that the commit's transaction stays open for seconds, even on a loaded machine


def _require_redis_and_postgresql():
    if connection.vendor != "postgresql":
        # SQLite has one writer at a time: the heartbeat waits behind the commit's transaction there,
        # so a live commit cannot be told from a dead one (like the row-lock tests, PostgreSQL only).
        pytest.skip("the heartbeat beside an open commit needs PostgreSQL (the CI database)")
    if not _redis_answers():
        message = f"Redis does not answer at {REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _start_worker(queue: str, media_root: Path, tmp_path: Path, **extra_env) -> subprocess.Popen:
    """A real worker on Redis against the test database; with -B it also runs the beat schedule."""
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL,
           "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "CELERY_TASK_DEFAULT_QUEUE": queue, "MEDIA_ROOT": str(media_root), **extra_env}
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=info",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-B", "--schedule", str(tmp_path / "beat")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Signal the worker and its embedded beat (one process group), as when a container dies."""
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def _in_a_write_transaction(db_path: str | None) -> bool:
    """Another session holds an open transaction that has written (the commit under way)."""
    if db_path is not None:  # SQLite (rollback journal): the journal exists while a write is open
        return os.path.exists(f"{db_path}-journal")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_xid IS NOT NULL AND xact_start < now() - interval '200 milliseconds'")
        return cursor.fetchone()[0] > 0


def _wait(condition, timeout: float, step: float = 0.1) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture(scope="session")
def kill_workbook(tmp_path_factory) -> bytes:
    """The workbook of KILL_ROWS new staff, written once per test process (both kill tests upload it; each starts
    from an empty database, so the same ID numbers are new to each)."""
    from tests.org.conftest import staff_row, write_book

    path = write_book(tmp_path_factory.mktemp("kill") / "big.xlsx",
                      {"教职工": [staff_row(name=f"教师{n}") for n in range(KILL_ROWS)]})
    return path.read_bytes()


@pytest.fixture
def committing_job(world, county_user, tmp_path, settings, monkeypatch, request):
    """A checked workbook of KILL_ROWS new staff, marked for import as the commit button does."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from org import services
    from org.models import ImportJob

    _require_redis_and_postgresql()  # before the workbook is built and checked: that costs seconds
    kill_workbook = request.getfixturevalue("kill_workbook")
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    job = services.import_job_create(actor=county_user, kind="base_data",
                                     upload=SimpleUploadedFile("big.xlsx", kill_workbook))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED, (job.status, job.errors[:3])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
    return job


def _kill_mid_commit(job, queue, tmp_path, settings):
    from celery import Celery

    db = connection.settings_dict
    sqlite_path = db["NAME"] if db["ENGINE"].endswith("sqlite3") else None
    worker = _start_worker(queue, settings.MEDIA_ROOT, tmp_path, IMPORT_HEARTBEAT_SECONDS="0.5")
    try:
        client = Celery("client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
        client.send_task("org.import_job_commit", args=[job.pk], queue=queue)
        _wait(lambda: _in_a_write_transaction(sqlite_path), timeout=180, step=0.05)
        _stop(worker, signal.SIGKILL)
        return time.monotonic()
    finally:
        _stop(worker, signal.SIGKILL)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_commit_is_noticed_and_the_import_completes(committing_job, tmp_path, settings):
    from org.models import ImportJob, Staff

    _require_redis_and_postgresql()
    before = Staff.objects.count()
    queue = f"kill-{os.getpid()}-{time.monotonic_ns()}"
    killed_at = _kill_mid_commit(committing_job, queue, tmp_path, settings)
    job = ImportJob.objects.get(pk=committing_job.pk)
    assert job.status == ImportJob.Status.COMMITTING and job.restarts == 0
    assert Staff.objects.count() == before  # the open transaction died with the worker: nothing half-imported

    # A new worker with beat: the sweep (every 1 s) notices the silent job (3 s) and queues it again.
    worker = _start_worker(queue, settings.MEDIA_ROOT, tmp_path, IMPORT_HEARTBEAT_SECONDS="0.5",
                           IMPORT_STALE_AFTER_SECONDS="3", IMPORT_SWEEP_SECONDS="1")
    try:
        _wait(lambda: ImportJob.objects.filter(pk=job.pk, restarts=1).exists(), timeout=120)
        noticed = time.monotonic() - killed_at
        _wait(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.COMMITTED).exists(), timeout=300)
        done = time.monotonic() - killed_at
    finally:
        _stop(worker)
    print(f"dead commit noticed {noticed:.1f} s after SIGKILL (stale after 3 s, sweep every 1 s); "
          f"completed {done:.1f} s after it")
    assert noticed < 3 + 1 + 15  # the stale limit plus one sweep, with room for the worker's start
    assert Staff.objects.count() == before + KILL_ROWS
    assert Staff.history.filter(history_change_reason=f"Excel import #{job.pk}").count() == KILL_ROWS


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_killing_its_worker_is_failed_with_a_message(committing_job, tmp_path, settings):
    from org.models import ImportJob, Staff

    _require_redis_and_postgresql()
    before = Staff.objects.count()
    queue = f"kill-{os.getpid()}-{time.monotonic_ns()}"
    _kill_mid_commit(committing_job, queue, tmp_path, settings)
    # The restarts are used up (IMPORT_MAX_RESTARTS=0): the sweep fails the job instead of running it again.
    worker = _start_worker(queue, settings.MEDIA_ROOT, tmp_path, IMPORT_STALE_AFTER_SECONDS="3",
                           IMPORT_SWEEP_SECONDS="1", IMPORT_MAX_RESTARTS="0")
    try:
        _wait(lambda: ImportJob.objects.filter(pk=committing_job.pk, status=ImportJob.Status.FAILED).exists(),
              timeout=120)
    finally:
        _stop(worker)
    job = ImportJob.objects.get(pk=committing_job.pk)
    assert job.stopped and job.can_restart and job.error_count == 1
    assert "处理已中断 1 次" in job.errors[0]["message"]
    assert Staff.objects.count() == before

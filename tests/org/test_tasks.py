"""The two task paths: eager in-process (no broker) and a real Celery worker on Redis."""

import os
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

        client = Celery("client", broker=REDIS_URL, backend=REDIS_URL)
        result = client.send_task("org.health_check", queue=queue)
        assert result.get(timeout=60) == {"regions": 2}
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        if worker.returncode not in (0, -15):
            print(output)
    assert settings.CELERY_TASK_ALWAYS_EAGER in (True, False)

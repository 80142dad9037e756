"""Import jobs whose worker dies are noticed: heartbeat, claim, beat sweep, bounded restarts, start again."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from org import services
from org.models import ImportJob, Staff
from org.services import jobs
from tests.org.conftest import staff_row
from tests.org.test_import_jobs import SCHOOL_ROW, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_on_commit(monkeypatch):
    """Tasks are queued at commit, which a test's transaction never reaches: run them when queued."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def checked_job(world, book, county_user):
    path = book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002")]})
    job = services.import_job_create(actor=county_user, kind="base_data", upload=upload(path))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    return job


def _as_running(job, status, *, silent_for: float, restarts: int = 0):
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, restarts=restarts, heartbeat_at=timezone.now() - timedelta(seconds=silent_for))
    job.refresh_from_db()
    return job


def test_a_committed_import_refreshes_the_stored_staff_count(checked_job, county_user):
    from org.models import StaffFigure

    assert not StaffFigure.objects.filter(school__code="A002").exists()
    services.import_job_commit_request(actor=county_user, job=checked_job)
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJob.Status.COMMITTED
    assert StaffFigure.objects.get(school__code="A002").active == 1


def test_a_live_job_is_not_claimed_twice(checked_job, settings):
    _as_running(checked_job, ImportJob.Status.COMMITTING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS - 5)
    services.import_job_commit(job_id=checked_job.pk)  # a duplicate delivery while the first still beats
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJob.Status.COMMITTING
    assert not Staff.objects.filter(school__code="A002").exists()


def test_sweep_leaves_a_job_whose_heartbeat_is_within_the_limit(checked_job, settings):
    _as_running(checked_job, ImportJob.Status.COMMITTING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS - 1)
    assert services.import_jobs_sweep() == {"restarted": 0, "failed": 0}
    checked_job.refresh_from_db()
    assert (checked_job.status, checked_job.restarts) == (ImportJob.Status.COMMITTING, 0)


def test_sweep_restarts_a_silent_commit_which_then_completes(checked_job, settings):
    _as_running(checked_job, ImportJob.Status.COMMITTING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS + 1)
    assert services.import_jobs_sweep() == {"restarted": 1, "failed": 0}  # eager here: the restart runs at once
    checked_job.refresh_from_db()
    assert (checked_job.status, checked_job.restarts, checked_job.heartbeat_at) == (
        ImportJob.Status.COMMITTED, 1, None)
    assert Staff.objects.filter(school__code="A002").count() == 1


def test_sweep_restarts_a_silent_check(world, book, county_user, settings):
    path = book({"学校": [SCHOOL_ROW]})
    job = services.import_job_create(actor=county_user, kind="base_data", upload=upload(path))
    _as_running(job, ImportJob.Status.VALIDATING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS + 1)
    assert services.import_jobs_sweep()["restarted"] == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_sweep_gives_up_after_the_last_restart_with_a_message(checked_job, settings):
    settings.IMPORT_MAX_RESTARTS = 2
    _as_running(checked_job, ImportJob.Status.COMMITTING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS + 1,
                restarts=2)
    assert services.import_jobs_sweep() == {"restarted": 0, "failed": 1}
    checked_job.refresh_from_db()
    assert checked_job.status == ImportJob.Status.FAILED and checked_job.stopped and checked_job.can_restart
    assert checked_job.errors[0]["message"].startswith("处理已中断 3 次")
    assert not Staff.objects.filter(school__code="A002").exists()


def test_owner_starts_a_stopped_job_again_from_its_check(client, checked_job, county_user, settings):
    _as_running(checked_job, ImportJob.Status.COMMITTING, silent_for=settings.IMPORT_STALE_AFTER_SECONDS + 1,
                restarts=settings.IMPORT_MAX_RESTARTS)
    services.import_jobs_sweep()
    client.force_login(county_user)
    page = client.get(checked_job.get_absolute_url()).content.decode()
    assert 'data-testid="restart-button"' in page and "处理已中断" in page

    response = client.post(reverse("org:import-restart", args=[checked_job.pk]))
    assert response.status_code == 302
    checked_job.refresh_from_db()
    assert (checked_job.status, checked_job.stopped, checked_job.errors) == (ImportJob.Status.VALIDATED, False, [])
    assert checked_job.history.first().history_user == county_user


def test_only_a_stopped_job_of_ones_own_can_be_started_again(client, checked_job, city_user, county_user):
    client.force_login(county_user)
    assert client.post(f"/api/v1/imports/{checked_job.pk}/restart/").status_code == 409  # checked, not stopped
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportJob.Status.FAILED, stopped=True)
    client.force_login(city_user)
    assert client.post(f"/api/v1/imports/{checked_job.pk}/restart/").status_code == 404  # not visible to others
    client.force_login(county_user)
    assert client.post(f"/api/v1/imports/{checked_job.pk}/restart/").status_code == 202


def test_a_crash_marks_the_job_stopped_so_it_can_be_started_again(checked_job):
    services.import_job_crashed(job_id=checked_job.pk)
    checked_job.refresh_from_db()
    assert checked_job.can_restart and checked_job.heartbeat_at is None


@pytest.mark.django_db(transaction=True)
def test_heartbeat_beats_from_its_own_thread_while_the_block_runs(world, county_user, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    job = ImportJob.objects.create(kind="base_data", user=county_user, original_name="x.xlsx", file="x.xlsx",
                                   status=ImportJob.Status.COMMITTING, heartbeat_at=timezone.now() - timedelta(hours=1))
    with jobs.heartbeat(job.pk):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.heartbeat_at > timezone.now() - timedelta(seconds=5):
                break
            time.sleep(0.05)
    assert job.heartbeat_at > timezone.now() - timedelta(seconds=5)
    job.refresh_from_db()  # the block's end joins the thread: a beat in flight when the loop read lands before it
    stopped_at = job.heartbeat_at
    time.sleep(0.2)
    job.refresh_from_db()
    assert job.heartbeat_at == stopped_at  # no beats after the block


def test_broker_redelivers_after_the_longest_task_plus_a_margin(settings):
    from config.celery_app import app

    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < timeout <= settings.CELERY_TASK_TIME_LIMIT + 10 * 60
    assert "org-import-jobs-sweep" in app.conf.beat_schedule

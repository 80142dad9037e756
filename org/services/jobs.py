"""Import jobs for any registered workbook kind: upload, check (inline or on Celery), commit, crash.

Jobs whose worker dies are noticed (issue 16): a task claims its job by setting `heartbeat_at`, and
a thread beside it refreshes that every IMPORT_HEARTBEAT_SECONDS on a connection of its own (so the
beat is seen while the import's own transaction is still open). The beat sweep
(`import_jobs_sweep`, every IMPORT_SWEEP_SECONDS) finds running jobs whose beat is older than
IMPORT_STALE_AFTER_SECONDS: it queues them again (a commit rolled back with its worker, so it starts
over), at most IMPORT_MAX_RESTARTS times, then marks the job failed with MSG_JOB_STOPPED so a file
that kills its worker is not retried forever; the owner can start it again (`import_job_restart`).
A claim only succeeds when the job has no live beat, so a redelivered message (broker visibility
timeout) and a restart by the sweep never run one job twice at once.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope

MSG_IMPORT_FORBIDDEN = _("Only city or county bureau staff may import data.")
MSG_UNKNOWN_KIND = _("Unknown kind of workbook.")
MSG_UPLOAD_TOO_LARGE = _("The file is too large; files up to %(limit)s MB are accepted.")
MSG_JOB_CRASHED = _("The workbook could not be processed because of an internal error; please try again or "
                    "contact the administrator.")
MSG_NOT_COMMITTABLE = _("This upload cannot be imported: it has problems, or it is already being imported.")
MSG_JOB_STOPPED = _("Processing stopped %(count)s times before it could finish (the worker ended, e.g. out of "
                    "memory); nothing was imported. Check the file, or start it again.")
MSG_NOT_RESTARTABLE = _("Only an upload whose processing stopped can be started again.")

logger = logging.getLogger(__name__)
INLINE_MAX_BYTES = 256 * 1024  # smaller uploads are checked inline; larger ones go to Celery
PROGRESS_EVERY = 5000


def _job_progress(job_id: int):
    from org.models import ImportJob

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=max(total, done))

    return progress


@transaction.atomic
def import_job_create(*, actor: User, kind: str, upload) -> "ImportJob":  # noqa: F821
    """Store an upload after the safety checks and queue its check (inline when small)."""
    from org.excel import ExcelFileError, check_upload, get_importer
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    try:
        get_importer(kind)
    except KeyError:
        raise ValidationError(MSG_UNKNOWN_KIND) from None
    if upload.size > settings.UPLOAD_MAX_BYTES:  # refused before it is stored
        raise ValidationError(MSG_UPLOAD_TOO_LARGE % {"limit": settings.UPLOAD_MAX_BYTES // 1048576})
    job = ImportJob(kind=kind, user=actor, original_name=upload.name[:255])
    job.file.save(upload.name, upload, save=False)
    try:
        with job.local_file() as path:
            check_upload(path)
    except ExcelFileError as error:
        job.file.delete(save=False)
        raise ValidationError(error.message) from None
    job._history_user = actor
    job.save()
    _queue(job, "org.import_job_validate")
    return job


def _queue(job, task_name: str) -> None:
    from org import tasks

    task = {"org.import_job_validate": tasks.import_job_validate, "org.import_job_commit": tasks.import_job_commit}[
        task_name]
    if job.file.size <= INLINE_MAX_BYTES:
        # In-process, right after the commit; a crash marks the job failed (ImportJobTask) instead of a 500.
        transaction.on_commit(lambda: task.apply(args=[job.pk], throw=False))
    else:
        transaction.on_commit(lambda: task.delay(job.pk))


def _stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)


def _claim(job_id: int, *, statuses: list[str], running_status: str) -> bool:
    """Take a job for this task: only when it is in `statuses` and no other task beats for it."""
    from org.models import ImportJob

    now = timezone.now()
    return bool(
        ImportJob.objects.filter(pk=job_id, status__in=statuses)
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=_stale_before(now)))
        .update(status=running_status, rows_done=0, heartbeat_at=now)
    )


def stale_before(now: datetime | None = None) -> datetime:
    """A running job whose last beat is older than this is taken as dead (IMPORT_STALE_AFTER_SECONDS)."""
    return _stale_before(now)


@contextmanager
def heartbeat(job_id: int, model=None, *, fields=None):
    """Refresh the job's `heartbeat_at` every IMPORT_HEARTBEAT_SECONDS while the block runs.

    A daemon thread with its own database connection (autocommit): its beats are visible while
    the task's transaction is open, and stop when the worker process dies. A failed beat is
    logged and the next one tried (SQLite serialises writers, so beats wait during a commit there).
    `model`: any job model with `status`, `heartbeat_at` and a RUNNING list of statuses (default
    ImportJob; org.ExportJob and evaluation.AssessmentRun too); `fields`: a callable returning more columns to write
    with each beat (the progress of a task whose own writes stay invisible until it commits).
    """
    from org.models import ImportJob

    model = model or ImportJob
    stop = threading.Event()
    interval = float(settings.IMPORT_HEARTBEAT_SECONDS)

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    model.objects.filter(pk=job_id, status__in=model.RUNNING).update(
                        heartbeat_at=timezone.now(), **(fields() if fields else {}))
                except DatabaseError as error:
                    logger.warning("%s %s: heartbeat failed: %s", model._meta.model_name, job_id, error)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"{model._meta.model_name}-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 10)


def import_job_validate(*, job_id: int) -> None:
    """Check an upload and record its summary, preview and problems; a retry after a crash starts over."""
    from org.excel import get_importer
    from org.models import ImportJob

    if not _claim(job_id, statuses=[ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING],
                  running_status=ImportJob.Status.VALIDATING):
        return  # already checked (or committed), or another task is checking it now
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with heartbeat(job_id), job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=False, progress=_job_progress(job_id))
    _record(job, result, ok_status=ImportJob.Status.VALIDATED)


@transaction.atomic
def import_job_commit_request(*, actor: User, job) -> None:
    """Start importing a checked upload that has no problems (its owner only)."""
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor) or job.user_id != actor.pk:
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED, error_count=0)
    if not claimed.update(status=ImportJob.Status.COMMITTING, rows_done=0, heartbeat_at=None, restarts=0):
        raise ValidationError(MSG_NOT_COMMITTABLE)
    job.refresh_from_db()
    _queue(job, "org.import_job_commit")


def import_job_commit(*, job_id: int) -> None:
    """Import a checked upload all or nothing; it is checked again, since the data may have changed."""
    from org.excel import get_importer
    from org.models import ImportJob

    if not _claim(job_id, statuses=[ImportJob.Status.COMMITTING], running_status=ImportJob.Status.COMMITTING):
        return  # committed already (a retried task), never requested, or another task is importing it now
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with heartbeat(job_id), job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=True, progress=_job_progress(job_id),
                                            reason=f"Excel import #{job.pk}")
    _record(job, result, ok_status=ImportJob.Status.COMMITTED)
    if result.ok:  # the home page's staff count reads stored figures: a new bureau's first roster shows at once
        from org import tasks

        transaction.on_commit(tasks.compute_staff_figures.delay)


def _record(job, result, *, ok_status: str) -> None:
    from org.models import ImportJob

    now = timezone.now()
    job.summary = result.summary()
    job.errors = result.problems.as_list()
    job.error_count = len(result.problems)
    job.status = ok_status if result.ok else ImportJob.Status.FAILED
    job.rows_done = job.rows_total = max(result.rows, job.rows_total)
    if ok_status == ImportJob.Status.VALIDATED:
        job.validated_at = now
    elif result.ok:
        job.committed_at = now
    job.heartbeat_at = None
    job._history_user = job.user
    job.save()


def import_job_crashed(*, job_id: int) -> None:
    """Mark a job whose task raised as failed, with a message instead of rows (nothing was committed)."""
    from org.models import ImportJob

    message = {"sheet": "", "row": None, "column": "", "message": str(MSG_JOB_CRASHED)}
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.COMMITTED).update(
        status=ImportJob.Status.FAILED, errors=[message], error_count=1, stopped=True, heartbeat_at=None,
        updated_at=timezone.now())


def import_jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The beat job: restart running jobs whose heartbeat stopped, or fail them after IMPORT_MAX_RESTARTS.

    Returns {"restarted": n, "failed": n}. A restarted job loses its beat (heartbeat_at = None) so
    the queued task can claim it; its restarts count goes up by one. Safe to run anywhere, any time.
    """
    from org.models import ImportJob

    now = now or timezone.now()
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING, heartbeat_at__lt=_stale_before(now))
    counts = {"restarted": 0, "failed": 0}
    for job_id, status, restarts in stale.values_list("pk", "status", "restarts"):
        current = ImportJob.objects.filter(pk=job_id, status=status, restarts=restarts,
                                           heartbeat_at__lt=_stale_before(now))
        if restarts >= settings.IMPORT_MAX_RESTARTS:
            message = {"sheet": "", "row": None, "column": "",
                       "message": str(MSG_JOB_STOPPED % {"count": restarts + 1})}
            if current.update(status=ImportJob.Status.FAILED, errors=[message], error_count=1, stopped=True,
                              heartbeat_at=None, updated_at=now):
                counts["failed"] += 1
                logger.warning("import job %s: stopped %s times, marked failed", job_id, restarts + 1)
            continue
        if current.update(heartbeat_at=None, restarts=F("restarts") + 1, updated_at=now):
            counts["restarted"] += 1
            logger.warning("import job %s (%s): heartbeat stopped, queued again", job_id, status)
            _send(job_id, "org.import_job_commit" if status == ImportJob.Status.COMMITTING
                  else "org.import_job_validate")
    return counts


def _send(job_id: int, task_name: str) -> None:
    from org import tasks

    task = {"org.import_job_validate": tasks.import_job_validate, "org.import_job_commit": tasks.import_job_commit}[
        task_name]
    task.delay(job_id)


@transaction.atomic
def import_job_restart(*, actor, job) -> None:
    """Start a job whose processing stopped again from its check (its owner only).

    Raises PermissionDenied for anyone but the owner (bureau staff), ValidationError
    (MSG_NOT_RESTARTABLE) unless the job failed by stopping (`job.can_restart`).
    """
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor) or job.user_id != actor.pk:
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, stopped=True)
    if not claimed.update(status=ImportJob.Status.UPLOADED, stopped=False, restarts=0, heartbeat_at=None,
                          errors=[], error_count=0, summary=[], rows_done=0, updated_at=timezone.now()):
        raise ValidationError(MSG_NOT_RESTARTABLE)
    job.refresh_from_db()
    job._history_user = actor
    job.save(update_fields=["updated_at"])  # a history row naming who started it again
    _queue(job, "org.import_job_validate")

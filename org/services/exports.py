"""Export jobs (issue 15): a large export is written by a Celery task and kept for its owner.

The job mechanics are the import jobs' (org.services.jobs): a task claims its job only when no other
task beats for it, a thread beats every IMPORT_HEARTBEAT_SECONDS, and the beat sweep
(`export_jobs_sweep`) queues a job whose beat stopped again, at most IMPORT_MAX_RESTARTS times, then
marks it failed. Finished files are deleted EXPORT_KEEP_HOURS after they were written
(`export_files_expire`, a beat task); the job row stays, marked expired.
"""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from org.services.jobs import _stale_before, heartbeat

logger = logging.getLogger(__name__)

MSG_EXPORT_REFUSED = _("The export could not be written: its filters are no longer valid or its rows are no longer "
                       "visible to you (%(reason)s). Nothing was written.")
MSG_EXPORT_CRASHED = _("The export could not be written because of an internal error; please try again or contact "
                       "the administrator.")
MSG_EXPORT_STOPPED = _("Writing stopped %(count)s times before it could finish (the worker ended, e.g. out of "
                       "memory); please export again.")


def _in_language(message, **values) -> str:
    """A message as stored on the job: in the bureau's language (LANGUAGE_CODE), whoever runs the task."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message % values if values else message)


def _query_dict(query) -> dict:
    """A QueryDict (or a plain dict) as {name: [values]}, the JSON the job keeps."""
    if hasattr(query, "lists"):
        return {name: list(values) for name, values in query.lists()}
    return {name: list(values) if isinstance(values, list | tuple) else [values] for name, values in query.items()}


@transaction.atomic
def export_job_create(*, actor: User, kind: str, query, args: dict, filename: str, rows_total: int):
    """Store an export job for `actor` (kind, filters, URL arguments; never the rows) and queue its task after
    the commit. Raises KeyError for an unknown kind (a programming error: views pass registered kinds)."""
    from org import exporting
    from org.models import ExportJob

    exporting.get_export(kind)
    job = ExportJob.objects.create(kind=kind, user=actor, query=_query_dict(query), args=dict(args),
                                   filename=filename[:200], rows_total=rows_total)
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    """Queue the job's task; without a broker (eager, development) run it here, a crash marking the job failed
    (ExportJobTask) instead of answering 500."""
    from org import tasks

    if tasks.export_job_run.app.conf.task_always_eager:
        tasks.export_job_run.apply(args=[job_id], throw=False)
    else:
        tasks.export_job_run.delay(job_id)


def _claim(job_id: int) -> bool:
    from org.models import ExportJob

    now = timezone.now()
    return bool(
        ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=_stale_before(now)))
        .update(status=ExportJob.Status.RUNNING, rows_done=0, heartbeat_at=now)
    )


def export_job_run(*, job_id: int) -> None:
    """Write a job's workbook as its user (the kind's plan reads the rows through the user's scope again) and keep it.

    Idempotent: a job already written, or being written by a live task, is left alone. Filters that no longer
    validate or rows no longer visible mark the job failed with MSG_EXPORT_REFUSED (nothing is kept)."""
    from org import exporting
    from org.excel.writer import export_progress
    from org.models import ExportJob

    if not _claim(job_id):
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    written = 0

    def progress(done: int) -> None:
        nonlocal written
        written = done
        ExportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=max(done, job.rows_total))

    try:
        with heartbeat(job_id, ExportJob), export_progress(progress), tempfile.TemporaryFile() as stream:
            plan = exporting.get_export(job.kind).plan(job.user, exporting.query_from(job.query), job.args)
            job.rows_total = plan.count()
            ExportJob.objects.filter(pk=job_id).update(rows_total=job.rows_total)
            plan.write(stream)
            stream.seek(0)
            job.file.save(job.filename, File(stream), save=False)
            if plan.audit is not None:
                plan.audit()
    except (exporting.ExportRefused, Http404, PermissionDenied) as error:
        errors = getattr(error, "errors", None)
        with translation.override(settings.LANGUAGE_CODE):  # the record is in the bureau's language
            reason = errors.as_text().replace("\n", " ") if hasattr(errors, "as_text") else str(errors or error or "404")
            message = str(MSG_EXPORT_REFUSED % {"reason": reason})
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=message, heartbeat_at=None, finished_at=timezone.now())
        return
    ExportJob.objects.filter(pk=job_id).update(
        # a finished job's total is the rows written (the plan's count may have been an upper bound, e.g. the staff
        # scanned for a roster filtered after evaluation: "0 / 216" read like an unfinished job)
        status=ExportJob.Status.DONE, file=job.file.name, rows_done=written, rows_total=written,
        heartbeat_at=None, finished_at=timezone.now(), error="")


def export_job_crashed(*, job_id: int) -> None:
    """Mark a job whose task raised as failed with MSG_EXPORT_CRASHED (the page stops polling)."""
    from org.models import ExportJob

    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=_in_language(MSG_EXPORT_CRASHED), heartbeat_at=None, finished_at=timezone.now())


def export_jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The beat job: queue running export jobs whose heartbeat stopped again, or fail them after IMPORT_MAX_RESTARTS.

    Returns {"restarted": n, "failed": n}; safe to run anywhere, any time (as org.services.jobs.import_jobs_sweep)."""
    from org.models import ExportJob

    now = now or timezone.now()
    stale = ExportJob.objects.filter(status__in=ExportJob.RUNNING, heartbeat_at__lt=_stale_before(now))
    counts = {"restarted": 0, "failed": 0}
    for job_id, restarts in stale.values_list("pk", "restarts"):
        current = ExportJob.objects.filter(pk=job_id, status__in=ExportJob.RUNNING, restarts=restarts,
                                           heartbeat_at__lt=_stale_before(now))
        if restarts >= settings.IMPORT_MAX_RESTARTS:
            if current.update(status=ExportJob.Status.FAILED, heartbeat_at=None, finished_at=now,
                              error=_in_language(MSG_EXPORT_STOPPED, count=restarts + 1)):
                counts["failed"] += 1
                logger.warning("export job %s: stopped %s times, marked failed", job_id, restarts + 1)
            continue
        if current.update(status=ExportJob.Status.QUEUED, heartbeat_at=None, restarts=F("restarts") + 1):
            counts["restarted"] += 1
            logger.warning("export job %s: heartbeat stopped, queued again", job_id)
            _send(job_id)
    return counts


def expired_before(now: datetime | None = None) -> datetime:
    """Files of jobs finished before this moment are expired (EXPORT_KEEP_HOURS)."""
    return (now or timezone.now()) - timedelta(hours=settings.EXPORT_KEEP_HOURS)


def export_files_expire(*, now: datetime | None = None) -> int:
    """The beat job: delete the files of jobs finished more than EXPORT_KEEP_HOURS ago; mark those jobs expired.

    Returns the number of jobs expired. A file already gone from the storage is not an error."""
    from org.models import ExportJob

    count = 0
    old = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=expired_before(now))
    for job in old.only("pk", "file").iterator(chunk_size=500):
        if job.file:
            try:
                job.file.delete(save=False)
            except OSError as error:  # pragma: no cover - storage trouble: try again next time
                logger.warning("export job %s: file not deleted: %s", job.pk, error)
                continue
        count += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file="")
    return count

"""Import jobs for any registered workbook kind: upload, check (inline or on Celery), commit, crash."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope

MSG_IMPORT_FORBIDDEN = _("Only city or county bureau staff may import data.")
MSG_UNKNOWN_KIND = _("Unknown kind of workbook.")
MSG_UPLOAD_TOO_LARGE = _("The file is too large; files up to %(limit)s MB are accepted.")
MSG_JOB_CRASHED = _("The workbook could not be processed because of an internal error; please try again or "
                    "contact the administrator.")
MSG_NOT_COMMITTABLE = _("This upload cannot be imported: it has problems, or it is already being imported.")
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


def import_job_validate(*, job_id: int) -> None:
    """Check an upload and record its summary, preview and problems; a retry after a crash starts over."""
    from org.excel import get_importer
    from org.models import ImportJob

    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING])
    if not claimed.update(status=ImportJob.Status.VALIDATING, rows_done=0):
        return  # already checked (or committed): nothing to do
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=False, progress=_job_progress(job_id))
    _record(job, result, ok_status=ImportJob.Status.VALIDATED)


@transaction.atomic
def import_job_commit_request(*, actor: User, job) -> None:
    """Start importing a checked upload that has no problems (its owner only)."""
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor) or job.user_id != actor.pk:
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED, error_count=0)
    if not claimed.update(status=ImportJob.Status.COMMITTING, rows_done=0):
        raise ValidationError(MSG_NOT_COMMITTABLE)
    job.refresh_from_db()
    _queue(job, "org.import_job_commit")


def import_job_commit(*, job_id: int) -> None:
    """Import a checked upload all or nothing; it is checked again, since the data may have changed."""
    from org.excel import get_importer
    from org.models import ImportJob

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return  # committed already (a retried task) or never requested
    with job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=True, progress=_job_progress(job_id),
                                            reason=f"Excel import #{job.pk}")
    _record(job, result, ok_status=ImportJob.Status.COMMITTED)


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
    job._history_user = job.user
    job.save()


def import_job_crashed(*, job_id: int) -> None:
    """Mark a job whose task raised as failed, with a message instead of rows (nothing was committed)."""
    from org.models import ImportJob

    message = {"sheet": "", "row": None, "column": "", "message": str(MSG_JOB_CRASHED)}
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.COMMITTED).update(
        status=ImportJob.Status.FAILED, errors=[message], error_count=1, updated_at=timezone.now())

from celery import Task, shared_task

from org import services
from org.models import Region


@shared_task(name="org.health_check")
def health_check() -> dict:
    """Answer with what the worker sees in the database: proves broker, worker and database connect."""
    return {"regions": Region.objects.count()}


class ImportJobTask(Task):
    """A crash (a bug, a lost file) must not leave the page polling forever: the job is marked failed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.import_job_crashed(job_id=args[0])


@shared_task(name="org.import_job_validate", base=ImportJobTask)
def import_job_validate(job_id: int) -> None:
    """Check an uploaded workbook (idempotent: a job already checked is left alone)."""
    services.import_job_validate(job_id=job_id)


@shared_task(name="org.import_job_commit", base=ImportJobTask)
def import_job_commit(job_id: int) -> None:
    """Import a checked workbook all or nothing (idempotent: only a job marked committing runs)."""
    services.import_job_commit(job_id=job_id)


@shared_task(name="org.import_jobs_sweep")
def import_jobs_sweep() -> dict:
    """The beat job: restart or fail import jobs whose heartbeat stopped (their worker died)."""
    return services.import_jobs_sweep()


class ExportJobTask(Task):
    """A crash must not leave the progress page polling forever: the export job is marked failed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from org.services.exports import export_job_crashed

        export_job_crashed(job_id=args[0])


@shared_task(name="org.export_job_run", base=ExportJobTask)
def export_job_run(job_id: int) -> None:
    """Write a large export as its user (idempotent: a job written or being written is left alone)."""
    from org.services.exports import export_job_run as run

    run(job_id=job_id)


@shared_task(name="org.export_jobs_sweep")
def export_jobs_sweep() -> dict:
    """The beat job: queue again or fail export jobs whose heartbeat stopped; delete expired export files."""
    from org.services.exports import export_files_expire
    from org.services.exports import export_jobs_sweep as sweep

    counts = sweep()
    counts["expired"] = export_files_expire()
    return counts


@shared_task(name="org.compute_staff_figures")
def compute_staff_figures() -> int:
    """The beat job: store each school's active staff count for the home page (idempotent: replaces the last run)."""
    return services.staff_figures_compute()

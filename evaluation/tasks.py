"""Celery tasks of the evaluation app: the yearly assessment job (services_job) and its beat jobs."""

from celery import Task, shared_task

from evaluation import services_job


class AssessmentRunTask(Task):
    """A crash (a bug) must not leave the run's page polling forever: the run is marked failed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services_job.assessment_run_crashed(run_id=args[0])


@shared_task(name="evaluation.assessment_run", base=AssessmentRunTask)
def assessment_run(run_id: int) -> str | None:
    """Run one assessment run (idempotent: a finished run, or one another task holds, is left alone)."""
    run = services_job.assessment_run_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="evaluation.assessment_runs_due")
def assessment_runs_due() -> list[int]:
    """The daily beat job: start the yearly runs due today (the regions' AssessmentSchedule dates)."""
    return services_job.assessment_runs_due()


@shared_task(name="evaluation.assessment_runs_sweep")
def assessment_runs_sweep() -> dict:
    """The beat job: restart or fail assessment runs whose heartbeat stopped (their worker died)."""
    return services_job.assessment_runs_sweep()


@shared_task(name="evaluation.compute_title_ratio_figures")
def compute_title_ratio_figures() -> int:
    """The nightly job (and after a ratio policy change): every school's senior-title check, stored (idempotent)."""
    from evaluation import services_figures

    return services_figures.title_ratio_figures_compute()

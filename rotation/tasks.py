"""Celery tasks of rotation: thin, idempotent wrappers over services."""

from celery import shared_task
from django.utils import timezone

from rotation import services
from rotation.models import Plan


@shared_task
def compute_progress(plan_id: int, on: str | None = None) -> int:
    """Compute one plan's progress and warnings for a day (default today); safe to retry."""
    from datetime import date

    day = date.fromisoformat(on) if on else timezone.localdate()
    plan = Plan.objects.filter(pk=plan_id).first()
    return len(services.progress_compute(plan=plan, on=day)) if plan else 0


@shared_task
def compute_all_progress() -> int:
    """The beat job: queue progress for every tracked plan."""
    today = timezone.localdate()
    plan_ids = list(services.open_plans(today).values_list("id", flat=True))
    for plan_id in plan_ids:
        compute_progress.delay(plan_id, today.isoformat())
    return len(plan_ids)


@shared_task
def compute_eligibility_figures(on: str | None = None) -> int:
    """The figures of one as-of date (asked for on the split page; idempotent: that date's set is replaced)."""
    from datetime import date

    return services.eligibility_figures_compute(on=date.fromisoformat(on) if on else None)


@shared_task
def refresh_eligibility_figures() -> int:
    """The nightly job: the coming term's eligibility figures and the other stored dates' (idempotent)."""
    return len(services.eligibility_figures_refresh())

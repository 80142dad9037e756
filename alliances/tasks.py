"""Celery tasks of alliances: thin, idempotent wrappers over services."""

from celery import shared_task
from django.utils import timezone

from alliances import rules, services


@shared_task
def compute_compliance(term: str | None = None, group_ids: list[int] | None = None) -> int:
    """Recompute compliance of a term (default: today's) for all groups or the given ones; safe to retry."""
    today = timezone.localdate()
    current = rules.parse_term(term) if term else rules.term_of(today)
    return services.compliance_compute(term=current, group_ids=group_ids, on=today)


@shared_task
def compute_compliance_for_schools(school_ids: list[int], terms: list[str] | None = None) -> int:
    """After a roster change: recompute today's term (and `terms`) for the groups these schools are in."""
    group_ids = services.groups_of_schools(school_ids)
    if not group_ids:
        return 0
    today = rules.term_of(timezone.localdate()).code
    return sum(compute_compliance(term, group_ids) for term in dict.fromkeys([today, *(terms or [])]))


@shared_task
def compute_coverage_figures() -> int:
    """The beat job: store the home page's coverage by region and stage for today (idempotent: replaces the last run)."""
    return services.coverage_figures_compute(on=timezone.localdate())

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
def compute_compliance_for_schools(school_ids: list[int]) -> int:
    """After a roster change: recompute this term's compliance of the groups these schools are in."""
    group_ids = services.groups_of_schools(school_ids)
    return compute_compliance(group_ids=group_ids) if group_ids else 0

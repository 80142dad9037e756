"""Stored senior-title checks (evaluation.models.TitleRatioFigure): computed by a job, read by the title-ratio page,
export and API (DESIGN.md "Titles and promotion": senior-title post ratios by school stage)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import rules
from evaluation.models import TitleRatioFigure
from org import scope
from org.models import School, Staff
from org.services.figures import replace_figures

MSG_TITLE_FIGURES_FORBIDDEN = _("Only bureau staff may ask for the senior-title checks to be computed.")


def title_ratio_figures_compute() -> int:
    """Check every school (rules.title_ratio over its active staff, those holding a senior title of its region's
    policy and the stage's ratio) and store the results, replacing the previous set in one transaction (a page reads
    the old set or the new one). Returns the number of schools. A system job (nightly, or queued): no actor."""
    from evaluation.selectors_incentives import PolicyResolver

    counts: dict[int, list[tuple[str, int]]] = {}
    rows = (Staff.objects.filter(status=Staff.Status.ACTIVE).values("school_id", "title").annotate(n=Count("*"))
            .values_list("school_id", "title", "n").order_by())
    for school_id, title, n in rows:
        counts.setdefault(school_id, []).append((title or "", n))
    policies, now, figures = PolicyResolver(), timezone.now(), []
    for school in School.objects.select_related("region__parent__parent").iterator(chunk_size=2000):
        policy = policies.for_region(school.region)
        names = rules.senior_title_names(policy.senior_titles)
        by_title = counts.get(school.pk, [])
        senior = sum(n for title, n in by_title if title.replace(" ", "").replace("\u3000", "") in names)
        check = rules.title_ratio(sum(n for _title, n in by_title), senior, policy.percent_for(school.stage))
        figures.append(TitleRatioFigure(school_id=school.pk, posts=check.posts, senior=check.senior,
                                        percent=check.percent, ceiling=check.ceiling, status=check.status,
                                        computed_at=now))
    replace_figures(TitleRatioFigure.objects.all(), figures, lock="evaluation.title_ratio_figures")
    return len(figures)


def queue_title_ratio_figures() -> None:
    """Recompute the checks once the current transaction commits (a ratio policy changed)."""
    from evaluation import tasks  # tasks import the services

    transaction.on_commit(tasks.compute_title_ratio_figures.delay)


def title_ratio_figures_request(*, actor: User) -> None:
    """Bureau staff ask for the checks now (the title-ratio page's button), instead of waiting for the night."""
    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_TITLE_FIGURES_FORBIDDEN)
    queue_title_ratio_figures()

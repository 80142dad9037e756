"""The stored staff figures of the home page (org.models.StaffFigure)."""

from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from org import scope
from org.locks import job_lock
from org.models import Staff, StaffFigure


def replace_figures(stored: QuerySet, rows: list, *, lock: str) -> None:
    """Replace the stored figures `stored` (a derived table, or one date's part of it) with `rows`, in one transaction
    under the advisory lock `lock`: a page reads the old set or the new one, and two runs of the same job (the beat's
    and one queued from a page) take turns instead of colliding on the rows' unique keys. Every figure job's store
    (org.StaffFigure, alliances.CoverageFigure, evaluation.TitleRatioFigure, rotation.EligibilityFigure)."""
    with transaction.atomic():
        job_lock(lock)
        stored.delete()
        stored.model.objects.bulk_create(rows, batch_size=2000)


def staff_figures_compute() -> int:
    """Count each school's active staff and store the counts, replacing the previous run's in one transaction (a page
    reads either the old set or the new one). Returns the number of rows stored.

    A system job (beat): no actor, nothing a user changed."""
    now = timezone.now()
    rows = [StaffFigure(school_id=row["school_id"], active=row["n"], computed_at=now) for row in (
        Staff.objects.filter(status=Staff.Status.ACTIVE).values("school_id").annotate(n=Count("*")).order_by())]
    replace_figures(StaffFigure.objects.all(), rows, lock="org.staff_figures")
    return len(rows)


def staff_figure(*, user) -> dict:
    """The active staff of the schools the user sees, from the stored figures, and when they were computed (None:
    the job has not run yet). One query."""
    row = scope.visible_to(user, StaffFigure).aggregate(n=Sum("active"), computed_at=Max("computed_at"))
    return {"n": row["n"] or 0, "computed_at": row["computed_at"]}

"""The stored staff figures of the home page (org.models.StaffFigure)."""

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from org import scope
from org.models import Staff, StaffFigure


def staff_figures_compute() -> int:
    """Count each school's active staff and store the counts, replacing the previous run's in one transaction (a page
    reads either the old set or the new one). Returns the number of rows stored.

    A system job (beat): no actor, nothing a user changed."""
    now = timezone.now()
    rows = [StaffFigure(school_id=row["school_id"], active=row["n"], computed_at=now) for row in (
        Staff.objects.filter(status=Staff.Status.ACTIVE).values("school_id").annotate(n=Count("*")).order_by())]
    with transaction.atomic():
        StaffFigure.objects.all().delete()
        StaffFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def staff_figure(*, user) -> dict:
    """The active staff of the schools the user sees, from the stored figures, and when they were computed (None:
    the job has not run yet). One query."""
    row = scope.visible_to(user, StaffFigure).aggregate(n=Sum("active"), computed_at=Max("computed_at"))
    return {"n": row["n"] or 0, "computed_at": row["computed_at"]}

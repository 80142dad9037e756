"""The stored eligibility figures of the dashboards (rotation.models.EligibilityFigure)."""

from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone

from rotation import selectors
from rotation.models import EligibilityFigure


def eligibility_figures_compute(*, on: date | None = None, chunk_size: int = selectors.CHUNK_SIZE) -> int:
    """Decide every active staff member at `on` (default: the next autumn term start by the default policy) and
    store per school the count of each status and of each (status, reason); replaces that date's figures in one
    transaction, so a page reads either the old set or the new one. Returns the number of rows stored.

    A system job (beat, nightly): no actor, nothing a user changed."""
    on = on or selectors.default_as_of(timezone.localdate())
    counts: Counter = Counter()
    for row in selectors.evaluate_staff(selectors.all_active_staff(), on, chunk_size=chunk_size):
        status = row.decision.status
        counts[(row.school_id, status, "")] += 1
        for code in set(row.decision.codes):
            counts[(row.school_id, status, code)] += 1
    now = timezone.now()
    rows = [EligibilityFigure(school_id=school, as_of=on, status=status, reason=reason, count=n, computed_at=now)
            for (school, status, reason), n in counts.items()]
    with transaction.atomic():
        EligibilityFigure.objects.all().delete()  # one as-of date at a time: the dashboards show the coming term
        EligibilityFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

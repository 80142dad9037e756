"""The stored coverage figures of the home page (alliances.models.CoverageFigure)."""

from datetime import date

from django.utils import timezone

from alliances import selectors
from alliances.models import CoverageFigure
from org.models import School
from org.services.figures import replace_figures


def coverage_figures_compute(*, on: date | None = None) -> int:
    """Count every region's schools by stage in an active group on `on` (default today) and store the counts,
    replacing the previous run's in one transaction (a page reads either the old set or the new one). Returns the
    number of rows stored.

    A system job (beat): no actor, nothing a user changed."""
    on = on or timezone.localdate()
    now = timezone.now()
    rows = [CoverageFigure(region_id=row.region_id, stage=row.stage, schools=row.schools, in_groups=row.in_groups,
                           lead=row.lead, member=row.member, as_of=on, computed_at=now)
            for row in selectors.coverage_of(School.objects.all(), on=on)]
    replace_figures(CoverageFigure.objects.all(), rows, lock="alliances.coverage_figures")
    return len(rows)


__all__ = ["coverage_figures_compute"]

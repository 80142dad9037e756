"""Reads of the incentives pages, exports and API (issue 13 item 5), already scoped to the user."""


from django.db.models import Count, QuerySet

from evaluation import rules
from evaluation.models import (
    CycleEvent,
    FundAllocation,
    FundShare,
    RatingChange,
    TitleRatioFigure,
    TitleRatioPolicy,
)
from org import scope
from org.models import Region


def allocation_list(*, user) -> QuerySet:
    return scope.visible_to(user, FundAllocation).select_related("region", "computed_by").order_by("-year", "region__code")


def share_list(*, user, allocation: FundAllocation) -> QuerySet:
    return (scope.visible_to(user, FundShare).filter(allocation=allocation)
            .select_related("school__region", "staff").order_by("kind", "-amount_fen", "school__code", "id"))


def fund_changes_since(allocation: FundAllocation) -> int:
    """What changed in the cycles the allocation read after it was computed: rating changes (a collective decision
    after publication, bound rules) and cycle steps (reopened, closed again). Not zero: the shares rest on ratings
    that are no longer the final ones, and the fund must be allocated again. One query."""
    cycle_ids = [cycle["id"] for cycle in allocation.cycles]
    if not cycle_ids or allocation.computed_at is None:
        return 0
    changes = RatingChange.objects.filter(subject__cycle_id__in=cycle_ids, at__gt=allocation.computed_at).order_by().values("pk")
    steps = CycleEvent.objects.filter(cycle_id__in=cycle_ids, at__gt=allocation.computed_at).order_by().values("pk")
    return changes.union(steps, all=True).count()


class PolicyResolver:
    """Title-ratio policies by region id, resolved once per call (one query for all rows)."""

    def __init__(self):
        self.rows = {p.region_id: p for p in TitleRatioPolicy.objects.all()}
        self.cache = {}

    def for_region(self, region: Region) -> TitleRatioPolicy:
        if region.pk not in self.cache:
            node, found = region, None
            while node is not None and found is None:
                found = self.rows.get(node.pk)
                node = node.parent
            self.cache[region.pk] = found or TitleRatioPolicy(region=region)
        return self.cache[region.pk]


def title_ratio_rows(*, user, region: Region | None = None, stage: str = "", status: str = "") -> QuerySet[TitleRatioFigure]:
    """The stored check (TitleRatioFigure: `.school`, `.check`) of each visible school, by school code (filters: a
    region and those below it, a stage, a check status). Counting the staff live took seconds at 500,000 staff."""
    figures = scope.visible_to(user, TitleRatioFigure).select_related("school__region").order_by("school__code")
    if region is not None:
        figures = figures.filter(school__region__in=scope.region_tree(region))
    if stage:
        figures = figures.filter(school__stage=stage)
    if status:
        figures = figures.filter(status=status)
    return figures


def title_ratio_counts(figures: QuerySet[TitleRatioFigure]) -> dict[str, int]:
    """How many of `figures` have each check status (one grouped query)."""
    return dict(figures.order_by().values("status").annotate(n=Count("*")).values_list("status", "n"))


def title_ratio_computed_at():
    """When the stored checks were computed (None: never yet); one row read."""
    stored = TitleRatioFigure.objects.values_list("computed_at", flat=True)[:1]  # any row: one job wrote them all
    return stored[0] if stored else None


def regions_for_filter(user) -> QuerySet:
    return scope.visible_to(user, Region).order_by("code")


__all__ = ["allocation_list", "share_list", "title_ratio_rows", "title_ratio_counts", "title_ratio_computed_at",
           "regions_for_filter"]


# --- stint ratings for rotation's title statement (issue 13 item 6) ------------------------------------------

STINT_CYCLE_KINDS = ("year_end", "year_summative")
TO_ROTATION_SCALE = {"excellent": "excellent", "good": "pass", "qualified": "pass", "basic": "basic",
                     "unqualified": "fail"}


def published_stint_ratings(staff, stints) -> dict:
    """rotation.hooks provider: {stint key: StintRating} from the person's final ratings in published annual
    cycles whose year falls in the stint (rules.stint_rating), on rotation's scale. One query."""
    from evaluation.models import Cycle, Subject
    from org.ratings import Rating
    from rotation.hooks import EVALUATION, StintRating

    if not stints:
        return {}
    first, last = min(s[1].year for s in stints), max(s[2].year for s in stints)
    rows = list(Subject.objects.filter(staff=staff, cycle__status=Cycle.Status.PUBLISHED, cycle__kind__in=STINT_CYCLE_KINDS,
                                       cycle__year__gte=first, cycle__year__lte=last).exclude(final_rating="")
                .values_list("cycle__year", "cycle__name", "final_rating").order_by("cycle__year", "cycle_id"))
    found = {}
    for key, start, end in stints:
        rating = rules.stint_rating(start, end, [(year, r) for year, _name, r in rows])
        if rating is not None:
            cycles = tuple((name, year, str(Rating(r).label)) for year, name, r in rows if start.year <= year <= end.year)
            found[key] = StintRating(TO_ROTATION_SCALE[rating], EVALUATION, cycles)
    return found

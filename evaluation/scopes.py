"""Scopers of the evaluation models (org.scope).

- Schemes and cycles belong to the region that runs them: whoever's scope touches that region
  (the region, a region below it, or a school in it) sees them; a rater also sees the cycles and
  schemes of their assignments.
- Subjects follow the school they had at the as-of date. Bureau staff and supervisors see the
  subjects of their regions; a principal sees their school's subjects once the cycle is published;
  a rater reaches the subjects assigned to them only through their assignments (never results).
- Assignments and scores: bureau staff see those of subjects in their scope; everyone else only
  their own. So a subject's school never learns who scored it (rater anonymity).
- Rating changes: bureau staff and supervisors in scope only.
- Runs of the yearly assessment job: bureau staff of the cycle's region or of one above it (a run's summary
  covers the whole cycle), never a county for its city's cycle.
- Per-region policies (bound rules, award fund, senior-title ratios) are region-owned: visible to whoever
  sees the region, changed by the bureau staff who run it (org.scope.register_region_owned).
- Award fund allocations and their shares: bureau staff and supervisors of the allocation's region or of one
  above it (a city sees its counties' allocations; a county never sees the city's or a sibling's).
"""

from django.db.models import Q, QuerySet

from evaluation.models import (
    AssessmentRun,
    AssessmentSchedule,
    Assignment,
    BoundPolicy,
    Cycle,
    FundAllocation,
    FundPolicy,
    FundShare,
    Indicator,
    RaterGroup,
    RatingChange,
    Scheme,
    Score,
    Subject,
    TitleRatioPolicy,
)
from org import scope


def _regions_seen(user) -> set[int]:
    """scope.regions_seen, computed once per user object (a request builds several scoped querysets:
    the rows, the filters' choices, the serializer's related fields)."""
    cached = getattr(user, "_evaluation_regions_seen", None)
    if cached is None:
        cached = user._evaluation_regions_seen = scope.regions_seen(user)
    return cached


def _assigned_cycles(user):
    return Assignment.objects.filter(rater_id=user.pk).values("cycle_id")


@scope.register(Cycle)
def _cycles(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    assigned = Q(pk__in=_assigned_cycles(user))
    if current.is_empty:
        return queryset.filter(assigned)
    return queryset.filter(Q(region_id__in=_regions_seen(user)) | assigned)


@scope.register(Scheme)
def _schemes(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    assigned = Q(cycles__in=_assigned_cycles(user))
    if current.is_empty:
        return queryset.filter(assigned).distinct()
    return queryset.filter(Q(region_id__in=_regions_seen(user)) | assigned).distinct()


@scope.register(Indicator)
def _indicators(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    return queryset.filter(scheme__in=scope.visible_to(user, Scheme).values("pk"))


@scope.register(RaterGroup)
def _groups(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    return queryset.filter(cycle__in=scope.visible_to(user, Cycle).values("pk"))


def _sees_regions(user, current: scope.Scope) -> bool:
    return bool(current.region_ids) and (scope.is_bureau_staff(user) or "supervisor" in current.roles)


@scope.register(Subject)
def _subjects(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """Raters reach their subjects through their assignments only (never the results)."""
    if _sees_regions(user, current):
        return queryset.filter(current.school_q("school"))
    if current.school_ids:
        return queryset.filter(school_id__in=current.school_ids, cycle__status=Cycle.Status.PUBLISHED)
    return queryset.none()


@scope.register(Assignment)
def _assignments(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    own = Q(rater_id=user.pk)
    if not scope.is_bureau_staff(user) or current.is_empty:
        return queryset.filter(own)
    return queryset.filter(current.school_q("subject__school") | own)


@scope.register(Score)
def _scores(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    own = Q(assignment__rater_id=user.pk)
    if not scope.is_bureau_staff(user) or current.is_empty:
        return queryset.filter(own)
    return queryset.filter(current.school_q("assignment__subject__school") | own)


@scope.register(RatingChange)
def _rating_changes(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    if not _sees_regions(user, current):
        return queryset.none()
    return queryset.filter(current.school_q("subject__school"))


@scope.register(AssessmentRun)
def _runs(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """Runs of the yearly job: bureau staff of the cycle's region or of one above it. Not a county for its city's
    cycle: a run's summary covers the whole cycle (its subject count, and refusals naming other counties' schools
    and people)."""
    if not scope.is_bureau_staff(user) or current.is_empty:
        return queryset.none()
    if current.everything:
        return queryset
    return queryset.filter(cycle__region_id__in=current.region_ids)


@scope.register(AssessmentSchedule)
def _schedules(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """Yearly assessment dates: bureau staff whose scope touches the region."""
    if not scope.is_bureau_staff(user) or current.is_empty:
        return queryset.none()
    return queryset.filter(region_id__in=_regions_seen(user))
for _policy in (BoundPolicy, FundPolicy, TitleRatioPolicy):
    scope.register_region_owned(_policy, "region_id")


@scope.register(FundAllocation)
def _fund_allocations(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    if current.everything:
        return queryset
    if not _sees_regions(user, current):
        return queryset.none()
    return queryset.filter(region_id__in=current.region_ids)


@scope.register(FundShare)
def _fund_shares(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    return queryset.filter(allocation__in=scope.visible_to(user, FundAllocation).values("pk"))

"""Scopers of the talent-pool models whose rule is not (only) a path to a school.

Programs, their tracks, rules and intakes, and training batches are owned by a region: everyone
whose scope touches that region (the region itself, a region below it, or a school in it) sees
them, since a county's principals nominate into the city's program. Nominations and reviewer
assignments add what is assigned to a reviewer to the school scope.
"""

from django.db.models import Q, QuerySet

from org import scope
from org.models import Region, School
from talentpool.models import (
    EligibilityRule,
    Holiday,
    Intake,
    Nomination,
    Objection,
    Program,
    ReviewerAssignment,
    Score,
    ScoringForm,
    ScoringItem,
    Track,
    TrainingBatch,
)


def _region_and_ancestor_ids(current: scope.Scope) -> set[int]:
    regions = set(current.region_ids)
    if current.school_ids:
        regions |= set(School.objects.filter(id__in=current.school_ids).values_list("region_id", flat=True))
    rows = Region.objects.filter(id__in=regions).values_list("id", "parent_id", "parent__parent_id")
    return {region for row in rows for region in row if region}


def _by_owning_region(path: str):
    def scoper(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
        if current.is_empty:
            return queryset.none()
        return queryset.filter(**{f"{path}__in": _region_and_ancestor_ids(current)})

    return scoper


scope.register(Program)(_by_owning_region("region_id"))
scope.register(Track)(_by_owning_region("program__region_id"))
scope.register(EligibilityRule)(_by_owning_region("track__program__region_id"))
scope.register(Intake)(_by_owning_region("track__program__region_id"))
scope.register(TrainingBatch)(_by_owning_region("region_id"))


def _signed_in(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    return queryset if user is not None and user.is_authenticated else queryset.none()


scope.register(Holiday)(_signed_in)
scope.register(ScoringForm)(_signed_in)
scope.register(ScoringItem)(_signed_in)


@scope.register(Nomination)
def _nominations(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """The nominee's school in scope, or the nomination assigned to this user as a reviewer."""
    assigned = Q(pk__in=ReviewerAssignment.objects.filter(reviewer_id=user.pk).values("nomination_id"))
    if current.is_empty:
        return queryset.filter(assigned)
    return queryset.filter(current.school_q("staff__school") | assigned)


@scope.register(ReviewerAssignment)
def _assignments(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """Bureau staff see the assignments in their scope; everyone else (principals, reviewers) only their own."""
    own = Q(reviewer_id=user.pk)
    if current.is_empty or not scope.is_bureau_staff(user):
        return queryset.filter(own)
    return queryset.filter(current.school_q("nomination__staff__school") | own)


@scope.register(Score)
def _scores(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    own = Q(assignment__reviewer_id=user.pk)
    if current.is_empty or not scope.is_bureau_staff(user):
        return queryset.filter(own)
    return queryset.filter(current.school_q("assignment__nomination__staff__school") | own)


@scope.register(Objection)
def _objections(user, queryset: QuerySet, current: scope.Scope) -> QuerySet:
    """Objections (who raised them, what they say) only reach the bureau running the program and the nominee's county."""
    if not current.manage_region_ids:
        return queryset.none()
    return queryset.filter(
        current.manage_q("nomination__staff__school")
        | Q(nomination__intake__track__program__region_id__in=current.manage_region_ids),
    )

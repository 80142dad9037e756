"""Scopers of the talent-pool models whose rule is not (only) a path to a school (the one place the
talent pool registers them; imported by TalentpoolConfig.ready()).

Programs, their tracks, rules and intakes, and training batches are owned by a region: everyone
whose scope touches that region (the region itself, a region below it, or a school in it) sees
them, since a county's principals nominate into the city's program. Nominations and reviewer
assignments add what is assigned to a reviewer to the school scope.
"""

from django.db.models import Q, QuerySet

from org import scope
from talentpool.models import (
    EligibilityRule,
    Holiday,
    Intake,
    Nomination,
    Objection,
    Program,
    PromotionTarget,
    ReviewerAssignment,
    Score,
    ScoringForm,
    ScoringItem,
    Track,
    TrainingBatch,
)

scope.register_region_owned(Program, "region_id")
scope.register_region_owned(Track, "program__region_id")
scope.register_region_owned(EligibilityRule, "track__program__region_id")
scope.register_region_owned(Intake, "track__program__region_id")
scope.register_region_owned(TrainingBatch, "region_id")
scope.register_region_owned(PromotionTarget, "region_id")


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

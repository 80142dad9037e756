"""Scopers of the alliances models (the one place alliances registers them; imported by AlliancesConfig.ready()).

A group is seen by whoever sees its owning region (bureau staff, supervisors) and by the schools in it
(principals); what hangs off a group (posts, compliance, 走教, activities, attachments) is seen with it.
Writes are decided by the services (bureau staff who run the owning region: `permissions.may_manage_group`).
"""

from django.db.models import Q

from alliances.models import (
    Activity,
    ActivityAttachment,
    Compliance,
    ComplianceItem,
    CourseNeed,
    CoverageFigure,
    DispatchDetail,
    DispatchRequirement,
    Group,
    GroupPost,
    ItinerantSlot,
    Membership,
)
from org import scope
from rotation.models import Assignment


def _visible_group_ids(user, scope_):
    """Groups whose owning region, lead school or a member school the user sees."""
    members = Membership.objects.filter(scope_.school_q("school")).values("group_id")
    return Q(region_id__in=scope_.region_ids) | Q(id__in=members)


@scope.register(Group)
def _groups(user, queryset, scope_):
    return queryset.filter(_visible_group_ids(user, scope_))


@scope.register(Membership)
def _memberships(user, queryset, scope_):
    return queryset.filter(group__in=Group.objects.filter(_visible_group_ids(user, scope_)))


def _through_group(path):
    def scoper(user, queryset, scope_):
        return queryset.filter(**{f"{path}__in": Group.objects.filter(_visible_group_ids(user, scope_))})
    return scoper


for _model, _path in ((GroupPost, "group"), (Compliance, "group"), (ComplianceItem, "compliance__group"),
                      (CourseNeed, "group"), (ItinerantSlot, "group"), (Activity, "group"),
                      (ActivityAttachment, "activity__group")):
    scope.register(_model)(_through_group(_path))


@scope.register(DispatchRequirement)
def _requirements(user, queryset, scope_):
    """Defaults are visible to everyone signed in; a region's rows with the region (or one above it)."""
    return queryset.filter(Q(region__isnull=True) | Q(region_id__in=scope.regions_seen(user)))


@scope.register(DispatchDetail)
def _details(user, queryset, scope_):
    return queryset.filter(assignment__in=scope.visible_to(user, Assignment))


@scope.register(CoverageFigure)
def _coverage_figures(user, queryset, scope_):
    """The rows of the regions whose schools the user sees by region; schools seen one by one (a principal's) have no
    row of their own, so their users read them live (alliances.dashboard), and a row never counts an unseen school."""
    return queryset.filter(region_id__in=scope_.region_ids)

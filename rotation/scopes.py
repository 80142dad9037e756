"""Scopers of the rotation models whose rule is not (only) a path to a school (the one place rotation
registers them; imported by RotationConfig.ready())."""

from org import scope
from org.models import Region
from rotation.models import (
    Assignment,
    Inspection,
    Notification,
    Plan,
    Policy,
    Progress,
    ProgressWarning,
    Quota,
)

# A policy or a plan is owned by its region: visible with it, with every region below it, and to the
# schools in them; changed by the bureau staff who run it.
scope.register_region_owned(Policy, "region_id")
scope.register_region_owned(Plan, "region_id")


@scope.register(Quota)
def _quotas(user, queryset, current):
    return queryset.filter(county__in=scope.visible_to(user, Region))


@scope.register(Assignment)
def _assignments(user, queryset, current):
    """Both ends see an assignment: the sending side and the receiving school (to confirm arrival)."""
    return queryset.filter(current.school_q("from_school") | current.school_q("to_school"))


@scope.register(Inspection)
def _inspections(user, queryset, current):
    return queryset.filter(assignment__in=scope.visible_to(user, Assignment))


@scope.register(Progress)
def _progress(user, queryset, current):
    return queryset.filter(county__in=scope.visible_to(user, Region))


@scope.register(ProgressWarning)
def _warnings(user, queryset, current):
    return queryset.filter(county__in=scope.visible_to(user, Region))


@scope.register(Notification)
def _notifications(user, queryset, current):
    if not getattr(user, "is_authenticated", False):  # the schema generator asks as AnonymousUser
        return queryset.none()
    return queryset.filter(user=user)


"""Who may do what in alliances: pure predicates over org.scope, read by services (which refuse) and by
pages (which show or hide a form). These never write."""

from django.contrib.auth.models import User

from alliances.models import Group
from org import scope
from org.models import Region


def may_manage_group(actor: User, group: Group) -> bool:
    """Bureau staff who run the group's owning region (or a region above it) change the group; superusers too."""
    return scope.sees_everything(actor) or scope.runs_region(actor, group.region_id)


def may_set_requirement(actor: User, region: Region | None) -> bool:
    """Bureau staff set their own region's requirement rows; only superusers change the defaults (no region)."""
    if scope.sees_everything(actor):
        return True
    return region is not None and scope.runs_region(actor, region.pk)


def may_record_dispatch_detail(actor: User) -> bool:
    """Bureau staff record what a dispatched person teaches (on rows they can see)."""
    return scope.is_bureau_staff(actor)


__all__ = ["may_manage_group", "may_set_requirement", "may_record_dispatch_detail"]

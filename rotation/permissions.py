"""Who may do what in rotation: pure predicates over org.scope, read by services (which refuse) and by
pages (which show or hide a form). Services are writes only; these never write."""

from django.contrib.auth.models import User

from org import scope
from org.models import Region, Staff, UserRole
from rotation.models import Assignment

INSPECTOR_ROLES = {UserRole.Role.SUPERVISOR, UserRole.Role.CITY_STAFF, UserRole.Role.COUNTY_STAFF}


def may_inspect(actor: User) -> bool:
    """Supervisors and bureau staff record inspections (of assignments they can see)."""
    return scope.sees_everything(actor) or scope.has_role(actor, *INSPECTOR_ROLES)


def may_set_policy(actor: User, region: Region) -> bool:
    """City bureau staff set the policy of their city (and the regions below it)."""
    return scope.sees_everything(actor) or (
        scope.has_role(actor, UserRole.Role.CITY_STAFF) and scope.runs_region(actor, region.pk))


def may_apply_exemption(actor: User, staff: Staff) -> bool:
    """The staff member's county bureau, or the principal of their school."""
    return scope.manages_or_heads(actor, staff)


def may_confirm_arrival(actor: User, assignment: Assignment) -> bool:
    """The receiving school's principal confirms an arrival (到位)."""
    return scope.sees_everything(actor) or scope.is_principal_of(actor, assignment.to_school_id)


__all__ = ["INSPECTOR_ROLES", "may_inspect", "may_set_policy", "may_apply_exemption", "may_confirm_arrival"]

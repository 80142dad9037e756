"""Who may do what in the talent pool: pure predicates over org.scope, read by services (which refuse)
and by selectors and pages (which show or hide a form). Services are writes only; these never write."""

from django.contrib.auth.models import User

from org import scope
from org.models import Staff, UserRole
from talentpool.models import Nomination


def runs_region(actor: User, region_id: int) -> bool:
    """Bureau staff of the region (or of a region above it) run its programs."""
    return scope.runs_region(actor, region_id)


def may_nominate(actor: User, staff: Staff) -> bool:
    """Principals nominate their own school's staff; bureau staff enter applications in their region."""
    return scope.manages_or_heads(actor, staff)


def may_review_in_county(actor: User, nomination: Nomination) -> bool:
    """The nominee's county bureau reviews a submitted nomination."""
    return scope.can_manage(actor, nomination.staff)


def may_run(actor: User, nomination: Nomination) -> bool:
    """The bureau running the nomination's program takes it through assessment, notice and decision."""
    return runs_region(actor, nomination.intake.track.program.region_id)


def may_edit_reference_tables(actor: User) -> bool:
    """City bureau staff (and operators) keep the shared scoring forms and the public-holiday table."""
    return scope.sees_everything(actor) or scope.has_role(actor, UserRole.Role.CITY_STAFF)


__all__ = ["runs_region", "may_nominate", "may_review_in_county", "may_run", "may_edit_reference_tables"]

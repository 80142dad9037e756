"""Who may do what in evaluation: pure predicates over org.scope, read by services (which refuse) and by
pages (which show or hide a form). Services are writes only; these never write.

- A cycle's administrators are the bureau staff of the region running it, or of a region above it:
  they build its schemes, generate subjects, assign raters, open, close, reopen, publish, correct
  submitted scores (with a reason) and record collective rating decisions.
- A rater scores only their own assignments (the scopers already hide everyone else's).
"""

from django.contrib.auth.models import User

from evaluation.models import Assignment, Cycle
from org import scope


def may_manage_region(user: User, region_id: int) -> bool:
    """Bureau staff of this region or of one above it (schemes, cycles and quality data it owns)."""
    return scope.runs_region(user, region_id)


def may_administer(user: User, cycle: Cycle) -> bool:
    """The cycle's administrators (see the module docstring)."""
    return scope.runs_region(user, cycle.region_id)


def may_score(user: User, assignment: Assignment) -> bool:
    """Only the assigned rater scores an assignment."""
    return assignment.rater_id == user.pk


__all__ = ["may_manage_region", "may_administer", "may_score"]

"""Who may do what in org: pure predicates over org.scope, read by services (which refuse) and by pages
(which show or hide a form). Services are writes only; these never write."""

from django.contrib.auth.models import User

from org import scope
from org.models import TransferRequest

__all__ = ["may_decide_transfer", "may_create_region_rows"]


def may_decide_transfer(user: User, request: TransferRequest) -> bool:
    """Bureau staff running both the county the person leaves and the county they join (the city bureau)."""
    return scope.runs_region(user, request.from_region_id) and scope.runs_region(user, request.to_school.region_id)


def may_create_region_rows(user: User) -> bool:
    """Bureau staff who manage some region (or a superuser): who may open the pages creating region-owned rows
    (programs, schemes, cycles, groups, batches, studios, appointments; org.web.ManagerOnlyMixin), and so who
    sees the lists' "new" buttons. Principals, supervisors and reviewers do not."""
    return scope.manages_any(user)

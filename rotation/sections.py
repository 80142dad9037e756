"""The rotation section of org's staff page (registered through org.hooks in RotationConfig.ready)."""

from django.utils import timezone

from org import scope
from rotation import selectors
from rotation.models import Assignment, Exemption


def staff_rotation_section(request, staff):
    """Eligibility at the next term's start, with reasons, and the person's exemptions."""
    as_of = selectors.default_as_of_for(today=timezone.localdate(), region_id=staff.school.region_id)
    exemptions = scope.visible_to(request.user, Exemption).filter(staff=staff).order_by("-start")
    context = {
        "as_of": as_of,
        "decision": selectors.staff_decision(staff, as_of) if staff.status == staff.Status.ACTIVE else None,
        "exemptions": list(exemptions),
        "assignments": list(scope.visible_to(request.user, Assignment).filter(staff=staff).select_related("to_school")),
        "staff": staff,
    }
    return "rotation/staff_section.html", context

"""Inspections (督导) against assignments: supervisors and bureau staff record them."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.services import save_audited
from rotation import rules
from rotation.models import Assignment, Inspection
from rotation.permissions import may_inspect

MSG_INSPECT_FORBIDDEN = _("Only supervisors and bureau staff may record inspections of assignments in their scope.")
MSG_METHOD_REQUIRED = _("Choose at least one method: lesson observation, interviews or ledger review.")
MSG_NOT_STARTED = _("Only approved, in-place or finished assignments can be inspected.")


@transaction.atomic
def inspection_record(*, actor: User, assignment: Assignment, visited_on: date, findings: str, rating: str,
                      lesson_observation: bool = False, interviews: bool = False, ledger_review: bool = False,
                      attachment=None) -> Inspection:
    """Record one visit (date, methods, findings, rating, attachment) against a visible assignment."""
    if not may_inspect(actor) or not scope.visible_to(actor, Assignment).filter(pk=assignment.pk).exists():
        raise PermissionDenied(MSG_INSPECT_FORBIDDEN)
    if assignment.state == Assignment.State.PLANNED:
        raise ValidationError(MSG_NOT_STARTED)
    if not (lesson_observation or interviews or ledger_review):
        raise ValidationError(MSG_METHOD_REQUIRED)
    errors = rules.inspection_refusals(visited_on=visited_on, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        assignment=assignment, visited_on=visited_on, findings=findings, rating=rating, inspector=actor,
        lesson_observation=lesson_observation, interviews=interviews, ledger_review=ledger_review,
    )
    if attachment:
        inspection.attachment = attachment
    save_audited(inspection, actor=actor, reason="recorded")
    return inspection


__all__ = ["MSG_INSPECT_FORBIDDEN", "MSG_METHOD_REQUIRED", "MSG_NOT_STARTED", "inspection_record"]

"""Rotation writes: policies and exemptions. Keyword-only, atomic, validated, audited with the actor."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.models import Region, Staff
from org.services import save_audited, stated_fields
from rotation.models import Exemption, Policy
from rotation.permissions import may_apply_exemption, may_set_policy

POLICY_FIELDS = Policy.NUMBER_FIELDS

MSG_POLICY_FORBIDDEN = _("Only city bureau staff may change rotation policies of their city.")
MSG_EXEMPTION_APPLY_FORBIDDEN = _("Only the staff member's principal or county bureau may apply for an exemption.")
MSG_EXEMPTION_DECIDE_FORBIDDEN = _("Only the county bureau of the staff member's school may decide an exemption.")
MSG_EXEMPTION_NOT_PENDING = _("This exemption has already been decided.")
MSG_DECISION_REASON_REQUIRED = _("Give the reason for the decision.")
MSG_PREGNANCY_NOT_FEMALE = _("%(name)s is recorded as male: a 孕期哺乳期 exemption is for women.")


@transaction.atomic
def policy_save(*, actor: User, region: Region, data: dict) -> Policy:
    """Create or change the policy row of a region (city bureau staff only; PermissionDenied otherwise).

    `data`: field name → value, names from POLICY_FIELDS (the policy's numbers, Policy.NUMBER_FIELDS); any
    other key is a TypeError. The row's own validation (full_clean) refuses impossible numbers."""
    stated_fields(data, POLICY_FIELDS, "policy_save")
    if not may_set_policy(actor, region):
        raise PermissionDenied(MSG_POLICY_FORBIDDEN)
    policy = Policy.objects.select_for_update().filter(region=region).first() or Policy(region=region)
    for name, value in data.items():
        setattr(policy, name, value)
    save_audited(policy, actor=actor)
    return policy


@transaction.atomic
def exemption_apply(*, actor: User, staff: Staff, kind: str, start, end=None, grounds: str = "", attachment=None) -> Exemption:
    """Record a school's application for a 暂不交流 exemption."""
    if not may_apply_exemption(actor, staff):
        raise PermissionDenied(MSG_EXEMPTION_APPLY_FORBIDDEN)
    if kind == Exemption.Kind.PREGNANCY_NURSING and staff.gender == Staff.Gender.MALE:
        raise ValidationError({"kind": MSG_PREGNANCY_NOT_FEMALE % {"name": staff.name}})
    exemption = Exemption(staff=staff, kind=kind, start=start, end=end, grounds=grounds, applied_by=actor)
    if attachment:
        exemption.attachment = attachment
    save_audited(exemption, actor=actor, reason="applied")
    return exemption


@transaction.atomic
def exemption_decide(*, actor: User, exemption: Exemption, approve: bool, reason: str, attachment=None, document_no: str = "") -> Exemption:
    """Approve or reject a pending exemption with a reason (county bureau of the staff's school)."""
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if not scope.can_manage(actor, exemption):
        raise PermissionDenied(MSG_EXEMPTION_DECIDE_FORBIDDEN)
    if exemption.state != Exemption.State.APPLIED:
        raise ValidationError(MSG_EXEMPTION_NOT_PENDING)
    if not reason.strip():
        raise ValidationError({"decision_reason": MSG_DECISION_REASON_REQUIRED})
    exemption.state = Exemption.State.APPROVED if approve else Exemption.State.REJECTED
    exemption.decision_reason = reason.strip()
    exemption.document_no = document_no or exemption.document_no
    exemption.decided_by, exemption.decided_at = actor, timezone.now()
    if attachment:
        exemption.attachment = attachment
    save_audited(exemption, actor=actor, reason=exemption.state)
    return exemption


__all__ = [
    "MSG_POLICY_FORBIDDEN", "MSG_EXEMPTION_APPLY_FORBIDDEN", "MSG_EXEMPTION_DECIDE_FORBIDDEN", "MSG_EXEMPTION_NOT_PENDING",
    "MSG_DECISION_REASON_REQUIRED", "POLICY_FIELDS", "policy_save", "exemption_apply", "exemption_decide",
]

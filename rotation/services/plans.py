"""Plans (交流计划) and their county quotas: split on creation, edited with the sum kept to the target."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Region
from org.services import save_audited
from rotation import rules, selectors
from rotation.models import Plan, Quota
from rotation.permissions import may_set_policy
from rotation.services.progress import queue_progress

MSG_PLAN_FORBIDDEN = _("Only city bureau staff may create or change the rotation plans of their city.")
MSG_SHARES_SUM = _("The shares add up to %(total)d; they must add up to the target of %(target)d.")
MSG_SHARE_BELOW_APPROVED = _("%(county)s has already approved %(approved)d assignments; its share cannot be below that.")
MSG_UNKNOWN_COUNTY = _("The plan has no quota for this county.")


@transaction.atomic
def plan_create(*, actor: User, region: Region, name: str, term_start: date, opens_on: date, deadline: date, target: int) -> Plan:
    """Create a plan and split its target over the region's counties by MUST_ROTATE + ELIGIBLE at term start."""
    if not may_set_policy(actor, region):
        raise PermissionDenied(MSG_PLAN_FORBIDDEN)
    errors = rules.plan_date_refusals(term_start=term_start, deadline=deadline, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    plan = Plan(region=region, name=name, term_start=term_start, opens_on=opens_on, deadline=deadline, target=target,
                created_by=actor)
    save_audited(plan, actor=actor, reason="created")
    shares = selectors.split_rows(
        counties=selectors.counties_under(region=region), staff=selectors.all_active_staff(region), on=term_start, target=target
    )
    counties = dict(selectors.counties_under(region=region).values_list("code", "id"))
    for share in shares:
        quota = Quota(plan=plan, county_id=counties[share.code], base=share.base, share=share.share)
        save_audited(quota, actor=actor, reason="split")
    queue_progress(plan.pk)
    return plan


@transaction.atomic
def plan_set_shares(*, actor: User, plan: Plan, shares: dict[int, int], target: int | None = None) -> Plan:
    """Set county shares (county id → share), optionally a new target; the sum must equal the target
    and no share may fall below what that county has already approved."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not may_set_policy(actor, plan.region):
        raise PermissionDenied(MSG_PLAN_FORBIDDEN)
    quotas = {quota.county_id: quota for quota in plan.quotas.select_related("county")}
    if set(shares) - set(quotas):
        raise ValidationError(MSG_UNKNOWN_COUNTY)
    new = {county: shares.get(county, quota.share) for county, quota in quotas.items()}
    target = plan.target if target is None else target
    if sum(new.values()) != target:
        raise ValidationError(MSG_SHARES_SUM % {"total": sum(new.values()), "target": target})
    committed = selectors.committed_by_county(plan)
    errors = [
        MSG_SHARE_BELOW_APPROVED % {"county": quotas[county].county.name, "approved": committed[county]}
        for county, share in new.items() if share < committed.get(county, 0)
    ]
    if errors:
        raise ValidationError(errors)
    if target != plan.target or any(quota.share != new[county] for county, quota in quotas.items()):
        # a change of shares is a save of the plan too, so a plan page opened before it is refused (org.versioning)
        reason = "target" if target != plan.target else "shares"
        plan.target = target
        save_audited(plan, actor=actor, reason=reason)
    for county, quota in quotas.items():
        if quota.share != new[county]:
            quota.share = new[county]
            save_audited(quota, actor=actor, reason="share")
    queue_progress(plan.pk)
    return plan


__all__ = [
    "MSG_PLAN_FORBIDDEN", "MSG_SHARES_SUM", "MSG_SHARE_BELOW_APPROVED", "MSG_UNKNOWN_COUNTY", "plan_create",
    "plan_set_shares",
]

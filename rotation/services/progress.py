"""Progress of plans: per county counts against the share, and yellow/red warnings raised and cleared."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from org import scope
from org.models import UserRole
from org.services import save_audited
from rotation import rules, selectors
from rotation.models import Notification, Plan, Progress, ProgressWarning

MSG_WARNING_RAISED = _("%(plan)s: %(county)s is behind (%(level)s warning): %(counted)d approved or in place, %(expected)s expected by %(date)s.")
MSG_WARNING_CLEARED = _("%(plan)s: %(county)s is back on track (%(counted)d approved or in place).")


MSG_RECOMPUTE_FORBIDDEN = _("Only bureau staff may recompute the progress of a plan.")


def queue_progress(plan_id: int) -> None:
    """Queue the progress of one plan once the current transaction commits (not only at the 06:00 job).

    Once per plan and transaction: a roster import of a thousand rows queues one computation. The
    pending callbacks are Django's own list, which a rollback empties, so nothing is skipped wrongly.
    """
    from rotation import tasks  # tasks import the services

    connection = transaction.get_connection()
    if any(getattr(func, "progress_plan_id", None) == plan_id for _ids, func, _robust in connection.run_on_commit):
        return

    def compute() -> None:
        tasks.compute_progress.delay(plan_id)

    compute.progress_plan_id = plan_id
    transaction.on_commit(compute)


def progress_recompute(*, actor: User, plan: Plan) -> None:
    """Bureau staff ask for the plan's progress now (the "重新计算" button)."""
    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_RECOMPUTE_FORBIDDEN)
    queue_progress(plan.pk)


def open_plans(on: date):
    """Plans whose progress is tracked on `on`: opened, and neither the deadline nor the term start passed."""
    return Plan.objects.filter(opens_on__lte=on).filter(Q(deadline__gte=on) | Q(term_start__gte=on))


@transaction.atomic
def progress_compute(*, plan: Plan, on: date) -> list[Progress]:
    """Compute each county's progress at `on` (idempotent per day) and raise or clear its warning."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    counts = selectors.plan_counts(plan)
    resolver = selectors.PolicyResolver()
    rows = []
    for quota in plan.quotas.select_related("county"):
        numbers = counts.get(quota.county_id, {"approved": 0, "in_place": 0, "key": 0})
        policy = resolver.policy(quota.county_id)
        counted = numbers["approved"] + numbers["in_place"]
        decision = rules.progress_level(
            counted=counted, on=on, opens_on=plan.opens_on, deadline=plan.deadline, share=quota.share,
            yellow_percent=policy.yellow_percent, red_percent=policy.red_percent,
        )
        progress, _created = Progress.objects.update_or_create(
            plan=plan, county=quota.county, computed_on=on,
            defaults={"share": quota.share, "approved": numbers["approved"], "in_place": numbers["in_place"],
                      "key_teachers": numbers["key"], "eligible": quota.base, "expected": _decimal(decision.expected)},
        )
        _warn(plan=plan, quota=quota, decision=decision, counted=counted, on=on)
        rows.append(progress)
    return rows


def _decimal(value) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _warn(*, plan, quota, decision, counted, on) -> None:
    current = ProgressWarning.objects.filter(plan=plan, county=quota.county, cleared_on__isnull=True).first()
    if current is not None and current.level == decision.level:
        return
    if current is not None:
        current.cleared_on = on
        save_audited(current, actor=None, reason="cleared")
        if decision.level is None:
            _notify(plan, quota.county, MSG_WARNING_CLEARED, {"counted": counted})
    if decision.level is not None:
        warning = ProgressWarning(plan=plan, county=quota.county, level=decision.level, raised_on=on, counted=counted,
                                  expected=_decimal(decision.expected))
        save_audited(warning, actor=None, reason="raised")
        values = {"level": warning.get_level_display(), "counted": counted, "expected": warning.expected, "date": on}
        _notify(plan, quota.county, MSG_WARNING_RAISED, values)


def _recipients(plan, county):
    """Bureau staff and supervisors of the county and of the plan's city."""
    roles = [UserRole.Role.COUNTY_STAFF, UserRole.Role.CITY_STAFF, UserRole.Role.SUPERVISOR]
    return get_user_model().objects.filter(
        Q(roles__region=county) | Q(roles__region=plan.region), roles__role__in=roles, is_active=True
    ).distinct()


def _notify(plan, county, message, values) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message) % {"plan": plan.name, "county": county.name, **values}
    users = list(_recipients(plan, county))
    Notification.objects.bulk_create(
        [Notification(user=user, text=text[:300], url=plan.get_absolute_url()) for user in users]
    )
    emails = [user.email for user in users if user.email]
    if emails and settings.EMAIL_HOST:
        transaction.on_commit(lambda: send_mail(text[:80], text, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True))


__all__ = [
    "MSG_WARNING_RAISED", "MSG_WARNING_CLEARED", "MSG_RECOMPUTE_FORBIDDEN", "open_plans", "progress_compute",
    "progress_recompute", "queue_progress",
]

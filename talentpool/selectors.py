"""Reads of the talent pool shared by pages, exports and the API: scoped, carrying their joins."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from org import scope
from org.models import Staff, UserRole
from org.selectors import history_of
from talentpool import permissions, rules
from talentpool.models import (
    Appointment,
    EligibilityRule,
    Intake,
    Nomination,
    PoolMember,
    Program,
    ReviewerAssignment,
    Track,
)

S = Nomination.Status


def program_list(*, user) -> QuerySet[Program]:
    return scope.visible_to(user, Program).select_related("region").prefetch_related("tracks")


def programs_run_by(user) -> QuerySet[Program]:
    """Programs this user may change: those of a region the user runs as bureau staff."""
    return scope.manageable(user, Program).select_related("region")


def track_list(*, user) -> QuerySet[Track]:
    return scope.visible_to(user, Track).select_related("program", "program__region", "scoring_form")


def intake_columns(queryset: QuerySet[Intake]) -> QuerySet[Intake]:
    """An (already scoped) intake queryset with its track and program joined and `admitted_count`."""
    return queryset.select_related("track", "track__program").annotate(
        admitted_count=Count("nominations", filter=Q(nominations__status=S.ADMITTED)),
    )


def intake_list(*, user) -> QuerySet[Intake]:
    return intake_columns(scope.visible_to(user, Intake))


def nomination_columns(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """An (already scoped) nomination queryset with what lists and pages show joined."""
    return queryset.select_related(
        "staff", "staff__school", "staff__school__region", "intake", "intake__track", "intake__track__program",
        "nominated_by",
    )


def nomination_list(*, user) -> QuerySet[Nomination]:
    return nomination_columns(scope.visible_to(user, Nomination))


def nomination_get(*, user, pk: int) -> Nomination:
    return scope.get_visible_or_404(user, nomination_list(user=user), pk=pk)


def pool_member_columns(queryset: QuerySet[PoolMember]) -> QuerySet[PoolMember]:
    return queryset.select_related("staff", "staff__school", "staff__school__region", "source")


def pool_member_list(*, user) -> QuerySet[PoolMember]:
    return pool_member_columns(scope.visible_to(user, PoolMember))


def appointment_columns(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related("staff", "school", "from_pool")


def appointment_list(*, user) -> QuerySet[Appointment]:
    return appointment_columns(scope.visible_to(user, Appointment))


@dataclass(frozen=True)
class QuotaState:
    quota: int
    admitted: int
    open: int

    @property
    def left(self) -> int:
        return rules.quota_left(self.quota, self.admitted)


def quota_state(intake: Intake) -> QuotaState:
    counts = intake.nominations.aggregate(
        admitted=Count("pk", filter=Q(status=S.ADMITTED)),
        open=Count("pk", filter=~Q(status__in=Nomination.CLOSED)),
    )
    return QuotaState(intake.quota, counts["admitted"], counts["open"])


def candidate_for(*, staff: Staff, head_teacher_since: dt.date | None = None) -> rules.Candidate:
    """The plain data the eligibility rules need about one staff member."""
    periods = tuple(
        staff.work_history.filter(post__in=Staff.LEADER_POSTS).exclude(school_id=staff.school_id).values_list("start", "end")
    )
    return rules.Candidate(
        birth_date=staff.birth_date, post=staff.post, stage=staff.school.stage, title=staff.title,
        post_start=staff.post_start, other_leader_periods=periods, head_teacher_since=head_teacher_since,
    )


def rule_rows(track: Track) -> list[rules.RuleRow]:
    return [
        rules.RuleRow(rule.kind, rule.number, rule.choice_list)
        for rule in EligibilityRule.objects.filter(track=track).order_by("id")
    ]


def eligibility_for(*, staff: Staff, intake: Intake, head_teacher_since: dt.date | None = None) -> rules.Decision:
    """Evaluate the intake's track rules for one person, as of the day the nomination window closes."""
    candidate = candidate_for(staff=staff, head_teacher_since=head_teacher_since)
    return rules.evaluate_eligibility(candidate, rule_rows(intake.track), intake.closes)


def inbox(*, user) -> dict[str, QuerySet]:
    """What waits for this user, by kind: county review, scoring, notice and decision steps, returned items."""
    everything = scope.sees_everything(user)
    visible = nomination_list(user=user)
    items = {}
    county_ids = set(UserRole.objects.filter(user=user, role=UserRole.Role.COUNTY_STAFF).values_list("region_id", flat=True))
    if county_ids or everything:
        submitted = visible.filter(status=S.SUBMITTED)
        items["county_review"] = submitted if everything else submitted.filter(staff__school__region_id__in=county_ids)
    if scope.manages_any(user):
        run = visible if everything else visible.filter(intake__track__program__in=scope.manageable(user, Program))
        items["assessment"] = run.filter(status=S.ASSESSMENT)
        items["notice"] = run.filter(status=S.NOTICE)
        items["decision"] = run.filter(status=S.DECISION)
    if scope.has_role(user, UserRole.Role.REVIEWER):
        items["scoring"] = ReviewerAssignment.objects.filter(
            reviewer=user, submitted_at__isnull=True, nomination__status=S.ASSESSMENT,
        ).select_related("nomination", "nomination__staff", "nomination__intake__track")
    if scope.has_role(user, UserRole.Role.PRINCIPAL):
        items["returned"] = visible.filter(status=S.RETURNED, staff__school_id__in=scope.headed_school_ids(user))
    return items


def nomination_page(*, user, nomination: Nomination) -> dict:
    """Everything the nomination page shows: steps, attachments, scores (all to the bureau, own to a reviewer)."""

    runner = permissions.may_run(user, nomination)
    county = scope.can_manage(user, nomination.staff)
    assignments = nomination.assignments.select_related("reviewer").prefetch_related("scores__item")
    if not (runner or county):
        assignments = assignments.filter(reviewer=user)
    mine = next((a for a in assignments if a.reviewer_id == user.pk), None)
    form = nomination.intake.track.scoring_form
    status = nomination.status
    return {
        "transitions": nomination.transitions.select_related("actor"),
        "attachments": nomination.attachments.all(),
        "assignments": assignments,
        "my_assignment": mine,
        "score_items": list(form.items.all()) if form and mine and status == S.ASSESSMENT else [],
        "objections": scope.visible_to(user, nomination.objections.select_related("recorded_by", "resolved_by")),
        "can_county": county and status in (S.SUBMITTED, S.RETURNED),
        "can_run": runner and not nomination.is_closed,
        "can_nominate": permissions.may_nominate(user, nomination.staff) and not nomination.is_closed,
        "reviewer_choices": reviewer_users() if runner and status == S.ASSESSMENT else [],
        "show_id_number": scope.is_bureau_staff(user),
        "status": status,
        "history": history_of(nomination),
    }


def reviewer_users():
    return get_user_model().objects.filter(roles__role=UserRole.Role.REVIEWER, is_active=True).order_by("username")


INBOX_ROWS = 100


def inbox_page(*, user) -> list[tuple[str, str, list, int]]:
    """The inbox as (key, title, rows, count) sections: at most INBOX_ROWS rows shown, the count is the full number."""
    return [(key, INBOX_TITLES[key], list(rows[:INBOX_ROWS]), rows.count()) for key, rows in inbox(user=user).items()]


INBOX_TITLES = {
    "county_review": _("Waiting for county review"),
    "scoring": _("Waiting for my scores"),
    "assessment": _("Under assessment"),
    "notice": _("On public notice"),
    "decision": _("Waiting for the collective decision"),
    "returned": _("Returned to my school"),
}


def promotion_report(*, user) -> dict[int, dict[str, int]]:
    """Promotions out of the pool per year and post, over the appointments the user may see."""
    rows = appointment_list(user=user).values_list("appointed_on__year", "to_post", "from_pool_id")
    return rules.promotion_report(rules.PromotionRow(year, post, pool is not None) for year, post, pool in rows)


def member_page(*, user, member: PoolMember) -> dict:
    """Everything a pool member's page shows, and which forms the user may use."""
    manage = scope.can_manage(user, member.staff)
    own_school = scope.is_principal_of(user, member.staff.school_id)
    active = member.status == PoolMember.Status.ACTIVE
    return {
        "tier_moves": member.tier_moves.select_related("actor"),
        "mentors": member.mentors.select_related("mentor__school"),
        "training": member.training.select_related("batch", "batch__base_school"),
        "summaries": member.summaries.select_related("submitted_by"),
        "reviews": member.annual_reviews.select_related("expert"),
        "final_evaluation": getattr(member, "final_evaluation", None) if hasattr(member, "final_evaluation") else None,
        "appointments": member.appointments.select_related("school"),
        "can_manage": manage and active,
        "can_summarise": (manage or own_school) and active,
        "can_review": manage or scope.has_role(user, UserRole.Role.REVIEWER),
    }

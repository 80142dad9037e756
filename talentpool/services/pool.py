"""Writes of the pool's life: members and their tiers and reviews, mentoring, training, studios,
yearly summaries and reviews, the final evaluation, and appointments out of the pool."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import integrity, scope
from org.models import School, Staff, UserRole
from org.services import save_audited
from talentpool import rules
from talentpool.models import (
    AnnualReview,
    Appointment,
    FinalEvaluation,
    MentoringPair,
    PoolMember,
    StageSummary,
    Studio,
    StudioMembership,
    TierMove,
    TrainingAttendance,
    TrainingBatch,
)

M = PoolMember.Status

MSG_MEMBER_OUT_OF_SCOPE = _("You may not manage this pool member.")
MSG_MEMBER_NOT_ACTIVE = _("Only active pool members can be changed this way.")
MSG_SAME_TIER = _("The member is already in this tier.")
MSG_ALREADY_IN_POOL = _("This person is already an active member of this pool.")
integrity.register("pool_member_one_active_per_type", MSG_ALREADY_IN_POOL)  # two additions at once
MSG_BAD_STATUS = _("A member can only be withdrawn or marked expired here.")
MSG_NOT_EXPERT = _("Annual reviews are given by reviewers or bureau staff.")
MSG_TRAINING_OUT_OF_SCOPE = _("You may not manage training of this region.")
MSG_HOURS_TOO_MANY = _("The hours attended cannot exceed the batch's planned hours (%(hours)s).")
MSG_APPOINTMENT_OUT_OF_SCOPE = _("You may only record appointments in schools you manage.")
__all__ = [
    "pool_member_add", "tier_move", "member_status_change", "member_review_complete", "pool_reviews_flag",
    "mentoring_pair_create", "training_batch_save", "attendance_record", "studio_save", "studio_member_add",
    "stage_summary_submit", "annual_review_record", "final_evaluation_record", "appointment_record",
]


def _require_manage(actor: User, staff: Staff, message=MSG_MEMBER_OUT_OF_SCOPE) -> None:
    if not scope.can_manage(actor, staff):
        raise PermissionDenied(message)


def _require_active(member: PoolMember) -> None:
    if member.status != M.ACTIVE:
        raise ValidationError(MSG_MEMBER_NOT_ACTIVE)


@transaction.atomic
def pool_member_add(*, actor: User, staff: Staff, program, pool_type: str, tier: str, joined: dt.date) -> PoolMember:
    """Enter a member directly (county pools built from existing records, seed 000), without a nomination.

    The review interval comes from the program whose pool the member enters (seed 002: every 3 years)."""
    _require_manage(actor, staff)
    review_interval_years = program.review_interval_years
    if PoolMember.objects.filter(staff=staff, pool_type=pool_type, status=M.ACTIVE).exists():
        raise ValidationError(MSG_ALREADY_IN_POOL)
    member = PoolMember(
        staff=staff, pool_type=pool_type, tier=tier, joined=joined, review_interval_years=review_interval_years,
        review_due=rules.review_due(joined, review_interval_years),
    )
    save_audited(member, actor=actor)
    return member


@transaction.atomic
def tier_move(*, actor: User, member: PoolMember, to_tier: str, moved_on: dt.date, reason: str = "") -> TierMove:
    """Move an active member between the county and city tiers, keeping the move in the member's history."""
    _require_manage(actor, member.staff)
    _require_active(member)
    if member.tier == to_tier:
        raise ValidationError(MSG_SAME_TIER)
    move = TierMove(member=member, from_tier=member.tier, to_tier=to_tier, moved_on=moved_on, actor=actor, reason=reason)
    save_audited(move, actor=actor)
    member.tier = to_tier
    save_audited(member, actor=actor, reason=reason[:100])
    return move


@transaction.atomic
def member_status_change(*, actor: User, member: PoolMember, status: str, reason: str) -> PoolMember:
    _require_manage(actor, member.staff)
    _require_active(member)
    if status not in (M.WITHDRAWN, M.EXPIRED):
        raise ValidationError(MSG_BAD_STATUS)
    member.status = status
    save_audited(member, actor=actor, reason=reason[:100])
    return member


@transaction.atomic
def member_review_complete(*, actor: User, member: PoolMember, reviewed_on: dt.date, keep: bool, reason: str = "") -> PoolMember:
    """The periodic review (每三年充实调整): keep the member for another interval, or let the membership expire."""
    _require_manage(actor, member.staff)
    _require_active(member)
    if keep:
        member.review_due = rules.review_due(reviewed_on, member.review_interval_years)
    else:
        member.status = M.EXPIRED
    member.review_flagged = False
    save_audited(member, actor=actor, reason=reason[:100] or "review")
    return member


@transaction.atomic
def pool_reviews_flag(*, today: dt.date | None = None) -> int:
    """Flag every active member whose review is due (idempotent: flagged members are left alone)."""
    today = today or timezone.localdate()
    due = [
        member for member in PoolMember.objects.filter(status=M.ACTIVE, review_flagged=False, review_due__lte=today)
        if rules.is_review_due(member.review_due, today)
    ]
    for member in due:
        member.review_flagged = True
        save_audited(member, actor=None, reason="review due")
    return len(due)


# --- development ------------------------------------------------------------------------------


@transaction.atomic
def mentoring_pair_create(*, actor: User, mentor: Staff, mentee: PoolMember, start: dt.date, goals: str = "") -> MentoringPair:
    _require_manage(actor, mentee.staff)
    _require_active(mentee)
    pair = MentoringPair(mentor=mentor, mentee=mentee, start=start, goals=goals)
    save_audited(pair, actor=actor)
    return pair


def _require_region(actor: User, region_id: int) -> None:
    if not scope.runs_region(actor, region_id):
        raise PermissionDenied(MSG_TRAINING_OUT_OF_SCOPE)


@transaction.atomic
def training_batch_save(*, actor: User, batch: TrainingBatch) -> TrainingBatch:
    _require_region(actor, batch.region_id)
    save_audited(batch, actor=actor)
    return batch


@transaction.atomic
def attendance_record(*, actor: User, batch: TrainingBatch, member: PoolMember, attended: bool, hours) -> TrainingAttendance:
    """Record (or correct) one member's attendance and hours in a training batch."""
    _require_region(actor, batch.region_id)
    if hours > batch.hours:
        raise ValidationError(MSG_HOURS_TOO_MANY, params={"hours": batch.hours})
    row = TrainingAttendance.objects.filter(batch=batch, member=member).first() or TrainingAttendance(batch=batch, member=member)
    row.attended, row.hours = attended, hours if attended else 0
    save_audited(row, actor=actor)
    return row


@transaction.atomic
def studio_save(*, actor: User, studio: Studio) -> Studio:
    if not studio.school_id or not scope.can_manage(actor, studio.school):
        raise PermissionDenied(MSG_MEMBER_OUT_OF_SCOPE)
    save_audited(studio, actor=actor)
    return studio


@transaction.atomic
def studio_member_add(*, actor: User, studio: Studio, staff: Staff, joined: dt.date) -> StudioMembership:
    if not scope.can_manage(actor, studio.school):
        raise PermissionDenied(MSG_MEMBER_OUT_OF_SCOPE)
    membership = StudioMembership(studio=studio, staff=staff, joined=joined)
    save_audited(membership, actor=actor)
    return membership


@transaction.atomic
def stage_summary_submit(*, actor: User, member: PoolMember, year: int, content: str) -> StageSummary:
    """A member's yearly stage summary, submitted by the member's school (principal) or the bureau."""
    if not scope.manages_or_heads(actor, member.staff):
        raise PermissionDenied(MSG_MEMBER_OUT_OF_SCOPE)
    summary = StageSummary.objects.filter(member=member, year=year).first() or StageSummary(member=member, year=year)
    summary.content, summary.submitted_by = content, actor
    save_audited(summary, actor=actor)
    return summary


@transaction.atomic
def annual_review_record(*, actor: User, member: PoolMember, year: int, grade: str, comment: str = "") -> AnnualReview:
    """An expert's annual review of a member (reviewers and bureau staff)."""
    if not (scope.has_role(actor, UserRole.Role.REVIEWER) or scope.can_manage(actor, member.staff)):
        raise PermissionDenied(MSG_NOT_EXPERT)
    review = AnnualReview.objects.filter(member=member, year=year, expert=actor).first() or AnnualReview(
        member=member, year=year, expert=actor,
    )
    review.grade, review.comment = grade, comment
    save_audited(review, actor=actor)
    return review


@transaction.atomic
def final_evaluation_record(
    *, actor: User, member: PoolMember, ethics: str, management_innovation: str, leadership: str, school_practice: str,
    overall: str, award_recommended: bool, evaluated_on: dt.date,
) -> FinalEvaluation:
    """The end-of-program evaluation on the four dimensions, with the award recommendation (seed 000)."""
    _require_manage(actor, member.staff)
    dimensions = {"ethics": ethics, "management_innovation": management_innovation, "leadership": leadership,
                  "school_practice": school_practice}
    problems = rules.check_final_evaluation(dimensions, overall, award_recommended)
    if problems:
        raise ValidationError([reason.message for reason in problems])
    evaluation = FinalEvaluation.objects.filter(member=member).first() or FinalEvaluation(member=member)
    for name, value in {**dimensions, "overall": overall, "award_recommended": award_recommended,
                        "evaluated_on": evaluated_on, "evaluated_by": actor}.items():
        setattr(evaluation, name, value)
    save_audited(evaluation, actor=actor)
    return evaluation


# --- promotions -----------------------------------------------------------------------------------


@transaction.atomic
def appointment_record(
    *, actor: User, staff: Staff, to_post: str, school: School, appointed_on: dt.date, document_ref: str = "",
) -> Appointment:
    """Record an appointment; an active pool membership becomes `promoted`. A principal appointed from
    outside the principal reserve pool is recorded with a warning (seed 002)."""
    if not (scope.can_manage(actor, staff) and scope.can_manage(actor, school)):
        raise PermissionDenied(MSG_APPOINTMENT_OUT_OF_SCOPE)
    members = list(PoolMember.objects.select_for_update().filter(staff=staff, status=M.ACTIVE, joined__lte=appointed_on))
    source = next((m for m in members if m.pool_type == "principal_reserve"), members[0] if members else None)
    appointment = Appointment(
        staff=staff, to_post=to_post, school=school, appointed_on=appointed_on, document_ref=document_ref,
        from_pool=source, recorded_by=actor,
        outside_pool_warning=rules.principal_outside_pool(to_post, [m.pool_type for m in members]),
    )
    save_audited(appointment, actor=actor)
    if source is not None:
        source.status = M.PROMOTED
        save_audited(source, actor=actor, reason="promoted")
    return appointment

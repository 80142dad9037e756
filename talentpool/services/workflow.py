"""Writes of the talent pool: programs, intakes, the nomination workflow and admissions.

Every change takes `actor=`, runs in a transaction, validates, and is saved through
org.services.save_audited; every workflow step also writes a Transition row (who, when, from,
to, comment). Admissions lock the intake row (select_for_update) so that concurrent decisions
never admit more than the quota.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from org import integrity
from org.models import Staff, UserRole
from org.services import save_audited
from talentpool import rules, selectors
from talentpool.models import (
    EligibilityRule,
    Holiday,
    Intake,
    Nomination,
    NominationAttachment,
    Objection,
    PoolMember,
    Program,
    ReviewerAssignment,
    Score,
    Track,
    Transition,
)
from talentpool.permissions import may_nominate, may_review_in_county, may_run, runs_region

S = Nomination.Status

MSG_PROGRAM_OUT_OF_SCOPE = _("You may not manage programs of this region.")
MSG_NOT_OWN_STAFF = _("You may only nominate staff of your own school.")
MSG_STAFF_NOT_ACTIVE = _("Only employed staff can be nominated.")
MSG_WINDOW_CLOSED = _("The nomination window of this intake is not open.")
MSG_NOT_ELIGIBLE = _("The nominee does not meet the eligibility rules: %(reasons)s")
MSG_ALREADY_NOMINATED = _("This person already has an open nomination in this intake.")
integrity.register("nomination_one_open_per_intake", MSG_ALREADY_NOMINATED)  # two submissions at once
MSG_ILLEGAL_TRANSITION = _("A nomination that is “%(current)s” cannot be moved to “%(target)s”.")
MSG_NOT_REVIEWER_ROLE = _("Only users with the reviewer role can be assigned.")
MSG_NO_REVIEWERS = _("Assign at least one reviewer before publishing the notice.")
MSG_SCORES_MISSING = _("Not every assigned reviewer has submitted scores yet.")
MSG_NOT_YOUR_ASSIGNMENT = _("This nomination is not assigned to you.")
MSG_NO_SCORING_FORM = _("The track has no scoring form.")
MSG_SCORE_ITEMS = _("Give a score for every item of the scoring form, and only for those.")
MSG_SCORE_RANGE = _("A score must be between 0 and the item's maximum.")
MSG_NOTICE_NOT_OVER = _("The public notice runs until %(end)s; the nomination cannot proceed before it ends.")
MSG_OBJECTION_OPEN = _("An objection raised during the public notice is not resolved yet.")
MSG_OBJECTION_RESOLVED = _("This objection is already resolved.")
MSG_QUOTA_FULL = _("The quota of this intake (%(quota)d) is used up; no more nominations can be admitted.")
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_DECISION_FIELDS = _("The meeting date and the minutes reference are required.")
MSG_MAY_NOT_ACT = _("You may not act on this nomination at this stage.")
MSG_NOTICE_IN_PAST = _("The public notice cannot start before today.")
MSG_INTAKE_OVER_TRACK = _("The intake quota (%(quota)d) cannot exceed the track's annual quota (%(annual)d).")
MSG_INTAKE_BELOW_ADMITTED = _("The intake quota (%(quota)d) cannot be lower than the %(admitted)d already admitted.")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require_runner(actor: User, program: Program) -> None:
    if not runs_region(actor, program.region_id):
        raise PermissionDenied(MSG_PROGRAM_OUT_OF_SCOPE)


# --- programs, tracks, rules, intakes --------------------------------------------------------


@transaction.atomic
def program_save(*, actor: User, program: Program) -> Program:
    """Create or change a program; only bureau staff of its owning region (stored and new) may."""
    if program.pk is not None:
        stored = Program.objects.filter(pk=program.pk).values_list("region_id", flat=True).first()
        if stored is not None and not runs_region(actor, stored):
            raise PermissionDenied(MSG_PROGRAM_OUT_OF_SCOPE)
    _require_runner(actor, program)
    save_audited(program, actor=actor)
    return program


@transaction.atomic
def track_save(*, actor: User, track: Track) -> Track:
    _require_runner(actor, track.program)
    save_audited(track, actor=actor)
    return track


@transaction.atomic
def eligibility_rule_save(*, actor: User, rule: EligibilityRule) -> EligibilityRule:
    _require_runner(actor, rule.track.program)
    save_audited(rule, actor=actor)
    return rule


@transaction.atomic
def eligibility_rule_delete(*, actor: User, rule: EligibilityRule) -> None:
    _require_runner(actor, rule.track.program)
    rule._history_user = actor
    rule.delete()


@transaction.atomic
def intake_save(*, actor: User, intake: Intake) -> Intake:
    """Create or change an intake; its quota stays within the track's annual quota and above the admissions."""
    _require_runner(actor, intake.track.program)
    if intake.quota is not None and intake.quota > intake.track.annual_quota:
        raise ValidationError(MSG_INTAKE_OVER_TRACK, params={"quota": intake.quota, "annual": intake.track.annual_quota})
    if intake.pk is not None and intake.quota is not None:
        admitted = intake.nominations.filter(status=S.ADMITTED).count()
        if intake.quota < admitted:
            raise ValidationError(MSG_INTAKE_BELOW_ADMITTED, params={"quota": intake.quota, "admitted": admitted})
    save_audited(intake, actor=actor)
    return intake


# --- the workflow ---------------------------------------------------------------------------------


def _move(nomination: Nomination, target: str, *, actor: User, comment: str = "") -> Nomination:
    current = nomination.status
    if not rules.can_move(current, target):
        raise ValidationError(
            MSG_ILLEGAL_TRANSITION, params={"current": S(current).label, "target": S(target).label},
        )
    nomination.status = target
    save_audited(nomination, actor=actor, reason=comment[:100])
    save_audited(Transition(nomination=nomination, from_status=current, to_status=target, actor=actor, comment=comment), actor=actor)
    return nomination


@transaction.atomic
def nomination_submit(
    *, actor: User, intake: Intake, staff: Staff, reasons: str, achievements: str = "",
    head_teacher_since: dt.date | None = None, source: str = Nomination.Source.NOMINATION,
    attachments=(), today: dt.date | None = None,
) -> Nomination:
    """Nominate one staff member into an intake (or record a personal application)."""
    if not may_nominate(actor, staff):
        raise PermissionDenied(MSG_NOT_OWN_STAFF)
    if staff.status != Staff.Status.ACTIVE:
        raise ValidationError(MSG_STAFF_NOT_ACTIVE)
    if not intake.opens <= _today(today) <= intake.closes:
        raise ValidationError(MSG_WINDOW_CLOSED)
    if intake.nominations.filter(staff=staff).exclude(status__in=[S.REJECTED, S.WITHDRAWN]).exists():
        raise ValidationError(MSG_ALREADY_NOMINATED)
    decision = selectors.eligibility_for(staff=staff, intake=intake, head_teacher_since=head_teacher_since)
    if not decision.eligible:
        raise ValidationError(MSG_NOT_ELIGIBLE, params={"reasons": "；".join(r.message for r in decision.failed)})
    nomination = Nomination(
        intake=intake, staff=staff, source=source, nominated_by=actor, reasons=reasons, achievements=achievements,
        head_teacher_since=head_teacher_since, status=S.SUBMITTED, eligibility=decision.as_dict(),
    )
    save_audited(nomination, actor=actor)
    save_audited(Transition(nomination=nomination, from_status="", to_status=S.SUBMITTED, actor=actor), actor=actor)
    for upload in attachments:
        save_audited(NominationAttachment(nomination=nomination, file=upload), actor=actor)
    return nomination


@transaction.atomic
def nomination_resubmit(*, actor: User, nomination: Nomination, reasons: str, achievements: str = "", comment: str = "") -> Nomination:
    """A returned nomination goes back to county review after the school revises it."""
    if not may_nominate(actor, nomination.staff):
        raise PermissionDenied(MSG_NOT_OWN_STAFF)
    nomination.reasons, nomination.achievements = reasons, achievements
    return _move(nomination, S.SUBMITTED, actor=actor, comment=comment)


@transaction.atomic
def nomination_county_pass(*, actor: User, nomination: Nomination, comment: str = "") -> Nomination:
    """County review (逐级遴选) passes the nomination on to assessment."""
    if not may_review_in_county(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    return _move(nomination, S.ASSESSMENT, actor=actor, comment=comment)


@transaction.atomic
def nomination_return(*, actor: User, nomination: Nomination, comment: str) -> Nomination:
    """County review sends the nomination back to the school for revision."""
    if not may_review_in_county(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if not comment.strip():
        raise ValidationError(MSG_REASON_REQUIRED)
    return _move(nomination, S.RETURNED, actor=actor, comment=comment)


@transaction.atomic
def nomination_reject(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """Reject at any open stage: the county before assessment, the program's bureau at any stage."""
    early = nomination.status in (S.SUBMITTED, S.RETURNED) and may_review_in_county(actor, nomination)
    if not (early or may_run(actor, nomination)):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if not reason.strip():
        raise ValidationError(MSG_REASON_REQUIRED)
    return _move(nomination, S.REJECTED, actor=actor, comment=reason)


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """The nominating school (or bureau staff) withdraws the nomination at any open stage."""
    if not (may_nominate(actor, nomination.staff) or may_run(actor, nomination)):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if not reason.strip():
        raise ValidationError(MSG_REASON_REQUIRED)
    return _move(nomination, S.WITHDRAWN, actor=actor, comment=reason)


@transaction.atomic
def reviewers_assign(*, actor: User, nomination: Nomination, reviewers) -> list[ReviewerAssignment]:
    """Assign reviewers (users with the reviewer role) to score a nomination under assessment."""
    if not may_run(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if nomination.status != S.ASSESSMENT:
        raise ValidationError(MSG_MAY_NOT_ACT)
    reviewer_ids = {user.pk for user in reviewers}
    allowed = set(
        UserRole.objects.filter(user_id__in=reviewer_ids, role=UserRole.Role.REVIEWER).values_list("user_id", flat=True)
    )
    if reviewer_ids - allowed or not reviewer_ids:
        raise ValidationError(MSG_NOT_REVIEWER_ROLE)
    existing = set(nomination.assignments.values_list("reviewer_id", flat=True))
    created = []
    for user in reviewers:
        if user.pk not in existing:
            assignment = ReviewerAssignment(nomination=nomination, reviewer=user, assigned_by=actor)
            save_audited(assignment, actor=actor)
            created.append(assignment)
    return created


@transaction.atomic
def scores_submit(*, actor: User, assignment: ReviewerAssignment, values: dict[int, Decimal], comment: str = "") -> ReviewerAssignment:
    """A reviewer scores every item of the track's form; the nomination's combined score is updated."""
    if assignment.reviewer_id != actor.pk:
        raise PermissionDenied(MSG_NOT_YOUR_ASSIGNMENT)
    nomination = assignment.nomination
    if nomination.status != S.ASSESSMENT:
        raise ValidationError(MSG_MAY_NOT_ACT)
    form = nomination.intake.track.scoring_form
    if form is None:
        raise ValidationError(MSG_NO_SCORING_FORM)
    items = list(form.items.all())
    if set(values) != {item.pk for item in items}:
        raise ValidationError(MSG_SCORE_ITEMS)
    for item in items:
        if not 0 <= Decimal(values[item.pk]) <= item.max_score:
            raise ValidationError(MSG_SCORE_RANGE)
    _scores_save(assignment, {item.pk: Decimal(values[item.pk]) for item in items}, actor=actor)
    plain = [rules.Item(item.pk, item.weight, item.max_score) for item in items]
    assignment.total = rules.sheet_total(plain, {key: Decimal(value) for key, value in values.items()})
    assignment.submitted_at = timezone.now()
    assignment.comment = comment
    save_audited(assignment, actor=actor)
    totals = list(nomination.assignments.filter(total__isnull=False).values_list("total", flat=True))
    nomination.final_score = rules.combine(totals)
    save_audited(nomination, actor=actor, reason="score")
    return assignment


def _scores_save(assignment: ReviewerAssignment, values: dict[int, Decimal], *, actor: User) -> None:
    """Write the sheet's scores (already checked: every item, each within 0..max) with their history rows:
    one read of the saved scores, one bulk update, one bulk create, whatever the number of items."""
    saved = {score.item_id: score for score in Score.objects.filter(assignment=assignment)}
    changed = []
    for item_id, value in values.items():
        if item_id in saved and saved[item_id].value != value:
            saved[item_id].value = value
            changed.append(saved[item_id])
    new = [Score(assignment=assignment, item_id=item_id, value=value) for item_id, value in values.items() if item_id not in saved]
    if changed:
        bulk_update_with_history(changed, Score, fields=["value"], default_user=actor, default_change_reason="score")
    if new:
        bulk_create_with_history(new, Score, default_user=actor, default_change_reason="score")


def _holidays_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return list(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


@transaction.atomic
def notice_publish(
    *, actor: User, nomination: Nomination, start: dt.date, end: dt.date, comment: str = "", today: dt.date | None = None,
) -> Nomination:
    """Put an assessed nomination on public notice (公示) for at least the program's working days."""
    if not may_run(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if nomination.status == S.ASSESSMENT:
        assignments = list(nomination.assignments.values_list("submitted_at", flat=True))
        if not assignments:
            raise ValidationError(MSG_NO_REVIEWERS)
        if any(submitted is None for submitted in assignments):
            raise ValidationError(MSG_SCORES_MISSING)
    if start < _today(today):
        raise ValidationError(MSG_NOTICE_IN_PAST)
    minimum = nomination.intake.track.program.notice_working_days
    period = rules.check_notice_period(start, end, minimum, _holidays_between(start, end))
    if not period.passed:
        raise ValidationError(period.message)
    nomination.notice_start, nomination.notice_end = start, end
    return _move(nomination, S.NOTICE, actor=actor, comment=comment)


def notice_publish_batch(
    *, actor: User, nominations, start: dt.date, end: dt.date, comment: str = "", today: dt.date | None = None,
) -> tuple[list, list]:
    """Open 公示 on several nominations with the same dates, each in its own transaction (one refused does not
    undo the others). Returns (done: [Nomination], refused: [(Nomination, message)])."""
    done, refused = [], []
    for nomination in nominations:
        try:
            done.append(notice_publish(actor=actor, nomination=nomination, start=start, end=end, comment=comment,
                                       today=today))
        except (ValidationError, PermissionDenied) as error:
            refused.append((nomination, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)))
    return done, refused


@transaction.atomic
def objection_record(*, actor: User, nomination: Nomination, received: dt.date, content: str, raised_by: str = "") -> Objection:
    if not may_run(actor, nomination) or nomination.status != S.NOTICE:
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    errors = rules.objection_received_refusals(received=received, notice_start=nomination.notice_start,
                                               notice_end=nomination.notice_end)
    if errors:
        raise ValidationError(errors)
    objection = Objection(nomination=nomination, received=received, content=content, raised_by=raised_by, recorded_by=actor)
    save_audited(objection, actor=actor)
    return objection


@transaction.atomic
def objection_resolve(*, actor: User, objection: Objection, resolution: str) -> Objection:
    if not may_run(actor, objection.nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if objection.is_resolved:
        raise ValidationError(MSG_OBJECTION_RESOLVED)
    if not resolution.strip():
        raise ValidationError(MSG_REASON_REQUIRED)
    errors = rules.objection_resolved_refusals(resolved=_today(None), received=objection.received)
    if errors:
        raise ValidationError(errors)
    objection.resolution, objection.resolved_at, objection.resolved_by = resolution, timezone.now(), actor
    save_audited(objection, actor=actor)
    return objection


@transaction.atomic
def notice_close(*, actor: User, nomination: Nomination, comment: str = "", today: dt.date | None = None) -> Nomination:
    """After the notice has ended with every objection resolved, the nomination goes to the collective decision."""
    if not may_run(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if nomination.status == S.NOTICE:
        if not rules.notice_over(nomination.notice_end, _today(today)):
            raise ValidationError(MSG_NOTICE_NOT_OVER, params={"end": nomination.notice_end.isoformat()})
        if nomination.objections.filter(resolved_at__isnull=True).exists():
            raise ValidationError(MSG_OBJECTION_OPEN)
    return _move(nomination, S.DECISION, actor=actor, comment=comment)


@transaction.atomic
def nomination_decide(
    *, actor: User, nomination: Nomination, admit: bool, meeting_date: dt.date, minutes_ref: str, comment: str = "",
) -> Nomination:
    """Record the collective decision (集体研究); admitting locks the intake so the quota holds under concurrency."""
    if not may_run(actor, nomination):
        raise PermissionDenied(MSG_MAY_NOT_ACT)
    if not meeting_date or not minutes_ref.strip():
        raise ValidationError(MSG_DECISION_FIELDS)
    intake = Intake.objects.select_for_update().select_related("track__program").get(pk=nomination.intake_id)
    nomination = Nomination.objects.select_for_update().select_related("staff").get(pk=nomination.pk)
    target = S.ADMITTED if admit else S.REJECTED
    if nomination.status != S.DECISION:  # earlier stages reject through nomination_reject, with a reason
        raise ValidationError(MSG_ILLEGAL_TRANSITION, params={"current": S(nomination.status).label, "target": S(target).label})
    errors = rules.decision_meeting_refusals(meeting_date=meeting_date, notice_end=nomination.notice_end)
    if errors:
        raise ValidationError(errors)
    nomination.meeting_date, nomination.minutes_ref = meeting_date, minutes_ref
    if not admit:
        return _move(nomination, S.REJECTED, actor=actor, comment=comment)
    admitted = intake.nominations.filter(status=S.ADMITTED).count()
    if rules.quota_left(intake.quota, admitted) <= 0:
        raise ValidationError(MSG_QUOTA_FULL, params={"quota": intake.quota})
    _move(nomination, S.ADMITTED, actor=actor, comment=comment)
    _admit_to_pool(actor=actor, nomination=nomination, intake=intake, joined=meeting_date)
    return nomination


def _admit_to_pool(*, actor: User, nomination: Nomination, intake: Intake, joined: dt.date) -> PoolMember:
    program = intake.track.program
    member = PoolMember.objects.filter(
        staff=nomination.staff, pool_type=intake.track.pool_type, status=PoolMember.Status.ACTIVE,
    ).first()
    if member is not None:
        return member
    member = PoolMember(
        staff=nomination.staff, pool_type=intake.track.pool_type, tier=program.level, joined=joined, source=nomination,
        review_interval_years=program.review_interval_years,
        review_due=rules.review_due(joined, program.review_interval_years),
    )
    save_audited(member, actor=actor, reason="admitted")
    return member


__all__ = [
    "MSG_PROGRAM_OUT_OF_SCOPE",
    "MSG_NOT_OWN_STAFF",
    "MSG_STAFF_NOT_ACTIVE",
    "MSG_WINDOW_CLOSED",
    "MSG_NOT_ELIGIBLE",
    "MSG_ALREADY_NOMINATED",
    "MSG_ILLEGAL_TRANSITION",
    "MSG_NOT_REVIEWER_ROLE",
    "MSG_NO_REVIEWERS",
    "MSG_SCORES_MISSING",
    "MSG_NOT_YOUR_ASSIGNMENT",
    "MSG_NO_SCORING_FORM",
    "MSG_SCORE_ITEMS",
    "MSG_SCORE_RANGE",
    "MSG_NOTICE_NOT_OVER",
    "MSG_OBJECTION_OPEN",
    "MSG_OBJECTION_RESOLVED",
    "MSG_QUOTA_FULL",
    "MSG_REASON_REQUIRED",
    "MSG_DECISION_FIELDS",
    "MSG_MAY_NOT_ACT",
    "MSG_NOTICE_IN_PAST",
    "MSG_INTAKE_OVER_TRACK",
    "MSG_INTAKE_BELOW_ADMITTED",
    "program_save",
    "track_save",
    "eligibility_rule_save",
    "eligibility_rule_delete",
    "intake_save",
    "nomination_submit",
    "nomination_resubmit",
    "nomination_county_pass",
    "nomination_return",
    "nomination_reject",
    "nomination_withdraw",
    "reviewers_assign",
    "scores_submit",
    "notice_publish",
    "notice_publish_batch",
    "objection_record",
    "objection_resolve",
    "notice_close",
    "nomination_decide",
]

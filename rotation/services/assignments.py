"""The roster (名册): creating assignments with every refusal of DESIGN.md, and their state transitions.

planned → approved → in_place → completed | ended_early | converted (a transfer: rated 优秀 and staying).
"""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.models import School, Staff, WorkHistory
from org.services import save_audited
from rotation import rules, selectors
from rotation.models import Assignment, Plan, Rating
from rotation.permissions import may_confirm_arrival
from rotation.rules import MSG_CADRE_FILING, MSG_OUTSIDE_WINDOW, MSG_TOO_SHORT
from rotation.services.progress import queue_progress

MSG_STAFF_OUT_OF_SCOPE = _("This staff member is outside your scope.")
MSG_SCHOOL_OUT_OF_SCOPE = _("The destination school is outside your scope.")
MSG_SAME_SCHOOL = _("The destination must be another school.")
MSG_NOT_ACTIVE = _("Only staff in active employment can be assigned.")
MSG_EXEMPT = _("This staff member is exempt from rotation (%(reasons)s); give a reason to override.")
MSG_OVERLAP = _("This staff member already has an assignment from %(start)s to %(end)s that overlaps these dates.")
MSG_PLAN_OUT_OF_SCOPE = _("The plan is outside your scope.")
MSG_BAD_STATE = _("This assignment is %(state)s; you cannot %(action)s it.")
MSG_APPROVE_FORBIDDEN = _("Only the bureau of the sending school may approve or close an assignment.")
MSG_CONFIRM_FORBIDDEN = _("Only the principal of the receiving school may confirm the arrival.")
MSG_END_REASON_REQUIRED = _("Give the reason for ending the assignment early.")
MSG_CONVERT_NEEDS_EXCELLENT = _("Only an assignment rated Excellent can become a transfer.")
MSG_RATING_REQUIRED = _("Give the rating of the assignment.")
MSG_CLOSE_REASON_REQUIRED = _("Give the reason for rejecting or cancelling the assignment.")

CADRE_POSTS = (*Staff.LEADER_POSTS, Staff.Post.MIDDLE_CADRE)


def _validate_new(*, actor: User, staff: Staff, to_school: School, form: str, start: date, planned_end: date,
                  filed_on: date, override: str, plan: Plan | None = None,
                  resolver: selectors.PolicyResolver | None = None, exclude: int | None = None) -> dict:
    """Every refusal of issue 4 at once, by field; returns nothing when the assignment may be created."""
    errors: dict[str, list] = {}
    if not scope.can_manage(actor, staff):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    if not scope.visible_to(actor, School).filter(pk=to_school.pk).exists():
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE)
    if staff.status != Staff.Status.ACTIVE:
        errors.setdefault("staff", []).append(MSG_NOT_ACTIVE)
    if to_school.pk == staff.school_id:
        errors.setdefault("to_school", []).append(MSG_SAME_SCHOOL)
    policy = resolver.policy(staff.school.region_id)
    is_cadre = staff.post in CADRE_POSTS
    dated = rules.assignment_date_refusals(
        post_label=staff.get_post_display(), start=start, planned_end=planned_end, filed_on=filed_on,
        minimum_years=policy.min_years_leader if is_cadre else policy.min_years_teacher,
        window=policy.window(start.year),
        filing_window=policy.filing_window(start.year) if is_cadre and form == Assignment.Form.SECONDMENT else None,
    )
    for field_name, messages in dated.items():
        errors.setdefault(field_name, []).extend(messages)
    as_of = plan.term_start if plan is not None else start  # DESIGN.md: a term's as-of date is its start
    decision = selectors.staff_decision(staff, as_of, resolver=resolver)
    if decision is not None and decision.status == rules.EXEMPT and not override.strip():
        errors.setdefault("exemption_override", []).append(MSG_EXEMPT % {"reasons": decision.explanation})
    overlap = _overlapping(staff, start, planned_end, exclude=exclude)
    if overlap is not None:
        values = {"start": overlap.start, "end": overlap.effective_end}
        errors.setdefault("start", []).append(MSG_OVERLAP % values)
    return errors


def _overlapping(staff: Staff, start: date, end: date, exclude: int | None = None) -> Assignment | None:
    open_ones = Assignment.objects.filter(staff=staff).filter(
        Q(state__in=Assignment.OPEN_STATES, planned_end__gte=start)
        | Q(state__in=Assignment.CLOSED_STATES, ended_on__gte=start)
    )
    return open_ones.filter(start__lte=end).exclude(pk=exclude).order_by("start").first()


@transaction.atomic
def assignment_create(*, actor: User, staff: Staff, to_school: School, form: str, start: date, planned_end: date,
                      plan: Plan | None = None, post_at_destination: str = "", relation_moves: bool = False,
                      subsidy_yuan=0, subsidy_note: str = "", exemption_override: str = "",
                      filed_on: date | None = None, resolver: selectors.PolicyResolver | None = None) -> Assignment:
    """Put a staff member on the roster (state planned), refusing what DESIGN.md and issue 4 forbid.

    `resolver`: a PolicyResolver shared by the rows of one import (policies are read once, not per row)."""
    resolver = resolver or selectors.PolicyResolver()
    staff = Staff.objects.select_for_update().select_related("school__region").get(pk=staff.pk)
    filed_on = filed_on or timezone.localdate()
    if plan is not None and not scope.visible_to(actor, Plan).filter(pk=plan.pk).exists():
        raise PermissionDenied(MSG_PLAN_OUT_OF_SCOPE)
    errors = _validate_new(actor=actor, staff=staff, to_school=to_school, form=form, start=start,
                           planned_end=planned_end, filed_on=filed_on, override=exemption_override, plan=plan,
                           resolver=resolver)
    if errors:
        raise ValidationError(errors)
    policy = resolver.policy(staff.school.region_id)
    assignment = Assignment(
        plan=plan, staff=staff, from_school=staff.school, to_school=to_school, form=form, start=start,
        planned_end=planned_end, post_at_destination=post_at_destination, relation_moves=relation_moves,
        subsidy_yuan=subsidy_yuan, subsidy_note=subsidy_note, filed_on=filed_on,
        exemption_override=exemption_override.strip(), is_key_teacher=staff.honour_level >= policy.key_teacher_honour,
    )
    _save(assignment, actor=actor, reason="planned")
    return assignment


def _save(assignment: Assignment, *, actor, reason: str) -> None:
    """Save a roster entry audited, and queue its plan's progress once the change commits (issue 8, point 2)."""
    save_audited(assignment, actor=actor, reason=reason)
    if assignment.plan_id is not None:
        queue_progress(assignment.plan_id)


def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update().select_related("staff", "from_school", "to_school").get(pk=assignment.pk)


def _require_state(assignment: Assignment, states, action) -> None:
    if assignment.state not in states:
        raise ValidationError(MSG_BAD_STATE % {"state": assignment.get_state_display(), "action": action})


def _require_manager(actor: User, assignment: Assignment) -> None:
    if not scope.manageable(actor, Assignment).filter(pk=assignment.pk).exists():
        raise PermissionDenied(MSG_APPROVE_FORBIDDEN)


@transaction.atomic
def assignment_approve(*, actor: User, assignment: Assignment) -> Assignment:
    """planned → approved, by the sending school's bureau."""
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, [Assignment.State.PLANNED], _("approve"))
    assignment.state = Assignment.State.APPROVED
    _save(assignment, actor=actor, reason="approved")
    return assignment


@transaction.atomic
def assignment_confirm_arrival(*, actor: User, assignment: Assignment, arrived_on: date | None = None) -> Assignment:
    """approved → in place (到位), confirmed by the receiving school's principal."""
    assignment = _locked(assignment)
    if not may_confirm_arrival(actor, assignment):
        raise PermissionDenied(MSG_CONFIRM_FORBIDDEN)
    _require_state(assignment, [Assignment.State.APPROVED], _("confirm"))
    today = timezone.localdate()
    arrived_on = arrived_on or today
    errors = rules.arrival_refusals(arrived_on=arrived_on, start=assignment.start, today=today)
    if errors:
        raise ValidationError(errors)
    assignment.state = Assignment.State.IN_PLACE
    assignment.arrived_on = arrived_on
    assignment.confirmed_by = actor
    _save(assignment, actor=actor, reason="in_place")
    return assignment


@transaction.atomic
def assignment_complete(*, actor: User, assignment: Assignment, rating: str, ended_on: date | None = None) -> Assignment:
    """in place → completed, with the rating of the stint."""
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, [Assignment.State.IN_PLACE], _("complete"))
    if rating not in Rating.values:
        raise ValidationError({"rating": MSG_RATING_REQUIRED})
    ended_on = ended_on or assignment.planned_end
    errors = rules.completion_refusals(ended_on=ended_on, planned_end=assignment.planned_end)
    if errors:
        raise ValidationError(errors)
    assignment.state, assignment.rating = Assignment.State.COMPLETED, rating
    assignment.ended_on = ended_on
    _save(assignment, actor=actor, reason="completed")
    return assignment


@transaction.atomic
def assignment_end_early(*, actor: User, assignment: Assignment, reason: str, ended_on: date | None = None,
                         rating: str = "") -> Assignment:
    """approved or in place → ended early, with the reason."""
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, [Assignment.State.APPROVED, Assignment.State.IN_PLACE], _("end early"))
    if not reason.strip():
        raise ValidationError({"end_reason": MSG_END_REASON_REQUIRED})
    ended_on = ended_on or timezone.localdate()
    errors = rules.early_end_refusals(ended_on=ended_on, arrived_on=assignment.arrived_on)
    if errors:
        raise ValidationError(errors)
    assignment.state, assignment.end_reason = Assignment.State.ENDED_EARLY, reason.strip()
    assignment.ended_on = ended_on
    assignment.rating = rating
    _save(assignment, actor=actor, reason="ended_early")
    return assignment


@transaction.atomic
def assignment_convert(*, actor: User, assignment: Assignment, rating: str = "", on: date | None = None) -> Assignment:
    """in place or completed, rated 优秀 → a transfer: the person stays at the receiving school.

    The staff member's current school becomes the receiving school from `on`; the home school is
    kept as a work-history row, so later eligibility counts it as another school.
    """
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, [Assignment.State.IN_PLACE, Assignment.State.COMPLETED], _("convert"))
    assignment.rating = rating or assignment.rating
    if assignment.rating != Rating.EXCELLENT:
        raise ValidationError({"rating": MSG_CONVERT_NEEDS_EXCELLENT})
    on = on or assignment.ended_on or timezone.localdate()
    assignment.state, assignment.ended_on = Assignment.State.CONVERTED, on
    _save(assignment, actor=actor, reason="converted")
    staff = Staff.objects.select_for_update().get(pk=assignment.staff_id)
    if staff.school_start and staff.school_start < on:
        home = WorkHistory(staff=staff, school_id=staff.school_id, post=staff.post, start=staff.school_start,
                           end=on - timedelta(days=1))
        save_audited(home, actor=actor, reason="converted")
    # The sending bureau approved the stint and its 优秀 rating, so it moves the person itself, also across
    # counties (org.services.staff_update would require managing the receiving school as well).
    staff.school, staff.school_start = assignment.to_school, on
    if staff.is_leader:  # a new leader post at the new school: the first term starts again (not MUST_ROTATE at once)
        staff.post_start = on
    save_audited(staff, actor=actor, reason="converted")
    return assignment


EDITABLE_FIELDS = ("to_school", "form", "start", "planned_end", "plan", "post_at_destination", "relation_moves",
                   "subsidy_yuan", "subsidy_note", "exemption_override")


@transaction.atomic
def assignment_update(*, actor: User, assignment: Assignment, to_school: School, form: str, start: date,
                      planned_end: date, plan: Plan | None = None, post_at_destination: str = "",
                      relation_moves: bool = False, subsidy_yuan=0, subsidy_note: str = "",
                      exemption_override: str = "") -> Assignment:
    """Edit a planned assignment (the sending bureau): the same refusals as a new one, its own dates aside
    in the overlap check. The person and the filing date stay; approved and later entries are not edited."""
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, [Assignment.State.PLANNED], _("edit"))
    if plan is not None and not scope.visible_to(actor, Plan).filter(pk=plan.pk).exists():
        raise PermissionDenied(MSG_PLAN_OUT_OF_SCOPE)
    resolver = selectors.PolicyResolver()
    staff = Staff.objects.select_related("school__region").get(pk=assignment.staff_id)
    errors = _validate_new(actor=actor, staff=staff, to_school=to_school, form=form, start=start,
                           planned_end=planned_end, filed_on=assignment.filed_on, override=exemption_override,
                           plan=plan, resolver=resolver, exclude=assignment.pk)
    if errors:
        raise ValidationError(errors)
    values = {"to_school": to_school, "form": form, "start": start, "planned_end": planned_end, "plan": plan,
              "post_at_destination": post_at_destination, "relation_moves": relation_moves,
              "subsidy_yuan": subsidy_yuan, "subsidy_note": subsidy_note,
              "exemption_override": exemption_override.strip()}
    for name, value in values.items():
        setattr(assignment, name, value)
    _save(assignment, actor=actor, reason="edited")
    return assignment


def _close(*, actor: User, assignment: Assignment, reason: str, states, state: str, action) -> Assignment:
    assignment = _locked(assignment)
    _require_manager(actor, assignment)
    _require_state(assignment, states, action)
    if not reason.strip():
        raise ValidationError({"reason": MSG_CLOSE_REASON_REQUIRED})
    assignment.state, assignment.end_reason = state, reason.strip()
    _save(assignment, actor=actor, reason=state)  # cancelling an approved entry changes progress
    return assignment


@transaction.atomic
def assignment_reject(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """planned → rejected, by the sending school's bureau, with the reason (kept in end_reason)."""
    return _close(actor=actor, assignment=assignment, reason=reason, states=[Assignment.State.PLANNED],
                  state=Assignment.State.REJECTED, action=_("reject"))


@transaction.atomic
def assignment_cancel(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """planned or approved → cancelled (withdrawn before the arrival), by the sending school's bureau, with the reason."""
    return _close(actor=actor, assignment=assignment, reason=reason,
                  states=[Assignment.State.PLANNED, Assignment.State.APPROVED], state=Assignment.State.CANCELLED,
                  action=_("cancel"))


TRANSITIONS = ("approve", "confirm", "complete", "end_early", "convert", "reject", "cancel")
BATCH_ACTIONS = ("approve", "confirm")


def assignment_transition(*, actor: User, assignment: Assignment, action: str, rating: str = "", reason: str = "",
                          on: date | None = None) -> Assignment:
    """Dispatch one named transition (the pages and the API post an action name)."""
    if action == "approve":
        return assignment_approve(actor=actor, assignment=assignment)
    if action == "confirm":
        return assignment_confirm_arrival(actor=actor, assignment=assignment, arrived_on=on)
    if action == "complete":
        return assignment_complete(actor=actor, assignment=assignment, rating=rating, ended_on=on)
    if action == "end_early":
        return assignment_end_early(actor=actor, assignment=assignment, reason=reason, ended_on=on, rating=rating)
    if action == "convert":
        return assignment_convert(actor=actor, assignment=assignment, rating=rating, on=on)
    if action == "reject":
        return assignment_reject(actor=actor, assignment=assignment, reason=reason)
    if action == "cancel":
        return assignment_cancel(actor=actor, assignment=assignment, reason=reason)
    raise ValueError(action)


def assignment_batch(*, actor: User, assignments, action: str, on: date | None = None) -> tuple[list, list]:
    """Approve or confirm the arrival of several assignments, each in its own transaction (one refused does not
    undo the others). Returns (done: [Assignment], refused: [(Assignment, message)]); action in BATCH_ACTIONS."""
    if action not in BATCH_ACTIONS:
        raise ValueError(action)
    done, refused = [], []
    for assignment in assignments:
        try:
            done.append(assignment_transition(actor=actor, assignment=assignment, action=action, on=on))
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            refused.append((assignment, " ".join(messages)))
    return done, refused


__all__ = [
    "TRANSITIONS", "BATCH_ACTIONS", "EDITABLE_FIELDS", "assignment_transition", "assignment_update", "assignment_reject",
    "assignment_cancel", "assignment_batch", "MSG_CLOSE_REASON_REQUIRED",
    "MSG_STAFF_OUT_OF_SCOPE", "MSG_SCHOOL_OUT_OF_SCOPE", "MSG_SAME_SCHOOL", "MSG_NOT_ACTIVE", "MSG_TOO_SHORT",
    "MSG_OUTSIDE_WINDOW", "MSG_CADRE_FILING", "MSG_EXEMPT", "MSG_OVERLAP", "MSG_PLAN_OUT_OF_SCOPE", "MSG_BAD_STATE",
    "MSG_APPROVE_FORBIDDEN", "MSG_CONFIRM_FORBIDDEN", "MSG_END_REASON_REQUIRED", "MSG_CONVERT_NEEDS_EXCELLENT",
    "MSG_RATING_REQUIRED", "assignment_create", "assignment_approve", "assignment_confirm_arrival", "assignment_complete",
    "assignment_end_early", "assignment_convert",
]

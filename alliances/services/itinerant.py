"""走教 coverage of township alliances (seed 003, 二(一)3 and 三(一)2): needs, weekly lessons, double booking."""

from datetime import date, time

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import rules
from alliances.models import CourseNeed, Group, ItinerantSlot, membership_from_q
from alliances.services.groups import current_members, require_manager
from org.models import School, Staff
from org.services import save_audited
from rotation.models import Assignment

MSG_NOT_TOWNSHIP = _("走教 schedules belong to township central-school alliances only.")
MSG_NOT_SMALL_SCHOOL = _("%(school)s is not a member (small) school of this alliance.")
MSG_TEACHER_NOT_OURS = _("%(staff)s is neither at a school of this alliance nor dispatched to it.")
MSG_DOUBLE_BOOKED = _("%(staff)s already teaches at %(school)s on %(weekday)s %(starts)s-%(ends)s: a teacher cannot be in two schools at the same time.")


def _require_township(actor, group: Group, on: date | None = None) -> None:
    require_manager(actor, group, on=on)
    if group.type != rules.TOWNSHIP:
        raise ValidationError(MSG_NOT_TOWNSHIP)


@transaction.atomic
def course_need_save(*, actor: User, group: Group, school: School, subject: str, weekly_lessons: int = 1) -> CourseNeed:
    """Record that a small school's timetable needs a subject (开足开齐)."""
    _require_township(actor, group)
    if school not in current_members(group):
        raise ValidationError({"school": MSG_NOT_SMALL_SCHOOL % {"school": school.name}})
    need = CourseNeed.objects.filter(group=group, school=school, subject=subject.strip()).first()
    need = need or CourseNeed(group=group, school=school, subject=subject.strip())
    need.weekly_lessons = weekly_lessons
    save_audited(need, actor=actor)
    return need


@transaction.atomic
def slot_create(*, actor: User, group: Group, school: School, staff: Staff, subject: str, weekday: int, starts_at: time,
                ends_at: time, valid_from: date, valid_to: date | None = None,
                assignment: Assignment | None = None) -> ItinerantSlot:
    """Schedule a weekly 走教 lesson; refused when the teacher is already booked anywhere at that time."""
    _require_township(actor, group, on=valid_from)
    if school not in current_members(group):
        raise ValidationError({"school": MSG_NOT_SMALL_SCHOOL % {"school": school.name}})
    staff = Staff.objects.select_for_update().get(pk=staff.pk)  # serialise bookings of one teacher
    school_ids = set(group.memberships.filter(membership_from_q(timezone.localdate())).values_list("school_id", flat=True))
    dispatched = Assignment.objects.filter(staff=staff, to_school_id__in=school_ids, state__in=Assignment.COUNTED_STATES).exists()
    if staff.school_id not in school_ids and not dispatched:
        raise ValidationError({"staff": MSG_TEACHER_NOT_OURS % {"staff": staff.name}})
    slot = ItinerantSlot(group=group, school=school, staff=staff, subject=subject.strip(), weekday=weekday, starts_at=starts_at,
                         ends_at=ends_at, valid_from=valid_from, valid_to=valid_to, assignment=assignment)
    slot.full_clean()
    new = _as_rule(slot)
    existing = ItinerantSlot.objects.filter(staff=staff, weekday=weekday).select_related("school")
    clash = next((row for row in existing if rules.clashes(new, [_as_rule(row)])), None)
    if clash is not None:
        raise ValidationError(MSG_DOUBLE_BOOKED % {
            "staff": staff.name, "school": clash.school.name, "weekday": clash.get_weekday_display(),
            "starts": f"{clash.starts_at:%H:%M}", "ends": f"{clash.ends_at:%H:%M}",
        })
    save_audited(slot, actor=actor, reason="scheduled")
    return slot


def _as_rule(slot: ItinerantSlot) -> rules.Slot:
    return rules.Slot(slot.staff_id, slot.school_id, slot.weekday, slot.starts_at, slot.ends_at, slot.valid_from, slot.valid_to)


@transaction.atomic
def slot_delete(*, actor: User, slot: ItinerantSlot) -> None:
    _require_township(actor, slot.group)
    slot._history_user = actor
    slot.delete()


__all__ = ["MSG_NOT_TOWNSHIP", "MSG_NOT_SMALL_SCHOOL", "MSG_TEACHER_NOT_OURS", "MSG_DOUBLE_BOOKED", "course_need_save",
           "slot_create", "slot_delete"]

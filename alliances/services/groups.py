"""Groups, memberships, posts, requirements and dispatch details (seed 003, DESIGN.md "Alliances")."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import permissions, rules
from alliances.models import (
    DispatchDetail,
    DispatchRequirement,
    Group,
    GroupPost,
    Membership,
    PreschoolRating,
    membership_from_q,
    membership_on_q,
)
from org import scope
from org.models import Region, School, Staff
from org.services import save_audited
from rotation.models import Assignment

MSG_GROUP_FORBIDDEN = _("Only bureau staff of the group's owning region may change it.")
MSG_SCHOOL_OUT_OF_SCOPE = _("%(school)s is outside your scope.")
MSG_REGION_FORBIDDEN = _("You may not manage groups of this region.")
MSG_DISSOLVED = _("The group %(group)s was dissolved on %(on)s; it cannot be changed.")
MSG_AFTER_DISSOLVED = _("The group %(group)s is dissolved on %(on)s: nothing can be dated after that day (%(date)s).")
MSG_ALREADY_MEMBER = _("%(school)s is already a member of this group.")
MSG_LEFT_BEFORE_JOINED = _("%(school)s cannot leave before it joined (%(joined)s).")
MSG_LEAD_LEAVES = _("The lead school %(school)s cannot leave; dissolve the group instead.")
MSG_DISSOLVE_BEFORE_FOUNDED = _("A group cannot be dissolved before it was founded (%(on)s).")
MSG_JOINED_BEFORE_FOUNDED = _("%(school)s cannot join before the group was founded (%(on)s).")
MSG_POST_BEFORE_FOUNDED = _("A post of the group cannot start before the group was founded (%(on)s).")
MSG_POST_SCHOOL = _("%(school)s is not a school of this group.")
MSG_HEAD_AT_LEAD = _("The head of group holds the post at the lead school.")
MSG_POST_STAFF = _("%(staff)s works at neither the lead school nor %(school)s.")
MSG_NO_PRINCIPAL = _("The lead school %(school)s has no principal on record; appoint the head of group by hand.")
MSG_MAX_BELOW_MIN = _("The upper limit %(maximum)s cannot be below the lower limit %(minimum)s.")
MSG_REQUIREMENT_FORBIDDEN = _("Only bureau staff may change dispatch requirements, and only for their own region.")


def _check_dates(**dates) -> None:
    refusals = rules.date_refusals(today=timezone.localdate(), **dates)
    if refusals:
        raise ValidationError(refusals)


def require_manager(actor, group: Group, on: date | None = None) -> None:
    """The actor may change the group, and the group takes a change dated `on` (default today): a group whose
    dissolution day has passed takes none; one dissolved ahead stays editable until that day, for changes dated
    on or before it (`Group.frozen_for`, the rule of `alliances.models.active_on_q`)."""
    if not permissions.may_manage_group(actor, group):
        raise PermissionDenied(MSG_GROUP_FORBIDDEN)
    today = timezone.localdate()
    if group.frozen_for(on or today, today):
        if today > group.dissolved_on:
            raise ValidationError(MSG_DISSOLVED % {"group": group.name, "on": group.dissolved_on})
        raise ValidationError(MSG_AFTER_DISSOLVED % {"group": group.name, "on": group.dissolved_on, "date": on})


def school_infos(schools) -> dict[int, rules.SchoolInfo]:
    """Plain school facts for the rules, with kindergarten model levels (two queries)."""
    schools = list(schools)
    levels = dict(PreschoolRating.objects.filter(school__in=[s.pk for s in schools]).values_list("school_id", "level"))
    return {
        s.pk: rules.SchoolInfo(s.pk, s.name, s.region_id, s.stage, s.location, s.is_weak, s.enrolment, levels.get(s.pk, ""))
        for s in schools
    }


def _tight_elsewhere(school_ids, exclude_group: int | None, on: date) -> dict[int, str]:
    """Schools still in another tight group on or after `on`. By the membership's own dates, not by whether the
    group is dissolved: a dissolution dated ahead ends its memberships that day, and until then they still hold."""
    rows = (Membership.objects.filter(school_id__in=school_ids, group__type=rules.TIGHT)
            .filter(membership_from_q(on)).exclude(group_id=exclude_group)
            .values_list("school_id", "group__name"))
    return dict(rows)


def _check(group_type: str, tier, lead: School, members: list[School], *, exclude_group=None, on: date, active=True) -> None:
    infos = school_infos([lead, *members])
    elsewhere = _tight_elsewhere([lead.pk, *[m.pk for m in members]], exclude_group, on) if group_type == rules.TIGHT else {}
    shape = rules.GroupShape(group_type, infos[lead.pk], tuple(infos[m.pk] for m in members), tier, elsewhere, active)
    refusals = rules.check_group(shape)
    if refusals:
        raise ValidationError([refusal.message for refusal in refusals])


def _require_visible(actor, schools) -> None:
    visible = set(scope.visible_to(actor, School).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
    for school in schools:
        if school.pk not in visible:
            raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE % {"school": school.name})


def current_members(group: Group, on: date | None = None) -> list[School]:
    """Member schools (lead excluded) whose membership covers `on`; without `on`, those not ended before today (open,
    or leaving on or after today, as a group dissolved ahead leaves them: they hold until then)."""
    rows = group.memberships.filter(role=Membership.Role.MEMBER).select_related("school")
    rows = rows.filter(membership_from_q(timezone.localdate())) if on is None else rows.filter(membership_on_q(on))
    return [row.school for row in rows]


@transaction.atomic
def group_create(*, actor: User, name: str, type: str, region: Region, lead_school: School, members, founded_on: date,
                 tier: int | None = None) -> Group:
    """Found a group with its lead and members, checked against every per-type constraint.

    The head of group (总校长) is by default the lead school's principal (seed 003, 三(二)).
    Errors: PermissionDenied outside the actor's regions or schools; ValidationError with one
    Chinese message per broken constraint, naming the school and the rule.
    """
    _check_dates(founded_on=founded_on)
    if not scope.manageable_regions(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(MSG_REGION_FORBIDDEN)
    members = [school for school in dict.fromkeys(members) if school.pk != lead_school.pk] if members else []
    _require_visible(actor, [lead_school, *members])
    _check(type, tier, lead_school, members, on=founded_on)
    group = Group(name=name, type=type, tier=tier, region=region, lead_school=lead_school, founded_on=founded_on,
                  created_by=actor)
    save_audited(group, actor=actor, reason="founded")
    save_audited(Membership(group=group, school=lead_school, role=Membership.Role.LEAD, joined_on=founded_on), actor=actor)
    for school in members:
        save_audited(Membership(group=group, school=school, joined_on=founded_on), actor=actor, reason="joined")
    principal = Staff.objects.filter(school=lead_school, post=Staff.Post.PRINCIPAL, status=Staff.Status.ACTIVE).first()
    if principal is not None:
        save_audited(GroupPost(group=group, school=lead_school, staff=principal, kind=GroupPost.Kind.HEAD,
                               start=founded_on, appointed_by=actor), actor=actor, reason="default head")
    return group


@transaction.atomic
def membership_add(*, actor: User, group: Group, school: School, joined_on: date) -> Membership:
    """A school joins; the group must still meet its type's constraints with it."""
    _check_dates(joined_on=joined_on)
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_manager(actor, group, on=joined_on)
    _require_visible(actor, [school])
    members = current_members(group)
    if school.pk == group.lead_school_id or school in members:
        raise ValidationError(MSG_ALREADY_MEMBER % {"school": school.name})
    if joined_on < group.founded_on:
        raise ValidationError({"joined_on": MSG_JOINED_BEFORE_FOUNDED % {"school": school.name, "on": group.founded_on}})
    _check(group.type, group.tier, group.lead_school, [*members, school], exclude_group=group.pk, on=joined_on)
    membership = Membership(group=group, school=school, joined_on=joined_on, left_on=group.dissolved_on)  # ends with a dissolution ahead
    save_audited(membership, actor=actor, reason="joined")
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: Membership, left_on: date) -> Membership:
    """A member school leaves on `left_on` (its last day); the active group keeps its constraints."""
    _check_dates(left_on=left_on)
    membership = Membership.objects.select_for_update().select_related("group", "school").get(pk=membership.pk)
    group = membership.group
    require_manager(actor, group, on=left_on)
    if membership.role == Membership.Role.LEAD:
        raise ValidationError(MSG_LEAD_LEAVES % {"school": membership.school.name})
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": MSG_LEFT_BEFORE_JOINED % {"school": membership.school.name, "joined": membership.joined_on}})
    after = left_on + _one_day()  # the members of the day after its last day (a leave dated ahead no longer counts)
    remaining = [row.school for row in group.memberships.filter(membership_from_q(after), role=Membership.Role.MEMBER)
                 .exclude(pk=membership.pk).select_related("school")]
    _check(group.type, group.tier, group.lead_school, remaining, exclude_group=group.pk, on=left_on,
           active=group.is_active_on(after))
    membership.left_on = left_on
    save_audited(membership, actor=actor, reason="left")
    return membership


@transaction.atomic
def group_dissolve(*, actor: User, group: Group, on: date, reason: str = "") -> Group:
    """Dissolve with a date (never delete): open memberships and posts end that day."""
    _check_dates(dissolved_on=on)
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_manager(actor, group, on=on)
    if group.dissolved_on is not None:  # dissolved once (a dissolution ahead included)
        raise ValidationError(MSG_DISSOLVED % {"group": group.name, "on": group.dissolved_on})
    if on < group.founded_on:
        raise ValidationError({"dissolved_on": MSG_DISSOLVE_BEFORE_FOUNDED % {"on": group.founded_on}})
    for membership in group.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=on)):
        membership.left_on = max(on, membership.joined_on)
        save_audited(membership, actor=actor, reason="dissolved")
    for post in group.posts.filter(Q(end__isnull=True) | Q(end__gt=on)):
        post.end = max(on, post.start)
        save_audited(post, actor=actor, reason="dissolved")
    group.dissolved_on, group.dissolution_reason = on, reason
    save_audited(group, actor=actor, reason="dissolved")
    return group


@transaction.atomic
def post_appoint(*, actor: User, group: Group, school: School, staff: Staff, kind: str, start: date, document_no: str = "",
                 assignment: Assignment | None = None) -> GroupPost:
    """Record a bureau appointment; the holder's current post of the same kind at that school ends the day before."""
    _check_dates(start=start)
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_manager(actor, group, on=start)
    if start < group.founded_on:
        raise ValidationError({"start": MSG_POST_BEFORE_FOUNDED % {"on": group.founded_on}})
    school_ids = set(group.memberships.filter(membership_from_q(start)).values_list("school_id", flat=True))
    if school.pk not in school_ids:
        raise ValidationError({"school": MSG_POST_SCHOOL % {"school": school.name}})
    if kind == GroupPost.Kind.HEAD and school.pk != group.lead_school_id:
        raise ValidationError({"school": MSG_HEAD_AT_LEAD})
    dispatched = Assignment.objects.filter(staff=staff, to_school=school, state__in=Assignment.COUNTED_STATES).exists()
    if staff.school_id not in (group.lead_school_id, school.pk) and not dispatched:
        raise ValidationError({"staff": MSG_POST_STAFF % {"staff": staff.name, "school": school.name}})
    current = group.posts.filter(Q(end__isnull=True) | Q(end__gte=start), school=school, kind=kind)
    if kind in (GroupPost.Kind.HEAD, GroupPost.Kind.EXECUTIVE):
        for post in current:
            post.end = max(post.start, start - _one_day())
            save_audited(post, actor=actor, reason="replaced")
    post = GroupPost(group=group, school=school, staff=staff, kind=kind, start=start, document_no=document_no,
                     assignment=assignment, appointed_by=actor, end=group.dissolved_on)  # ends with a dissolution ahead
    save_audited(post, actor=actor, reason="appointed")
    return post


def _one_day():
    from datetime import timedelta

    return timedelta(days=1)


def default_executive(group: Group, school: School) -> Staff | None:
    """The default 执行校长 of a member school: a vice principal the lead dispatched there (seed 003)."""
    row = (Assignment.objects.filter(from_school=group.lead_school_id, to_school=school, state__in=Assignment.COUNTED_STATES,
                                     staff__post=Staff.Post.VICE_PRINCIPAL)
           .select_related("staff").order_by("-start").first())
    return row.staff if row else None


@transaction.atomic
def requirement_save(*, actor: User, group_type: str, kind: str, region: Region | None, minimum: int, maximum: int | None = None,
                     subjects: str = "", key_honour: int = rules.KEY_HONOUR, active: bool = True) -> DispatchRequirement:
    """Set a requirement for a region (a row overriding the default), or the default itself (superusers)."""
    if not permissions.may_set_requirement(actor, region):
        raise PermissionDenied(MSG_REQUIREMENT_FORBIDDEN)
    if maximum is not None and maximum < minimum:
        raise ValidationError({"maximum": MSG_MAX_BELOW_MIN % {"maximum": maximum, "minimum": minimum}})
    row = DispatchRequirement.objects.select_for_update().filter(group_type=group_type, kind=kind, region=region).first()
    row = row or DispatchRequirement(group_type=group_type, kind=kind, region=region)
    row.minimum, row.maximum, row.subjects, row.key_honour, row.active = minimum, maximum, subjects, key_honour, active
    save_audited(row, actor=actor, reason="requirement")
    return row


@transaction.atomic
def dispatch_detail_save(*, actor: User, assignment: Assignment, band: str = "", subject: str = "",
                         senior_three: bool = False) -> DispatchDetail:
    """Record what a dispatched person teaches at the destination (band, subject, senior-three experience)."""
    if not permissions.may_record_dispatch_detail(actor) or not scope.visible_to(actor, Assignment).filter(pk=assignment.pk).exists():
        raise PermissionDenied(MSG_GROUP_FORBIDDEN)
    detail = DispatchDetail.objects.filter(assignment=assignment).first() or DispatchDetail(assignment=assignment)
    detail.band, detail.subject, detail.senior_three = band, subject, senior_three
    save_audited(detail, actor=actor, reason="detail")
    return detail


@transaction.atomic
def preschool_rating_save(*, actor: User, school: School, level: str) -> PreschoolRating:
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE % {"school": school.name})
    rating = PreschoolRating.objects.filter(school=school).first() or PreschoolRating(school=school)
    rating.level = level
    save_audited(rating, actor=actor)
    return rating


__all__ = [
    "MSG_GROUP_FORBIDDEN", "MSG_SCHOOL_OUT_OF_SCOPE", "MSG_REGION_FORBIDDEN", "MSG_DISSOLVED", "MSG_AFTER_DISSOLVED", "MSG_ALREADY_MEMBER",
    "MSG_LEAD_LEAVES", "MSG_POST_SCHOOL", "MSG_HEAD_AT_LEAD", "MSG_POST_STAFF", "MSG_REQUIREMENT_FORBIDDEN",
    "school_infos", "current_members", "group_create", "membership_add", "membership_end",
    "group_dissolve", "post_appoint", "default_executive", "requirement_save", "dispatch_detail_save",
    "preschool_rating_save",
]

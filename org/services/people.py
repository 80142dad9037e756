"""Writes to schools, staff and user roles: keyword-only, atomic, validated, audited with the actor."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import idcard, integrity, rules, scope
from org.models import Region, School, Staff, UserRole

MSG_SCHOOL_OUT_OF_SCOPE = _("You may not change schools outside your region.")
MSG_STAFF_OUT_OF_SCOPE = _("You may not change staff outside your region.")
MSG_REGION_LEVEL = _("County bureau staff must be scoped to a county, city staff to a city.")


SCHOOL_FIELDS = ("name", "region", "stage", "location", "is_weak", "enrolment", "class_count")
STAFF_FIELDS = ("name", "gender", "birth_date", "school", "post", "is_head_teacher", "subject", "title",
                "honour_level", "work_start", "school_start", "post_start", "status")
STAFF_CREATE_FIELDS = ("id_number", *STAFF_FIELDS)


def stated_fields(data: dict, fields: tuple, service: str) -> dict:
    """The fields a dict-taking service accepts are stated; any other key is a programming error (TypeError),
    never silently written to the row."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise TypeError(f"{service}() does not take {', '.join(unknown)}; its fields are {', '.join(fields)}")
    return data


def save_audited(instance, *, actor: User, reason: str = "") -> None:
    """Validate and save one row, recording who changed it and why in its history.

    A unique constraint met here (a concurrent request committed the same row first) is refused with
    the service's own message where one is registered (org.integrity)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise integrity.with_service_messages(error) from None
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()


@transaction.atomic
def school_update(*, actor: User, school: School, data: dict) -> School:
    """Change a school's fields (`data`: field name → value, names from SCHOOL_FIELDS); the actor must be bureau
    staff of its region. PermissionDenied outside it; TypeError for another key."""
    stated_fields(data, SCHOOL_FIELDS, "school_update")
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE)
    if "region" in data and not scope.manageable_regions(actor).filter(pk=data["region"].pk).exists():
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE)
    for name, value in data.items():
        setattr(school, name, value)
    save_audited(school, actor=actor)
    return school


@transaction.atomic
def staff_update(*, actor: User, staff: Staff, data: dict) -> Staff:
    """Change a staff member's fields (`data`: names from STAFF_FIELDS); moving them is allowed only between
    schools the actor manages. A new current-school start is checked (org.rules.school_start_refusals,
    ValidationError by field); PermissionDenied outside the actor's scope; TypeError for another key."""
    stated_fields(data, STAFF_FIELDS, "staff_update")
    if not scope.can_manage(actor, staff):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    school = data.get("school")
    if school is not None and not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    # the stored dates, not the instance's: a ModelForm has already set the new values on it
    before = Staff.objects.filter(pk=staff.pk).values_list("school_start", "birth_date").first()
    for name, value in data.items():
        setattr(staff, name, value)
    if (staff.school_start, staff.birth_date) != tuple(before or ()):
        _check_school_start(staff)
    save_audited(staff, actor=actor)
    return staff


def _check_school_start(staff: Staff) -> None:
    if staff.school_start is None or staff.birth_date is None:
        return
    errors = rules.school_start_refusals(school_start=staff.school_start, birth_date=staff.birth_date,
                                         today=timezone.localdate())
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def staff_create(*, actor: User, data: dict) -> Staff:
    """Create a staff member in a school the actor manages (`data`: names from STAFF_CREATE_FIELDS, `school`
    and `id_number` required); gender and birth date come from the ID; the current-school start is checked."""
    stated_fields(data, STAFF_CREATE_FIELDS, "staff_create")
    school = data["school"]
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    info = idcard.parse(data["id_number"])
    values = {"gender": info.gender, "birth_date": info.birth_date, **data, "id_number": info.number}
    staff = Staff(**values)
    _check_school_start(staff)
    save_audited(staff, actor=actor)
    return staff


@transaction.atomic
def user_role_assign(*, actor: User, user, role: str, region: Region | None = None, school: School | None = None) -> UserRole:
    """Give a user a role; bureau-level roles must point at a region of the matching level."""
    expected = {UserRole.Role.CITY_STAFF: Region.Level.CITY, UserRole.Role.COUNTY_STAFF: Region.Level.COUNTY}
    if role in expected and (region is None or region.level != expected[role]):
        raise ValidationError(MSG_REGION_LEVEL)
    user_role, _created = UserRole.objects.get_or_create(user=user, role=role, defaults={"region": region, "school": school})
    if (user_role.region, user_role.school) != (region, school):
        user_role.region, user_role.school = region, school
        save_audited(user_role, actor=actor)
    user.__dict__.pop("_org_scope", None)
    user.__dict__.pop("_org_regions_seen", None)
    return user_role
